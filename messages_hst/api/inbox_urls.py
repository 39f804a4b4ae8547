"""/api/v1/hst/inbox/ and its batch form: where peers and gateways deliver (HST.md §7)."""

from django.urls import path

from messages_hst.api.views.inbox import InboxView
from messages_hst.api.views.inbox_batch import InboxBatchView

urlpatterns = [
    path("hst/inbox/", InboxView.as_view(), name="hst-inbox"),
    path("hst/inbox/batch/", InboxBatchView.as_view(), name="hst-inbox-batch"),
]
