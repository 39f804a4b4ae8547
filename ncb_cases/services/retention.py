"""Retention review of cases (issue 7 item 5; INTERPOL's Rules on the Processing of Data).

The rules, as this module implements them:

- **Review date.** Every case carries `retention_review_on`: five years after its last
  *substantial update* (`retention_basis_on`). A substantial update is a change of what the
  case says about the crime or the people in it: the case's own fields, its status, a note,
  a person added or changed (hooked eagerly through `case_retention_touch`, one conditional
  UPDATE), and also evidence registered or moved along its custody chain and HST messages
  about the case. Those last two live in apps this one may not import (the app graph points
  the other way), so the daily task reconciles them before it lists a case: a case with a
  more recent evidence or message change rolls forward instead of being listed. Tasks,
  shares, reads and system timeline entries are not substantial.
  The date only ever moves forward automatically: a date a supervisor extended (RETAIN) is
  never shortened by the hook. An explicit edit of the date in the case form is the user's
  choice and is kept.
- **Review list.** Six months before the date, the daily beat task opens a `RetentionReview`
  row for the owner NCB (one open row per case: idempotent), audited as the system.
- **Decisions** (a supervisor of the owner NCB or an admin, only for a case on the list; one
  transaction each, with an audit row and a timeline entry):
  RETAIN (a reason, a new date at most five years ahead), ANONYMISE, DELETE.
- **Custody.** Evidence items and custody events are never changed: the custody log is
  append-only, hashed and checkpointed, and a dossier exported earlier must still verify.
  Both decisions keep them as they are; DELETE keeps the case row as an empty shell for the
  same reason (the audit trail and the custody log point at it with PROTECT) and writes a
  `CaseTombstone`.
- **Follow-ups.** When a case is anonymised or deleted, each HST message about it that reached
  a recipient gets a CORRECTION (anonymise) or CANCEL with instruction DELETE (delete),
  addressed to the recipients it reached, started through `messages_hst`'s follow-up service
  as the deciding supervisor. They are built by the compose task, then go through the normal
  four-eyes flow: the supervisor submits the draft and another supervisor approves it.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.permissions import officer_of
from ncb_cases import permissions
from ncb_cases.audit import audit_record
from ncb_cases.choices import (
    RETENTION_SUPERVISOR_DECISIONS,
    AuditAction,
    NoteKind,
    RetentionDecision,
    RetentionState,
)
from ncb_cases.models import (
    Asset,
    AssetStatusChange,
    Case,
    CaseNote,
    CaseTombstone,
    GroupMembership,
    IdentityDocument,
    OrganisedCrimeGroup,
    Person,
    PersonPhone,
    RetentionReview,
    RouteLeg,
    SupportReferral,
    Task,
    Vehicle,
)
from ncb_cases.models.case import RETENTION_REVIEW_YEARS, add_years
from ncb_cases.selectors.access import visible_cases
from ncb_cases.services._common import timeline

REVIEW_NOTICE_MONTHS = 6
REASON_MAX_LENGTH = 2000
ANONYMISED_TEXT = "[anonymised]"
DELETED_TITLE = "[deleted under retention review]"
# Sent to recipients instead of the supervisor's own words, which may name people.
FOLLOW_UP_REASON = "Data deleted or anonymised at its retention review (INTERPOL RPD)."
# Deliveries that reached (or may have reached) the recipient NCB.
REACHED_DELIVERY_STATUSES = ("AWAITING_RECEIPT", "DELIVERED", "ACCEPTED")
FOLLOW_UP_TYPE = {
    RetentionDecision.ANONYMISE: "CORRECTION",
    RetentionDecision.DELETE: "CANCEL",
}


# --- Pure date rules ----------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months, clamped to the month's end (31 Aug + 6: 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def review_on_after(basis: date) -> date:
    """The review date of a case substantially updated (or retained) on `basis`."""
    return add_years(basis, RETENTION_REVIEW_YEARS)


def listing_cutoff(today: date) -> date:
    """Cases whose review date is on or before this day belong on the review list."""
    return add_months(today, REVIEW_NOTICE_MONTHS)


def latest_retain_until(today: date) -> date:
    """The furthest date a RETAIN decision may set: five more years, as INTERPOL allows."""
    return add_years(today, RETENTION_REVIEW_YEARS)


# --- The update hook ----------------------------------------------------------------------------


def case_retention_touch(*, case: Case, today: date | None = None) -> bool:
    """Record a substantial update of `case` today: its review date moves to five years from
    today unless it is already that late (never shortened). Call it inside the service's
    transaction, after its write. One conditional UPDATE, no read; returns whether it moved.
    Deleted cases are left alone."""
    today = today or timezone.localdate()
    target = review_on_after(today)
    moved = (
        Case.objects.filter(pk=case.pk, retention_review_on__lt=target)
        .exclude(retention_state=RetentionState.DELETED)
        .update(retention_review_on=target, retention_basis_on=today)
    )
    if moved:
        case.retention_review_on, case.retention_basis_on = target, today
    return bool(moved)


# --- The daily task -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewListRun:
    """What one run of `retention_review_list_refresh` did."""

    listed: int
    rolled_forward: int
    superseded: int


def _latest_activity_subqueries() -> dict[str, Subquery]:
    """The newest change of each kind of substantial data of a case, by case (one subquery
    each, evaluated only for the few candidates the task looks at)."""

    def newest(model, field: str, **filters) -> Subquery:
        return Subquery(
            model.objects.filter(case=OuterRef("pk"), **filters)
            .order_by()
            .values("case")
            .annotate(latest=Max(field))
            .values("latest")[:1]
        )

    subqueries = {
        "person_at": newest(Person, "updated_at"),
        "note_at": newest(CaseNote, "created_at", kind=NoteKind.NOTE),
    }
    # Looked up by name: `evidence` and `messages_hst` depend on this app, not the reverse.
    # An item's `updated_at` moves with every custody event (its chain head is on the row).
    for key, label in (
        ("evidence_at", "evidence.EvidenceItem"),
        ("message_at", "messages_hst.HSTMessage"),
    ):
        if apps.is_installed(label.split(".")[0]):
            subqueries[key] = newest(apps.get_model(label), "updated_at")
    return subqueries


def retention_review_list_refresh(*, today: date | None = None) -> ReviewListRun:
    """The daily retention task (beat): reconcile, list, supersede. Idempotent.

    1. A case due within six months whose persons, notes, evidence or HST messages changed
       after its basis day rolls forward to five years after that change (audited UPDATE).
    2. Every other case due within six months, not deleted and not already listed, gets an
       open `RetentionReview` on its owner NCB's list (audited CREATE, as the system). The
       partial unique constraint makes a second (or concurrent) run list nothing twice.
    3. An open review whose case's date has since moved out of the window (an update after
       listing) is closed as SUPERSEDED.
    Cost: one query for the candidates, then a few writes per case listed.
    """
    today = today or timezone.localdate()
    cutoff = listing_cutoff(today)
    open_reviews = RetentionReview.objects.filter(case=OuterRef("pk"), decided_at__isnull=True)
    candidates = (
        Case.objects.filter(retention_review_on__lte=cutoff)
        .exclude(retention_state=RetentionState.DELETED)
        .exclude(Exists(open_reviews))
        .annotate(**_latest_activity_subqueries())
        .order_by("retention_review_on", "pk")
    )
    listed = rolled = 0
    for case in candidates.iterator(chunk_size=500):
        latest = _latest_day(case)
        if latest is not None and latest > case.retention_basis_on:
            with transaction.atomic():
                if case_retention_touch(case=case, today=latest):
                    audit_record(
                        actor=None,
                        action=AuditAction.UPDATE,
                        obj=case,
                        details={"retention_review_on": case.retention_review_on.isoformat()},
                    )
                    rolled += 1
            if case.retention_review_on > cutoff:
                continue
        listed += _open_review(case)
    superseded = _supersede_moved(cutoff)
    return ReviewListRun(listed=listed, rolled_forward=rolled, superseded=superseded)


def _latest_day(case: Case) -> date | None:
    stamps = [
        getattr(case, key, None) for key in ("person_at", "note_at", "evidence_at", "message_at")
    ]
    stamps = [stamp for stamp in stamps if stamp is not None]
    return timezone.localdate(max(stamps)) if stamps else None


def _open_review(case: Case) -> int:
    try:
        with transaction.atomic():
            review = RetentionReview.objects.create(
                case=case, owner_ncb_id=case.owner_ncb_id, due_on=case.retention_review_on
            )
            audit_record(
                actor=None,
                action=AuditAction.CREATE,
                obj=review,
                case=case,
                details={"due_on": review.due_on.isoformat()},
            )
    except IntegrityError:  # a concurrent run listed it first
        return 0
    return 1


def _supersede_moved(cutoff: date) -> int:
    moved = RetentionReview.objects.filter(
        decided_at__isnull=True, case__retention_review_on__gt=cutoff
    ).select_related("case")
    count = 0
    for review in moved:
        with transaction.atomic():
            closed = RetentionReview.objects.filter(pk=review.pk, decided_at__isnull=True).update(
                decision=RetentionDecision.SUPERSEDED,
                decided_at=timezone.now(),
                updated_at=timezone.now(),
            )
            if closed:
                audit_record(
                    actor=None,
                    action=AuditAction.UPDATE,
                    obj=review,
                    case=review.case,
                    details={"decision": RetentionDecision.SUPERSEDED},
                )
                count += 1
    return count


# --- Decisions ----------------------------------------------------------------------------------


@transaction.atomic
def case_retention_decide(
    *,
    actor: AbstractBaseUser,
    case: Case,
    decision: str,
    reason: str,
    retain_until: date | None = None,
) -> RetentionReview:
    """Decide the open retention review of `case`: RETAIN, ANONYMISE or DELETE.

    - Who: a supervisor of the owner NCB, or an admin (PermissionDenied otherwise, adapters
      answer 404, also for a case the actor cannot see).
    - Refused (ValidationError by field): a case not on the review list (`case`), an unknown
      `decision`, an empty `reason`, for RETAIN a `retain_until` missing, not after today or
      more than five years ahead.
    - One transaction: the case change, the closed review, a RETENTION timeline entry, the
      audit row (UPDATE; DELETE for a deletion, with a `CaseTombstone`), and for ANONYMISE /
      DELETE the HST follow-ups (see the module docstring). Returns the closed review.
    """
    try:
        case = visible_cases(actor).select_for_update(of=("self",)).get(pk=case.pk)
    except Case.DoesNotExist as exc:
        raise PermissionDenied from exc
    if not permissions.is_owner_supervisor(actor, case):
        raise PermissionDenied
    review = (
        RetentionReview.objects.select_for_update()
        .filter(case=case, decided_at__isnull=True)
        .first()
    )
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if review is None:
        errors["case"] = [_("This case is not on the retention review list.")]
    if decision not in RETENTION_SUPERVISOR_DECISIONS:
        errors["decision"] = [_("Choose retain, anonymise or delete.")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why: the decision is kept in the case's audit trail.")]
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = [_("At most %(max)s characters.") % {"max": REASON_MAX_LENGTH}]
    if decision == RetentionDecision.RETAIN:
        latest = latest_retain_until(today)
        if retain_until is None:
            errors["retain_until"] = [_("Give the date of the next review.")]
        elif not today < retain_until <= latest:
            errors["retain_until"] = [
                _("Choose a date after today and at the latest %(day)s (five years).")
                % {"day": latest.isoformat()}
            ]
    if errors:
        raise ValidationError(errors)

    details: dict[str, object] = {"decision": decision}
    if decision == RetentionDecision.RETAIN:
        case.retention_review_on, case.retention_basis_on = retain_until, today
        case.full_clean()
        case.save(update_fields=["retention_review_on", "retention_basis_on", "updated_at"])
        details["retention_review_on"] = retain_until.isoformat()
        action = AuditAction.UPDATE
    else:
        follow_ups = _start_follow_ups(actor=actor, case=case, decision=decision)
        details["follow_ups"] = len(follow_ups)
        if decision == RetentionDecision.ANONYMISE:
            details["anonymised"] = _anonymise(case, today=today)
            action = AuditAction.UPDATE
        else:
            tombstone = _delete(case, actor=actor, reason=reason)
            details["removed"] = tombstone.removed
            action = AuditAction.DELETE
    review.decision = decision
    review.reason = reason
    review.retain_until = retain_until if decision == RetentionDecision.RETAIN else None
    review.decided_at = timezone.now()
    review.decided_by = actor
    review.full_clean()
    review.save(
        update_fields=[
            "decision",
            "reason",
            "retain_until",
            "decided_at",
            "decided_by",
            "updated_at",
        ]
    )
    timeline(
        case=case,
        kind=NoteKind.RETENTION,
        text=_("Retention review: %(decision)s.")
        % {"decision": RetentionDecision(decision).label},
        author=actor,
        details={"decision": decision},
    )
    # The reason is the supervisor's own words: it goes in the trail's purpose, not details.
    audit_record(actor=actor, action=action, obj=case, purpose=reason, details=details)
    return review


def _start_follow_ups(*, actor: AbstractBaseUser, case: Case, decision: str) -> list:
    """A CORRECTION / CANCEL for each message about `case` that reached a recipient, to the
    recipients it reached. Through `messages_hst`'s follow-up service (imported here: that app
    depends on this one), so the follow-ups are composed, submitted and approved (four eyes)
    like any message. Started before the case is scrubbed; the compose task builds the body
    after commit, from the case as the decision left it."""
    if not apps.is_installed("messages_hst"):
        return []
    from messages_hst.choices import SENT_STATUSES, MessageType
    from messages_hst.models import Delivery, HSTMessage
    from messages_hst.services import message_follow_up_start

    reached = Delivery.objects.filter(message=OuterRef("pk"), status__in=REACHED_DELIVERY_STATUSES)
    originals = list(
        HSTMessage.objects.filter(case=case, status__in=SENT_STATUSES)
        .exclude(message_type=MessageType.CANCEL)
        .filter(Exists(reached))
        .order_by("created_at", "pk")
    )
    if not originals:
        return []
    officer = officer_of(actor)
    if officer is None or officer.ncb_id != case.owner_ncb_id:
        raise ValidationError(
            {
                "decision": [
                    _(
                        "Messages about this case reached other NCBs: a supervisor of the owner "
                        "NCB must decide, so that the follow-ups go out in its name."
                    )
                ]
            }
        )
    recipients_by_message: dict[int, list[str]] = {}
    for message_id, code in (
        Delivery.objects.filter(message__in=originals, status__in=REACHED_DELIVERY_STATUSES)
        .order_by("recipient_ncb__code")
        .values_list("message_id", "recipient_ncb__code")
    ):
        recipients_by_message.setdefault(message_id, []).append(code)
    message_type = FOLLOW_UP_TYPE[decision]
    return [
        message_follow_up_start(
            actor=actor,
            original=original,
            message_type=message_type,
            recipients=recipients_by_message[original.pk],
            instruction="DELETE" if message_type == "CANCEL" else "",
            reason=FOLLOW_UP_REASON,
        )
        for original in originals
    ]


def _scrub_text_fields(queryset: models.QuerySet, *, keep: tuple[str, ...] = ()) -> int:
    """Blank every optional free-text column (TextField) of the rows: descriptions and notes,
    which may name people. One UPDATE."""
    model = queryset.model
    blank = {
        field.name: ""
        for field in model._meta.concrete_fields
        if isinstance(field, models.TextField) and field.blank and field.name not in keep
    }
    return queryset.update(**blank) if blank else 0


def _anonymise(case: Case, *, today: date) -> dict[str, int]:
    """Persons become pseudonyms, identity data and free text go; the facts analysts count
    (roles, sex, nationalities, child flag, victim numbers, codes) and every evidence item and
    custody event stay. Bulk UPDATEs bypass `save()` on purpose: the derived child flag must
    survive the loss of the birth date, and timeline entries, append-only to people, are
    scrubbed here under the retention rules."""
    persons = Person.objects.filter(case=case)
    counts = {
        "phones": PersonPhone.objects.filter(person__case=case).delete()[0],
        "documents": IdentityDocument.objects.filter(person__case=case).delete()[0],
        "vehicles": Vehicle.objects.filter(case=case).delete()[0],
    }
    for number, person in enumerate(persons.order_by("pk").only("pk", "victim_number"), 1):
        label = f"V-{person.victim_number}" if person.victim_number else f"P-{number}"
        Person.objects.filter(pk=person.pk).update(family_name=label)
    counts["persons"] = persons.update(
        forenames="",
        name_original_script="",
        aliases=[],
        date_of_birth="",
        place_of_birth="",
        addresses="",
        recruitment_platforms=[],
        search_names="",
        name_key="",
        updated_at=timezone.now(),
    )
    counts["notes"] = CaseNote.objects.filter(case=case).update(text=ANONYMISED_TEXT, details={})
    Task.objects.filter(case=case).update(title=ANONYMISED_TEXT, description="")
    for model in (OrganisedCrimeGroup, RouteLeg, Asset, SupportReferral):
        _scrub_text_fields(model.objects.filter(case=case))
    _scrub_text_fields(AssetStatusChange.objects.filter(asset__case=case))
    case.title = _("Anonymised case %(reference)s") % {"reference": case.reference}
    case.summary = ""
    case.retention_state = RetentionState.ANONYMISED
    case.retention_basis_on = today
    case.retention_review_on = review_on_after(today)
    case.save(
        update_fields=[
            "title",
            "summary",
            "retention_state",
            "retention_basis_on",
            "retention_review_on",
            "updated_at",
        ]
    )
    return counts


def _delete(case: Case, *, actor: AbstractBaseUser, reason: str) -> CaseTombstone:
    """Remove every personal and case-content row; keep the shell, the evidence and custody
    rows (with their hashes), the dossier export records, the audit trail and the HST
    messages already sent (immutable; the CANCEL follow-ups tell their recipients)."""
    kept = {
        "evidence_items": [
            {"item_number": number, "last_sequence": sequence, "head_hash": head}
            for number, sequence, head in case.evidence_items.order_by("pk").values_list(
                "item_number", "last_sequence", "head_hash"
            )
        ]
        if hasattr(case, "evidence_items")
        else [],
        "dossier_exports": case.dossier_exports.count() if hasattr(case, "dossier_exports") else 0,
    }
    persons = Person.objects.filter(case=case)
    removed = {
        "support_referrals": SupportReferral.objects.filter(case=case).delete()[0],
        "vehicles": Vehicle.objects.filter(case=case).delete()[0],
        "group_memberships": GroupMembership.objects.filter(person__case=case).delete()[0],
    }
    AssetStatusChange.objects.filter(asset__case=case).delete()
    removed["assets"] = Asset.objects.filter(case=case).delete()[0]
    removed["crime_groups"] = OrganisedCrimeGroup.objects.filter(case=case).delete()[0]
    removed["route_legs"] = RouteLeg.objects.filter(case=case).delete()[0]
    removed["persons"] = persons.count()
    persons.delete()  # phones and documents cascade
    removed["tasks"] = Task.objects.filter(case=case).delete()[0]
    # Timeline entries are append-only to people; a retention deletion is the exception.
    removed["notes"] = CaseNote.objects.filter(case=case).delete()[0]
    case.title = DELETED_TITLE
    case.summary = ""
    case.h3_text = ""
    case.retention_state = RetentionState.DELETED
    case.save(update_fields=["title", "summary", "h3_text", "retention_state", "updated_at"])
    return CaseTombstone.objects.create(
        case=case,
        reference=case.reference,
        owner_ncb_id=case.owner_ncb_id,
        deleted_by=actor,
        reason=reason,
        removed=removed,
        kept=kept,
    )
