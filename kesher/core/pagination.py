"""Pages of big querysets, for the pages' paginators and the API's limit/offset alike.

A page deep in a list is found by its primary keys first: skipping rows by OFFSET then costs a
walk along the ordering index alone (both databases read the keys from the index itself),
not the reading of every skipped row with its joins. Only the page's own rows are then loaded,
by key, with the queryset's select_related and prefetch_related: two queries whatever the page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, TypeVar

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Model, QuerySet
from django.utils.functional import cached_property

M = TypeVar("M", bound=Model)


def keys_of(queryset: QuerySet[M], start: int, stop: int) -> list[Any]:
    """The primary keys of `queryset[start:stop]`, read from the ordering index."""
    return list(queryset.prefetch_related(None).values_list("pk", flat=True)[start:stop])


def rows_of(queryset: QuerySet[M], keys: Sequence[Any]) -> list[M]:
    """The rows of `queryset` with these keys, in the keys' order."""
    if not keys:
        return []
    # Without the ordering (put back from `keys`), nothing tempts the planner to walk the
    # ordering index again rather than look the keys up.
    rows = {row.pk: row for row in queryset.order_by().filter(pk__in=keys)}
    return [rows[key] for key in keys if key in rows]


def rows_by_keys(queryset: QuerySet[M], start: int, stop: int) -> list[M]:
    """`list(queryset[start:stop])`, found by primary key first (see the module's docstring)."""
    return rows_of(queryset, keys_of(queryset, start, stop))


class KeysFirstPaginator(Paginator[Any]):
    """Django's Paginator, with each page's rows found by `rows_by_keys`."""

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        return Page(rows_by_keys(queryset, bottom, top), number, self)


class OpenEndedPage(Page[Any]):
    """A page of a list longer than its paginator counts: whether another page follows is
    known from one row more, not from the total."""

    def __init__(self, object_list: Sequence[Any], number: int, paginator: Any, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


class CountLimitedPaginator(KeysFirstPaginator):
    """KeysFirstPaginator for lists that reach 100,000 rows (the people): it counts at most
    `count_limit` rows, so a page costs the same however long the list. A longer list shows
    "more than" that many, and its pages are numbered without a total (`count_exact` False)."""

    def __init__(self, *args: Any, count_limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.count_limit = count_limit

    @cached_property
    def count(self) -> int:
        """The number of rows, or `count_limit + 1` for any more than `count_limit`."""
        queryset: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        return queryset.order_by()[: self.count_limit + 1].count()

    @property
    def count_exact(self) -> bool:
        return self.count <= self.count_limit

    @cached_property
    def num_pages(self) -> int:
        if self.count_exact:
            return super().num_pages
        # Counted in full only here: to show the last page when asked for one past it.
        queryset: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        return max(1, math.ceil(queryset.count() / self.per_page))

    def validate_number(self, number: Any) -> int:
        if self.count_exact:
            valid: int = super().validate_number(number)
            return valid
        try:
            whole = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if whole < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return whole

    def get_page(self, number: Any) -> Page[Any]:
        try:
            return super().get_page(number)
        except EmptyPage:
            # Past the end of a list longer than the limit.
            return self.page(self.num_pages)

    def page(self, number: Any) -> Page[Any]:
        if self.count_exact:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        queryset: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        keys = keys_of(queryset, bottom, bottom + self.per_page + 1)
        if not keys:
            raise EmptyPage(self.error_messages["no_results"])
        rows = rows_of(queryset, keys[: self.per_page])
        return OpenEndedPage(rows, number, self, more=len(keys) > self.per_page)
