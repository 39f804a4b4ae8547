"""The officer's message pages under /messages/ (issue 5 item 8), namespace `messages_hst`.

Messages appear in URLs by their HST message id, received ones by their public id, cases by
their public id; a delivery and a tracked request item (rows without personal data) by their
number, in POST-only URLs. The compose and edit pages are `messages_hst.editor_urls`.
"""

from django.urls import include, path

from messages_hst.views import actions, detail, inbound, lists, requests, threads

app_name = "messages_hst"

urlpatterns = [
    path("", lists.message_list, name="list"),
    path("requests/", requests.request_list, name="requests"),
    path(
        "requests/<int:tracked_id>/reminder/", requests.request_reminder, name="request_reminder"
    ),
    path("case/<uuid:case_id>/", threads.case_thread, name="case_thread"),
    path("inbound/<uuid:public_id>/", inbound.inbound_detail, name="inbound"),
    path("inbound/<uuid:public_id>/accept/", inbound.inbound_accept, name="inbound_accept"),
    path("inbound/<uuid:public_id>/reject/", inbound.inbound_reject, name="inbound_reject"),
    path("inbound/<uuid:public_id>/reply/", inbound.inbound_reply, name="inbound_reply"),
    path(
        "inbound/<uuid:public_id>/follow-up/",
        inbound.inbound_follow_up,
        name="inbound_follow_up",
    ),
    path(
        "deliveries/<int:delivery_id>/requeue/",
        actions.delivery_requeue_view,
        name="delivery_requeue",
    ),
    path("<uuid:message_id>/", detail.message_detail, name="detail"),
    path("<uuid:message_id>/deliveries/", detail.message_deliveries, name="deliveries"),
    path("<uuid:message_id>/submit/", actions.message_submit, name="submit"),
    path("<uuid:message_id>/approve/", actions.message_approve, name="approve"),
    path("<uuid:message_id>/return/", actions.message_return, name="return"),
    path("<uuid:message_id>/discard/", actions.message_discard, name="discard"),
    path("<uuid:message_id>/follow-up/", actions.message_follow_up, name="follow_up"),
    path("", include("messages_hst.editor_urls")),
]
