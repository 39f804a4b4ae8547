"""Pagination shared by the browser pages and the API."""

from functools import cached_property

from django.core.paginator import Paginator


class KnownCountPaginator(Paginator):
    """A paginator given its total by a selector that counts faster than `queryset.count()`
    (`selectors.case_count_for_user`)."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count
