"""The directory API, mounted at /api/v1/ (DESIGN.md §6); the router's root is browsable."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from contacts.api import views

router = DefaultRouter()
router.register("countries", views.CountryViewSet, basename="country")
router.register("ncbs", views.NcbViewSet, basename="ncb")
router.register("contact-points", views.ContactPointViewSet, basename="contact-point")

urlpatterns = [
    path("auth/token/", views.ApiTokenCreateView.as_view(), name="api-token-create"),
    *router.urls,
]
