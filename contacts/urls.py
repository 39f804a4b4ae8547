"""Browser pages of the contact-point directory, mounted at /contacts/."""

from django.urls import include, path, re_path

from contacts import views

app_name = "contacts"

urlpatterns = [
    path("", include("contacts.support_urls")),
    path("", include("contacts.legislation_urls")),
    path("", views.directory, name="directory"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("points/<uuid:public_id>/edit/", views.edit, name="edit"),
    path("points/<uuid:public_id>/verify/", views.verify, name="verify"),
    path("points/<uuid:public_id>/end/", views.end, name="end"),
    path("points/<uuid:public_id>/vcard/", views.vcard, name="vcard"),
    re_path(r"^(?P<iso2>[A-Za-z]{2})/$", views.country, name="country"),
    re_path(r"^(?P<iso2>[A-Za-z]{2})/designate/$", views.designate, name="designate"),
]
