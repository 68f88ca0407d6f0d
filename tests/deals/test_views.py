"""The deal pages: the board (with moves from it, refused in place), the list, the deal page and
each of its forms, the pipelines settings tab, the reports, Today and the customer pages, the
public satisfaction page; with a coach's read-only view and isolation between workspaces."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kesher.accounts.models import User
from kesher.deals import selectors, services
from kesher.deals.models import (
    Deal,
    DealStageChange,
    DealStatus,
    Pipeline,
    PostSaleCheck,
    Promise,
    PromiseStatus,
    SatisfactionRequest,
    Stage,
    Task,
    TaskKind,
)
from kesher.network.models import Interaction
from kesher.people.models import Organization, Person
from kesher.search.services import search_index_organization
from kesher.workspaces.models import Membership, Role, Workspace
from kesher.workspaces.services import invitation_accept, invitation_create
from tests.deals.conftest import page, stage, url
from tests.factories import (
    DealFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
)
from tests.people.conftest import HTMX, login

pytestmark = pytest.mark.django_db

VALUE_CASE = {
    "value_value": "Printers that print the volume they need",
    "value_why_us": "We service them ourselves, within a day",
    "value_why_now": "Their lease ends next month",
    "value_alternative": "ByteWise again, or doing nothing",
}


@pytest.fixture
def michal(workspace: Workspace) -> Person:
    return PersonFactory(workspace=workspace, name="Michal Avraham", language="he")


@pytest.fixture
def livne(workspace: Workspace) -> Organization:
    return OrganizationFactory(workspace=workspace, name="Livne Fashion")


@pytest.fixture
def deal(pipeline: Pipeline, michal: Person, livne: Organization) -> Deal:
    """The seed's deal: computers and printers, needs identified, no value case yet."""
    return DealFactory(
        workspace=pipeline.workspace,
        pipeline=pipeline,
        stage=stage(pipeline, 4),
        title="Computers and printers",
        person=michal,
        organization=livne,
        amount=Decimal("48000.00"),
        next_action="Send the comparison of printer volumes",
        next_action_on=timezone.localdate() + dt.timedelta(days=2),
    )


def coach_of(workspace: Workspace) -> Client:
    owner = Membership.objects.get(workspace=workspace, role=Role.OWNER).user
    _, secret = invitation_create(workspace=workspace, created_by=owner, role=Role.COACH)
    coach = UserFactory()
    invitation_accept(secret=secret, user=coach)
    return login(coach)


def with_value_case(deal: Deal, user: User) -> Deal:
    return services.deal_value_case_update(deal=deal, actor=user, **VALUE_CASE)


def won(deal: Deal, user: User) -> Deal:
    with_value_case(deal, user)
    return services.deal_close_won(deal=deal, actor=user)


# The board.


def test_the_board_shows_columns_with_counts_sums_and_cards(web, deal, pipeline):
    today = timezone.localdate()
    DealFactory(
        workspace=deal.workspace,
        pipeline=pipeline,
        stage=stage(pipeline, 4),
        title="Label printer",
        amount=Decimal("2000.00"),
        next_action="Call Lior",
        next_action_on=today - dt.timedelta(days=3),
    )
    DealFactory(
        workspace=deal.workspace,
        pipeline=pipeline,
        stage=stage(pipeline, 0),
        title="Shop tablets",
        amount=Decimal("500.00"),
        currency="USD",
    )
    html = page(web, url("board"))
    needs = stage(pipeline, 4)
    assert f'data-pipeline="{pipeline.public_id}"' in html
    assert f'id="column-head-{needs.public_id}"' in html
    assert '<span class="meta" data-count="2">' in html
    assert "2 deals" in html
    assert 'data-total="ILS">₪50,000</span>' in html
    assert 'data-total="USD">$500</span>' in html
    assert "Computers and printers" in html
    assert "<bdi>Michal Avraham</bdi> · <bdi>Livne Fashion</bdi>" in html
    assert '<p><span class="money">₪48,000</span></p>' in html
    overdue = (today - dt.timedelta(days=3)).strftime("%-d %b")
    assert f"Overdue since {overdue}" in html
    assert f'data-deal="{deal.public_id}"' in html
    assert f'data-stage="{needs.public_id}"' in html
    assert 'draggable="true"' in html
    assert f'href="/deals/{deal.public_id}/#deal-move-stage" data-move-open>Move…</a>' in html
    assert html.count("data-move-open") == html.count('<li class="deal-card"') == 3
    assert 'id="move-dialog"' in html
    assert "kesher/board.js" in html


def test_a_deal_without_a_next_step_is_flagged_on_the_board(web, deal):
    Deal.objects.filter(pk=deal.pk).update(next_action="", next_action_on=None)
    html = page(web, url("board"))
    assert '<p class="due-missing" data-flag="missing">No next step</p>' in html


