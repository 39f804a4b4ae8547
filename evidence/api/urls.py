"""Evidence API routes under /api/v1/ (DESIGN.md §6)."""

urlpatterns = []
