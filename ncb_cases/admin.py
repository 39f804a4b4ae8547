"""Django admin for cases: object permissions through guardian, the audit trail read-only.

Admin is for instance administrators. It still never shows a protected person's identity
fields (they are left out of the person form and of every list), and audit events cannot be
added, changed or deleted here (the database refuses it anyway).
"""

from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from ncb_cases.admin_read_only import ReadOnlyAdmin
from ncb_cases.models import (
    AuditEvent,
    Case,
    CaseCountry,
    CaseExploitationForm,
    CaseShare,
    IdentityDocument,
    Person,
    PersonPhone,
)
from ncb_cases.models.person import IDENTITY_FIELDS


class CaseExploitationFormInline(admin.TabularInline):
    model = CaseExploitationForm
    extra = 0


class CaseCountryInline(admin.TabularInline):
    model = CaseCountry
    extra = 0
    autocomplete_fields = ["country"]


class CaseShareInline(admin.TabularInline):
    model = CaseShare
    extra = 0
    can_delete = False
    fields = ["recipient_ncb", "access", "purpose", "expires_at", "revoked_at", "expired_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        # Shares grant access: they are made through the service, which records them.
        return False


@admin.register(Case)
class CaseAdmin(GuardedModelAdmin):
    list_display = [
        "reference",
        "title",
        "owner_ncb",
        "status",
        "offence_type",
        "confidentiality_level",
        "opened_on",
    ]
    list_filter = ["status", "offence_type", "confidentiality_level", "owner_ncb"]
    list_select_related = ["owner_ncb"]
    search_fields = ["reference", "title"]
    readonly_fields = [
        "public_id",
        "reference",
        "owner_ncb",
        "status",
        "outcome",
        "closed_on",
        "minor_data_present",
        "created_by",
        "created_at",
        "updated_at",
    ]
    raw_id_fields = ["lead_officer"]
    inlines = [CaseExploitationFormInline, CaseCountryInline, CaseShareInline]

    def has_add_permission(self, request) -> bool:
        # References are numbered and creators granted by `case_create`, not by a form.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PersonPhoneInline(admin.TabularInline):
    model = PersonPhone
    extra = 0


class IdentityDocumentInline(admin.TabularInline):
    model = IdentityDocument
    extra = 0
    fields = [
        "doc_type",
        "number",
        "issuing_state",
        "issued_on",
        "expires_on",
        "authenticity",
        "withheld_by_exploiter",
    ]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    # `__str__` is the pseudonym for protected persons; names are never listed or searched,
    # so that searching admin for a name cannot reveal a victim.
    list_display = ["__str__", "role", "case", "is_child", "created_at"]
    list_filter = ["role", "is_child"]
    list_select_related = ["case"]
    search_fields = ["public_id", "case__reference"]
    readonly_fields = [
        "public_id",
        "case",
        "is_child",
        "victim_number",
        "created_by",
        "created_at",
        "updated_at",
    ]
    raw_id_fields = ["country_of_birth"]

    def get_exclude(self, request, obj=None):
        excluded = ["search_names", "name_key"]
        if obj is None or obj.identity_protected:
            excluded.extend(IDENTITY_FIELDS)
        return excluded

    def get_inlines(self, request, obj):
        if obj is None or obj.identity_protected:
            return []
        return [PersonPhoneInline, IdentityDocumentInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "actor_ncb", "action", "object_type", "case", "ip"]
    list_filter = ["action", "object_type", "actor_ncb"]
    list_select_related = ["actor", "actor_ncb", "case"]
    search_fields = ["actor__username", "case__reference", "object_public_id"]
    date_hierarchy = "created_at"


# Issue 6's models register their admin pages in their own modules.
from ncb_cases import admin_assets, admin_meetings, admin_support  # noqa: E402, F401
