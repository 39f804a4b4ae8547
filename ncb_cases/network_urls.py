"""Browser pages included by ncb_cases.case_urls (names live in the cases: namespace).

The network view across cases and a case's network tab, and its organised crime groups.
Cases, groups and persons appear by public UUID only; search terms never appear in a URL.
"""

from django.urls import path

from ncb_cases.views import groups, network

urlpatterns = [
    path("network/", network.network, name="network"),
    path("<uuid:case_id>/network/", network.case_network, name="case_network"),
    path("<uuid:case_id>/groups/new/", groups.group_create, name="group_create"),
    path("<uuid:case_id>/groups/<uuid:group_id>/", groups.group_detail, name="group_detail"),
    path("<uuid:case_id>/groups/<uuid:group_id>/edit/", groups.group_edit, name="group_edit"),
    path(
        "<uuid:case_id>/groups/<uuid:group_id>/members/add/",
        groups.group_member_add,
        name="group_member_add",
    ),
    path(
        "<uuid:case_id>/groups/<uuid:group_id>/members/<uuid:person_id>/remove/",
        groups.group_member_remove,
        name="group_member_remove",
    ),
]
