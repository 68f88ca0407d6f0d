"""The deal services keep the search box in step: a deal is found as soon as it is made, by
what it is now called, with its customer, stage and status as they are now."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesher.deals import services
from kesher.search.models import SearchDocument
from kesher.search.selectors import search
from tests.factories import OrganizationFactory, PersonFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db

VALUE_CASE = {
    "value_value": "Reliable computers with on-site service",
    "value_why_us": "We service what we sell, within a day",
    "value_why_now": "Their old machines stop the design team weekly",
    "value_alternative": "The big chain store, or keeping the old machines",
}


@pytest.fixture
def workspace(user):
    """An English-speaking workspace, so stage names and statuses read as in the code."""
    return WorkspaceFactory(owner=user, language="en")


@pytest.fixture
def pipeline(workspace):
    return services.pipeline_default(workspace=workspace, kind="sales")


@pytest.fixture
def deal(workspace, user, pipeline):
    return services.deal_create(
        workspace=workspace,
        actor=user,
        pipeline=pipeline,
        title="Computers and printers",
        person=PersonFactory(workspace=workspace, name="Michal Avraham"),
        organization=OrganizationFactory(workspace=workspace, name="Livne Fashion"),
        next_action="Send the spec sheet",
        next_action_on=timezone.localdate() + dt.timedelta(days=2),
    )


def found(workspace, query):
    """The deal hits of `query`: (title, deal id, snippet)."""
    return [
        (hit.title, hit.target_id, hit.snippet)
        for hit in search(workspace=workspace, query=query, include_archived=True).hits
        if hit.kind == "deal"
    ]


def stage(pipeline, position):
    return pipeline.stages.get(position=position)


def test_a_new_deal_is_found_at_once(workspace, deal):
    snippet = "Michal Avraham · Livne Fashion · Find the customer · Open"
    expected = [("Computers and printers", deal.public_id, snippet)]
    for query in ("printers", "Computers", "Michal", "livne", "spec sheet"):
        assert found(workspace, query) == expected, query


def test_editing_the_title_customer_and_next_step_reindexes_the_deal(workspace, user, deal):
    dana = PersonFactory(workspace=workspace, name="Dana Katz")
    services.deal_update(
        deal=deal,
        actor=user,
        title="Laptops and service",
        person=dana,
        organization=None,
        amount=deal.amount,
        currency=deal.currency,
        expected_close=None,
        next_action="Book the demo",
        next_action_on=deal.next_action_on,
        product=None,
        disposition=deal.disposition,
        owner=user,
    )
    for query in ("printers", "Michal", "livne", "spec"):
        assert found(workspace, query) == [], query
    expected = [("Laptops and service", deal.public_id, "Dana Katz · Find the customer · Open")]
    for query in ("laptops", "Dana", "demo"):
        assert found(workspace, query) == expected, query
    document = SearchDocument.objects.get(kind="deal", object_id=deal.public_id)
    assert document.person_id == dana.pk


def test_moving_closing_and_reopening_show_the_stage_and_status(workspace, user, pipeline, deal):
    def snippet():
        ((_title, _id, text),) = found(workspace, "printers")
        return text

    customer = "Michal Avraham · Livne Fashion"
    services.deal_move(deal=deal, stage=stage(pipeline, 2), actor=user)
    assert snippet() == f"{customer} · Meeting set · Open"
    services.deal_close_lost(
        deal=deal, actor=user, loss_category="own", loss_reason="Slow", loss_lesson="Call sooner"
    )
    assert snippet() == f"{customer} · Meeting set · Lost"
    services.deal_reopen(deal=deal, actor=user)
    assert snippet() == f"{customer} · Meeting set · Open"
    services.deal_walk_away(deal=deal, actor=user, reason="They need industrial printers")
    assert snippet() == f"{customer} · Meeting set · Walked away"


def test_closing_won_shows_the_won_stage(workspace, user, deal):
    services.deal_value_case_update(deal=deal, actor=user, **VALUE_CASE)
    services.deal_close_won(deal=deal, actor=user)
    assert found(workspace, "printers") == [
        (
            "Computers and printers",
            deal.public_id,
            "Michal Avraham · Livne Fashion · Closed · Won",
        )
    ]


def test_deleting_the_deal_removes_it_from_search(workspace, user, deal):
    services.deal_delete(deal=deal, actor=user)
    assert found(workspace, "printers") == []
    assert not SearchDocument.objects.filter(kind="deal").exists()


def test_renaming_a_stage_refreshes_its_deals(workspace, user, pipeline, deal):
    services.stage_update(stage=stage(pipeline, 0), actor=user, name="Prospecting")
    assert found(workspace, "printers") == [
        (
            "Computers and printers",
            deal.public_id,
            "Michal Avraham · Livne Fashion · Prospecting · Open",
        )
    ]


def test_a_deal_write_indexes_it_in_a_fixed_number_of_queries(workspace, user, pipeline, deal):
    def queries_of_a_move(position):
        with CaptureQueriesContext(connection) as captured:
            services.deal_move(deal=deal, stage=stage(pipeline, position), actor=user)
        return [q["sql"] for q in captured.captured_queries if "search_" in q["sql"]]

    # The document (read, updated) and its terms (cleared, written).
    first, second = queries_of_a_move(1), queries_of_a_move(2)
    assert len(first) == len(second) == 4
