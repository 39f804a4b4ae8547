"""Browser pages of meetings under /meetings/ (issue 6 item 5).

Thin adapters over `ncb_cases.selectors.meetings` and `ncb_cases.services.meetings`. A page
showing a meeting reads it with `meeting_detail_for_user` (one VIEW audit row, 404 for missing
and forbidden alike, DENIED audited); write views fetch it with `for_change=True`, so whoever
may only read gets the same 404 as for a meeting that does not exist. Every successful POST
redirects with a message; a failed one re-renders the page with the form's errors.

Sending the invitation or minutes calls `messages_hst.services.meetings` through a lazy
import: the case domain does not depend on the messages app at import time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contacts.models import NationalCentralBureau
from ncb_cases import attachments, ical
from ncb_cases.audit import audit_record, request_ip
from ncb_cases.choices import AuditAction
from ncb_cases.forms.meetings import MeetingActionItemForm, MeetingDocumentForm, MeetingForm
from ncb_cases.models import Case, Meeting
from ncb_cases.selectors import meetings as selectors
from ncb_cases.selectors.access import visible_cases
from ncb_cases.services import meetings as services

MEETING_PAGE_SIZE = 50


def _meeting_for_change(request: HttpRequest, meeting_id) -> Meeting:
    return selectors.meeting_get_for_user(
        user=request.user, meeting_id=meeting_id, for_change=True
    )


def _linkable_cases(request: HttpRequest) -> QuerySet[Case]:
    return visible_cases(request.user).select_related("owner_ncb").order_by("reference")


# --- The calendar -----------------------------------------------------------------------------


@require_GET
def meeting_list(request):
    period = request.GET.get("when", "upcoming")
    if period not in selectors.MEETING_PERIODS:
        period = "upcoming"
    meetings = selectors.meeting_list_for_user(user=request.user, period=period)
    page = Paginator(meetings, MEETING_PAGE_SIZE).get_page(request.GET.get("page"))
    months = [
        (month, list(group))
        for month, group in itertools.groupby(
            page.object_list,
            key=lambda meeting: timezone.localtime(meeting.starts_at).replace(
                day=1, hour=0, minute=0, second=0, microsecond=0
            ),
        )
    ]
    return render(
        request,
        "ncb_cases/meetings/meeting_list.html",
        {
            "period": period,
            "page": page,
            "months": months,
            "can_create": selectors.can_create_meetings(request.user),
            "has_access": selectors.meeting_visible_q(request.user) is not None,
        },
    )


# --- Creating and editing ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meeting_create(request):
    if not selectors.can_create_meetings(request.user):
        raise Http404
    choose_organiser = selectors.meeting_organiser(request.user) is None
    form_kwargs = {"cases": _linkable_cases(request), "choose_organiser": choose_organiser}
    if request.method == "POST":
        form = MeetingForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                meeting = services.meeting_create(actor=request.user, data=form.service_data())
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Meeting “%(title)s” planned.") % {"title": meeting})
                return redirect("meetings:detail", meeting_id=meeting.public_id)
    else:
        form = MeetingForm(initial={"timezone": "UTC", "kind": "WORKING"}, **form_kwargs)
    return render(request, "ncb_cases/meetings/meeting_form.html", {"form": form, "meeting": None})


def _initial(meeting: Meeting, cases: QuerySet[Case]) -> dict:
    zone = _zone(meeting.timezone)
    return {
        "kind": meeting.kind,
        "title": meeting.title,
        "organising_bureau": meeting.organising_bureau,
        "timezone": meeting.timezone,
        "starts_at": meeting.starts_at.astimezone(zone).replace(tzinfo=None),
        "ends_at": meeting.ends_at.astimezone(zone).replace(tzinfo=None),
        "place": meeting.place,
        "online": meeting.online,
        "participants": [p.ncb for p in meeting.participations.all()],
        "cases": list(cases),
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
    }


def _zone(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


@require_http_methods(["GET", "POST"])
def meeting_edit(request, meeting_id):
    meeting = _meeting_for_change(request, meeting_id)
    form_kwargs = {"cases": _linkable_cases(request), "choose_organiser": False}
    if request.method == "POST":
        form = MeetingForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                services.meeting_update(
                    actor=request.user, meeting=meeting, data=form.service_data()
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The meeting is saved."))
                return redirect("meetings:detail", meeting_id=meeting.public_id)
    else:
        linked = selectors.meeting_cases_for_user(user=request.user, meeting=meeting)
        form = MeetingForm(initial=_initial(meeting, linked), **form_kwargs)
    return render(
        request, "ncb_cases/meetings/meeting_form.html", {"form": form, "meeting": meeting}
    )


# --- The meeting ------------------------------------------------------------------------------


def _owners(meeting: Meeting) -> QuerySet[NationalCentralBureau]:
    ids = [meeting.organising_ncb_id, *(p.ncb_id for p in meeting.participations.all())]
    return NationalCentralBureau.objects.filter(pk__in=ids).order_by("code")


def _detail_context(request, meeting: Meeting, *, item_form=None, document_form=None) -> dict:
    can_change = selectors.can_change_meeting(request.user, meeting)
    # Messages go out in the name of an NCB: its own supervisors draft them, not admins.
    can_send = _is_organiser_officer(request, meeting)
    if can_change:
        item_form = item_form or MeetingActionItemForm(owners=_owners(meeting))
        document_form = document_form or MeetingDocumentForm()
    today = timezone.localdate()
    items = list(selectors.meeting_action_items(meeting=meeting))
    for item in items:
        item.is_overdue = item.done_on is None and item.due_on is not None and item.due_on < today
    return {
        "meeting": meeting,
        "participations": list(meeting.participations.all()),
        "linked_cases": list(selectors.meeting_cases_for_user(user=request.user, meeting=meeting)),
        "action_items": items,
        "documents": list(
            selectors.meeting_documents_for_user(user=request.user, meeting=meeting)
        ),
        "can_read_documents": selectors.can_read_meeting_documents(request.user, meeting),
        "can_change": can_change,
        "can_send": can_send,
        "item_form": item_form,
        "document_form": document_form,
        "max_upload_mb": f"{services.document_max_bytes() / (1024 * 1024):g}",
        "is_past": meeting.ends_at <= timezone.now(),
    }


def _is_organiser_officer(request, meeting: Meeting) -> bool:
    officer = selectors.meeting_organiser(request.user)
    return officer is not None and officer.ncb_id == meeting.organising_ncb_id


@require_GET
def meeting_detail(request, meeting_id):
    meeting = selectors.meeting_detail_for_user(
        user=request.user, meeting_id=meeting_id, ip=request_ip(request)
    )
    return render(
        request, "ncb_cases/meetings/meeting_detail.html", _detail_context(request, meeting)
    )


@require_POST
def meeting_item_add(request, meeting_id):
    meeting = _meeting_for_change(request, meeting_id)
    form = MeetingActionItemForm(request.POST, owners=_owners(meeting))
    if form.is_valid():
        try:
            services.meeting_action_item_add(
                actor=request.user, meeting=meeting, data=form.cleaned_data
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Action item added."))
            return redirect("meetings:detail", meeting_id=meeting.public_id)
    context = _detail_context(request, meeting, item_form=form)
    return render(request, "ncb_cases/meetings/meeting_detail.html", context, status=400)


@require_POST
def meeting_item_done(request, meeting_id, action_item_id):
    meeting = _meeting_for_change(request, meeting_id)
    item = selectors.meeting_item_get_for_user(
        user=request.user, meeting=meeting, item_id=action_item_id
    )
    done_on = None if item.done_on else timezone.localdate()
    try:
        services.meeting_action_item_update(
            actor=request.user, item=item, data={"done_on": done_on}
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Action marked done.") if done_on else _("Action reopened."))
    return redirect("meetings:detail", meeting_id=meeting.public_id)


@require_POST
def meeting_document_upload(request, meeting_id):
    meeting = _meeting_for_change(request, meeting_id)
    form = MeetingDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.meeting_document_add(
                actor=request.user,
                meeting=meeting,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Document added."))
            return redirect("meetings:detail", meeting_id=meeting.public_id)
    context = _detail_context(request, meeting, document_form=form)
    return render(request, "ncb_cases/meetings/meeting_detail.html", context, status=400)


@require_GET
def meeting_document_download(request, meeting_id, document_id):
    document = selectors.meeting_document_get_for_user(user=request.user, document_id=document_id)
    if str(document.meeting.public_id) != str(meeting_id):
        raise Http404
    try:
        handle = services.meeting_document_open(
            actor=request.user, document=document, ip=request_ip(request)
        )
    except FileNotFoundError:
        raise Http404 from None
    return attachments.attachment_response(
        handle, filename=document.filename, media_type=document.media_type
    )


@require_GET
def meeting_calendar_file(request, meeting_id):
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    body = ical.meeting_ics(meeting, stamp=timezone.now())
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=meeting,
        ip=request_ip(request),
        details={"format": "ics"},
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="meeting.ics"'
    return response


@require_POST
def meeting_send(request, meeting_id, purpose):
    """Draft the invitation or minutes as an HST INFO message; the author then submits it for
    a colleague's approval from the message page."""
    from messages_hst.services.meetings import meeting_message_draft

    meeting = _meeting_for_change(request, meeting_id)
    try:
        message = meeting_message_draft(actor=request.user, meeting=meeting, purpose=purpose)
    except PermissionDenied as exc:
        messages.error(request, " ".join(str(arg) for arg in exc.args) or _("Not permitted."))
        return redirect("meetings:detail", meeting_id=meeting.public_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("meetings:detail", meeting_id=meeting.public_id)
    messages.success(
        request,
        _("A draft HST message is ready: check it, then submit it for approval."),
    )
    return redirect(message.get_absolute_url())
