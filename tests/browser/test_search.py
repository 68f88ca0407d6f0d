"""Searching in a real browser: a name typed in Latin letters finds its Hebrew spelling as you
type, in the header box and on the search page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from kesher.accounts.models import User
from kesher.people.services import PersonData, person_create
from kesher.workspaces.models import Workspace
from tests.browser.test_quick_capture import log_in, watch

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_a_latin_name_finds_its_hebrew_spelling_as_you_type(
    user: User, workspace: Workspace, new_page: Callable[[str], Page]
) -> None:
    michal = person_create(workspace=workspace, data=PersonData(name="מיכל כהן"))
    person_create(workspace=workspace, data=PersonData(name="Michael Stern"))
    person_path = reverse("people:detail", args=[michal.public_id])
    page = new_page("he-IL")
    problems = watch(page)
    log_in(page, user)

    page.locator("header input[name=q]").press_sequentially("Mikhal Kohen")
    expect(page.locator("#search-results a", has_text="מיכל כהן")).to_have_attribute(
        "href", person_path
    )
    expect(page.locator("#search-results a", has_text="Michael Stern")).to_have_count(0)

    page.goto(reverse("search:search"))
    page.locator("#search-q").press_sequentially("Michal")
    expect(page.locator("#search-page-results a", has_text="מיכל כהן")).to_have_attribute(
        "href", person_path
    )
    assert problems == []
