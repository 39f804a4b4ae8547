"""/api/v1/hst/inbox/: where peer instances and gateways deliver (HST.md §7)."""

urlpatterns = []
