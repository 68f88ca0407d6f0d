import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import transaction

from kesher.deals import selectors
from kesher.deals.models import Deal, DealStatus, Pipeline, Promise, PromiseStatus
from kesher.demo.services import DATA_PATH, demo_load
from kesher.search.models import SearchDocument
from kesher.search.selectors import search

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_load(today=TODAY)
        transaction.set_rollback(True)


def test_the_fashion_companys_computers_and_printers_deal(demo):
    deal = Deal.objects.get(workspace=demo.workspace, title="מחשבים ומדפסות")
    assert deal.organization.name == "אופנת ליבנה"
    assert deal.status == DealStatus.OPEN
    assert deal.stage.position == 4  # needs identified
    assert deal.next_action and deal.next_action_on == TODAY + dt.timedelta(days=2)
    # Opened a month ago, its needs identified ten days ago: not a deal made this morning.
    history = [
        (change.to_stage.position, change.changed_at.date())
        for change in deal.stage_changes.order_by("changed_at", "id")
    ]
    assert history == [(0, TODAY - dt.timedelta(days=30)), (4, TODAY - dt.timedelta(days=10))]
    assert len(deal.value_case_missing) == 4
    assert list(Promise.objects.filter(deal=deal).values_list("status", flat=True)) == [
        PromiseStatus.PENDING,
        PromiseStatus.PENDING,
    ]
    # Typing a large first amount brings the start-small advice (five small first deals).
    advice = selectors.start_small_advice(
        workspace=demo.workspace,
        pipeline=deal.pipeline,
        amount=Decimal("60000"),
        currency="ILS",
        person=deal.person,
        organization=deal.organization,
        deal=deal,
    )
    assert (advice.basis, advice.reference, advice.suggested) == (
        "median",
        Decimal("8000.00"),
        Decimal("8000"),
    )
    assert selectors.deal_advice(deal=deal).start_small is None


def test_the_delivered_repeat_deal_shows_next_offers(demo):
    deal = Deal.objects.get(workspace=demo.workspace, title="10 כסאות מנהלים")
    assert (deal.status, deal.stage.role) == (DealStatus.WON, "delivered")
    assert selectors.satisfaction_latest_answer(deal=deal).score == 9
    offers = selectors.deal_advice(deal=deal).next_offers
    assert [row.product.name for row in offers][:1] == ["עמדות עבודה"]


def test_the_lost_walked_away_and_recruiting_deals(demo):
    lost = Deal.objects.get(workspace=demo.workspace, status=DealStatus.LOST)
    assert (lost.loss_category, bool(lost.loss_lesson)) == ("customer", True)
    # Lost in the negotiation, after its value case and quote; walked away once the needs were
    # clear. Neither was closed from the first stage.
    assert (lost.stage.position, len(lost.value_case_missing)) == (6, 0)
    walked = Deal.objects.get(workspace=demo.workspace, status=DealStatus.WALKED_AWAY)
    assert walked.referred_to.name == "קרן אלמוג"
    assert walked.stage.position == 4
    assert [change.changed_at.date() for change in lost.stage_changes.order_by("changed_at")] == [
        TODAY - dt.timedelta(days=70),
        TODAY - dt.timedelta(days=40),
    ]
    assert lost.closed_at.date() == TODAY - dt.timedelta(days=30)
    recruiting = Pipeline.objects.get(workspace=demo.workspace, kind="recruiting")
    candidate = Deal.objects.get(pipeline=recruiting)
    assert (candidate.person.name, candidate.status) == ("הילה מור", DealStatus.OPEN)
    report = selectors.deal_report(workspace=demo.workspace)
    assert report.losses.outward.part == 1
    assert report.first_deal_median == {"ILS": Decimal("8000.00")}


def test_the_data_file_has_the_deals_of_the_issue():
    data = json.loads(DATA_PATH.read_text(encoding="utf-8"))
    assert sum(1 for deal in data["deals"] if deal["outcome"] == "paid") >= 5


def test_no_demo_deal_closes_before_its_customer_was_met():
    data = json.loads(DATA_PATH.read_text(encoding="utf-8"))
    met_days_ago = {p["key"]: p["met_days_ago"] for p in data["people"] if "met_days_ago" in p}
    too_early = [
        deal["key"]
        for deal in data["deals"]
        if deal.get("person") in met_days_ago
        and deal.get("closed_days_ago", 0) > met_days_ago[deal["person"]]
    ]
    assert too_early == []


def test_the_demo_deals_are_searchable(demo):
    deal = Deal.objects.get(workspace=demo.workspace, title="מחשבים ומדפסות")
    for query in ("מדפסות", "המדפסות", "ליבנה"):
        hits = search(workspace=demo.workspace, query=query).hits
        assert [hit.target_id for hit in hits if hit.kind == "deal"][:1] == [deal.public_id], query
    indexed = SearchDocument.objects.filter(workspace=demo.workspace, kind="deal").count()
    assert indexed == Deal.objects.filter(workspace=demo.workspace).count()
