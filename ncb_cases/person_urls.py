"""Browser pages included by ncb_cases.case_urls (names live in the cases: namespace)."""

urlpatterns = []
