"""/api/v1/messages/… (issue 5 item 9)."""

urlpatterns = []