def test_a_column_shows_twenty_cards_and_more_through_htmx(web, pipeline, workspace):
    first = stage(pipeline, 0)
    for number in range(25):
        DealFactory(workspace=workspace, pipeline=pipeline, title=f"Lead {number:02d}")
    html = page(web, url("board"))
    assert html.count('class="deal-card"') == 20
    assert "25 deals" in html
    more = url("board_column", pipeline.public_id, first.public_id)
    assert f'hx-get="{more}?offset=20"' in html
    rest = page(web, f"{more}?offset=20", headers=HTMX)
    assert rest.count('class="deal-card"') == 5
    assert 'data-action="more"' not in rest
    # Without htmx, "more" is the list of that stage.
    response = web.get(f"{more}?offset=20")
    assert response.status_code == 302
    assert response["Location"] == (
        f"{url('list')}?pipeline={pipeline.public_id}&stage={first.public_id}"
    )


def test_the_pipeline_switcher_shows_the_chosen_pipeline(web, workspace, pipeline, user):
    recruiting = services.pipeline_default(workspace=workspace, kind="recruiting")
    candidate = DealFactory(
        workspace=workspace, pipeline=recruiting, title="Candidate: field sales"
    )
    html = page(web, url("board"))
    assert 'id="pipeline-switch"' in html
    assert "Candidate: field sales" not in html
    html = page(web, f"{url('board')}?pipeline={recruiting.public_id}")
    assert "Candidate: field sales" in html
    assert f'data-pipeline="{recruiting.public_id}"' in html
    assert candidate.stage.name in html


