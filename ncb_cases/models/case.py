"""The case: what an NCB investigates, its code-listed facts, its handling and its grants."""

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from contacts.models import Country, NationalCentralBureau
from ncb_cases.choices import (
    CONFIDENTIALITY_RANK,
    STRICTEST_CONFIDENTIALITY,
    CaseOutcome,
    CaseStatus,
    ConfidentialityLevel,
    CountryRole,
    ExploitationForm,
    HandlingCode,
    InformationAccuracy,
    OffenceType,
    PalermoAct,
    PalermoMeans,
    PalermoPurpose,
    RetentionState,
    SourceReliability,
)
from ncb_cases.validators import CodeListValidator

# INTERPOL's Rules on the Processing of Data: a case is reviewed at the latest five years after
# it was recorded (HST `handling.retention.review_on`).
RETENTION_REVIEW_YEARS = 5


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def default_retention_review_on() -> date:
    return add_years(timezone.localdate(), RETENTION_REVIEW_YEARS)


class CaseReferenceCounter(models.Model):
    """The last case number an NCB used in a year; locked while a new reference is taken."""

    ncb = models.ForeignKey(NationalCentralBureau, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ncb", "year"], name="%(app_label)s_%(class)s_one_per_ncb_and_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ncb.code}-{self.year}: {self.last_number}"


