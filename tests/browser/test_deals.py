"""Seed 004's deal in a real browser, on the demo workspace, in Hebrew (right to left): the
fashion company's computers and printers. The seller tries to send a quote before the value case
(refused in place, the card goes back), answers the four questions, drags the card on, records a
promise, closes won, checks the promise, delivers, and the customer answers the satisfaction
link in a browser of her own.

Elements are found by their data attributes and ids rather than their wording, so the test
holds whatever the translations say.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from kesher.deals.models import Deal, DealStatus, PromiseStatus, SatisfactionRequest, StageRole
from kesher.demo.services import demo_load
from tests.browser.test_introductions import direction, log_in_to_the_demo, watch

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

LIVNE = "אופנת ליבנה"
VALUE_CASE = {
    "value_value": "מדפסות שמדפיסות את ההיקף שהובטח, ושירות תוך יום",
    "value_why_us": "אנחנו מתקנים בעצמנו, בלי קבלני משנה",
    "value_why_now": "חוזה השירות הנוכחי נגמר בחודש הבא",
    "value_alternative": "להישאר עם ByteWise, או לא לעשות כלום",
}


def column(page: Page, stage_id: str) -> str:
    return f"[data-drop-stage='{stage_id}']"


def drag(page: Page, card: Locator, target: Locator) -> None:
    """Native HTML5 drag and drop: the browser's own drag events, one DataTransfer carried from
    the card to the column (as a mouse drag makes them, whatever the board's scroll position)."""
    transfer = page.evaluate_handle("() => new DataTransfer()")
    card.dispatch_event("dragstart", {"dataTransfer": transfer})
    target.dispatch_event("dragenter", {"dataTransfer": transfer})
    target.dispatch_event("dragover", {"dataTransfer": transfer})
    target.dispatch_event("drop", {"dataTransfer": transfer})
    card.dispatch_event("dragend", {"dataTransfer": transfer})


def submit(page: Page, action: str) -> None:
    with page.expect_navigation():
        page.click(f"[data-action={action}]")


def test_the_computers_and_printers_deal_from_value_case_to_satisfaction(
    new_page: Callable[[str], Page],
) -> None:
    demo = demo_load()
    deal = Deal.objects.get(
        workspace=demo.workspace, organization__name=LIVNE, status=DealStatus.OPEN
    )
    stages = list(deal.pipeline.stages.order_by("position"))
    value_case_stage = deal.pipeline.value_case_stage
    assert value_case_stage is not None
    delivered = next(stage for stage in stages if stage.role == StageRole.DELIVERED)
    start = deal.stage
    page = new_page("he-IL")
    problems = watch(page)
    log_in_to_the_demo(page)

    page.goto(f"/deals/?pipeline={deal.pipeline.public_id}")
    assert direction(page) == ["rtl", "he"]
    card = page.locator(f"#deal-{deal.public_id}")
    expect(card).to_be_visible()
    expect(page.locator(column(page, str(start.public_id))).locator(card)).to_have_count(1)

    # Dragging it to the quote is refused: the card comes back, saying why.
    drag(page, card, page.locator(column(page, str(value_case_stage.public_id))))
    error = page.locator(f"#deal-{deal.public_id} [data-move-error]")
    expect(error).to_be_visible()
    expect(error).to_be_focused()
    in_start = page.locator(column(page, str(start.public_id))).locator(f"#deal-{deal.public_id}")
    expect(in_start).to_have_count(1)
    expect(page.locator("#live-announcer")).not_to_be_empty()
    deal.refresh_from_db()
    assert deal.stage == start

    # The value case, on the deal page.
    with page.expect_navigation():
        card.locator(".deal-card-title").click()
    assert direction(page) == ["rtl", "he"]
    for name, text in VALUE_CASE.items():
        page.fill(f"textarea[name={name}]", text)
    submit(page, "save-value-case")
    deal.refresh_from_db()
    assert deal.value_case_missing == []

    # Now the drag goes through, and the column heads follow.
    page.goto(f"/deals/?pipeline={deal.pipeline.public_id}")
    card = page.locator(f"#deal-{deal.public_id}")
    drag(page, card, page.locator(column(page, str(value_case_stage.public_id))))
    moved = page.locator(column(page, str(value_case_stage.public_id))).locator(
        f"#deal-{deal.public_id}[data-stage='{value_case_stage.public_id}']"
    )
    expect(moved).to_have_count(1)
    expect(page.locator(f"#deal-{deal.public_id} [data-move-error]")).to_have_count(0)
    expect(
        page.locator(f"#column-head-{value_case_stage.public_id} [data-count]")
    ).not_to_have_attribute("data-count", "0")
    deal.refresh_from_db()
    assert deal.stage == value_case_stage

    # A promise, closing won, the promise checked, delivery.
    page.goto(f"/deals/{deal.public_id}/")
    promises_before = deal.promises.count()
    page.click(".add-promise summary")
    page.select_option("select[name=kind]", "volume")
    page.fill(".add-promise textarea[name=text]", "המדפסות מדפיסות 10,000 עמודים בחודש")
    submit(page, "add-promise")
    assert deal.promises.count() == promises_before + 1
    submit(page, "close-won")
    deal.refresh_from_db()
    assert deal.status == DealStatus.WON
    assert page.locator("article[data-status]").get_attribute("data-status") == "won"
    while page.locator("[data-action=promise-kept]").count():
        submit(page, "promise-kept")
    assert not deal.promises.filter(status=PromiseStatus.PENDING).exists()
    # A won deal only moves on: the page offers the next stage, delivery, and nothing else.
    expect(page.locator("#deal-move-stage")).to_have_count(0)
    expect(page.locator(".deal-move-form input[name=stage]")).to_have_value(
        str(delivered.public_id)
    )
    with page.expect_navigation():
        page.click(".deal-move-form [data-action=move]")
    deal.refresh_from_db()
    assert deal.stage == delivered

    # The customer answers in her own browser, in her language.
    link = page.locator("#satisfaction-link").input_value()
    customer = new_page("en-US")
    customer.goto(link)
    language = SatisfactionRequest.objects.filter(deal=deal).latest("created_at").language
    assert direction(customer) == (["rtl", "he"] if language == "he" else ["ltr", "en"])
    customer.check("input[name=score][value='9']")
    customer.fill("textarea[name=comment]", "שירות מהיר ואדיב")
    with customer.expect_navigation():
        customer.click("[data-action=answer]")
    expect(customer.locator("#public-heading[data-state=answered]")).to_be_visible()

    page.reload()
    expect(page.locator("#satisfaction-answer")).to_have_attribute("data-score", "9")
    assert direction(page) == ["rtl", "he"]
    assert problems == []


def test_start_small_advice_shows_while_the_amount_is_typed(
    new_page: Callable[[str], Page],
) -> None:
    demo = demo_load()
    deals = Deal.objects.filter(workspace=demo.workspace).count()
    page = new_page("he-IL")
    problems = watch(page)
    log_in_to_the_demo(page)
    page.goto("/deals/new/")
    advice = page.locator("#advice-preview #advice")

    # The fashion company has bought nothing yet: a first deal of 48,000 is oversized.
    page.fill("#id_amount", "48000")
    page.fill("#picker-organization .picker-search", "ליבנה")
    page.locator(f"#pick-organization label:has-text('{LIVNE}') input").check()
    expect(advice).to_be_visible()
    # A small first step: the advice goes away, and nothing was saved along the way.
    page.fill("#id_amount", "5000")
    expect(advice).to_have_count(0)
    assert Deal.objects.filter(workspace=demo.workspace).count() == deals
    assert problems == []
