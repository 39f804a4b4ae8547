"""The directory API, mounted at /api/v1/ (DESIGN.md §6) beside the case API."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from contacts.api import views

router = SimpleRouter()
router.register("countries", views.CountryViewSet, basename="country")
router.register("ncbs", views.NcbViewSet, basename="ncb")
router.register("contact-points", views.ContactPointViewSet, basename="contact-point")

urlpatterns = [
    path("auth/token/", views.ApiTokenCreateView.as_view(), name="api-token-create"),
    *router.urls,
    path("", include("contacts.api.support_urls")),
    path("", include("contacts.api.legislation_urls")),
]