class Case(models.Model):
    """A trafficking or smuggling case owned by one NCB (DESIGN.md §4).

    Read it only through `ncb_cases.selectors` (need-to-know, DESIGN.md §5) and change it only
    through `ncb_cases.services`. The integer primary key never leaves the server: URLs and
    the API use `public_id`; people use `reference` (`FR-2026-000041`).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=24, unique=True, editable=False)
    title = models.CharField(max_length=200)
    summary = models.TextField(max_length=2000, blank=True)
    owner_ncb = models.ForeignKey(
        NationalCentralBureau, on_delete=models.PROTECT, related_name="cases", editable=False
    )
    status = models.CharField(
        max_length=24, choices=CaseStatus.choices, default=CaseStatus.OPEN, editable=False
    )
    outcome = models.CharField(
        max_length=24, choices=CaseOutcome.choices, blank=True, editable=False
    )
    offence_type = models.CharField(
        max_length=20, choices=OffenceType.choices, default=OffenceType.UNDETERMINED
    )
    palermo_acts = models.JSONField(
        default=list, blank=True, validators=[CodeListValidator(PalermoAct)]
    )
    palermo_means = models.JSONField(
        default=list, blank=True, validators=[CodeListValidator(PalermoMeans)]
    )
    palermo_purposes = models.JSONField(
        default=list, blank=True, validators=[CodeListValidator(PalermoPurpose)]
    )
    opened_on = models.DateField(default=timezone.localdate)
    closed_on = models.DateField(null=True, blank=True, editable=False)
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_cases",
    )
    confidentiality_level = models.CharField(
        max_length=32,
        choices=ConfidentialityLevel.choices,
        default=ConfidentialityLevel.INTERPOL_RESTRICTED,
    )
    handling_codes = models.JSONField(
        default=list, blank=True, validators=[CodeListValidator(HandlingCode)]
    )
    h3_text = models.CharField("H3 restriction", max_length=300, blank=True)
    source_reliability = models.CharField(
        max_length=1, choices=SourceReliability.choices, default=SourceReliability.X
    )
    information_accuracy = models.CharField(
        max_length=1,
        choices=InformationAccuracy.choices,
        default=InformationAccuracy.CANNOT_BE_JUDGED,
    )
    # Computed by the person services, never typed (HST `minor_data_present`).
    minor_data_present = models.BooleanField(default=False, editable=False)
    retention_review_on = models.DateField(default=default_retention_review_on)
    # The day the five years run from: the last substantial update, or the last RETAIN
    # decision (`ncb_cases.services.retention`). `clean()` caps the review date from it.
    retention_basis_on = models.DateField(default=timezone.localdate, editable=False)
    retention_state = models.CharField(
        max_length=12,
        choices=RetentionState.choices,
        default=RetentionState.ACTIVE,
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("view_victim_identity", gettext_lazy("View victim identity"))]
        indexes = [
            models.Index(fields=["owner_ncb", "-created_at"], name="ncb_cases_case_owner_created"),
            # The default list order: a page walks it and stops after 50 visible rows.
            models.Index(fields=["-created_at", "-id"], name="ncb_cases_case_newest"),
            # The dashboard's recently updated cases and the list sorted so: the same walk.
            models.Index(fields=["-updated_at", "-id"], name="ncb_cases_case_updated"),
            models.Index(fields=["status"], name="ncb_cases_case_status"),
            models.Index(fields=["offence_type"], name="ncb_cases_case_offence"),
            models.Index(fields=["opened_on"], name="ncb_cases_case_opened_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="%(app_label)s_%(class)s_closed_after_opened",
            ),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.CLOSED) | ~Q(outcome=""),
                name="%(app_label)s_%(class)s_closed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if HandlingCode.H3 in (self.handling_codes or []) and not self.h3_text.strip():
            errors["h3_text"] = [_("Handling code H3 needs the restriction written out.")]
        created = self.created_at.date() if self.created_at else timezone.localdate()
        # The cap runs from the later of the recording and the last substantial update or
        # retain decision, so an extension a supervisor decided stays valid on later edits.
        if self.retention_basis_on and self.retention_basis_on > created:
            created = self.retention_basis_on
        if self.retention_review_on and self.retention_review_on > add_years(
            created, RETENTION_REVIEW_YEARS
        ):
            errors["retention_review_on"] = [
                _(
                    "Review at the latest %(years)s years after the case was recorded or last "
                    "substantially updated (%(day)s)."
                )
                % {
                    "years": RETENTION_REVIEW_YEARS,
                    "day": add_years(created, RETENTION_REVIEW_YEARS).isoformat(),
                }
            ]
        if self.opened_on and self.opened_on > timezone.localdate():
            errors["opened_on"] = [_("A case cannot be opened in the future.")]
        if self.minor_data_present and self.confidentiality_level != STRICTEST_CONFIDENTIALITY:
            errors["confidentiality_level"] = [
                _("This case holds a child's data, so it stays at %(level)s.")
                % {"level": ConfidentialityLevel(STRICTEST_CONFIDENTIALITY).label}
            ]
        if errors:
            raise ValidationError(errors)

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED

    def confidentiality_at_least(self, level: str) -> bool:
        return CONFIDENTIALITY_RANK[self.confidentiality_level] >= CONFIDENTIALITY_RANK[level]


class CaseExploitationForm(models.Model):
    """One form of exploitation in a case (a row each, so lists filter alike on every database)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exploitation_forms")
    form = models.CharField(max_length=24, choices=ExploitationForm.choices)

    class Meta:
        ordering = ["form"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "form"], name="%(app_label)s_%(class)s_once_per_case"
            )
        ]
        indexes = [models.Index(fields=["form", "case"], name="ncb_cases_expl_form_case")]

    def __str__(self) -> str:
        return self.get_form_display()


class CaseCountry(models.Model):
    """A country involved in a case, as origin, transit or destination."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="countries")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=12, choices=CountryRole.choices)

    class Meta:
        ordering = ["role", "country__name"]
        verbose_name_plural = "case countries"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "country", "role"], name="%(app_label)s_%(class)s_once_per_role"
            )
        ]
        indexes = [models.Index(fields=["country", "role", "case"], name="ncb_cases_country_case")]

    def __str__(self) -> str:
        return f"{self.country} ({self.get_role_display()})"


class CaseUserObjectPermission(UserObjectPermissionBase):
    """django-guardian grants of a case to one user (direct foreign key, not generic).

    Holds `view_victim_identity` (given to the case's creator and by owner supervisors) and,
    rarely, `view_case` / `change_case` for one officer outside the owner NCB.
    """

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        # unique_together (user, permission, content_object) is the index selectors use.
        verbose_name = "case user permission"


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    """django-guardian grants of a case to an NCB's group: the realisation of a `CaseShare`."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        # unique_together (group, permission, content_object) is the index selectors use.
        verbose_name = "case group permission"
