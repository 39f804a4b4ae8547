"""Browser pages included by `contacts.urls` (namespace `contacts`): the directory of
victim-support organisations."""

from django.urls import path

from contacts import support_views as views

urlpatterns = [
    path("support/", views.support_directory, name="support"),
    path("support/export.csv", views.support_export_csv, name="support_export_csv"),
    path("support/new/", views.support_create, name="support_create"),
    path("support/<int:organisation_id>/", views.support_detail, name="support_detail"),
    path("support/<int:organisation_id>/edit/", views.support_edit, name="support_edit"),
]
