"""/api/v1/hst/inbox/: where peer instances and gateways deliver (HST.md §7)."""

from django.urls import path

from messages_hst.api.views.inbox import InboxView

urlpatterns = [
    path("hst/inbox/", InboxView.as_view(), name="hst-inbox"),
]
