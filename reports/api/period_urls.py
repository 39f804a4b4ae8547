"""Period report API routes, under /api/v1/reports/periods/."""

urlpatterns: list = []
