"""Django admin for evidence: items searchable; the custody log and checkpoints read-only.

Custody events, files and checkpoints cannot be added, changed or deleted here (the database
refuses it anyway): custody is recorded through the services, which chain and audit it.
"""

from django.contrib import admin

from evidence.models import (
    CustodyCheckpoint,
    CustodyEvent,
    DossierExport,
    EvidenceFile,
    EvidenceItem,
)
from ncb_cases.admin_read_only import ReadOnlyAdmin, ReadOnlyTabularInline


class CustodyEventInline(ReadOnlyTabularInline):
    model = CustodyEvent
    fields = ["sequence", "action", "occurred_at", "to_person", "to_agency", "to_country", "hash"]
    ordering = ["sequence"]
    show_change_link = True


@admin.register(EvidenceItem)
class EvidenceItemAdmin(admin.ModelAdmin):
    list_display = [
        "item_number",
        "kind",
        "state",
        "integrity_failed",
        "custodian_agency",
        "created_at",
    ]
    list_filter = ["kind", "state", "integrity_failed"]
    list_select_related = ["case"]
    search_fields = [
        "item_number",
        "case__reference",
        "description",
        "seal_number",
        "storage_location",
    ]
    readonly_fields = [
        "public_id",
        "case",
        "item_number",
        "state",
        "integrity_failed",
        "custodian_person",
        "custodian_agency",
        "custodian_country",
        "seal_number",
        "last_sequence",
        "head_hash",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [CustodyEventInline]

    def has_add_permission(self, request) -> bool:
        # Items are registered through the service, which opens their custody chain.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CustodyEvent)
class CustodyEventAdmin(ReadOnlyAdmin):
    list_display = ["item", "sequence", "action", "occurred_at", "clock_skew_flagged", "log_index"]
    list_filter = ["action", "clock_skew_flagged"]
    list_select_related = ["item"]
    search_fields = ["item__item_number", "hash"]
    ordering = ["-log_index"]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyAdmin):
    list_display = ["item", "original_name", "sha256", "size", "media_type", "created_at"]
    list_select_related = ["item"]
    search_fields = ["item__item_number", "sha256", "original_name"]


@admin.register(CustodyCheckpoint)
class CustodyCheckpointAdmin(ReadOnlyAdmin):
    list_display = ["tree_size", "root_hash", "timestamp", "ncb_code", "kid"]


@admin.register(DossierExport)
class DossierExportAdmin(ReadOnlyAdmin):
    list_display = [
        "public_id",
        "case",
        "item",
        "status",
        "progress",
        "requested_by",
        "created_at",
    ]
    list_filter = ["status"]
    list_select_related = ["case", "item", "requested_by"]
