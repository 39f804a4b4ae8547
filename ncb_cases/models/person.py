"""Persons within a case, their phones and identity documents, and vehicles."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts.models import Country
from ncb_cases.choices import (
    VICTIM_ROLES,
    DocumentAuthenticity,
    DocumentType,
    MeansOfControl,
    PersonRole,
    PhoneKind,
    RecruitmentMethod,
    RelationshipToTrafficker,
    RoleInProcess,
    Sex,
    VehicleType,
)
from ncb_cases.models.case import Case
from ncb_cases.validators import (
    CodeListValidator,
    fold_text,
    is_child_on,
    normalize_document_number,
    normalize_plate,
    partial_date_bounds,
    person_name_key,
    validate_icao_code,
    validate_icao_code_list,
    validate_mrz,
    validate_partial_date,
    validate_text_list,
)

# Fields that identify a person. For a protected person (victim, possible victim, child) they
# are shown only to holders of the case's `view_victim_identity` permission, through
# `ncb_cases.pseudonyms` and an audited, purposed reveal.
IDENTITY_FIELDS = (
    "family_name",
    "forenames",
    "name_original_script",
    "aliases",
    "date_of_birth",
    "place_of_birth",
    "addresses",
)


class Person(models.Model):
    """Someone in a case: suspect, offender, victim, witness, smuggled migrant, facilitator.

    `is_child` is computed on save: under 18 (the youngest age a partial birth date allows) at
    the start of exploitation, or when the case was opened if that is unknown. Victims,
    possible victims and children are *protected*: they get a stable per-case number
    (`victim_number`, shown as "Victim V-3") and their identity is shown only through
    `ncb_cases.pseudonyms`. `str(person)` never shows a protected person's name.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="persons")
    role = models.CharField(max_length=20, choices=PersonRole.choices)
    family_name = models.CharField(max_length=150, blank=True)
    forenames = models.CharField(max_length=150, blank=True)
    name_original_script = models.CharField(max_length=300, blank=True)
    aliases = models.JSONField(default=list, blank=True, validators=[validate_text_list])
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.U)
    date_of_birth = models.CharField(
        max_length=10,
        blank=True,
        validators=[validate_partial_date],
        help_text=gettext_lazy("YYYY, YYYY-MM or YYYY-MM-DD"),
    )
    place_of_birth = models.CharField(max_length=150, blank=True)
    country_of_birth = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    nationalities = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_icao_code_list],
        help_text=gettext_lazy("ICAO codes"),
    )
    addresses = models.TextField(blank=True, help_text=gettext_lazy("One address per line"))
    roles_in_process = models.JSONField(
        default=list, blank=True, validators=[CodeListValidator(RoleInProcess)]
    )
    recruitment_methods = models.JSONField(
        default=list, blank=True, validators=[CodeListValidator(RecruitmentMethod)]
    )
    recruitment_platforms = models.JSONField(
        default=list, blank=True, validators=[validate_text_list]
    )
    means_of_control = models.JSONField(
        default=list, blank=True, validators=[CodeListValidator(MeansOfControl)]
    )
    relationship_to_trafficker = models.CharField(
        max_length=24, choices=RelationshipToTrafficker.choices, blank=True
    )
    referred_to_support = models.BooleanField(default=False)
    exploitation_started_on = models.DateField(null=True, blank=True)
    # Derived on save (see `refresh_derived_fields`); never typed.
    is_child = models.BooleanField(default=False, editable=False)
    victim_number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    search_names = models.TextField(blank=True, editable=False)
    name_key = models.CharField(max_length=400, blank=True, editable=False, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "victim_number"],
                condition=Q(victim_number__isnull=False),
                name="%(app_label)s_%(class)s_victim_number_unique_in_case",
            )
        ]
        indexes = [models.Index(fields=["case", "role"], name="ncb_cases_person_case_role")]

    def __str__(self) -> str:
        # Deliberately never a protected person's name: whatever prints a person by accident
        # (admin, logs, templates) shows the pseudonym.
        from ncb_cases.pseudonyms import person_display_name

        return person_display_name(self, identity_visible=False)

    def save(self, *args, **kwargs) -> None:
        self.refresh_derived_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *DERIVED_PERSON_FIELDS}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.date_of_birth and self.exploitation_started_on:
            try:
                earliest, _latest = partial_date_bounds(self.date_of_birth)
            except ValidationError:
                return  # reported by the field validator
            if earliest > self.exploitation_started_on:
                raise ValidationError(
                    {
                        "date_of_birth": [
                            _(
                                "The date of birth (%(birth)s) is after the start of "
                                "exploitation (%(start)s)."
                            )
                            % {
                                "birth": self.date_of_birth,
                                "start": self.exploitation_started_on.isoformat(),
                            }
                        ]
                    }
                )

    @classmethod
    def identity_protected_q(cls, prefix: str = "") -> Q:
        """Rows whose identity needs the victim-identity permission (for querysets)."""
        return Q(**{f"{prefix}role__in": list(VICTIM_ROLES)}) | Q(**{f"{prefix}is_child": True})

    @property
    def identity_protected(self) -> bool:
        return self.role in VICTIM_ROLES or self.is_child

    @property
    def pseudonym(self) -> str | None:
        return f"V-{self.victim_number}" if self.victim_number else None

    def child_reference_date(self):
        return self.exploitation_started_on or self.case.opened_on

    def refresh_derived_fields(self) -> None:
        try:
            self.is_child = bool(self.date_of_birth) and is_child_on(
                self.date_of_birth, self.child_reference_date()
            )
        except ValidationError:
            self.is_child = False
        names = [self.family_name, self.forenames, self.name_original_script, *self.aliases]
        self.search_names = " | ".join(fold_text(name) for name in names if name)
        self.name_key = person_name_key(self.family_name, self.forenames, self.date_of_birth)


