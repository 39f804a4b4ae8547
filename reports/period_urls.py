"""Period report pages, included by `reports.urls` under /reports/periods/."""

urlpatterns: list = []
