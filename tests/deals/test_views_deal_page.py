"""The deal page as a deal goes from open to won, delivered and paid (what it offers at each
step), its amounts and dates in Hebrew and English, the public satisfaction page's scale and
error, the pipelines tab's pills and the reports' figures."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from kesher.accounts.models import User
from kesher.deals import selectors, services
from kesher.deals.models import Deal, Pipeline, SatisfactionRequest, Stage, StageRole
from kesher.people.models import Person
from kesher.workspaces.models import Workspace
from tests.deals.conftest import page
from tests.factories import PASSWORD, DealFactory, PersonFactory

pytestmark = pytest.mark.django_db

VALUE_CASE = {
    "value_value": "Printers that print the volume they need",
    "value_why_us": "We service them ourselves, within a day",
    "value_why_now": "Their lease ends next month",
    "value_alternative": "ByteWise again, or doing nothing",
}


@pytest.fixture
def hebrew(user: User, workspace: Workspace) -> Client:
    client = Client(headers={"Accept-Language": "he"})
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def michal(workspace: Workspace) -> Person:
    return PersonFactory(workspace=workspace, name="Michal Avraham", language="he")


@pytest.fixture
def deal(pipeline: Pipeline, michal: Person, user: User) -> Deal:
    deal = DealFactory(
        workspace=pipeline.workspace,
        pipeline=pipeline,
        stage=pipeline.stages.get(position=4),
        title="Computers and printers",
        person=michal,
        amount=Decimal("95000.00"),
        currency="ILS",
        expected_close=dt.date(2026, 8, 13),
    )
    return services.deal_value_case_update(deal=deal, actor=user, **VALUE_CASE)


def role_stage(pipeline: Pipeline, role: str) -> Stage:
    return pipeline.stages.get(role=role)


def detail(deal: Deal) -> str:
    return reverse("deals:detail", args=[deal.public_id])


def squeezed(html: str) -> str:
    return " ".join(html.split())


# An open deal.


def test_an_open_deal_offers_the_move_select_and_one_row_of_close_buttons(web, deal):
    html = page(web, detail(deal))

    assert 'id="deal-move-stage"' in html
    assert 'id="delivery-state"' not in html
    row = html[
        html.index('<div class="close-actions">') : html.index(
            "</section>", html.index('id="close"')
        )
    ]
    assert row.count('data-action="close-won"') == 1
    assert row.count('<summary class="btn">') == 2
    assert row.index('data-action="close-won"') < row.index('<details class="close-lost"')
    assert row.index('<details class="close-lost"') < row.index('<details class="walk-away"')


def test_promises_of_an_open_deal_wait_for_delivery_without_check_buttons(web, deal, user):
    promise = services.promise_create(deal=deal, actor=user, kind="volume", text="10,000 pages")

    html = page(web, detail(deal))

    assert "10,000 pages" in html
    assert reverse("deals:promise_check", args=[promise.public_id]) not in html
    assert 'data-action="promise-kept"' not in html
    assert 'class="add-promise"' in html


# A won deal, on its way through delivery and payment.


def test_a_won_deal_is_delivered_next_with_its_promises_checked_first(web, deal, user, pipeline):
    promise = services.promise_create(deal=deal, actor=user, kind="volume", text="10,000 pages")
    services.deal_close_won(deal=deal, actor=user)
    delivered = role_stage(pipeline, StageRole.DELIVERED)

    html = page(web, detail(deal))

    assert 'id="deal-move-stage"' not in html
    assert 'id="close"' not in html
    assert 'data-delivery="due"' in html
    assert "now deliver what was promised." in html
    assert 'id="promises-before-delivery"' in html
    assert f'<input type="hidden" name="stage" value="{delivered.public_id}">' in html
    assert f"Move on to <bdi>{delivered.name}</bdi>" in squeezed(html)
    assert reverse("deals:promise_check", args=[promise.public_id]) in html
    assert 'class="add-promise"' in html

    response = web.post(
        reverse("deals:move", args=[deal.public_id]), {"stage": str(delivered.public_id)}
    )
    assert response.status_code == 409
    deal.refresh_from_db()
    assert deal.stage.role == StageRole.WON

    services.promise_check(promise=promise, kept=True, actor=user)
    response = web.post(
        reverse("deals:move", args=[deal.public_id]), {"stage": str(delivered.public_id)}
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.stage == delivered


def test_a_delivered_deal_no_longer_asks_to_deliver_and_moves_on_to_payment(
    web, deal, user, pipeline
):
    services.deal_close_won(deal=deal, actor=user)
    services.deal_move(deal=deal, stage=role_stage(pipeline, StageRole.DELIVERED), actor=user)
    paid = role_stage(pipeline, StageRole.PAID)

    html = page(web, detail(deal))

    assert 'data-delivery="delivered"' in html
    assert "now deliver what was promised" not in html
    assert 'id="promises-before-delivery"' not in html
    assert f'<input type="hidden" name="stage" value="{paid.public_id}">' in html
    assert 'class="add-promise"' not in html
    assert 'id="deal-move-stage"' not in html


def test_a_paid_deal_offers_no_move_at_all(web, deal, user, pipeline):
    services.deal_close_won(deal=deal, actor=user)
    services.deal_move(deal=deal, stage=role_stage(pipeline, StageRole.PAID), actor=user)

    html = page(web, detail(deal))

    assert 'data-delivery="paid"' in html
    assert ", delivered and paid." in html
    assert 'class="deal-move-form"' not in html
    assert 'data-action="move"' not in html
    assert "now deliver what was promised" not in html


def test_a_won_deals_value_case_and_fit_are_shown_not_edited(web, deal, user):
    services.deal_close_won(deal=deal, actor=user)

    html = page(web, detail(deal))

    assert 'data-action="save-value-case"' not in html
    assert 'data-action="save-fit"' not in html
    assert "Their lease ends next month" in html


# Amounts and dates in each language.


def test_the_deal_page_shows_amounts_and_dates_in_hebrew_and_english(web, hebrew, deal, user):
    promise = services.promise_create(
        deal=deal, actor=user, kind="date", text="Delivery", due_on=dt.date(2026, 9, 1)
    )
    assert promise.due_on is not None

    english = page(web, detail(deal))
    in_hebrew = page(hebrew, detail(deal))

    assert 'id="deal-amount"><span class="money">₪95,000</span></span>' in english
    assert 'id="deal-amount"><span class="money">95,000\u00a0₪</span></span>' in in_hebrew
    assert "expected to close 13 August 2026" in english
    assert "13 באוגוסט 2026" in in_hebrew
    assert "1 בספטמבר 2026" in in_hebrew
    assert "13 אוגוסט" not in in_hebrew


# The customer's public page.


@pytest.fixture
def satisfaction_url(deal: Deal, user: User) -> str:
    services.deal_close_won(deal=deal, actor=user)
    request = SatisfactionRequest.objects.get(deal=deal)
    return reverse("deals:satisfaction", args=[selectors.satisfaction_token(request=request)])


def test_the_satisfaction_scale_is_eleven_buttons_in_one_scale(satisfaction_url):
    html = Client(headers={"Accept-Language": "en"}).get(satisfaction_url).content.decode()

    scale = html[html.index('<div class="score-scale">') : html.index('id="score-ends"')]
    assert re.findall(r'value="(\d+)"', scale) == [str(score) for score in range(11)]
    assert 'aria-describedby="score-ends"' in html
    assert 'id="score-error"' not in html


def test_a_missing_score_is_said_right_by_the_question(satisfaction_url):
    response = Client(headers={"Accept-Language": "en"}).post(satisfaction_url, {"comment": "x"})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-describedby="score-error score-ends"' in html
    # The page speaks the customer's language (Michal's: Hebrew).
    assert '<p class="errorlist" id="score-error">בחרו ציון בין 0 ל-10.</p>' in html
    legend = html.index("<legend>")
    assert legend < html.index('id="score-error"') < html.index('<div class="score-scale">')


def test_the_hebrew_satisfaction_page_names_the_company_without_a_glued_prefix(
    satisfaction_url, workspace
):
    workspace.name = "הרשת של אלון"
    workspace.save()

    html = Client(headers={"Accept-Language": "en"}).get(satisfaction_url).content.decode()

    assert '<html lang="he"' in html
    # The name in its own <bdi>: the full stop stays after it.
    assert "תודה שבחרתם לעבוד עם <bdi>הרשת של אלון</bdi>." in html
    assert "בהרשת" not in html


# The pipelines tab and the reports.


def chips(html: str) -> list[str]:
    return sorted(
        " ".join(re.sub(r"<[^>]+>", " ", chip).split())
        for chip in re.findall(r'<a class="chip".*?</a>', html, re.S)
    )


def test_a_pipeline_pill_does_not_repeat_a_name_that_says_its_kind(web, hebrew, workspace, user):
    services.pipeline_create(workspace=workspace, actor=user, name="מכירות", kind="sales")
    services.pipeline_create(workspace=workspace, actor=user, name="Sales", kind="sales")
    services.pipeline_create(workspace=workspace, actor=user, name="Hiring", kind="recruiting")

    english = chips(page(web, reverse("deals:pipelines")))
    in_hebrew = chips(page(hebrew, reverse("deals:pipelines")))

    # The kind is said only where the name does not say it already.
    assert english == sorted(["מכירות Sales · default", "Sales", "Hiring Recruiting · default"])
    with translation.override("he"):
        default, sales, recruiting = gettext("default"), gettext("Sales"), gettext("Recruiting")
    assert sales == "מכירות"
    assert in_hebrew == sorted(
        [f"מכירות {default}", f"Sales {sales}", f"Hiring {recruiting} · {default}"]
    )


def test_reports_show_whole_percentages_and_the_first_deal_median_with_start_small(web, deal, user):
    services.deal_close_won(deal=deal, actor=user)

    html = page(web, reverse("deals:reports"))

    satisfaction = html[html.index('id="report-satisfaction"') :]
    satisfaction = satisfaction[: satisfaction.index("</section>")]
    start_small = html[html.index('id="report-start-small"') :]
    start_small = start_small[: start_small.index("</section>")]
    assert "The usual first deal" not in satisfaction
    assert "The usual first deal" in start_small
    assert '<span class="money" data-currency="ILS">₪95,000</span>' in start_small
    assert '<td class="number">\n                    100%\n' in html
    assert "100.0%" not in html
