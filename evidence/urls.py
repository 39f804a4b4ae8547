"""Browser pages under /evidence/ (DESIGN.md §6): items, custody, verification, dossiers."""

app_name = "evidence"

urlpatterns = []