DERIVED_PERSON_FIELDS = ("is_child", "search_names", "name_key")


class PersonPhone(models.Model):
    """A phone number a person uses, in E.164 (indexed: "have we seen this number before?")."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(max_length=20, db_index=True, help_text=gettext_lazy("E.164"))
    kind = models.CharField(max_length=10, choices=PhoneKind.choices, default=PhoneKind.MOBILE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "number"], name="%(app_label)s_%(class)s_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return _("Phone of %(person)s") % {"person": self.person}


class IdentityDocument(models.Model):
    """An identity or travel document held or used by a person (ICAO Doc 9303 fields).

    `number_normalised` (upper case, letters and digits only) with `issuing_state` is what
    cross-case matching compares. An MRZ, when entered, must pass its check digits.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(
        "document type", max_length=20, choices=DocumentType.choices, default=DocumentType.PASSPORT
    )
    number = models.CharField(max_length=50)
    number_normalised = models.CharField(max_length=50, editable=False)
    issuing_state = models.CharField(
        max_length=3,
        blank=True,
        validators=[validate_icao_code],
        help_text=gettext_lazy("ICAO code"),
    )
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    authenticity = models.CharField(
        max_length=16, choices=DocumentAuthenticity.choices, default=DocumentAuthenticity.UNKNOWN
    )
    mrz = models.TextField("MRZ", blank=True, validators=[validate_mrz])
    withheld_by_exploiter = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True)
                | Q(expires_on__isnull=True)
                | Q(expires_on__gt=F("issued_on")),
                name="%(app_label)s_%(class)s_expiry_after_issue",
            )
        ]
        indexes = [
            models.Index(
                fields=["number_normalised", "issuing_state"], name="ncb_cases_document_number"
            )
        ]

    def __str__(self) -> str:
        return _("%(type)s of %(person)s") % {
            "type": self.get_doc_type_display(),
            "person": self.person,
        }

    def save(self, *args, **kwargs) -> None:
        self.number_normalised = normalize_document_number(self.number)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "number_normalised"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.mrz = "\n".join(line.strip() for line in self.mrz.strip().splitlines()).upper()
        if self.issued_on and self.expires_on and self.expires_on <= self.issued_on:
            raise ValidationError(
                {
                    "expires_on": [
                        _("The expiry date must be after the date of issue (%(issued)s).")
                        % {"issued": self.issued_on.isoformat()}
                    ]
                }
            )


class Vehicle(models.Model):
    """A vehicle used in a case; `plate_normalised` is indexed for cross-case matching."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="vehicles")
    holder = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="vehicles"
    )
    vehicle_type = models.CharField(
        max_length=12, choices=VehicleType.choices, default=VehicleType.CAR
    )
    plate = models.CharField("registration plate", max_length=20)
    plate_normalised = models.CharField(max_length=20, editable=False, db_index=True)
    registration_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    make = models.CharField(max_length=60, blank=True)
    model = models.CharField(max_length=60, blank=True)
    colour = models.CharField(max_length=30, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.plate

    def save(self, *args, **kwargs) -> None:
        self.plate_normalised = normalize_plate(self.plate)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "plate_normalised"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if not normalize_plate(self.plate):
            raise ValidationError({"plate": [_("Enter the plate's letters and digits.")]})
        if self.holder_id and self.case_id and self.holder.case_id != self.case_id:
            raise ValidationError({"holder": [_("The holder must be a person of this case.")]})
