"""The header on a phone and on a desktop: every section of the navigation can be reached on a
375 px phone, in Hebrew and in English, and a long workspace name is cut with an ellipsis, the
whole name in its title."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from playwright.sync_api import Page, expect

from kesher.accounts.models import User
from tests.browser.test_quick_capture import log_in, watch
from tests.factories import WorkspaceFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
LONG_NAME = "הרשת המשותפת של צוות המכירות בצפון — Northern sales team's shared network"
SECTIONS = 9  # Today, People, Introductions, Deals, Relationships, three directories, capture


def sections_in_view(page: Page) -> list[str]:
    """The navigation's links that are shown whole inside the window, without scrolling."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.main-nav a')].filter((link) => {
            const box = link.getBoundingClientRect();
            const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
            return box.width > 0 && box.left >= 0 && box.right <= window.innerWidth
                && link.contains(hit);
        }).map((link) => link.getAttribute('href'))"""
    )


@pytest.mark.parametrize("locale", ["he-IL", "en-US"])
def test_every_section_is_in_view_on_a_phone(
    user: User, new_page: Callable[[str], Page], locale: str
) -> None:
    WorkspaceFactory(owner=user, language=locale[:2])
    page = new_page(locale)
    problems = watch(page)
    page.set_viewport_size(PHONE)
    log_in(page, user)

    assert len(sections_in_view(page)) == SECTIONS
    # And each is one tap away.
    events = reverse("directory:event_list")
    page.locator(f".main-nav a[href='{events}']").click()
    page.wait_for_url(f"**{events}")
    expect(page.locator(".main-nav a[aria-current=page]")).to_have_attribute("href", events)
    assert problems == []


def test_a_long_workspace_name_ends_in_an_ellipsis_with_the_whole_name_in_its_title(
    user: User, new_page: Callable[[str], Page]
) -> None:
    WorkspaceFactory(owner=user, name=LONG_NAME)
    page = new_page("he-IL")
    page.set_viewport_size(DESKTOP)
    log_in(page, user)

    summary = page.locator(".workspace-menu > summary")
    expect(summary).to_have_attribute("title", LONG_NAME)
    label = summary.locator(".menu-label")
    # Cut by characters, so the part in English is never dropped from the middle.
    with translation.override("he"):
        expect(label).to_have_text(Truncator(LONG_NAME).chars(32))
    fits = label.evaluate("(label) => label.scrollWidth <= label.clientWidth")
    assert fits
    assert len(sections_in_view(page)) == SECTIONS
