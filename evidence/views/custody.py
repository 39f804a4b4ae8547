"""Recording custody actions on an item, and verifying its chain on demand.

One URL per action (`evidence:custody_record`); only the actions the item's state allows are
accepted, and `evidence.services.custody_event_append` decides the rest (the receiving
party, the legal basis of a cross-border transfer). Writes are for those who may change the
case (404 otherwise). "Verify now" is a read: whoever may see the item may run it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evidence import selectors, services
from evidence.choices import CustodyAction
from evidence.forms import ACTION_FORMS, CustodyActionForm
from evidence.verification import custody_verify_item
from evidence.views.items import item_for_change, render_item_page
from ncb_cases.audit import request_ip


def _action_of(slug: str) -> str:
    """The custody action a URL names (`sealed`, `transfer-cancelled` …); 404 if none."""
    action = slug.upper().replace("-", "_")
    if action not in ACTION_FORMS:
        raise Http404
    return action


@require_POST
def custody_record(request, item_id, action):
    """Record one custody action with its form; errors re-render the item page in place."""
    action = _action_of(action)
    item = item_for_change(request, item_id)
    form = CustodyActionForm(request.POST, action=action)
    if form.is_valid():
        try:
            event = services.custody_event_append(
                actor=request.user,
                item=item,
                action=action,
                data=form.service_data(),
                ip=request_ip(request),
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("%(action)s recorded as event %(sequence)s of %(number)s.")
                % {
                    "action": CustodyAction(action).label,
                    "sequence": event.sequence,
                    "number": item.item_number,
                },
            )
            failure = getattr(event, "integrity_failure", None)
            if failure is not None:
                messages.error(
                    request,
                    _("Integrity failure recorded as event %(sequence)s: %(notes)s")
                    % {"sequence": failure.sequence, "notes": failure.notes},
                )
            return redirect("evidence:item_detail", item_id=item.public_id)
    return render_item_page(request, item, custody_form=form, status=400)


@require_POST
def item_verify(request, item_id):
    """Recompute the item's hash chain and check the latest signed checkpoint now; say OK, or
    where the first broken link is."""
    item = selectors.evidence_get_for_user(user=request.user, item_id=item_id)
    report = custody_verify_item(item=item)
    chains, checkpoints = report.chains, report.checkpoints
    if chains.broken is None:
        messages.success(
            request,
            _("Chain of custody verified: %(count)s events, every link holds.")
            % {"count": chains.chain.events_checked},
        )
    else:
        messages.error(
            request,
            _("The chain of custody is broken: %(where)s") % {"where": report.broken_link},
        )
    if checkpoints.problems:
        messages.error(
            request,
            _("The signed checkpoint no longer matches the custody log: %(problem)s")
            % {"problem": checkpoints.problems[0]},
        )
    elif checkpoints.latest_size:
        messages.info(
            request,
            _(
                "The latest signed checkpoint covers %(size)s of %(total)s events of the "
                "custody log; its signature and root hash hold."
            )
            % {"size": checkpoints.latest_size, "total": checkpoints.log_size},
        )
    return redirect("evidence:item_detail", item_id=item.public_id)
