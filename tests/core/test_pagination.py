"""kesher/core/pagination.py: pages found by key first, and counts that stop at a limit."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kesher.core.pagination import CountLimitedPaginator, KeysFirstPaginator, rows_by_keys
from kesher.people.selectors import person_list
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(workspace):
    """Person 00 … Person 11 (the member's own person sorts after them)."""
    for n in range(12):
        PersonFactory(workspace=workspace, name=f"Person {n:02d}")
    return person_list(workspace=workspace)


def names(rows) -> list[str]:
    return [person.name for person in rows]


def test_rows_by_keys_is_the_slice_in_order_with_its_related_rows_loaded(people):
    rows = rows_by_keys(people, 3, 6)

    assert names(rows) == ["Person 03", "Person 04", "Person 05"]
    assert rows_by_keys(people, 50, 60) == []
    with CaptureQueriesContext(connection) as captured:
        [list(person.emails.all()) for person in rows]
    assert len(captured.captured_queries) == 0


def test_keys_first_pages_are_the_ordinary_pages(people):
    paginator = KeysFirstPaginator(people, 5)

    pages = [names(paginator.page(number).object_list) for number in (1, 2, 3)]

    assert pages == [names(people[0:5]), names(people[5:10]), names(people[10:15])]
    assert pages[2][:2] == ["Person 10", "Person 11"]
    assert paginator.num_pages == 3


def test_a_count_within_the_limit_is_exact(people):
    paginator = CountLimitedPaginator(people, 5, count_limit=13)

    page = paginator.get_page(3)

    assert (paginator.count, paginator.count_exact, paginator.num_pages) == (13, True, 3)
    assert (page.has_next(), page.start_index(), page.end_index()) == (False, 11, 13)


def test_a_longer_list_is_counted_only_to_the_limit_and_paged_without_a_total(people):
    paginator = CountLimitedPaginator(people, 5, count_limit=7)

    first, last = paginator.get_page(1), paginator.get_page(3)

    assert (paginator.count, paginator.count_exact) == (8, False)
    assert names(first.object_list) == [f"Person {n:02d}" for n in range(5)]
    assert (first.has_next(), first.next_page_number(), first.end_index()) == (True, 2, 5)
    assert names(last.object_list)[:2] == ["Person 10", "Person 11"]
    assert (last.has_next(), last.has_previous(), last.end_index()) == (False, True, 13)


def test_a_page_past_the_end_or_not_a_number_shows_a_real_page(people):
    paginator = CountLimitedPaginator(people, 5, count_limit=7)

    assert paginator.get_page(99).number == 3
    assert paginator.get_page("x").number == 1
    assert paginator.get_page(0).number == 3
