"""The quick-capture story in a real browser: log in, add someone just met, find them by search."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from playwright.sync_api import Page, Response, expect

from kesher.accounts.models import User
from kesher.people.models import Person
from kesher.workspaces.models import Workspace
from tests.factories import PASSWORD, WorkspaceFactory

pytestmark = [
    pytest.mark.browser,
    # The live server answers from its own thread, so it must see committed data.
    pytest.mark.django_db(transaction=True),
    # One worker runs them all, so two Chromiums never compete for the machine's two cores.
    pytest.mark.xdist_group("browser"),
]

NAME = "נועה בר-לב"
NEED = "מחפשת רואה חשבון למשרד החדש"


def watch(page: Page) -> list[str]:
    """Collects script errors and failed requests (a missing stylesheet or htmx, say)."""
    problems: list[str] = []

    def on_response(response: Response) -> None:
        # Browsers ask for /favicon.ico on their own; the pages name no icon.
        if response.status >= 400 and urlparse(response.url).path != "/favicon.ico":
            problems.append(f"{response.status} {response.url}")

    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("response", on_response)
    return problems


def log_in(page: Page, user: User) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert urlparse(page.url).path != "/accounts/login/"


def direction(page: Page) -> list[str]:
    return page.evaluate("[document.documentElement.dir, document.documentElement.lang]")


@pytest.fixture
def english_workspace(user: User) -> Workspace:
    return WorkspaceFactory(owner=user, language="en")


def test_quick_capture_a_hebrew_name_then_find_it_by_search(
    user: User, workspace: Workspace, new_page: Callable[[str], Page]
) -> None:
    page = new_page("he-IL")
    problems = watch(page)
    log_in(page, user)

    page.goto("/capture/")
    assert direction(page) == ["rtl", "he"]
    page.fill("#id_name", NAME)
    page.fill("#id_phone", "052-3456789")
    page.fill("#id_need", NEED)
    with page.expect_navigation():
        page.click("form:has(#id_name) [type=submit]")

    person = Person.objects.get(workspace=workspace, name=NAME)
    assert [phone.e164 for phone in person.phones.all()] == ["+972523456789"]
    assert [need.text for need in person.needs.all()] == [NEED]
    person_path = reverse("people:detail", args=[person.public_id])
    assert urlparse(page.url).path == person_path
    expect(page.locator("#main h1")).to_have_text(NAME)
    assert direction(page) == ["rtl", "he"]

    # "לנועה" is "to Noa": the search must see through the prefix letter.
    page.locator("header input[name=q]").press_sequentially("לנועה")
    hit = page.locator("#search-results a", has_text=NAME)
    expect(hit).to_have_attribute("href", person_path)
    assert problems == []


def test_english_ui_is_left_to_right(
    user: User, english_workspace: Workspace, new_page: Callable[[str], Page]
) -> None:
    page = new_page("en-US")
    problems = watch(page)
    log_in(page, user)

    page.goto("/capture/")

    assert direction(page) == ["ltr", "en"]
    assert problems == []


def test_a_refused_capture_puts_the_focus_on_the_first_field_to_fix(
    user: User, workspace: Workspace, new_page: Callable[[str], Page]
) -> None:
    page = new_page("he-IL")
    problems = watch(page)
    log_in(page, user)

    page.goto("/capture/")
    # The name field is focused first thing (autofocus) ...
    expect(page.locator("#id_name")).to_be_focused()
    page.fill("#id_name", NAME)
    page.fill("#id_phone", "12")
    page.fill("#id_need", NEED)
    with page.expect_navigation():
        page.click("form:has(#id_name) [type=submit]")

    # ... but after a refused save, the first field with an error is, and nothing was saved.
    expect(page.locator("#id_phone")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_phone")).to_be_focused()
    expect(page.locator("#id_name")).to_have_value(NAME)
    assert not Person.objects.filter(workspace=workspace, name=NAME).exists()

    # Only spaces for a name (the browser lets them through): the name is the field to fix.
    page.fill("#id_name", "   ")
    with page.expect_navigation():
        page.click("form:has(#id_name) [type=submit]")
    expect(page.locator("#id_name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_name")).to_be_focused()
    assert problems == []
