"""Admin of victims' support referrals (imported by the app's admin.py).

Read-only: a referral is recorded on the case pages and the API
(`ncb_cases.services.support`), which check the consent rules, the case access and the
victim-identity permission, and write the audit trail. The admin shows the referral by its
case, its victim's public id and the organisation, never the victim's name.
"""

from django.contrib import admin

from ncb_cases.admin_read_only import ReadOnlyAdmin
from ncb_cases.models.support import SupportReferral


@admin.register(SupportReferral)
class SupportReferralAdmin(ReadOnlyAdmin):
    list_display = [
        "public_id",
        "case",
        "organisation",
        "status",
        "repatriation_status",
        "court_role",
        "consent_given",
        "referred_on",
    ]
    list_filter = ["status", "repatriation_status", "court_role", "consent_given"]
    list_select_related = ["case", "organisation__country"]
    # A victim's name is never searchable here.
    search_fields = ["public_id", "case__reference", "organisation__name"]
    fields = readonly_fields = [
        "public_id",
        "case",
        "victim_public_id",
        "organisation",
        "services_requested",
        "referred_on",
        "status",
        "status_changed_on",
        "consent_given",
        "consent_on",
        "consent_scope",
        "consent_override_reason",
        "consent_override_by",
        "repatriation_status",
        "repatriation_country",
        "repatriation_requested_on",
        "risk_assessed_on",
        "travel_arranged_on",
        "returned_on",
        "reintegrated_on",
        "court_role",
        "testified_on",
        "notes",
        "created_by",
        "created_at",
        "updated_at",
    ]

    @admin.display(description="victim (public id)")
    def victim_public_id(self, referral: SupportReferral) -> str:
        return str(referral.victim.public_id)
