import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesher.deals import selectors, services
from kesher.deals.exceptions import SatisfactionAnsweredError
from kesher.deals.models import Deal, DealStatus, PostSaleCheck, SatisfactionRequest, Stage
from kesher.engine.deals import Ratio
from tests.factories import (
    DealFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def workspace(user):
    return WorkspaceFactory(owner=user, language="en")


@pytest.fixture
def pipeline(workspace):
    return services.pipeline_default(workspace=workspace, kind="sales")


def stage(pipeline, position):
    return Stage.objects.get(pipeline=pipeline, position=position)


def role_stage(pipeline, role):
    return Stage.objects.get(pipeline=pipeline, role=role)


def won(workspace, pipeline, *, amount, closed_days_ago=10, **fields):
    fields.setdefault("stage", role_stage(pipeline, "won"))
    deal = DealFactory(
        workspace=workspace, pipeline=pipeline, status=DealStatus.WON, amount=D(amount), **fields
    )
    deal.closed_at = timezone.now() - dt.timedelta(days=closed_days_ago)
    deal.save()
    return deal


# The board and the list.


def test_board_columns_count_sum_and_show_the_latest_per_stage(workspace, pipeline):
    first, third = stage(pipeline, 0), stage(pipeline, 2)
    deals = [
        DealFactory(workspace=workspace, pipeline=pipeline, stage=first, amount=D(100 * n))
        for n in range(1, 4)
    ]
    DealFactory(workspace=workspace, pipeline=pipeline, stage=first, amount=D("7"), currency="USD")
    DealFactory(workspace=workspace, pipeline=pipeline, stage=third, amount=D("50"))
    DealFactory(
        workspace=workspace,
        pipeline=pipeline,
        stage=third,
        status=DealStatus.WALKED_AWAY,
        walk_away_reason="Not a fit",
    )
    DealFactory()  # another workspace's deal
    with CaptureQueriesContext(connection) as queries:
        columns = selectors.board_columns(workspace=workspace, pipeline=pipeline, per_column=3)
        cards = [[deal.customer_names for deal in column.deals] for column in columns]
    assert len(queries) == 3
    assert [column.stage.position for column in columns] == list(range(10))
    assert (columns[0].count, columns[0].more, columns[0].sums) == (
        4,
        1,
        {"ILS": D("600.00"), "USD": D("7.00")},
    )
    assert len(cards[0]) == 3
    assert [deal.pk for deal in columns[0].deals][1:] == [deals[2].pk, deals[1].pk]
    assert (columns[2].count, columns[2].more, columns[2].sums) == (1, 0, {"ILS": D("50.00")})
    assert columns[1].count == 0 and columns[1].deals == []


def test_board_query_count_does_not_grow_with_the_deals(workspace, pipeline):
    for position in range(5):
        for _ in range(4):
            DealFactory(workspace=workspace, pipeline=pipeline, stage=stage(pipeline, position))
    with CaptureQueriesContext(connection) as queries:
        columns = selectors.board_columns(workspace=workspace, pipeline=pipeline)
        # Everything a card shows.
        [
            (deal.title, deal.customer_names, deal.amount, deal.status, deal.next_action_on)
            for column in columns
            for deal in column.deals
        ]
    assert len(queries) == 3


def test_board_columns_with_open_and_won_deals_in_one_call(workspace, pipeline):
    closing = role_stage(pipeline, "won")
    open_deal = DealFactory(workspace=workspace, pipeline=pipeline, stage=closing, amount=D(10))
    won_deal = won(workspace, pipeline, amount="20")
    DealFactory(
        workspace=workspace,
        pipeline=pipeline,
        stage=closing,
        status=DealStatus.LOST,
        amount=D(40),
        loss_category="own",
        loss_reason="x",
        loss_lesson="y",
    )
    with CaptureQueriesContext(connection) as queries:
        columns = selectors.board_columns(
            workspace=workspace, pipeline=pipeline, statuses=(DealStatus.OPEN, DealStatus.WON)
        )
    column = next(column for column in columns if column.stage == closing)
    assert len(queries) == 3
    assert (column.count, column.sums) == (2, {"ILS": D("30.00")})
    assert [deal.pk for deal in column.deals] == [won_deal.pk, open_deal.pk]
    only_open = selectors.board_columns(workspace=workspace, pipeline=pipeline)
    assert [deal.pk for column in only_open for deal in column.deals] == [open_deal.pk]
    assert list(
        selectors.deal_list(
            workspace=workspace, stage=closing, statuses=(DealStatus.OPEN, DealStatus.WON)
        )
    ) == [won_deal, open_deal]


def test_deals_needing_attention_are_the_first_few_without_a_day_then_oldest(workspace, pipeline):
    today = timezone.localdate()
    bare = [
        DealFactory(workspace=workspace, pipeline=pipeline, next_action="", next_action_on=None)
        for _ in range(3)
    ]
    late = [
        DealFactory(
            workspace=workspace, pipeline=pipeline, next_action_on=today - dt.timedelta(days=days)
        )
        for days in (1, 5, 3)
    ]
    blank_step = DealFactory(
        workspace=workspace, pipeline=pipeline, next_action="", next_action_on=today
    )
    DealFactory(workspace=workspace, pipeline=pipeline, next_action_on=today)
    attention = selectors.deals_needing_attention(workspace=workspace, today=today, limit=5)
    assert list(attention) == [*bare, late[1], late[2]]
    everything = selectors.deals_needing_attention(workspace=workspace, today=today)
    assert list(everything) == [*bare, late[1], late[2], late[0], blank_step]


def test_deal_list_filters_overdue_and_no_next_step(workspace, pipeline):
    today = timezone.localdate()
    overdue = DealFactory(
        workspace=workspace, pipeline=pipeline, next_action_on=today - dt.timedelta(days=1)
    )
    DealFactory(workspace=workspace, pipeline=pipeline, next_action_on=today)
    bare = DealFactory(workspace=workspace, pipeline=pipeline, next_action="", next_action_on=None)
    DealFactory(
        workspace=workspace,
        pipeline=pipeline,
        status=DealStatus.LOST,
        next_action_on=today - dt.timedelta(days=5),
        loss_category="own",
        loss_reason="x",
        loss_lesson="y",
    )
    assert list(selectors.deal_list(workspace=workspace, overdue=True, today=today)) == [overdue]
    assert list(selectors.deal_list(workspace=workspace, no_next_step=True)) == [bare]
    attention = selectors.deals_needing_attention(workspace=workspace, today=today)
    assert list(attention) == [bare, overdue]


def test_deal_list_filters_by_customer_status_and_owner(workspace, pipeline, user):
    person = PersonFactory(workspace=workspace)
    organization = OrganizationFactory(workspace=workspace)
    mine = DealFactory(workspace=workspace, pipeline=pipeline, person=person)
    theirs = DealFactory(workspace=workspace, pipeline=pipeline, organization=organization)
    other_owner = UserFactory()
    theirs.owner = other_owner
    theirs.save()
    assert list(selectors.deal_list(workspace=workspace, person=person)) == [mine]
    assert list(selectors.deal_list(workspace=workspace, organization=organization)) == [theirs]
    assert list(selectors.deal_list(workspace=workspace, owner=user)) == [mine]
    assert list(selectors.deal_list(workspace=workspace, status="won")) == []


# Today and risk.


def test_today_items(workspace, pipeline, user):
    today = timezone.localdate()
    late = DealFactory(
        workspace=workspace, pipeline=pipeline, next_action_on=today - dt.timedelta(days=3)
    )
    deal = won(workspace, pipeline, amount="100")
    due = PostSaleCheck.objects.create(workspace=workspace, deal=deal, offset_days=7, due_on=today)
    PostSaleCheck.objects.create(
        workspace=workspace, deal=deal, offset_days=30, due_on=today + dt.timedelta(days=1)
    )
    promise = services.promise_create(deal=late, actor=user, kind="date", text="By Sunday")
    services.promise_check(promise=promise, kept=False, actor=user)
    deals, checks, tasks = selectors.today_items(
        workspace=workspace, today=today + dt.timedelta(days=1) - dt.timedelta(days=1)
    )
    assert list(deals) == [late]
    assert list(checks) == [due]
    assert list(tasks) == []
    _deals, _checks, tomorrow = selectors.today_items(
        workspace=workspace, today=today + dt.timedelta(days=1)
    )
    assert [task.promise for task in tomorrow] == [promise]
    assert selectors.at_risk_person_ids(workspace=workspace) == {late.person_id}
    assert selectors.deal_is_at_risk(deal=late)
    assert not selectors.deal_is_at_risk(deal=deal)


# Advice.


def test_start_small_uses_the_median_of_each_customers_first_won_deal(workspace, pipeline):
    for amount in ("8000", "9000", "10000", "11000", "12000"):
        customer = PersonFactory(workspace=workspace)
        won(workspace, pipeline, amount=amount, person=customer, closed_days_ago=50)
        # A later, bigger deal of the same customer is not a first deal.
        won(workspace, pipeline, amount="90000", person=customer, closed_days_ago=5)
    assert sorted(selectors.first_deal_amounts(workspace=workspace, currency="ILS")) == [
        D("8000.00"),
        D("9000.00"),
        D("10000.00"),
        D("11000.00"),
        D("12000.00"),
    ]
    newcomer = PersonFactory(workspace=workspace)
    advice = selectors.start_small_advice(
        workspace=workspace,
        pipeline=pipeline,
        amount=D("45000"),
        currency="ILS",
        person=newcomer,
        organization=None,
    )
    assert (advice.basis, advice.reference, advice.suggested) == (
        "median",
        D("10000.00"),
        D("10000"),
    )
    assert (
        selectors.start_small_advice(
            workspace=workspace,
            pipeline=pipeline,
            amount=D("15000"),
            currency="ILS",
            person=newcomer,
            organization=None,
        )
        is None
    )


def test_first_deals_are_per_organisation_else_per_person_in_each_currency(workspace, pipeline):
    dana, yossi = PersonFactory(workspace=workspace), PersonFactory(workspace=workspace)
    livne = OrganizationFactory(workspace=workspace)
    # The organisation is the customer: its first deal counts once, whoever it was with.
    won(workspace, pipeline, amount="700", person=dana, organization=livne, closed_days_ago=40)
    won(workspace, pipeline, amount="800", person=yossi, organization=livne, closed_days_ago=30)
    # Dana on her own is another customer, whose first deal came after Livne's.
    won(workspace, pipeline, amount="300", person=dana, closed_days_ago=20)
    won(workspace, pipeline, amount="350", person=dana, closed_days_ago=10)
    # Two deals closed at the same moment: the first made comes first.
    tied = timezone.now() - dt.timedelta(days=15)
    for amount in ("40", "50"):
        deal = won(workspace, pipeline, amount=amount, person=yossi, currency="USD")
        Deal.objects.filter(pk=deal.pk).update(closed_at=tied)
    DealFactory(workspace=workspace, pipeline=pipeline, amount=D("5"), person=yossi)
    assert sorted(selectors.first_deal_amounts(workspace=workspace, currency="ILS")) == [
        D("300.00"),
        D("700.00"),
    ]
    assert selectors.first_deal_amounts(workspace=workspace, currency="USD") == [D("40.00")]
    livnes_first = Deal.objects.get(organization=livne, amount=D("700"))
    assert sorted(
        selectors.first_deal_amounts(workspace=workspace, currency="ILS", exclude=livnes_first)
    ) == [D("300.00"), D("800.00")]
    other = WorkspaceFactory()
    assert selectors.first_deal_amounts(workspace=other, currency="ILS") == []


def test_start_small_is_silent_for_a_returning_customer(workspace, pipeline):
    organization = OrganizationFactory(workspace=workspace)
    won(workspace, pipeline, amount="5000", organization=organization)
    pipeline.first_deal_threshold = D("1000")
    pipeline.save()
    advice = selectors.start_small_advice(
        workspace=workspace,
        pipeline=pipeline,
        amount=D("999999"),
        currency="ILS",
        person=PersonFactory(workspace=workspace),
        organization=organization,
    )
    assert advice is None


def test_start_small_uses_the_threshold_with_few_first_deals(workspace, pipeline):
    pipeline.first_deal_threshold = D("20000")
    pipeline.save()
    deal = DealFactory(workspace=workspace, pipeline=pipeline, amount=D("30000"))
    advice = selectors.deal_advice(deal=deal)
    assert (advice.start_small.basis, advice.start_small.suggested) == ("threshold", D("10000"))
    assert advice.playbook[0] == "Listen for the real need before offering anything."
    assert advice.next_offers == []


def test_next_offers_for_a_satisfied_delivered_customer(workspace, pipeline, user):
    computers = services.product_create(
        workspace=workspace, actor=user, name="Computers", price="3000"
    )
    printers = services.product_create(
        workspace=workspace, actor=user, name="Printers", price="900"
    )
    toner = services.product_create(workspace=workspace, actor=user, name="Toner", price="50")
    for _ in range(2):
        customer = PersonFactory(workspace=workspace)
        won(workspace, pipeline, amount="1", person=customer, product=computers, closed_days_ago=9)
        won(workspace, pipeline, amount="1", person=customer, product=printers, closed_days_ago=3)
    deal = won(
        workspace,
        pipeline,
        amount="3000",
        product=computers,
        stage=role_stage(pipeline, "delivered"),
    )
    assert selectors.next_offers_eligible(deal=deal) is False
    SatisfactionRequest.objects.create(
        workspace=workspace,
        deal=deal,
        language="en",
        score=9,
        answered_at=timezone.now(),
        expires_at=timezone.now(),
    )
    assert selectors.next_offers_eligible(deal=deal) is True
    offers = selectors.deal_advice(deal=deal).next_offers
    assert [(row.product, row.followers, row.basis) for row in offers] == [
        (printers, 2, "history"),
        (toner, 0, "catalogue"),
    ]


def test_next_offers_need_satisfaction_or_all_checks_positive(workspace, pipeline):
    deal = won(workspace, pipeline, amount="100", stage=role_stage(pipeline, "delivered"))
    check = PostSaleCheck.objects.create(
        workspace=workspace, deal=deal, offset_days=7, due_on=timezone.localdate()
    )
    assert selectors.next_offers_eligible(deal=deal) is False
    check.understood = check.working = True
    check.done_at = timezone.now()
    check.save()
    assert selectors.next_offers_eligible(deal=deal) is True
    SatisfactionRequest.objects.create(
        workspace=workspace,
        deal=deal,
        language="en",
        score=6,
        answered_at=timezone.now(),
        expires_at=timezone.now(),
    )
    assert selectors.next_offers_eligible(deal=deal) is False


# Satisfaction tokens.


def test_an_answered_request_is_not_offered_again(workspace, pipeline):
    deal = won(workspace, pipeline, amount="100")
    request = SatisfactionRequest.objects.create(
        workspace=workspace,
        deal=deal,
        language="he",
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    token = selectors.satisfaction_token(request=request)
    assert selectors.satisfaction_request_for_token(token=token) == request
    services.satisfaction_answer(token=token, score=10)
    with pytest.raises(SatisfactionAnsweredError):
        selectors.satisfaction_request_for_token(token=token)


# The report.


def test_deal_report(workspace, pipeline):
    first = stage(pipeline, 0)
    DealFactory(workspace=workspace, pipeline=pipeline, stage=first, amount=D("100"))
    DealFactory(workspace=workspace, pipeline=pipeline, stage=first, amount=D("50"))
    won(workspace, pipeline, amount="1000", disposition="sceptical")
    won(workspace, pipeline, amount="3000", disposition="sceptical")
    for category, disposition in (
        ("customer", "sceptical"),
        ("market", "price_focused"),
        ("own", "price_focused"),
        ("company", "open"),
    ):
        DealFactory(
            workspace=workspace,
            pipeline=pipeline,
            status=DealStatus.LOST,
            disposition=disposition,
            loss_category=category,
            loss_reason="r",
            loss_lesson="l",
        )
    DealFactory(
        workspace=workspace,
        pipeline=pipeline,
        status=DealStatus.WALKED_AWAY,
        disposition="antagonistic",
        walk_away_reason="not a fit",
    )
    for score in (9, 6):
        SatisfactionRequest.objects.create(
            workspace=workspace,
            deal=won(workspace, pipeline, amount="10"),
            language="en",
            score=score,
            answered_at=timezone.now(),
            expires_at=timezone.now(),
        )
    report = selectors.deal_report(workspace=workspace, pipeline=pipeline)
    assert report.conversion == {
        "open": Ratio(2, 3),
        "sceptical": Ratio(2, 3),
        "antagonistic": Ratio(0, 1),
        "price_focused": Ratio(0, 2),
    }
    assert (report.losses.outward, report.losses.owned) == (Ratio(3, 4), Ratio(1, 4))
    assert report.loss_categories == {"customer": 1, "company": 1, "market": 1, "own": 1}
    assert (report.satisfaction.count, report.satisfaction.average) == (2, D("7.5"))
    assert (report.pipeline_value[0].count, report.pipeline_value[0].sums) == (
        2,
        {"ILS": D("150.00")},
    )
    assert [row.stage.position for row in report.pipeline_value] == list(range(10))
    # Four separate customers' first deals: 1000, 3000, 10, 10.
    assert report.first_deal_median == {"ILS": D("505.00")}


def test_deal_report_of_every_pipeline_and_of_one_owner(workspace, pipeline, user):
    colleague = UserFactory()
    recruiting = services.pipeline_default(workspace=workspace, kind="recruiting")
    first, sourced = stage(pipeline, 0), stage(recruiting, 0)
    DealFactory(workspace=workspace, pipeline=pipeline, stage=first, amount=D("100"))
    DealFactory(workspace=workspace, pipeline=pipeline, stage=first, amount=D("40"), currency="USD")
    DealFactory(
        workspace=workspace, pipeline=pipeline, stage=first, amount=D("60"), owner=colleague
    )
    DealFactory(workspace=workspace, pipeline=recruiting, stage=sourced, amount=D("7"))
    SatisfactionRequest.objects.create(
        workspace=workspace,
        deal=won(workspace, pipeline, amount="500", owner=colleague, disposition="sceptical"),
        language="en",
        score=9,
        answered_at=timezone.now(),
        expires_at=timezone.now(),
    )
    DealFactory(
        workspace=workspace,
        pipeline=recruiting,
        status=DealStatus.LOST,
        loss_category="own",
        loss_reason="r",
        loss_lesson="l",
    )

    def open_value(report):
        return {row.stage: (row.count, row.sums) for row in report.pipeline_value if row.count}

    everything = selectors.deal_report(workspace=workspace)
    assert [row.stage.pipeline for row in everything.pipeline_value] == [recruiting] * 10 + [
        pipeline
    ] * 10
    assert open_value(everything) == {
        sourced: (1, {"ILS": D("7.00")}),
        first: (3, {"ILS": D("160.00"), "USD": D("40.00")}),
    }
    assert everything.conversion == {"open": Ratio(0, 1), "sceptical": Ratio(1, 1)}
    assert everything.loss_categories == {"customer": 0, "company": 0, "market": 0, "own": 1}
    assert (everything.satisfaction.count, everything.satisfaction.average) == (1, D("9.0"))
    mine = selectors.deal_report(workspace=workspace, owner=user)
    assert open_value(mine) == {
        sourced: (1, {"ILS": D("7.00")}),
        first: (2, {"ILS": D("100.00"), "USD": D("40.00")}),
    }
    assert mine.conversion == {"open": Ratio(0, 1)}
    assert mine.satisfaction.count == 0
    theirs = selectors.deal_report(workspace=workspace, pipeline=pipeline, owner=colleague)
    assert open_value(theirs) == {first: (1, {"ILS": D("60.00")})}
    assert theirs.conversion == {"sceptical": Ratio(1, 1)}
    assert theirs.losses.owned == Ratio(0, 0)
    assert (theirs.satisfaction.count, theirs.satisfaction.average) == (1, D("9.0"))
    assert selectors.deal_report(workspace=WorkspaceFactory()).pipeline_value == []


# Deals at risk (Today).


def broken_promise(deal, user):
    promise = services.promise_create(deal=deal, actor=user, kind="volume", text="10,000 pages")
    services.promise_check(promise=promise, kept=False, actor=user)
    return promise


def test_deals_at_risk_are_open_or_won_deals_with_a_broken_promise_not_made_good(
    workspace, pipeline, user
):
    at_risk_open = DealFactory(workspace=workspace, pipeline=pipeline, title="Open")
    at_risk_won = won(workspace, pipeline, amount="100", title="Won")
    made_good = DealFactory(workspace=workspace, pipeline=pipeline, title="Made good")
    lost = DealFactory(workspace=workspace, pipeline=pipeline, title="Lost")
    DealFactory(workspace=workspace, pipeline=pipeline, title="Kept")
    for deal in (at_risk_open, at_risk_won, made_good, lost):
        broken_promise(deal, user)
    services.task_complete(task=made_good.tasks.get(), actor=user)
    services.deal_close_lost(
        deal=lost, actor=user, loss_category="own", loss_reason="Late", loss_lesson="Ask sooner"
    )
    Deal.objects.filter(pk=at_risk_open.pk).update(updated_at=timezone.now())

    found = selectors.deals_at_risk(workspace=workspace)

    assert [deal.title for deal in found] == ["Open", "Won"]
    assert selectors.deals_at_risk(workspace=workspace, limit=1)[0] == at_risk_open


def test_deals_at_risk_of_one_owner_and_never_of_another_workspace(workspace, pipeline, user):
    other_owner = UserFactory()
    mine = DealFactory(workspace=workspace, pipeline=pipeline)
    theirs = DealFactory(workspace=workspace, pipeline=pipeline, owner=other_owner)
    other_workspace = WorkspaceFactory(owner=UserFactory())
    elsewhere = DealFactory(workspace=other_workspace)
    for deal in (mine, theirs):
        broken_promise(deal, user)
    broken_promise(elsewhere, elsewhere.owner)

    assert list(selectors.deals_at_risk(workspace=workspace, owner=user)) == [mine]
    assert set(selectors.deals_at_risk(workspace=workspace)) == {mine, theirs}
    assert list(selectors.deals_at_risk(workspace=other_workspace)) == [elsewhere]


def test_deals_at_risk_take_one_query(workspace, pipeline, user):
    for _ in range(3):
        broken_promise(DealFactory(workspace=workspace, pipeline=pipeline), user)

    with CaptureQueriesContext(connection) as queries:
        found = list(selectors.deals_at_risk(workspace=workspace))
        names = [(deal.title, deal.person.name, deal.stage.name) for deal in found]

    assert len(names) == 3
    assert len(queries) == 1