def test_moving_on_the_board_swaps_the_card_and_the_column_heads(web, deal, pipeline):
    negotiation = stage(pipeline, 3)
    response = web.post(url("move", deal.public_id), {"stage": negotiation.public_id}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    deal.refresh_from_db()
    assert deal.stage == negotiation
    assert f'data-stage="{negotiation.public_id}"' in html
    assert f'id="column-head-{negotiation.public_id}"\n        hx-swap-oob="true"' in html
    assert "move-error" not in html
    assert '<div id="live-announcer" hx-swap-oob="innerHTML">' in html
    assert f"“Computers and printers” moved to \u2068{negotiation.name}\u2069." in html


def test_a_refused_move_shows_why_on_the_card_in_its_own_column(web, deal, pipeline):
    needs, quote = stage(pipeline, 4), stage(pipeline, 5)
    changes = DealStageChange.objects.count()
    response = web.post(url("move", deal.public_id), {"stage": quote.public_id}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-stage="{needs.public_id}"' in html
    assert 'role="alert"' in html
    assert (
        f"Before “{quote.name}”, answer the customer&#x27;s questions in the value case: "
        "“What value do we bring?”; “Why should they choose us?”; “Why now?”; "
        "“What is the alternative (a competitor, or doing nothing)?”." in html
    )
    deal.refresh_from_db()
    assert deal.stage == needs
    assert DealStageChange.objects.count() == changes


def test_a_refused_move_without_javascript_shows_the_deal_page_with_the_reason(web, deal, pipeline):
    quote = stage(pipeline, 5)
    response = web.post(url("move", deal.public_id), {"stage": quote.public_id})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="move-error"' in html
    assert "answer the customer&#x27;s questions in the value case" in html
    assert '<a href="#value-case">Answer the value case below</a>' in html
    deal.refresh_from_db()
    assert deal.stage == stage(pipeline, 4)


def test_moving_from_the_board_without_javascript_goes_back_to_the_board(web, deal, pipeline):
    response = web.post(
        url("move", deal.public_id), {"stage": stage(pipeline, 2).public_id, "from": "board"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url('board')}?pipeline={pipeline.public_id}"


def test_a_stage_of_another_pipeline_is_refused(web, deal, workspace):
    recruiting = services.pipeline_default(workspace=workspace, kind="recruiting")
    response = web.post(url("move", deal.public_id), {"stage": stage(recruiting, 1).public_id})
    assert response.status_code == 409
    assert "Choose one of this deal&#x27;s pipeline stages." in response.content.decode()


# The list.


def test_the_list_filters_by_status_overdue_and_no_next_step(web, deal, pipeline, workspace):
    late = DealFactory(
        workspace=workspace,
        pipeline=pipeline,
        title="Late one",
        next_action_on=timezone.localdate() - dt.timedelta(days=1),
    )
    lost = DealFactory(workspace=workspace, pipeline=pipeline, title="Lost one")
    services.deal_close_lost(
        deal=lost,
        actor=deal.owner,
        loss_category="own",
        loss_reason="Slow answer",
        loss_lesson="Answer the same day",
    )
    html = page(web, url("list"))
    assert "3 deals" in html
    html = page(web, f"{url('list')}?overdue=on")
    assert "1 deal" in html
    assert "Late one" in html
    assert "Computers and printers" not in html
    html = page(web, f"{url('list')}?status=lost")
    assert "Lost one" in html
    assert "Late one" not in html
    html = page(web, f"{url('list')}?no_next_step=on")
    assert "No deals match these filters." in html
    html = page(web, f"{url('list')}?stage={stage(pipeline, 4).public_id}")
    assert "Computers and printers" in html
    assert "Late one" not in html
    assert late.public_id


def test_the_list_filters_by_a_members_deals_and_refuses_an_outsider(
    web, deal, pipeline, workspace
):
    teammate = UserFactory(display_name="Gil")
    owner = Membership.objects.get(workspace=workspace, role=Role.OWNER).user
    _, secret = invitation_create(workspace=workspace, created_by=owner, role=Role.MEMBER)
    invitation_accept(secret=secret, user=teammate)
    DealFactory(workspace=workspace, pipeline=pipeline, owner=teammate, title="Five chairs")
    outsider = UserFactory(display_name="Outsider")
    DealFactory(owner=outsider, title="Elsewhere")

    html = page(web, f"{url('list')}?owner={teammate.pk}")
    assert "1 deal" in html
    assert "Five chairs" in html
    assert "Computers and printers" not in html
    assert f'<option value="{teammate.pk}" selected>Gil</option>' in html
    assert "Outsider" not in html

    html = page(web, f"{url('list')}?owner={outsider.pk}")
    assert "Select a valid choice." in html
    assert "Elsewhere" not in html


def test_the_list_is_paginated(web, pipeline, workspace):
    for number in range(31):
        DealFactory(workspace=workspace, pipeline=pipeline, title=f"Lead {number:02d}")
    html = page(web, url("list"))
    assert html.count('<tr id="deal-') == 30
    assert "Page 1 of 2" in html
    html = page(web, f"{url('list')}?page=2")
    assert html.count('<tr id="deal-') == 1


def test_a_list_row_shows_the_deal_and_the_filter_offers_every_pipelines_stages(
    web, deal, pipeline, workspace
):
    recruiting = services.pipeline_default(workspace=workspace, kind="recruiting")
    html = page(web, url("list"))
    row = html[html.index(f'<tr id="deal-{deal.public_id}">') :]
    row = row[: row.index("</tr>")]
    assert f'href="{url("detail", deal.public_id)}" dir="auto">Computers and printers</a>' in row
    assert "<bdi>Michal Avraham</bdi>" in row
    assert "<bdi>Livne Fashion</bdi>" in row
    assert f"<td>{stage(pipeline, 4).name}</td>" in row
    assert '<span class="badge status-open">Open</span>' in row
    assert '<span class="money">₪48,000</span>' in row
    assert "Send the comparison of printer volumes" in row
    pipelines = sorted([pipeline, recruiting], key=lambda item: item.kind)
    positions = [html.index(f'<option value="{item.public_id}">{item.name}<') for item in pipelines]
    assert positions == sorted(positions)
    stages = [
        f'<option value="{item.public_id}">{item.pipeline.name} · {item.name}<'
        for item in Stage.objects.filter(workspace=workspace).select_related("pipeline")
    ]
    expected = sorted(stages, key=html.index)
    assert expected == [
        f'<option value="{item.public_id}">{item.pipeline.name} · {item.name}<'
        for item in sorted(
            Stage.objects.filter(workspace=workspace).select_related("pipeline"),
            key=lambda item: (item.pipeline.name, item.position),
        )
    ]
    html = page(web, f"{url('list')}?pipeline={recruiting.public_id}")
    assert "No deals match these filters." in html
    assert f'<option value="{recruiting.public_id}" selected>' in html


def test_the_lists_queries_do_not_grow_with_its_rows_or_filters(web, deal, pipeline, workspace):
    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            page(web, path)
        return len(captured.captured_queries)

    page(web, url("list"))  # The session's first request reads a little more.
    few = queries(url("list"))
    for number in range(30):
        DealFactory(workspace=workspace, pipeline=pipeline, title=f"Lead {number:02d}")
    assert queries(url("list")) == few
    assert queries(f"{url('list')}?status=open") == few
    # A chosen pipeline and stage are each looked up once.
    chosen = f"{url('list')}?pipeline={pipeline.public_id}&stage={stage(pipeline, 4).public_id}"
    assert queries(chosen) == few + 2


# Creating and editing.


def test_creating_a_deal(web, pipeline, michal, livne):
    response = web.post(
        url("create"),
        {
            "pipeline": pipeline.public_id,
            "title": "Computers and printers",
            "person": michal.public_id,
            "organization": livne.public_id,
            "amount": "12000",
            "currency": "ILS",
            "next_action": "Meet Michal",
            "next_action_on": "2031-05-01",
            "disposition": "sceptical",
        },
    )
    deal = Deal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", deal.public_id)
    assert (deal.title, deal.person, deal.organization, deal.amount, deal.disposition) == (
        "Computers and printers",
        michal,
        livne,
        Decimal("12000.00"),
        "sceptical",
    )
    assert deal.stage == stage(pipeline, 0)


def test_creating_a_deal_without_a_next_step_is_refused_and_saves_nothing(web, pipeline, michal):
    response = web.post(
        url("create"),
        {
            "pipeline": pipeline.public_id,
            "title": "Computers and printers",
            "person": michal.public_id,
            "amount": "12000",
            "currency": "ILS",
            "next_action": "",
            "next_action_on": "",
            "disposition": "open",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved: please correct what is marked below." in html
    assert "An open deal needs a next step" in html
    assert "Give the day of the next step." in html
    assert Deal.objects.count() == 0


def test_a_deal_needs_a_customer(web, pipeline):
    response = web.post(
        url("create"),
        {
            "pipeline": pipeline.public_id,
            "title": "Nobody's deal",
            "amount": "1",
            "currency": "ILS",
            "next_action": "Think",
            "next_action_on": "2031-05-01",
            "disposition": "open",
        },
    )
    assert response.status_code == 400
    assert "Choose who the deal is with: a person, an organisation or both." in (
        response.content.decode()
    )
    assert Deal.objects.count() == 0


def test_the_create_form_starts_with_the_customer_from_their_page(web, michal, pipeline):
    html = page(web, f"{url('create')}?person={michal.public_id}")
    assert f'value="{michal.public_id}"\n           checked' in html
    assert 'id="picker-organization"' in html


def test_editing_a_deal(web, deal):
    response = web.post(
        url("edit", deal.public_id),
        {
            "title": "Computers, printers and service",
            "person": deal.person.public_id,
            "organization": deal.organization.public_id,
            "amount": "30000",
            "currency": "ILS",
            "next_action": "Send the quote",
            "next_action_on": "2031-05-02",
            "disposition": "price_focused",
        },
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.title, deal.amount, deal.disposition) == (
        "Computers, printers and service",
        Decimal("30000.00"),
        "price_focused",
    )


def test_the_organisation_picker_finds_organisations(web, livne):
    search_index_organization(organization=livne)
    html = page(web, f"{url('organization_pick')}?field=organization&q=Livne", headers=HTMX)
    assert f'value="{livne.public_id}"' in html
    assert "Livne Fashion" in html


# The deal page.


def test_the_deal_page_shows_everything_about_the_deal(web, deal, pipeline):
    html = page(web, url("detail", deal.public_id))
    assert "<h1>\n          <bdi>Computers and printers</bdi>\n        </h1>" in html
    assert '<span class="badge status-open" id="deal-status">Open</span>' in html
    assert f'<li aria-current="step">\n          {stage(pipeline, 4).name}' in html
    assert html.count('class="passed"') == 4
    assert f"Created in {stage(pipeline, 4).name}" not in html  # the factory wrote no history
    assert "Send the comparison of printer volumes" in html
    assert '<span class="badge warning" id="value-case-state">4 questions open</span>' in html
    for label in (
        "What value do we bring?",
        "Why should they choose us?",
        "Why now?",
        "What is the alternative (a competitor, or doing nothing)?",
    ):
        assert label in html
    assert "Playbook: Open" in html
    assert "Listen for the real need before offering anything." in html
    assert "Fit check" in html
    assert 'data-action="close-won"' in html
    assert 'data-action="close-lost"' in html
    assert 'data-action="walk-away"' in html
    assert "No promises recorded yet." in html


def test_the_stage_history_lists_each_move(web, deal, pipeline, user):
    services.deal_move(deal=deal, stage=stage(pipeline, 3), actor=user)
    html = page(web, url("detail", deal.public_id))
    # The arrow is drawn by CSS (.arrow), pointing the reading direction's way in Hebrew too.
    assert (
        f'<bdi>{stage(pipeline, 4).name}</bdi> <span class="arrow"></span> '
        f"<bdi>{stage(pipeline, 3).name}</bdi>"
    ) in html


def test_the_start_small_advice_shows_for_an_oversized_first_deal(web, deal, pipeline, user):
    for number in range(5):
        first = DealFactory(
            workspace=deal.workspace,
            pipeline=pipeline,
            title=f"First {number}",
            amount=Decimal("8000.00"),
        )
        won(first, user)
    html = page(web, url("detail", deal.public_id))
    assert 'id="advice"' in html
    assert (
        "₪48,000 is large for a first deal: the usual first deal here is ₪8,000 "
        "(the median of 5 first deals)." in html
    )
    assert "Suggest a smaller first step, around ₪8,000:" in html


def test_the_next_step_is_edited_in_place(web, deal):
    response = web.post(
        url("next_action", deal.public_id),
        {"next_action": "Call Lior about the printers", "next_action_on": "2031-06-01"},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('\n<section class="card" id="next-step"')
    assert "Next step saved." in html
    deal.refresh_from_db()
    assert (deal.next_action, deal.next_action_on) == (
        "Call Lior about the printers",
        dt.date(2031, 6, 1),
    )


def test_an_empty_next_step_is_refused_in_place_and_changes_nothing(web, deal):
    before = (deal.next_action, deal.next_action_on)
    response = web.post(
        url("next_action", deal.public_id),
        {"next_action": "", "next_action_on": ""},
        headers=HTMX,
    )
    html = response.content.decode()
    assert "An open deal needs a next step" in html
    assert "Next step saved." not in html
    deal.refresh_from_db()
    assert (deal.next_action, deal.next_action_on) == before


def test_the_value_case_is_saved_and_then_the_quote_is_allowed(web, deal, pipeline):
    response = web.post(url("value_case", deal.public_id), VALUE_CASE)
    assert response.status_code == 302
    assert response["Location"] == url("detail", deal.public_id) + "#value-case"
    deal.refresh_from_db()
    assert deal.value_case_missing == []
    response = web.post(url("move", deal.public_id), {"stage": stage(pipeline, 5).public_id})
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.stage == stage(pipeline, 5)
    html = page(web, url("detail", deal.public_id))
    assert '<span class="badge success" id="value-case-state">Complete</span>' in html


def test_the_fit_check_is_saved_and_a_no_suggests_walking_away(web, deal):
    response = web.post(
        url("fit", deal.public_id),
        {"fit_need_real": "true", "fit_can_deliver": "false", "fit_budget": ""},
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.fit_need_real, deal.fit_can_deliver, deal.fit_decision_maker, deal.fit_budget) == (
        True,
        False,
        None,
        None,
    )
    html = page(web, url("detail", deal.public_id))
    assert 'id="fit-doubts"' in html


def test_closing_lost_needs_the_whole_review(web, deal):
    response = web.post(
        url("close_lost", deal.public_id),
        {"loss_category": "customer", "loss_reason": "Too stingy", "loss_lesson": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write what you will do differently next time." in html
    assert '<details class="close-lost" open>' in html
    deal.refresh_from_db()
    assert deal.status == DealStatus.OPEN

    response = web.post(
        url("close_lost", deal.public_id),
        {
            "loss_category": "own",
            "loss_reason": "I quoted before understanding the volumes",
            "loss_lesson": "Ask for the monthly print volume first",
        },
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.status, deal.loss_category) == (DealStatus.LOST, "own")
    html = page(web, url("detail", deal.public_id))
    assert 'id="loss-review"' in html
    assert "Ask for the monthly print volume first" in html
    assert 'data-action="reopen"' in html


def test_walking_away_with_a_referral_records_a_give(web, deal, workspace):
    other = PersonFactory(workspace=workspace, name="Dana Printers")
    response = web.post(url("walk_away", deal.public_id), {"reason": "", "referred_to": ""})
    assert response.status_code == 400
    assert "Say why you are walking away: it is an outcome too." in response.content.decode()
    deal.refresh_from_db()
    assert deal.status == DealStatus.OPEN

    response = web.post(
        url("walk_away", deal.public_id),
        {"reason": "They need on-site repairs we do not do", "referred_to": other.public_id},
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.status, deal.referred_to) == (DealStatus.WALKED_AWAY, other)
    assert Interaction.objects.filter(workspace=workspace, exchange="give").count() == 1
    html = page(web, url("detail", deal.public_id))
    assert 'id="walk-away"' in html
    assert "Dana Printers" in html


def test_reopening_a_lost_deal(web, deal, user):
    services.deal_close_lost(
        deal=deal, actor=user, loss_category="market", loss_reason="x", loss_lesson="y"
    )
    response = web.post(
        url("reopen", deal.public_id),
        {"next_action": "Call them back", "next_action_on": "2031-01-01"},
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.status, deal.next_action) == (DealStatus.OPEN, "Call them back")


def test_closing_won_without_a_value_case_is_refused(web, deal):
    response = web.post(url("close_won", deal.public_id))
    assert response.status_code == 409
    assert "answer the customer&#x27;s questions in the value case" in response.content.decode()
    deal.refresh_from_db()
    assert deal.status == DealStatus.OPEN


def test_promises_are_added_checked_and_a_broken_one_puts_the_customer_at_risk(
    web, deal, michal, user
):
    response = web.post(url("promise_add", deal.public_id), {"kind": "volume", "text": ""})
    assert response.status_code == 400
    assert "Write what was promised" in response.content.decode()
    assert Promise.objects.count() == 0

    response = web.post(
        url("promise_add", deal.public_id),
        {"kind": "volume", "text": "Prints 10,000 pages a month", "due_on": ""},
    )
    assert response.status_code == 302
    promise = Promise.objects.get()
    html = page(web, url("detail", deal.public_id))
    assert "Prints 10,000 pages a month" in html
    # Promises are checked at delivery: the buttons come once the deal is won.
    assert url("promise_check", promise.public_id) not in html
    won(deal, user)
    html = page(web, url("detail", deal.public_id))
    assert url("promise_check", promise.public_id) in html

    response = web.post(url("promise_check", promise.public_id), {"kept": "false", "note": "Half"})
    assert response.status_code == 302
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.BROKEN
    task = Task.objects.get(kind=TaskKind.PROMISE_FOLLOW_UP)
    html = page(web, url("detail", deal.public_id))
    assert 'id="deal-at-risk"' in html
    html = page(web, reverse("people:detail", args=[michal.public_id]))
    assert '<span class="badge at-risk" id="customer-at-risk">At risk</span>' in html
    assert "Computers and printers" in html
    html = page(web, reverse("directory:organization_detail", args=[deal.organization.public_id]))
    assert 'id="customer-at-risk"' in html

    # Today lists the follow-up (due tomorrow: not yet) once it is due.
    Task.objects.filter(pk=task.pk).update(due_on=timezone.localdate())
    html = page(web, reverse("core:home"))
    assert f'id="today-task-{task.public_id}"' in html
    response = web.post(url("task_done", task.public_id))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None
    html = page(web, reverse("people:detail", args=[michal.public_id]))
    assert 'id="customer-at-risk"' not in html


def test_checking_a_promise_twice_is_refused(web, deal, user):
    promise = services.promise_create(deal=deal, actor=user, kind="spec", text="i7 processors")
    services.promise_check(promise=promise, kept=True, actor=user)
    response = web.post(url("promise_check", promise.public_id), {"kept": "false"})
    assert response.status_code == 302
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.KEPT
    html = page(web, url("detail", deal.public_id))
    assert "This promise was already checked (kept): each promise is checked once." in html


def test_close_won_plans_checks_and_the_satisfaction_link(web, deal, pipeline, user):
    with_value_case(deal, user)
    promise = services.promise_create(deal=deal, actor=user, kind="volume", text="10,000 pages")
    response = web.post(url("close_won", deal.public_id))
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.status == DealStatus.WON
    html = page(web, url("detail", deal.public_id))
    assert '<span class="badge status-won" id="deal-status">Won</span>' in html
    assert html.count('data-check-done="no"') == 3
    request = SatisfactionRequest.objects.get(deal=deal)
    token = selectors.satisfaction_token(request=request)
    assert f'value="http://testserver/s/{token}/"' in html
    assert 'data-copy="#satisfaction-link"' in html

    # Delivering needs every promise checked: the refusal names it.
    delivered = stage(pipeline, 8)
    response = web.post(url("move", deal.public_id), {"stage": delivered.public_id})
    assert response.status_code == 409
    assert "Before delivering, check each promise made at sale as kept or broken" in (
        response.content.decode()
    )
    services.promise_check(promise=promise, kept=True, actor=user)
    response = web.post(url("move", deal.public_id), {"stage": delivered.public_id})
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.stage == delivered


def test_a_post_sale_check_is_recorded_and_needs_both_answers(web, deal, user):
    won(deal, user)
    check = PostSaleCheck.objects.filter(deal=deal).order_by("offset_days").first()
    assert check is not None
    response = web.post(url("post_sale_check", check.public_id), {"understood": "true"})
    assert response.status_code == 400
    assert "Answer yes or no: is it working as promised?" in response.content.decode()
    check.refresh_from_db()
    assert check.done_at is None
    response = web.post(
        url("post_sale_check", check.public_id),
        {"understood": "true", "working": "true", "note": "All good"},
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert (check.understood, check.working, check.note) == (True, True, "All good")


def test_today_lists_deals_without_a_next_step_and_due_checks(web, deal, user):
    Deal.objects.filter(pk=deal.pk).update(next_action_on=timezone.localdate() - dt.timedelta(1))
    other = DealFactory(workspace=deal.workspace, pipeline=deal.pipeline, title="Tablets")
    won(other, user)
    check = PostSaleCheck.objects.filter(deal=other).order_by("offset_days").first()
    assert check is not None
    PostSaleCheck.objects.filter(pk=check.pk).update(due_on=timezone.localdate())
    html = page(web, reverse("core:home"))
    assert "Deals needing you" in html
    assert f'id="today-deal-{deal.public_id}"' in html
    assert f'id="today-check-{check.public_id}"' in html
    assert "7-day check, due" in html


def test_next_offers_show_after_delivery_to_a_satisfied_customer(web, deal, pipeline, user):
    product = services.product_create(
        workspace=deal.workspace, actor=user, name="Service contract", price="1200"
    )
    won(deal, user)
    services.deal_move(deal=deal, stage=stage(pipeline, 8), actor=user)
    request = SatisfactionRequest.objects.get(deal=deal)
    services.satisfaction_answer(token=selectors.satisfaction_token(request=request), score=9)
    html = page(web, url("detail", deal.public_id))
    assert 'id="next-offers"' in html
    assert "Service contract" in html
    assert "<strong>9 out of 10</strong>" in html
    assert product.public_id


# Pipelines settings.


def test_the_pipelines_tab_edits_stages_and_settings(web, pipeline):
    html = page(web, url("pipelines"))
    assert '<a href="/deals/pipelines/"\n     aria-current="page">Pipelines</a>' in html
    assert html.count('class="item" id="stage-') == 10

    response = web.post(url("stage_create", pipeline.public_id), {"name": "Demo day", "role": ""})
    assert response.status_code == 302
    assert pipeline.stages.count() == 11

    response = web.post(url("stage_create", pipeline.public_id), {"name": "Demo day", "role": ""})
    assert response.status_code == 400
    assert (
        "This pipeline already has a stage “Demo day”: choose another name."
        in response.content.decode()
    )
    assert pipeline.stages.count() == 11

    response = web.post(
        url("pipeline_update", pipeline.public_id),
        {
            "name": "Sales",
            "is_default": "on",
            "value_case_stage": stage(pipeline, 6).public_id,
            "post_sale_days": "14,60",
            "first_deal_factor": "3",
            "first_deal_threshold": "",
        },
    )
    assert response.status_code == 302
    pipeline.refresh_from_db()
    assert (pipeline.post_sale_days, pipeline.first_deal_factor) == ("14,60", Decimal("3.00"))
    assert pipeline.value_case_stage == stage(pipeline, 6)


def test_a_stage_with_deals_cannot_be_deleted(web, deal, pipeline):
    needs = stage(pipeline, 4)
    response = web.post(url("stage_delete", needs.public_id))
    assert response.status_code == 400
    assert (
        f"1 deal is in “{needs.name}”: move it to another stage first." in response.content.decode()
    )
    assert Stage.objects.filter(pk=needs.pk).exists()


def test_a_new_pipeline_is_made_with_the_default_stages(web, pipeline):
    response = web.post(url("pipeline_create"), {"name": "Partners", "kind": "sales"})
    created = Pipeline.objects.get(name="Partners")
    assert response.status_code == 302
    assert created.stages.count() == 10
    response = web.post(url("pipeline_create"), {"name": "Partners", "kind": "sales"})
    assert response.status_code == 400
    assert (
        "There is already a pipeline called “Partners”: choose another name."
        in response.content.decode()
    )


# Reports.


def test_the_reports_page_shows_the_figures(web, deal, pipeline, user):
    lost = DealFactory(workspace=deal.workspace, pipeline=pipeline, disposition="sceptical")
    services.deal_close_lost(
        deal=lost, actor=user, loss_category="customer", loss_reason="x", loss_lesson="y"
    )
    sold = DealFactory(workspace=deal.workspace, pipeline=pipeline, disposition="sceptical")
    won(sold, user)
    request = SatisfactionRequest.objects.get(deal=sold)
    services.satisfaction_answer(token=selectors.satisfaction_token(request=request), score=7)
    html = page(web, url("reports"))
    assert '<tr data-disposition="sceptical">' in html
    assert '<td class="number">\n                    50%\n' in html
    assert 'id="losses-outward">\n              1 (100%)' in html
    assert "Average 7 out of 10, from 1 answer." in html
    assert '<span class="money">₪48,000</span>' in html


# A coach reads everything and changes nothing.


def test_a_coach_sees_the_deal_pages_without_any_form(workspace, deal):
    coach = coach_of(workspace)
    for address in (url("board"), url("list"), url("reports"), url("pipelines")):
        page(coach, address)
    html = page(coach, url("detail", deal.public_id))
    assert "Computers and printers" in html
    for action in ("close-won", "move", "save-value-case", "add-promise", "save-next-step"):
        assert f'data-action="{action}"' not in html
    board = page(coach, url("board"))
    assert "draggable" not in board
    assert "data-move-open" not in board
    assert "move-dialog" not in board


def test_a_coach_cannot_change_a_deal(workspace, deal, pipeline):
    coach = coach_of(workspace)
    posts = [
        (url("move", deal.public_id), {"stage": stage(pipeline, 3).public_id}),
        (url("value_case", deal.public_id), VALUE_CASE),
        (url("next_action", deal.public_id), {"next_action": "x", "next_action_on": "2031-1-1"}),
        (url("close_won", deal.public_id), {}),
        (url("promise_add", deal.public_id), {"kind": "spec", "text": "x"}),
        (url("stage_create", pipeline.public_id), {"name": "New"}),
    ]
    for address, data in posts:
        assert coach.post(address, data).status_code == 403, address
    assert coach.get(url("create")).status_code == 403
    deal.refresh_from_db()
    assert (deal.stage, deal.status, deal.value_value) == (stage(pipeline, 4), "open", "")
    assert Promise.objects.count() == 0
    assert pipeline.stages.count() == 10


# Isolation between workspaces.


def test_another_workspace_gets_404_for_every_deal_page(other_web, deal, pipeline, user):
    promise = services.promise_create(deal=deal, actor=user, kind="spec", text="x")
    other_deal = DealFactory(workspace=deal.workspace, pipeline=pipeline, title="Won one")
    won(other_deal, user)
    check = PostSaleCheck.objects.filter(deal=other_deal).first()
    assert check is not None
    task = Task.objects.create(
        workspace=deal.workspace, kind=TaskKind.NEXT_STEP, title="t", due_on=timezone.localdate()
    )
    first = stage(pipeline, 0)
    gets = [
        url("detail", deal.public_id),
        url("edit", deal.public_id),
        f"{url('board_column', pipeline.public_id, first.public_id)}?offset=20",
    ]
    for address in gets:
        assert other_web.get(address, headers=HTMX).status_code == 404, address
    posts = [
        url("move", deal.public_id),
        url("edit", deal.public_id),
        url("next_action", deal.public_id),
        url("value_case", deal.public_id),
        url("fit", deal.public_id),
        url("close_won", deal.public_id),
        url("close_lost", deal.public_id),
        url("walk_away", deal.public_id),
        url("reopen", deal.public_id),
        url("promise_add", deal.public_id),
        url("satisfaction_new", deal.public_id),
        url("promise_check", promise.public_id),
        url("post_sale_check", check.public_id),
        url("task_done", task.public_id),
        url("pipeline_update", pipeline.public_id),
        url("pipeline_delete", pipeline.public_id),
        url("stage_create", pipeline.public_id),
        url("stage_update", first.public_id),
        url("stage_move", first.public_id),
        url("stage_delete", first.public_id),
    ]
    for address in posts:
        assert other_web.post(address, {"stage": first.public_id}).status_code == 404, address
    for name in ("board", "list", "reports", "pipelines"):
        html = page(other_web, url(name))
        assert "Computers and printers" not in html, name
    assert "Computers and printers" not in page(other_web, reverse("core:home"))
    # A moving deal of another workspace's stage is not found either.
    mine = DealFactory(workspace=Workspace.objects.get(name="Other"))
    response = other_web.post(url("move", mine.public_id), {"stage": first.public_id})
    assert response.status_code == 409
    mine.refresh_from_db()
    assert mine.stage != first


def test_the_deal_pages_need_a_login(client, deal):
    for address in (url("board"), url("list"), url("detail", deal.public_id)):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


# The customer's satisfaction page.


@pytest.fixture
def request_for(deal: Deal, user: User) -> SatisfactionRequest:
    won(deal, user)
    return SatisfactionRequest.objects.get(deal=deal)


def public_url(request: SatisfactionRequest) -> str:
    return url("satisfaction", selectors.satisfaction_token(request=request))


def test_the_satisfaction_page_speaks_the_customers_language_without_a_login(client, request_for):
    assert request_for.language == "he"
    html = page(client, public_url(request_for), headers={"Accept-Language": "en"})
    assert '<html lang="he"\n      dir="rtl">' in html
    assert 'class="score-scale"' in html
    assert html.count('type="radio" name="score"') == 11
    assert "<legend>" in html
    assert "Computers and printers" in html


def test_the_satisfaction_page_in_english_for_an_english_customer(client, request_for):
    SatisfactionRequest.objects.filter(pk=request_for.pk).update(language="en")
    html = page(client, public_url(request_for))
    assert '<html lang="en"\n      dir="ltr">' in html
    assert "How likely are you to recommend us to a friend or colleague?" in html


def test_answering_thanks_and_the_answer_shows_on_the_deal(client, web, request_for):
    SatisfactionRequest.objects.filter(pk=request_for.pk).update(language="en")
    address = public_url(request_for)
    response = client.post(address, {"score": "11", "comment": ""})
    assert response.status_code == 400
    assert "Choose a score from 0 to 10." in response.content.decode()
    request_for.refresh_from_db()
    assert request_for.answered_at is None

    response = client.post(address, {"score": "9", "comment": "Fast and friendly"})
    assert response.status_code == 302
    assert response["Location"] == url(
        "satisfaction_thanks", selectors.satisfaction_token(request=request_for)
    )
    html = page(client, response["Location"])
    assert 'data-state="answered">Thank you!</h1>' in html
    request_for.refresh_from_db()
    assert (request_for.score, request_for.comment) == (9, "Fast and friendly")
    deal_page = page(web, url("detail", request_for.deal.public_id))
    assert '<p id="satisfaction-answer" data-score="9">' in deal_page
    assert "Fast and friendly" in deal_page

    # The link answers once: used again, it says when it was answered.
    response = client.post(address, {"score": "2"})
    assert response.status_code == 410
    assert 'data-state="already_answered">Already answered</h1>' in response.content.decode()
    request_for.refresh_from_db()
    assert request_for.score == 9


def test_an_expired_link_says_so(client, request_for):
    SatisfactionRequest.objects.filter(pk=request_for.pk).update(
        language="en", expires_at=timezone.now() - dt.timedelta(days=1)
    )
    response = client.get(public_url(request_for))
    assert response.status_code == 410
    html = response.content.decode()
    assert 'data-state="expired">This link has expired</h1>' in html
    response = client.post(public_url(request_for), {"score": "5"})
    assert response.status_code == 410
    request_for.refresh_from_db()
    assert request_for.answered_at is None


def test_a_forged_link_is_not_found(client, request_for):
    token = selectors.satisfaction_token(request=request_for)
    assert client.get(url("satisfaction", token[:-2] + "xx")).status_code == 404
    assert client.get(url("satisfaction", "not-a-token")).status_code == 404
    assert client.post(url("satisfaction", "not-a-token"), {"score": "9"}).status_code == 404
    assert client.get(url("satisfaction_thanks", "not-a-token")).status_code == 404


def test_the_thanks_page_before_answering_goes_to_the_form(client, request_for):
    token = selectors.satisfaction_token(request=request_for)
    response = client.get(url("satisfaction_thanks", token))
    assert response.status_code == 302
    assert response["Location"] == url("satisfaction", token)


def test_the_nav_links_to_deals(web, deal):
    html = page(web, url("board"))
    assert '<a href="/deals/"\n                   aria-current="page">Deals</a>' in html


def test_a_paid_deal_on_the_board_has_nowhere_to_move(web, deal, pipeline, user):
    other = DealFactory(workspace=deal.workspace, pipeline=pipeline, stage=stage(pipeline, 1))
    won(deal, user)
    for role in ("delivered", "paid"):
        services.deal_move(deal=deal, stage=pipeline.stages.get(role=role), actor=user)
    html = page(web, url("board"))
    paid_card = html[html.index(f'id="deal-{deal.public_id}"') :].split("</li>")[0]
    open_card = html[html.index(f'id="deal-{other.public_id}"') :].split("</li>")[0]
    assert "data-move-open" not in paid_card
    assert "draggable" not in paid_card
    assert f'href="/deals/{other.public_id}/#deal-move-stage" data-move-open>' in open_card


def test_the_moved_message_isolates_a_hebrew_stage_name_in_english(web, deal, pipeline):
    met = stage(pipeline, 3)
    response = web.post(url("move", deal.public_id), {"stage": met.public_id}, follow=True)
    assert response.status_code == 200
    assert f"Moved to \u2068{met.name}\u2069." in response.content.decode()
    card = web.post(
        url("move", deal.public_id),
        {"stage": stage(pipeline, 2).public_id, "from": "board"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert f"“{deal.title}” moved to \u2068{stage(pipeline, 2).name}\u2069." in card
