"""The board's "Move…" dialog in a real browser, with the keyboard alone: the way to move a card
for whoever does not drag. A move the server refuses leaves the card in its column with the
reason on it; an accepted one puts it at the top of its new column and updates the heads."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from kesher.deals.models import Deal, DealStatus
from kesher.demo.services import demo_load
from tests.browser.test_introductions import direction, log_in_to_the_demo, watch

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def head_count(page: Page, stage_id: str) -> int:
    return int(page.locator(f"#column-head-{stage_id} [data-count]").get_attribute("data-count"))


def test_a_card_moves_through_the_dialog_with_the_keyboard(
    new_page: Callable[[str], Page],
) -> None:
    demo = demo_load()
    # An open deal before the quote, its value case not answered (seed 004's).
    deal = next(
        deal
        for deal in Deal.objects.filter(workspace=demo.workspace, status=DealStatus.OPEN)
        .select_related("pipeline__value_case_stage", "stage")
        .order_by("stage__position", "id")
        if deal.value_case_missing and deal.stage.position < deal.pipeline.value_case_stage.position
    )
    start = deal.stage
    quote = deal.pipeline.value_case_stage
    assert quote is not None
    # Back one stage (or on one, from the first): no value case needed either way.
    following = deal.pipeline.stages.get(
        position=start.position - 1 if start.position else start.position + 1
    )
    page = new_page("en-US")
    problems = watch(page)
    log_in_to_the_demo(page)
    page.goto(f"/deals/?pipeline={deal.pipeline.public_id}")
    assert direction(page) == ["ltr", "en"]
    before = head_count(page, str(following.public_id))
    card = page.locator(f"#deal-{deal.public_id}")
    dialog = page.locator("#move-dialog")
    expect(dialog).to_be_hidden()

    # To the quote, without the value case: refused, and the card stays, saying why.
    card.locator("[data-move-open]").focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-move-title]")).to_have_text(deal.title)
    expect(dialog.locator("select[name=stage]")).to_have_value(str(start.public_id))
    dialog.locator("select[name=stage]").select_option(str(quote.public_id))
    dialog.locator("[data-action=move]").click()
    expect(dialog).to_be_hidden()
    error = page.locator(f"#deal-{deal.public_id} [data-move-error]")
    expect(error).to_be_visible()
    expect(error).to_be_focused()
    expect(
        page.locator(f"[data-drop-stage='{start.public_id}'] #deal-{deal.public_id}")
    ).to_have_count(1)
    deal.refresh_from_db()
    assert deal.stage == start

    # To another stage: the card moves to the top of that column, and its head counts it.
    card = page.locator(f"#deal-{deal.public_id}")
    card.locator("[data-move-open]").focus()
    page.keyboard.press("Enter")
    dialog.locator("select[name=stage]").select_option(str(following.public_id))
    dialog.locator("[data-action=move]").focus()
    page.keyboard.press("Enter")
    moved = page.locator(f"[data-drop-stage='{following.public_id}'] > li").first
    expect(moved).to_have_attribute("id", f"deal-{deal.public_id}")
    expect(moved).to_have_attribute("data-stage", str(following.public_id))
    expect(page.locator(f"#column-head-{following.public_id} [data-count]")).to_have_attribute(
        "data-count", str(before + 1)
    )
    deal.refresh_from_db()
    assert deal.stage == following

    # Cancel closes the dialog and moves nothing.
    page.locator(f"#deal-{deal.public_id} [data-move-open]").click()
    expect(dialog).to_be_visible()
    dialog.locator("[data-move-cancel]").click()
    expect(dialog).to_be_hidden()
    deal.refresh_from_db()
    assert deal.stage == following
    assert problems == []
