"""Browser pages included by ncb_cases.case_urls (names live in the cases: namespace).

Persons, their identity reveal and vehicles (`views.persons`), and the route (`views.route`).
Only public UUIDs appear in these URLs: never a name, a purpose or a search term.
"""

from django.urls import path

from ncb_cases.views import persons, route

urlpatterns = [
    path("<uuid:case_id>/persons/", persons.persons, name="persons"),
    path("<uuid:case_id>/persons/new/", persons.person_create, name="person_create"),
    path(
        "<uuid:case_id>/persons/<uuid:person_id>/",
        persons.person_detail,
        name="person_detail",
    ),
    path(
        "<uuid:case_id>/persons/<uuid:person_id>/edit/",
        persons.person_edit,
        name="person_edit",
    ),
    path(
        "<uuid:case_id>/persons/<uuid:person_id>/identity/",
        persons.person_identity,
        name="person_identity",
    ),
    path("<uuid:case_id>/vehicles/new/", persons.vehicle_create, name="vehicle_create"),
    path(
        "<uuid:case_id>/vehicles/<uuid:vehicle_id>/edit/",
        persons.vehicle_edit,
        name="vehicle_edit",
    ),
    path(
        "<uuid:case_id>/vehicles/<uuid:vehicle_id>/remove/",
        persons.vehicle_remove,
        name="vehicle_remove",
    ),
    path("<uuid:case_id>/route/", route.route, name="route"),
    path("<uuid:case_id>/route/new/", route.route_leg_create, name="route_leg_create"),
    path(
        "<uuid:case_id>/route/<uuid:leg_id>/edit/",
        route.route_leg_edit,
        name="route_leg_edit",
    ),
    path(
        "<uuid:case_id>/route/<uuid:leg_id>/remove/",
        route.route_leg_remove,
        name="route_leg_remove",
    ),
]
