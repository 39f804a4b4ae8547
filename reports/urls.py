"""Browser pages under /reports/ (namespace `reports`)."""

app_name = "reports"

urlpatterns: list = []
