"""/api/v1/ routes of the HST domain: the officers' message API and the peers' inbox."""

from django.urls import include, path

urlpatterns = [
    path("", include("messages_hst.api.message_urls")),
    path("", include("messages_hst.api.inbox_urls")),
]
