"""Limit/offset pages: `{"items": [...], "count": N}`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from django.conf import settings
from django.db.models import Model, QuerySet
from ninja import Schema
from pydantic import Field

from kesher.core.pagination import rows_by_keys

DEFAULT_LIMIT = 50

M = TypeVar("M", bound=Model)
T = TypeVar("T")


class PageParams(Schema):
    limit: int = Field(
        DEFAULT_LIMIT,
        ge=1,
        le=settings.KESHER_API_PAGE_SIZE_MAX,
        description=f"How many items to return (at most {settings.KESHER_API_PAGE_SIZE_MAX}).",
    )
    offset: int = Field(0, ge=0, description="How many items to skip.")


class Page(Schema, Generic[T]):
    items: list[T]
    count: int = Field(description="How many items match, across all pages.")


def paginate(queryset: QuerySet[M], params: PageParams, build: Callable[[M], T]) -> Page[T]:
    """One page of `queryset`, each row turned into its output schema by `build`.

    The queryset carries its own select_related/prefetch_related (from a selector), so a page
    costs the same number of queries whatever its size.
    """
    rows = rows_by_keys(queryset, params.offset, params.offset + params.limit)
    return Page(items=[build(row) for row in rows], count=queryset.count())
