"""Browser pages under /cases/ (DESIGN.md §6).

The case pages live here; persons, route (`person_urls`) and the network and groups
(`network_urls`) are included without a namespace of their own, so every name is `cases:…`.
Cases, shares, tasks and links appear in URLs by their public UUIDs only.
"""

from django.urls import include, path

from ncb_cases.views import cases, retention, sharing, work

app_name = "cases"

urlpatterns = [
    path("", cases.case_list, name="list"),
    path("new/", cases.case_create, name="create"),
    path("retention/", retention.retention_review_list, name="retention_list"),
    path("<uuid:case_id>/", cases.case_detail, name="detail"),
    path("<uuid:case_id>/edit/", cases.case_edit, name="edit"),
    path("<uuid:case_id>/status/", cases.case_status, name="status"),
    path("<uuid:case_id>/offence-type/", cases.case_offence_type, name="offence_type"),
    path("<uuid:case_id>/links/new/", cases.case_link_create, name="link_create"),
    path(
        "<uuid:case_id>/links/<uuid:link_id>/remove/",
        cases.case_link_remove,
        name="link_remove",
    ),
    path("<uuid:case_id>/tasks/", work.case_tasks, name="tasks"),
    path(
        "<uuid:case_id>/tasks/<uuid:task_id>/complete/",
        work.task_complete,
        name="task_complete",
    ),
    path("<uuid:case_id>/timeline/", work.case_timeline, name="timeline"),
    path("<uuid:case_id>/sharing/", sharing.case_sharing, name="sharing"),
    path("<uuid:case_id>/sharing/new/", sharing.share_create, name="share_create"),
    path(
        "<uuid:case_id>/sharing/<uuid:share_id>/revoke/",
        sharing.share_revoke,
        name="share_revoke",
    ),
    path(
        "<uuid:case_id>/sharing/victim-identity/grant/",
        sharing.identity_grant,
        name="identity_grant",
    ),
    path(
        "<uuid:case_id>/sharing/victim-identity/revoke/",
        sharing.identity_revoke,
        name="identity_revoke",
    ),
    path("<uuid:case_id>/audit/", cases.case_audit, name="audit"),
    path("<uuid:case_id>/retention/", retention.retention_decide, name="retention_decide"),
    path("", include("ncb_cases.person_urls")),
    path("", include("ncb_cases.network_urls")),
    path("", include("ncb_cases.asset_urls")),
    path("", include("ncb_cases.support_urls")),
]
