"""Retention review pages: the owner NCB's review list (`/cases/retention/`) and the
decision form of a case on it (`/cases/<id>/retention/`).

Only supervisors of the owner NCB and admins see either (`selectors.retention`); anyone
else gets a 404, as for a missing case. The decision itself is
`services.retention.case_retention_decide`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from ncb_cases.audit import request_ip
from ncb_cases.choices import RetentionDecision
from ncb_cases.forms.retention import RetentionDecisionForm
from ncb_cases.selectors import case_detail_for_user
from ncb_cases.selectors.retention import (
    can_review_retention,
    retention_case_for_user,
    retention_review_list_for_user,
)
from ncb_cases.services.retention import case_retention_decide, listing_cutoff
from ncb_cases.views.cases import case_page_context

REVIEW_PAGE_ROWS = 200

DONE_MESSAGES = {
    RetentionDecision.RETAIN: _("Case %(reference)s is retained; next review on %(day)s."),
    RetentionDecision.ANONYMISE: _(
        "Case %(reference)s is anonymised. Corrections to earlier messages, if any, are drafts "
        "in your messages: submit them for a colleague's approval."
    ),
    RetentionDecision.DELETE: _(
        "Case %(reference)s is deleted; its tombstone and its evidence chains remain. "
        "Cancellations of earlier messages, if any, are drafts in your messages: submit them "
        "for a colleague's approval."
    ),
}


@require_http_methods(["GET"])
def retention_review_list(request):
    if not can_review_retention(request.user):
        raise Http404
    reviews = list(retention_review_list_for_user(user=request.user)[:REVIEW_PAGE_ROWS])
    today = timezone.localdate()
    for review in reviews:
        review.overdue = review.case.retention_review_on <= today
    return render(
        request,
        "ncb_cases/retention_list.html",
        {"reviews": reviews, "cutoff": listing_cutoff(today), "today": today},
    )


@require_http_methods(["GET", "POST"])
def retention_decide(request, case_id):
    case, review = retention_case_for_user(user=request.user, case_id=case_id)
    if request.method == "POST":
        form = RetentionDecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case_retention_decide(
                    actor=request.user,
                    case=case,
                    decision=data["decision"],
                    reason=data["reason"],
                    retain_until=data["retain_until"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                case.refresh_from_db()
                messages.success(
                    request,
                    DONE_MESSAGES[data["decision"]]
                    % {
                        "reference": case.reference,
                        "day": case.retention_review_on.isoformat(),
                    },
                )
                return redirect("cases:retention_list")
    else:
        # The page shows the case: a read, audited like any case page.
        case = case_detail_for_user(user=request.user, case_id=case_id, ip=request_ip(request))
        form = RetentionDecisionForm()
    return render(
        request,
        "ncb_cases/retention_decide.html",
        case_page_context(request, case, "retention", review=review, form=form),
    )
