"""The officer's message pages under /messages/ (issue 5 item 8)."""

app_name = "messages_hst"

urlpatterns = []
