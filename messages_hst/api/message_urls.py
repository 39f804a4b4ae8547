"""/api/v1/messages/… (issue 5 item 9): outgoing messages and what hangs off them (deliveries,
rendering, validation), what the caller's NCB received, and the tracked requests.

Messages are addressed by their HST message id, received messages by this instance's public
id, deliveries by their recipient's NCB code; anything else is not routed.
"""

from rest_framework.routers import SimpleRouter

from messages_hst.api.views import messages, received

router = SimpleRouter()
# The received side first: its prefixes are not message ids, but read in order they say so.
router.register("messages/inbound", received.InboundMessageViewSet, basename="inbound-message")
router.register("messages/requests", received.TrackedRequestViewSet, basename="tracked-request")
router.register("messages", messages.MessageViewSet, basename="message")

urlpatterns = router.urls
