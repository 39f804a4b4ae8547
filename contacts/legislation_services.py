"""Recording a review of a country's legislation against the resolution's asks (issue 6,
item 3).

One row per country holds the latest review; every review is an audit event whose details
keep the answers before and after, so the history of a country's answers is the audit trail.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts.choices import LegislationStatus
from contacts.legislation_permissions import can_review_legislation
from contacts.models import Country, CountryLegislation
from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction

# The resolution's asks, in the order of the table's columns, with their column labels.
LEGISLATION_ASKS: tuple[tuple[str, str], ...] = (
    ("assistance_punishable", gettext_lazy("Assistance to THB punishable")),
    ("incitement_punishable", gettext_lazy("Incitement to THB punishable")),
    ("asset_seizure", gettext_lazy("Seizure of THB assets")),
    ("asset_confiscation", gettext_lazy("Confiscation of THB assets")),
)
ASK_FIELDS = tuple(field for field, _label in LEGISLATION_ASKS)
REVIEWED_FIELDS = (*ASK_FIELDS, "source_reference", "source_url", "notes", "last_reviewed_on")
# An answer that the law provides for something must say which law.
STATUSES_NEEDING_SOURCE = frozenset({LegislationStatus.YES, LegislationStatus.PARTIAL})

# A review older than this is flagged: laws change, and the resolution's asks with them.
STALE_AFTER_YEARS = 2


def legislation_stale_before(today: date | None = None) -> date:
    """The day before which a review counts as stale: the same day two years ago (28 February
    for a 29 February)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - STALE_AFTER_YEARS)
    except ValueError:
        return today.replace(year=today.year - STALE_AFTER_YEARS, day=28)


@dataclass(frozen=True)
class LegislationReview:
    """What a reviewer states about a country's law; the same for the page and the API."""

    assistance_punishable: str
    incitement_punishable: str
    asset_seizure: str
    asset_confiscation: str
    source_reference: str = ""
    source_url: str = ""
    notes: str = ""
    reviewed_on: date | None = None

    @classmethod
    def of(cls, legislation: CountryLegislation | None) -> "LegislationReview":
        """The review currently recorded (all answers "not known" if there is none)."""
        if legislation is None:
            return cls(*(LegislationStatus.UNKNOWN for _field in ASK_FIELDS))
        return cls(
            **{field: getattr(legislation, field) for field in ASK_FIELDS},
            source_reference=legislation.source_reference,
            source_url=legislation.source_url,
            notes=legislation.notes,
            reviewed_on=legislation.last_reviewed_on,
        )


def _review_errors(review: LegislationReview, reviewed_on: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if reviewed_on > timezone.localdate():
        errors["reviewed_on"] = [_("A review cannot be dated in the future.")]
    needs_source = [
        field for field in ASK_FIELDS if getattr(review, field) in STATUSES_NEEDING_SOURCE
    ]
    if needs_source and not review.source_reference.strip():
        errors["source_reference"] = [
            _(
                "Name the law and its articles: an answer “Yes” or “Partly” needs a source "
                "that colleagues can check."
            )
        ]
    return errors


@transaction.atomic
def legislation_review_record(
    *, actor: AbstractBaseUser, country: Country, review: LegislationReview
) -> CountryLegislation:
    """Record `actor`'s review of the legislation of `country` as its latest (creating the
    country's row on the first review) and return it.

    - needs `can_review_legislation` (the country's NCB supervisors, instance admins), else
      PermissionDenied;
    - `review.reviewed_on` defaults to today and may not be in the future; a source reference
      is required when any answer is YES or PARTIAL; every field error is raised at once as a
      ValidationError keyed by field (`reviewed_on` for the date), and nothing is saved;
    - writes one audit event (CREATE on the first review, UPDATE after) with the country and
      each changed field's answer before and after.
    """
    if not can_review_legislation(actor, country):
        raise PermissionDenied
    reviewed_on = review.reviewed_on or timezone.localdate()
    errors = _review_errors(review, reviewed_on)
    # Locked so that two reviewers saving at once write one after the other, each audited
    # against what the other saved.
    legislation = CountryLegislation.objects.select_for_update().filter(country=country).first()
    created = legislation is None
    if created:
        legislation = CountryLegislation(country=country)
    before = {field: getattr(legislation, field) for field in REVIEWED_FIELDS}
    for field in ASK_FIELDS:
        setattr(legislation, field, getattr(review, field))
    legislation.source_reference = review.source_reference.strip()
    legislation.source_url = review.source_url.strip()
    legislation.notes = review.notes.strip()
    legislation.last_reviewed_on = reviewed_on
    legislation.reviewed_by = actor
    try:
        legislation.full_clean(exclude=["country", *errors.keys()])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            key = "reviewed_on" if field == "last_reviewed_on" else field
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    legislation.save()
    # The notes may be long: the trail says that they changed, the row says how.
    changes = {
        field: True
        if field == "notes"
        else [_as_json(before[field]), _as_json(getattr(legislation, field))]
        for field in REVIEWED_FIELDS
        if before[field] != getattr(legislation, field)
    }
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=legislation,
        details={"country": country.iso2, "changes": changes},
    )
    return legislation


def _as_json(value):
    return value.isoformat() if isinstance(value, date) else value
