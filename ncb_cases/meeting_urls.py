"""Browser pages under /meetings/ (namespace `meetings`)."""

app_name = "meetings"

urlpatterns: list = []
