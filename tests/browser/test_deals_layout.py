"""The deal page's close buttons and the public satisfaction scale, laid out by a real browser
in Hebrew (right to left), on a desktop and on a phone: equal buttons in tidy rows, nothing
wider than the screen, and the scale's error right by its question."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from kesher.deals import selectors, services
from kesher.deals.models import SatisfactionRequest
from tests.factories import (
    PASSWORD,
    DealFactory,
    PersonFactory,
    PipelineFactory,
    UserFactory,
    WorkspaceFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

VALUE_CASE = {
    "value_value": "מדפסות שמדפיסות את ההיקף שהובטח",
    "value_why_us": "אנחנו מתקנים בעצמנו",
    "value_why_now": "החוזה הנוכחי נגמר",
    "value_alternative": "להישאר עם הספק הקודם",
}
PHONE, DESKTOP = 360, 1280


def box(locator: Locator) -> dict[str, float]:
    """Where the element is on the page (not the viewport: a click may scroll it)."""
    found: dict[str, float] = locator.evaluate(
        """element => {
            const rect = element.getBoundingClientRect();
            return {x: rect.x + scrollX, y: rect.y + scrollY, width: rect.width,
                    height: rect.height};
        }"""
    )
    return found


def page_width(page: Page) -> Any:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.fixture
def seller() -> dict[str, Any]:
    user = UserFactory()
    workspace = WorkspaceFactory(owner=user, language="he")
    pipeline = PipelineFactory(workspace=workspace)
    deal = DealFactory(
        workspace=workspace,
        pipeline=pipeline,
        title="מחשבים ומדפסות",
        person=PersonFactory(workspace=workspace, name="מיכל אברהם", language="he"),
        amount=Decimal("95000"),
        next_action="לשלוח השוואה",
        next_action_on=timezone.localdate() + dt.timedelta(days=2),
    )
    return {"user": user, "deal": deal}


def logged_in(new_page: Callable[[str], Page], user: Any) -> Page:
    page = new_page("he-IL")
    page.goto("/accounts/login/")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    return page


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_close_buttons_are_one_row_of_equal_buttons(new_page, seller, width):
    page = logged_in(new_page, seller["user"])
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("deals:detail", args=[seller["deal"].public_id]))

    won = box(page.locator("[data-action=close-won]"))
    lost = box(page.locator(".close-lost > summary"))
    walk = box(page.locator(".walk-away > summary"))
    for other in (lost, walk):
        assert abs(other["y"] - won["y"]) < 1
        assert abs(other["height"] - won["height"]) < 1
        assert abs(other["width"] - won["width"]) < 1
    # Right to left: won first, on the right.
    assert won["x"] > lost["x"] > walk["x"]
    assert page_width(page) == width

    # The form opened spans the width under the row; the row stays as it was.
    page.click(".close-lost > summary")
    form = page.locator(".close-lost form")
    expect(form).to_be_visible()
    assert box(form)["y"] >= won["y"] + won["height"]
    assert box(form)["width"] > 2 * won["width"]
    assert box(page.locator(".walk-away > summary")) == walk
    assert page_width(page) == width


@pytest.fixture
def survey_link(seller: dict[str, Any]) -> str:
    deal, user = seller["deal"], seller["user"]
    services.deal_value_case_update(deal=deal, actor=user, **VALUE_CASE)
    services.deal_close_won(deal=deal, actor=user)
    request = SatisfactionRequest.objects.get(deal=deal)
    return reverse("deals:satisfaction", args=[selectors.satisfaction_token(request=request)])


def score_rows(page: Page) -> list[list[str]]:
    """The scale's scores row by row, each row in reading order."""
    rows: dict[int, list[tuple[float, str]]] = {}
    labels = page.locator(".score-scale label")
    for index in range(labels.count()):
        label = labels.nth(index)
        place = box(label)
        rows.setdefault(round(place["y"]), []).append((-place["x"], label.inner_text().strip()))
    return [[score for _x, score in sorted(row)] for _y, row in sorted(rows.items())]


@pytest.mark.parametrize(
    ("width", "rows"),
    [
        (DESKTOP, [[str(score) for score in range(11)]]),
        (PHONE, [[str(score) for score in range(6)], [str(score) for score in range(6, 11)]]),
    ],
)
def test_the_satisfaction_scale_fits_the_screen_in_tidy_rows(new_page, survey_link, width, rows):
    page = new_page("he-IL")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(survey_link)

    assert score_rows(page) == rows
    widths = {round(box(page.locator(".score-scale label").nth(i))["width"]) for i in range(11)}
    assert len(widths) == 1
    assert widths.pop() >= 40
    assert page_width(page) == width


def test_a_missing_score_is_shown_by_the_question(new_page, survey_link):
    page = new_page("he-IL")
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto(survey_link)

    with page.expect_navigation():
        page.click("[data-action=answer]")

    error = page.locator("#score-error")
    expect(error).to_be_visible()
    question = page.locator(".score-question")
    assert question.get_attribute("aria-describedby") == "score-error score-ends"
    legend = box(question.locator("legend"))
    assert legend["y"] < box(error)["y"] < box(page.locator(".score-scale"))["y"]
    assert page_width(page) == PHONE
