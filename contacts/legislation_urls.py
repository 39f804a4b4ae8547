"""Browser pages included by `contacts.urls` (namespace `contacts`): the legislation tracker."""

from django.urls import path, re_path

from contacts import legislation_views as views

urlpatterns = [
    path("legislation/", views.legislation_table, name="legislation"),
    path("legislation/export.csv", views.legislation_export_csv, name="legislation_export_csv"),
    re_path(
        r"^legislation/(?P<iso2>[A-Za-z]{2})/edit/$",
        views.legislation_edit,
        name="legislation_edit",
    ),
]
