"""Browser pages under /cases/ (DESIGN.md §6).

The case pages live here; persons, route (`person_urls`) and the network and groups
(`network_urls`) are included without a namespace of their own, so every name is `cases:…`.
"""

from django.urls import include, path

app_name = "cases"

urlpatterns = [
    path("", include("ncb_cases.person_urls")),
    path("", include("ncb_cases.network_urls")),
]
