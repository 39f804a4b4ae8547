"""Page-number pagination shared by every list endpoint (DESIGN.md §6)."""

from functools import partial

from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination

from ncb_cases.pagination import KnownCountPaginator


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None, *, count: int | None = None):
        """As DRF's, with an optional total known in advance (see `KnownCountPaginator`)."""
        if count is None:
            self.django_paginator_class = Paginator
        else:
            self.django_paginator_class = partial(KnownCountPaginator, count=count)
        return super().paginate_queryset(queryset, request, view)
