"""Browser pages under /evidence/ (DESIGN.md §6): items, custody, verification, dossiers.

Items, cases and dossiers appear in URLs by their public UUIDs only; a custody action by its
code in lower case with hyphens (`/evidence/<item>/custody/sent-abroad/`).
"""

from django.urls import path

from evidence.views import custody, dossiers, items

app_name = "evidence"

urlpatterns = [
    path("", items.item_list, name="list"),
    path("cases/<uuid:case_id>/", items.case_items, name="case_items"),
    path("cases/<uuid:case_id>/new/", items.item_create, name="item_create"),
    path(
        "cases/<uuid:case_id>/dossier/", dossiers.case_dossier_create, name="case_dossier_create"
    ),
    path("<uuid:item_id>/", items.item_detail, name="item_detail"),
    path("<uuid:item_id>/files/", items.file_upload, name="file_upload"),
    path(
        "<uuid:item_id>/files/<uuid:file_id>/download/",
        items.file_download,
        name="file_download",
    ),
    path("<uuid:item_id>/custody/<slug:action>/", custody.custody_record, name="custody_record"),
    path("<uuid:item_id>/verify/", custody.item_verify, name="item_verify"),
    path("<uuid:item_id>/dossier/", dossiers.dossier_create, name="dossier_create"),
    path("dossiers/<uuid:dossier_id>/", dossiers.dossier_detail, name="dossier_detail"),
    path("dossiers/<uuid:dossier_id>/status/", dossiers.dossier_status, name="dossier_status"),
    path(
        "dossiers/<uuid:dossier_id>/download/", dossiers.dossier_download, name="dossier_download"
    ),
]
