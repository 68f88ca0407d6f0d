"""The seed story in a real browser, on the demo workspace: Today suggests introducing Daniel
(who needs an accountant who knows startups and Israeli VAT) to Rinat (an accountant for small
businesses and startups), because of the accountant; the user carries the introduction from the
suggestion to a deal between them, in Hebrew (right to left), then reads it in English. (The
demo's jeep introduction, Avi and Dror, was made months ago: tests/demo checks it.)

Elements are found by their data attributes and ids rather than their wording, so the test
holds whatever the translations say.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Locator, Page, Response, expect

from kesher.demo.services import DEMO_EMAIL, DEMO_PASSWORD, demo_load
from kesher.introductions.models import (
    Introduction,
    IntroductionStatus,
    MatchRun,
    Suggestion,
    SuggestionStatus,
)
from kesher.people.models import Person

pytestmark = [
    pytest.mark.browser,
    # The live server answers from its own thread, so it must see committed data.
    pytest.mark.django_db(transaction=True),
    # One worker runs them all, so two Chromiums never compete for the machine's two cores.
    pytest.mark.xdist_group("browser"),
]

DANIEL = "Daniel Green"
RINAT = "רינת מזרחי"
# The accountant, as Daniel writes it (in English) or as Rinat does (in Hebrew).
ACCOUNTANT = re.compile(r"accountant|VAT|רואת? חשבון|מע״מ", re.IGNORECASE)


def watch(page: Page) -> list[str]:
    """Collects script errors and failed requests (a missing stylesheet or htmx, say)."""
    problems: list[str] = []

    def on_response(response: Response) -> None:
        if response.status >= 400 and urlparse(response.url).path != "/favicon.ico":
            problems.append(f"{response.status} {response.url}")

    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("response", on_response)
    return problems


def log_in_to_the_demo(page: Page) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=email]", DEMO_EMAIL)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert urlparse(page.url).path == "/"


def direction(page: Page) -> list[str]:
    return page.evaluate("[document.documentElement.dir, document.documentElement.lang]")


def card_of(page: Page, first: str, second: str) -> Locator:
    return (
        page.locator("#suggestion-list .suggestion").filter(has_text=first).filter(has_text=second)
    )


def step(page: Page, action: str) -> None:
    with page.expect_navigation():
        page.click(f"[data-action={action}]")


def status_of(page: Page) -> str | None:
    return page.locator("article[data-status]").get_attribute("data-status")


def test_the_accountant_introduction_from_suggestion_to_deal(
    new_page: Callable[[str], Page],
) -> None:
    demo = demo_load()
    daniel = Person.objects.get(workspace=demo.workspace, name=DANIEL)
    rinat = Person.objects.get(workspace=demo.workspace, name=RINAT)
    page = new_page("he-IL")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    problems = watch(page)
    log_in_to_the_demo(page)
    assert direction(page) == ["rtl", "he"]

    # Today suggests the pair because of the accountant.
    card = card_of(page, DANIEL, RINAT)
    expect(card).to_have_count(1)
    expect(card.locator(".reasons .chip").filter(has_text=ACCOUNTANT).first).to_be_visible()

    # Another suggestion is snoozed in place: its card swaps out, the page stays.
    other = page.locator("#suggestion-list .suggestion").filter(has_not_text=RINAT).first
    other_id = other.get_attribute("data-suggestion")
    other.locator("[data-action=snooze]").click()
    notice = page.locator(f"#suggestion-{other_id}.suggestion-done")
    expect(notice).to_be_visible()
    expect(notice).to_be_focused()
    expect(page.locator("#live-announcer")).to_have_text(notice.inner_text())
    assert urlparse(page.url).path == "/"
    assert Suggestion.objects.get(public_id=other_id).status == SuggestionStatus.SNOOZED

    # Recomputing runs (inline under test) and reloads the list, the pair still in it.
    page.click("[data-action=recompute]")
    expect(page.locator("#run-progress [data-run-status=done]")).to_be_visible()
    assert MatchRun.objects.get(workspace=demo.workspace).status == "done"
    expect(card_of(page, DANIEL, RINAT)).to_have_count(1)

    # Accept: the introduction is made and the browser goes to it.
    card_of(page, DANIEL, RINAT).locator("[data-action=accept]").click()
    page.wait_for_url(re.compile(r"/introductions/[0-9a-f-]{36}/$"))
    introduction = Introduction.objects.get(workspace=demo.workspace, person_a=daniel)
    assert introduction.person_b == rinat
    assert status_of(page) == IntroductionStatus.SUGGESTED
    assert direction(page) == ["rtl", "he"]
    # Each draft in its reader's language and direction: Daniel's in English, Rinat's in Hebrew.
    expect(page.locator("#id_message_a")).to_have_attribute("dir", "ltr")
    expect(page.locator("#id_message_b")).to_have_attribute("dir", "rtl")
    copy = page.locator("[data-copy='#id_message_a']")
    copy.click()
    expect(copy).to_have_text(copy.get_attribute("data-copied") or "")

    # Propose, each side's yes on its own, connect.
    step(page, "propose")
    assert status_of(page) == IntroductionStatus.PROPOSED
    step(page, "to-accepted-a")
    assert status_of(page) == IntroductionStatus.PROPOSED
    expect(page.locator("[data-action=to-accepted-a]")).to_have_count(0)
    step(page, "to-accepted-b")
    assert status_of(page) == IntroductionStatus.ACCEPTED
    step(page, "to-connected")
    assert status_of(page) == IntroductionStatus.CONNECTED

    # The outcome: a deal between them, with its value; the currency is the workspace's.
    page.check("input[name=outcome][value=deal]")
    expect(page.locator(".outcome-form input[name=currency]")).to_have_value(
        demo.workspace.currency
    )
    page.fill(".outcome-form input[name=value]", "95000")
    step(page, "outcome")
    assert status_of(page) == IntroductionStatus.CLOSED
    # Shown as money in the reader's way (95,000 ₪ in Hebrew), whatever the symbol.
    expect(page.locator("#intro-outcome .money")).to_contain_text("95,000")
    introduction.refresh_from_db()
    assert (introduction.status, introduction.outcome, introduction.outcome_value) == (
        IntroductionStatus.CLOSED,
        "deal",
        Decimal("95000.00"),
    )
    assert direction(page) == ["rtl", "he"]

    # The same page in English reads left to right.
    with page.expect_navigation():
        page.click(".language-switch button[value=en]")
    assert direction(page) == ["ltr", "en"]
    expect(page.locator("#intro-status")).to_have_text("Closed")
    expect(page.locator(".trust-line")).to_have_text(
        "You get nothing from a deal between them — Kesher counts trust, not commission."
    )
    assert problems == []
