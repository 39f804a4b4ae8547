"""Case sub-pages included by `ncb_cases.case_urls` (namespace `cases`)."""

urlpatterns: list = []
