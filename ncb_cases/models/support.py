"""Victims' referrals to support organisations: consent, care, repatriation, court role
(resolution, ask 5). Readable only with the case's victim-identity permission."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contacts.models import Country, SupportOrganisation
from ncb_cases.choices import CourtRole, ReferralStatus, RepatriationStatus
from ncb_cases.models.case import Case
from ncb_cases.models.person import Person


class SupportReferral(models.Model):
    """A victim referred to an organisation. No referral without the victim's recorded
    consent, except a child's, on a supervisor's documented override."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The victim's case, kept here so that access control filters referrals like any case data.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="support_referrals")
    victim = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="support_referrals")
    organisation = models.ForeignKey(
        SupportOrganisation, on_delete=models.PROTECT, related_name="referrals"
    )
    services_requested = models.JSONField(default=list, blank=True)  # SupportService codes
    referred_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.REFERRED
    )
    status_changed_on = models.DateField(null=True, blank=True)

    consent_given = models.BooleanField(default=False)
    consent_on = models.DateField(null=True, blank=True)
    consent_scope = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("What the victim agreed may be shared, and with whom"),
    )
    consent_override_reason = models.TextField(blank=True)
    consent_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    repatriation_status = models.CharField(
        max_length=16,
        choices=RepatriationStatus.choices,
        default=RepatriationStatus.NOT_REQUESTED,
    )
    repatriation_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    repatriation_requested_on = models.DateField(null=True, blank=True)
    risk_assessed_on = models.DateField(null=True, blank=True)
    travel_arranged_on = models.DateField(null=True, blank=True)
    returned_on = models.DateField(null=True, blank=True)
    reintegrated_on = models.DateField(null=True, blank=True)

    court_role = models.CharField(
        max_length=20, choices=CourtRole.choices, default=CourtRole.NOT_DISCUSSED
    )
    testified_on = models.DateField(null=True, blank=True)

    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "-referred_on", "-created_at"]
        indexes = [models.Index(fields=["case", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(consent_given=True) & Q(consent_on__isnull=False))
                | (~Q(consent_override_reason="") & Q(consent_override_by__isnull=False)),
                name="%(app_label)s_%(class)s_consent_or_override",
            )
        ]

    def __str__(self) -> str:
        # Never the victim's name: the referral is shown where pseudonyms are the rule.
        return f"Referral to {self.organisation.name} ({self.get_status_display()})"
