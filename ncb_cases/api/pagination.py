"""Page-number pagination shared by every list endpoint (DESIGN.md §6)."""

from functools import cached_property, partial

from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination


class KnownCountPaginator(Paginator):
    """A paginator given its total by a selector that counts faster than `queryset.count()`."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


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
