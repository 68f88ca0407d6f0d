import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.utils import timezone, translation

from kesher.core.exceptions import ConflictError, NotFoundError, PermissionDeniedError
from kesher.deals import selectors, services
from kesher.deals.exceptions import (
    PromisesUncheckedError,
    SatisfactionAnsweredError,
    SatisfactionExpiredError,
    ValueCaseMissingError,
)
from kesher.deals.models import (
    Deal,
    DealStageChange,
    DealStatus,
    Pipeline,
    PostSaleCheck,
    PromiseStatus,
    SatisfactionRequest,
    Stage,
    StageTotal,
    Task,
    TaskKind,
)
from kesher.network.models import Interaction
from kesher.workspaces.models import Membership, Role
from tests.factories import (
    DealFactory,
    OrganizationFactory,
    PersonFactory,
    PipelineFactory,
    PromiseFactory,
    UserFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.django_db
D = Decimal

VALUE_CASE = {
    "value_value": "Reliable computers with on-site service",
    "value_why_us": "We service what we sell, within a day",
    "value_why_now": "Their old machines stop the design team weekly",
    "value_alternative": "The big chain store, or keeping the old machines",
}


def stage(pipeline, position):
    return Stage.objects.get(pipeline=pipeline, position=position)


def role_stage(pipeline, role):
    return Stage.objects.get(pipeline=pipeline, role=role)


@pytest.fixture
def workspace(user):
    """An English-speaking workspace, so default stage names read as in the code."""
    return WorkspaceFactory(owner=user, language="en")


@pytest.fixture
def pipeline(workspace):
    return services.pipeline_default(workspace=workspace, kind="sales")


@pytest.fixture
def coach(workspace):
    user = UserFactory()
    Membership.objects.create(workspace=workspace, user=user, role=Role.COACH)
    return user


def new_deal(workspace, user, pipeline, **overrides):
    values = {
        "title": "Computers and printers",
        "person": PersonFactory(workspace=workspace),
        "amount": Decimal("12000"),
        "next_action": "Send the spec sheet",
        "next_action_on": timezone.localdate() + dt.timedelta(days=2),
    }
    values.update(overrides)
    return services.deal_create(workspace=workspace, actor=user, pipeline=pipeline, **values)


def with_value_case(deal, user):
    return services.deal_value_case_update(deal=deal, actor=user, **VALUE_CASE)


# Default pipelines.


def test_default_sales_pipeline_has_the_ten_stages_of_seed_004(workspace):
    pipeline = services.pipeline_default(workspace=workspace, kind="sales")
    stages = list(pipeline.stages.order_by("position").values_list("name", "role"))
    assert stages == [
        ("Find the customer", ""),
        ("Contact", ""),
        ("Meeting set", ""),
        ("Met", ""),
        ("Needs identified", ""),
        ("Quote", ""),
        ("Negotiation", ""),
        ("Closed", "won"),
        ("Delivered", "delivered"),
        ("Paid", "paid"),
    ]
    assert (pipeline.name, pipeline.is_default) == ("Sales", True)
    assert pipeline.value_case_stage.name == "Quote"
    assert pipeline.post_sale_days == "7,30,90"


def test_default_recruiting_pipeline_follows_seed_001(workspace):
    pipeline = services.pipeline_default(workspace=workspace, kind="recruiting")
    names = list(pipeline.stages.order_by("position").values_list("name", flat=True))
    assert names == [
        "Sourced",
        "Contacted",
        "Screening call",
        "Interview",
        "Needs and fit checked",
        "Offer",
        "Negotiation",
        "Hired",
        "Started",
        "Probation passed",
    ]
    assert pipeline.value_case_stage.name == "Offer"
    assert role_stage(pipeline, "won").name == "Hired"


def test_default_pipeline_is_created_once(workspace):
    first = services.pipeline_default(workspace=workspace, kind="sales")
    again = services.pipeline_default(workspace=workspace, kind="sales")
    assert first.pk == again.pk
    assert Pipeline.objects.filter(workspace=workspace).count() == 1
    services.pipelines_ensure_defaults(workspace=workspace)
    assert Pipeline.objects.filter(workspace=workspace).count() == 2


def test_default_stage_names_are_in_the_workspace_language(workspace):
    with translation.override("he"):
        pipeline = services.pipeline_default(workspace=workspace, kind="sales")
    assert pipeline.name == "Sales"
    assert stage(pipeline, 0).name == "Find the customer"
    hebrew = WorkspaceFactory(language="he")
    pipeline = services.pipeline_default(workspace=hebrew, kind="sales")
    with translation.override("he"):
        expected = (translation.gettext("Sales"), translation.gettext("Find the customer"))
    assert (pipeline.name, stage(pipeline, 0).name) == expected


def test_pipeline_create_with_own_stages_becomes_default_only_when_asked(workspace, user, pipeline):
    mine = services.pipeline_create(
        workspace=workspace, actor=user, name="My way", stage_names=["Coffee", "Demo", "Deal"]
    )
    assert list(mine.stages.values_list("name", flat=True)) == ["Coffee", "Demo", "Deal"]
    assert mine.is_default is False
    services.pipeline_create(workspace=workspace, actor=user, name="New default", is_default=True)
    pipeline.refresh_from_db()
    assert pipeline.is_default is False
    assert Pipeline.objects.get(workspace=workspace, is_default=True, kind="sales").name == (
        "New default"
    )


def test_pipeline_create_refuses_a_taken_name_and_duplicate_stages(workspace, user, pipeline):
    with pytest.raises(ValidationError) as caught:
        services.pipeline_create(
            workspace=workspace, actor=user, name="Sales", stage_names=["A", "A"]
        )
    assert caught.value.message_dict == {
        "name": ["There is already a pipeline called “Sales”: choose another name."],
        "stage_names": ["Two stages have the same name: make them different."],
    }


def test_pipeline_update_validates_every_setting(workspace, user, pipeline):
    other = PipelineFactory(workspace=workspace)
    with pytest.raises(ValidationError) as caught:
        services.pipeline_update(
            pipeline=pipeline,
            actor=user,
            name="Sales",
            is_default=False,
            value_case_stage=stage(other, 3),
            post_sale_days="7,x",
            first_deal_threshold="-5",
            first_deal_factor="1",
        )
    assert set(caught.value.message_dict) == {
        "value_case_stage",
        "post_sale_days",
        "first_deal_threshold",
        "first_deal_factor",
        "is_default",
    }
    updated = services.pipeline_update(
        pipeline=pipeline,
        actor=user,
        name="Sales",
        is_default=True,
        value_case_stage=None,
        post_sale_days=[30, 7],
        first_deal_threshold="50000",
        first_deal_factor="1.5",
    )
    assert (updated.post_sale_days, updated.first_deal_threshold, updated.first_deal_factor) == (
        "7,30",
        Decimal("50000.00"),
        Decimal("1.50"),
    )
    assert updated.value_case_stage is None


def test_pipeline_delete_refuses_the_default_and_a_pipeline_with_deals(workspace, user, pipeline):
    with pytest.raises(ConflictError) as caught:
        services.pipeline_delete(pipeline=pipeline, actor=user)
    assert caught.value.code == "default_pipeline"
    other = services.pipeline_create(workspace=workspace, actor=user, name="Other")
    DealFactory(workspace=workspace, pipeline=other)
    with pytest.raises(ConflictError) as caught:
        services.pipeline_delete(pipeline=other, actor=user)
    assert caught.value.code == "in_use"
    empty = services.pipeline_create(workspace=workspace, actor=user, name="Empty")
    services.pipeline_delete(pipeline=empty, actor=user)
    assert not Pipeline.objects.filter(pk=empty.pk).exists()


# Stages.


def test_stage_create_inserts_at_a_position_and_keeps_positions_compact(user, pipeline):
    services.stage_create(pipeline=pipeline, actor=user, name="Referral asked", position=1)
    names = list(pipeline.stages.order_by("position").values_list("name", "position"))
    assert names[:3] == [("Find the customer", 0), ("Referral asked", 1), ("Contact", 2)]
    assert names[-1] == ("Paid", 10)


def test_stage_move_reorders(user, pipeline):
    services.stage_move(stage=stage(pipeline, 0), actor=user, position=2)
    names = list(pipeline.stages.order_by("position").values_list("name", flat=True))
    assert names[:4] == ["Contact", "Meeting set", "Find the customer", "Met"]


def test_stage_roles_are_unique_per_pipeline(user, pipeline):
    with pytest.raises(ValidationError) as caught:
        services.stage_update(stage=stage(pipeline, 6), actor=user, name="Negotiation", role="won")
    assert caught.value.message_dict == {
        "role": [
            "“Closed” already has this role, and a role belongs to one stage: "
            "take it off “Closed” first, or choose another role."
        ]
    }


def test_stage_delete_refuses_a_stage_with_deals(workspace, user, pipeline):
    deal = new_deal(workspace, user, pipeline)
    with pytest.raises(ConflictError) as caught:
        services.stage_delete(stage=deal.stage, actor=user)
    assert caught.value.code == "in_use"
    services.stage_delete(stage=stage(pipeline, 1), actor=user)
    assert list(pipeline.stages.values_list("position", flat=True)) == list(range(9))


# Creating and editing deals.


def test_deal_create_starts_in_the_first_stage_owned_by_the_actor(workspace, user, pipeline):
    deal = new_deal(workspace, user, pipeline)
    assert deal.stage.name == "Find the customer"
    assert (deal.owner, deal.status, deal.currency, deal.amount) == (
        user,
        DealStatus.OPEN,
        "ILS",
        Decimal("12000.00"),
    )
    change = DealStageChange.objects.get(deal=deal)
    assert (change.from_stage, change.to_stage_name, change.changed_by) == (
        None,
        "Find the customer",
        user,
    )


def test_an_open_deal_needs_a_next_step_and_its_day(workspace, user, pipeline):
    with pytest.raises(ValidationError) as caught:
        new_deal(workspace, user, pipeline, next_action="  ", next_action_on=None)
    assert caught.value.message_dict == {
        "next_action": [
            "An open deal needs a next step: write what you will do next "
            "(e.g. “call to set a meeting”)."
        ],
        "next_action_on": ["Give the day of the next step."],
    }
    assert not Deal.objects.exists()


def test_a_deal_needs_a_customer_and_a_valid_amount(workspace, user, pipeline):
    with pytest.raises(ValidationError) as caught:
        new_deal(workspace, user, pipeline, person=None, amount="-3", currency="shekel")
    assert caught.value.message_dict == {
        "person": ["Choose the customer: a person, an organisation, or both."],
        "amount": ["The amount must be between 0 and 999,999,999,999.99."],
        "currency": ["Give the currency as a three-letter code, e.g. ILS or USD."],
    }


def test_a_deal_cannot_use_another_workspaces_person(workspace, user, pipeline, other_workspace):
    with pytest.raises(ValidationError):
        new_deal(workspace, user, pipeline, person=PersonFactory(workspace=other_workspace))


def test_a_deal_cannot_start_in_a_closing_stage(workspace, user, pipeline):
    with pytest.raises(ValidationError) as caught:
        new_deal(workspace, user, pipeline, stage=role_stage(pipeline, "won"))
    assert list(caught.value.message_dict) == ["stage"]


def test_deal_update_keeps_requiring_a_next_step(workspace, user, pipeline):
    deal = new_deal(workspace, user, pipeline)
    organization = OrganizationFactory(workspace=workspace, name="Fashion Ltd")
    updated = services.deal_update(
        deal=deal,
        actor=user,
        title="Computers, printers and service",
        person=deal.person,
        organization=organization,
        amount="15000.50",
        currency="usd",
        expected_close=None,
        next_action="Meet the design team",
        next_action_on=deal.next_action_on,
        product=None,
        disposition="sceptical",
        owner=user,
    )
    assert (updated.amount, updated.currency, updated.organization, updated.disposition) == (
        Decimal("15000.50"),
        "USD",
        organization,
        "sceptical",
    )
    with pytest.raises(ValidationError) as caught:
        services.deal_update(
            deal=deal,
            actor=user,
            title=deal.title,
            person=deal.person,
            organization=None,
            amount=deal.amount,
            currency=deal.currency,
            expected_close=None,
            next_action="",
            next_action_on=deal.next_action_on,
            product=None,
            disposition="moody",
            owner=UserFactory(),
        )
    assert set(caught.value.message_dict) == {"next_action", "disposition", "owner"}


# Moving.


def test_moving_to_the_quote_needs_the_four_value_case_answers(workspace, user, pipeline):
    deal = new_deal(workspace, user, pipeline)
    services.deal_move(deal=deal, stage=stage(pipeline, 4), actor=user)
    services.deal_value_case_update(
        deal=deal,
        actor=user,
        value_value=VALUE_CASE["value_value"],
        value_why_us="",
        value_why_now="",
        value_alternative=VALUE_CASE["value_alternative"],
    )
    with pytest.raises(ValueCaseMissingError) as caught:
        services.deal_move(deal=deal, stage=stage(pipeline, 5), actor=user)
    assert caught.value.missing == ["value_why_us", "value_why_now"]
    assert caught.value.code == "value_case_missing"
    assert caught.value.message == (
        "Before “Quote”, answer the customer's questions in the value case: "
        "“Why should they choose us?”; “Why now?”."
    )
    deal.refresh_from_db()
    assert deal.stage == stage(pipeline, 4)
    with_value_case(deal, user)
    services.deal_move(deal=deal, stage=stage(pipeline, 6), actor=user)
    assert deal.stage.name == "Negotiation"
    assert list(deal.stage_changes.values_list("to_stage_name", flat=True)) == [
        "Find the customer",
        "Needs identified",
        "Negotiation",
    ]


def test_without_a_value_case_stage_any_move_is_free(workspace, user, pipeline):
    pipeline.value_case_stage = None
    pipeline.save()
    deal = new_deal(workspace, user, pipeline)
    services.deal_move(deal=deal, stage=stage(pipeline, 6), actor=user)
    assert deal.stage.name == "Negotiation"


def test_moving_into_the_won_stage_closes_the_deal_won(workspace, user, pipeline):
    deal = with_value_case(new_deal(workspace, user, pipeline), user)
    services.deal_move(deal=deal, stage=role_stage(pipeline, "won"), actor=user)
    deal.refresh_from_db()
    assert deal.status == DealStatus.WON
    assert deal.closed_at is not None
    today = timezone.localdate()
    checks = list(PostSaleCheck.objects.filter(deal=deal).values_list("offset_days", "due_on"))
    assert checks == [
        (7, today + dt.timedelta(days=7)),
        (30, today + dt.timedelta(days=30)),
        (90, today + dt.timedelta(days=90)),
    ]
    request = SatisfactionRequest.objects.get(deal=deal)
    assert request.language == deal.person.language
    assert request.answered_at is None


def test_close_won_moves_to_the_won_stage(workspace, user, pipeline):
    deal = with_value_case(new_deal(workspace, user, pipeline), user)
    services.deal_close_won(deal=deal, actor=user)
    assert (deal.status, deal.stage.role) == (DealStatus.WON, "won")


def test_close_won_without_a_value_case_is_refused(workspace, user, pipeline):
    deal = new_deal(workspace, user, pipeline)
    with pytest.raises(ValueCaseMissingError) as caught:
        services.deal_close_won(deal=deal, actor=user)
    assert caught.value.missing == [
        "value_value",
        "value_why_us",
        "value_why_now",
        "value_alternative",
    ]


def test_a_lost_deal_cannot_move(workspace, user, pipeline):
    deal = new_deal(workspace, user, pipeline)
    services.deal_close_lost(
        deal=deal, actor=user, loss_category="own", loss_reason="Slow", loss_lesson="Call sooner"
    )
    with pytest.raises(ConflictError) as caught:
        services.deal_move(deal=deal, stage=stage(pipeline, 2), actor=user)
    assert caught.value.code == "deal_closed"


def test_a_won_deal_moves_on_but_not_back(workspace, user, pipeline):
    deal = with_value_case(new_deal(workspace, user, pipeline), user)
    services.deal_close_won(deal=deal, actor=user)
    with pytest.raises(ConflictError) as caught:
        services.deal_move(deal=deal, stage=stage(pipeline, 6), actor=user)
    assert caught.value.code == "deal_closed"
    services.deal_move(deal=deal, stage=role_stage(pipeline, "delivered"), actor=user)
    assert deal.stage.role == "delivered"


def test_delivering_needs_every_promise_checked(workspace, user, pipeline):
    deal = with_value_case(new_deal(workspace, user, pipeline), user)
    promise = services.promise_create(
        deal=deal, actor=user, kind="volume", text="Printers print 10,000 pages a month"
    )
    services.deal_close_won(deal=deal, actor=user)
    with pytest.raises(PromisesUncheckedError) as caught:
        services.deal_move(deal=deal, stage=role_stage(pipeline, "paid"), actor=user)
    assert caught.value.code == "promises_unchecked"
    assert caught.value.promises == [str(promise.public_id)]
    assert "“Printers print 10,000 pages a month”" in caught.value.message
    services.promise_check(promise=promise, kept=True, actor=user)
    services.deal_move(deal=deal, stage=role_stage(pipeline, "delivered"), actor=user)
    assert deal.stage.role == "delivered"


# Closing lost, walking away, reopening.


def test_close_lost_needs_the_whole_review(workspace, user, pipeline):
    deal = new_deal(workspace, user, pipeline)
    with pytest.raises(ValidationError) as caught:
        services.deal_close_lost(
            deal=deal, actor=user, loss_category="", loss_reason=" ", loss_lesson=""
        )
    assert caught.value.message_dict == {
        "loss_category": ["Say where the loss came from: customer, company, market, own."],
        "loss_reason": ["Write why the deal was lost."],
        "loss_lesson": [
            "Write what you will do differently next time: it is always my responsibility."
        ],
    }
    deal.refresh_from_db()
    assert deal.status == DealStatus.OPEN
    services.deal_close_lost(
        deal=deal,
        actor=user,
        loss_category="customer",
        loss_reason="They only wanted a discount",
        loss_lesson="Show the value of service before the price",
    )
    assert (deal.status, deal.loss_category) == (DealStatus.LOST, "customer")
    with pytest.raises(ConflictError) as closed:
        services.deal_close_lost(
            deal=deal, actor=user, loss_category="own", loss_reason="x", loss_lesson="y"
        )
    assert closed.value.code == "deal_closed"


def test_walk_away_with_a_referral_records_a_give(workspace, user, pipeline):
    deal = new_deal(workspace, user, pipeline)
    other = PersonFactory(workspace=workspace, name="Dana the printer dealer")
    services.deal_walk_away(
        deal=deal, actor=user, reason="They need industrial printers", referred_to=other
    )
    assert (deal.status, deal.referred_to, deal.walk_away_reason) == (
        DealStatus.WALKED_AWAY,
        other,
        "They need industrial printers",
    )
    give = Interaction.objects.get(workspace=workspace)
    assert (give.exchange, give.exchange_kind, give.logged_by) == ("give", "recommendation", user)
    assert set(give.participants.all()) == {deal.person, other}


def test_walk_away_needs_a_reason(workspace, user, pipeline):
    deal = new_deal(workspace, user, pipeline)
    with pytest.raises(ValidationError) as caught:
        services.deal_walk_away(deal=deal, actor=user, reason="")
    assert caught.value.message_dict == {
        "reason": ["Write why this is not a fit: the reason is part of the record."]
    }
    assert not Interaction.objects.exists()


def test_reopen_a_lost_deal(workspace, user, pipeline):
    deal = new_deal(workspace, user, pipeline)
    services.deal_close_lost(
        deal=deal, actor=user, loss_category="own", loss_reason="Slow", loss_lesson="Call sooner"
    )
    day = timezone.localdate() + dt.timedelta(days=30)
    services.deal_reopen(deal=deal, actor=user, next_action="Call again", next_action_on=day)
    deal.refresh_from_db()
    assert (deal.status, deal.closed_at, deal.next_action, deal.next_action_on) == (
        DealStatus.OPEN,
        None,
        "Call again",
        day,
    )
    with pytest.raises(ConflictError) as caught:
        services.deal_reopen(deal=deal, actor=user)
    assert caught.value.code == "deal_open"


def test_a_won_deal_is_not_reopened(workspace, user, pipeline):
    deal = with_value_case(new_deal(workspace, user, pipeline), user)
    services.deal_close_won(deal=deal, actor=user)
    with pytest.raises(ConflictError) as caught:
        services.deal_reopen(deal=deal, actor=user)
    assert caught.value.code == "deal_won"


# Promises, post-sale checks, tasks.


def test_a_broken_promise_makes_a_follow_up_task_for_the_owner(workspace, user, pipeline):
    deal = new_deal(workspace, user, pipeline)
    promise = services.promise_create(
        deal=deal, actor=user, kind="service_level", text="A technician within 4 hours"
    )
    services.promise_check(promise=promise, kept=False, note="Took two days", actor=user)
    promise.refresh_from_db()
    assert (promise.status, promise.note, promise.checked_by) == (
        PromiseStatus.BROKEN,
        "Took two days",
        user,
    )
    task = Task.objects.get(promise=promise)
    assert (task.kind, task.assignee, task.deal, task.person, task.due_on) == (
        TaskKind.PROMISE_FOLLOW_UP,
        user,
        deal,
        deal.person,
        timezone.localdate() + dt.timedelta(days=1),
    )
    assert selectors.person_is_at_risk(workspace=workspace, person=deal.person)
    services.task_complete(task=task, actor=user)
    assert not selectors.person_is_at_risk(workspace=workspace, person=deal.person)


def test_a_promise_is_checked_once(workspace, user):
    promise = PromiseFactory(deal__workspace=workspace)
    services.promise_check(promise=promise, kept=True, actor=user)
    with pytest.raises(ConflictError) as caught:
        services.promise_check(promise=promise, kept=False, actor=user)
    assert caught.value.code == "promise_checked"
    assert not Task.objects.exists()


def test_promise_create_validates_kind_and_text(workspace, user, pipeline):
    deal = new_deal(workspace, user, pipeline)
    with pytest.raises(ValidationError) as caught:
        services.promise_create(deal=deal, actor=user, kind="vague", text=" ")
    assert set(caught.value.message_dict) == {"kind", "text"}


def test_a_negative_post_sale_check_makes_a_task_to_fix_it(workspace, user, pipeline):
    deal = with_value_case(new_deal(workspace, user, pipeline), user)
    services.deal_close_won(deal=deal, actor=user)
    first, second, _third = PostSaleCheck.objects.filter(deal=deal).order_by("due_on")
    services.post_sale_check_record(
        check=first, understood=True, working=True, note="All good", actor=user
    )
    assert not Task.objects.exists()
    services.post_sale_check_record(
        check=second, understood=False, working=True, note="Unsure about toner", actor=user
    )
    second.refresh_from_db()
    assert (second.understood, second.working, second.done_by) == (False, True, user)
    task = Task.objects.get()
    assert (task.kind, task.deal) == (TaskKind.NEXT_STEP, deal)


# Satisfaction.


def won_deal(workspace, user, pipeline):
    deal = with_value_case(new_deal(workspace, user, pipeline), user)
    return services.deal_close_won(deal=deal, actor=user)


def test_satisfaction_answer_once(workspace, user, pipeline):
    deal = won_deal(workspace, user, pipeline)
    request = services.satisfaction_request_create(deal=deal, actor=user)
    assert SatisfactionRequest.objects.filter(deal=deal).count() == 1
    token = selectors.satisfaction_token(request=request)
    answered = services.satisfaction_answer(token=token, score=9, comment="Great service")
    assert (answered.score, answered.comment) == (9, "Great service")
    with pytest.raises(SatisfactionAnsweredError):
        services.satisfaction_answer(token=token, score=2)
    answered.refresh_from_db()
    assert answered.score == 9


def test_satisfaction_score_must_be_0_to_10(workspace, user, pipeline):
    request = SatisfactionRequest.objects.get(deal=won_deal(workspace, user, pipeline))
    token = selectors.satisfaction_token(request=request)
    for score in (-1, 11, True):
        with pytest.raises(ValidationError) as caught:
            services.satisfaction_answer(token=token, score=score)
        assert caught.value.message_dict == {"score": ["Choose a score from 0 to 10."]}
    request.refresh_from_db()
    assert request.answered_at is None


def test_an_expired_satisfaction_link_is_refused(workspace, user, pipeline):
    request = SatisfactionRequest.objects.get(deal=won_deal(workspace, user, pipeline))
    request.expires_at = timezone.now() - dt.timedelta(minutes=1)
    request.save()
    with pytest.raises(SatisfactionExpiredError):
        services.satisfaction_answer(token=selectors.satisfaction_token(request=request), score=8)


def test_a_forged_satisfaction_token_is_not_found(workspace, user, pipeline):
    request = SatisfactionRequest.objects.get(deal=won_deal(workspace, user, pipeline))
    token = selectors.satisfaction_token(request=request)
    with pytest.raises(NotFoundError):
        services.satisfaction_answer(token=token[:-2] + "xx", score=8)
    forged = signing.dumps(str(request.public_id), salt="something.else")
    with pytest.raises(NotFoundError):
        services.satisfaction_answer(token=forged, score=8)


def test_a_new_satisfaction_link_replaces_an_expired_one(workspace, user, pipeline):
    deal = won_deal(workspace, user, pipeline)
    SatisfactionRequest.objects.update(expires_at=timezone.now() - dt.timedelta(days=1))
    fresh = services.satisfaction_request_create(deal=deal, actor=user)
    assert SatisfactionRequest.objects.filter(deal=deal).count() == 2
    assert fresh.expires_at > timezone.now()


def test_satisfaction_is_asked_only_of_won_deals(workspace, user, pipeline):
    deal = new_deal(workspace, user, pipeline)
    with pytest.raises(ConflictError) as caught:
        services.satisfaction_request_create(deal=deal, actor=user)
    assert caught.value.code == "deal_not_won"


# Coaches read but never write.


def test_a_coach_cannot_write_deals(workspace, user, coach, pipeline):
    deal = new_deal(workspace, user, pipeline)
    promise = services.promise_create(deal=deal, actor=user, kind="date", text="By Sunday")
    attempts = [
        lambda: new_deal(workspace, coach, pipeline),
        lambda: services.deal_move(deal=deal, stage=stage(pipeline, 1), actor=coach),
        lambda: services.deal_close_lost(
            deal=deal, actor=coach, loss_category="own", loss_reason="x", loss_lesson="y"
        ),
        lambda: services.deal_walk_away(deal=deal, actor=coach, reason="x"),
        lambda: services.deal_value_case_update(deal=deal, actor=coach, **VALUE_CASE),
        lambda: services.promise_create(deal=deal, actor=coach, kind="date", text="x"),
        lambda: services.promise_check(promise=promise, kept=True, actor=coach),
        lambda: services.deal_delete(deal=deal, actor=coach),
        lambda: services.pipeline_create(workspace=workspace, actor=coach, name="Mine"),
        lambda: services.stage_create(pipeline=pipeline, actor=coach, name="Extra"),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDeniedError):
            attempt()
    deal.refresh_from_db()
    assert (deal.status, deal.stage.position) == (DealStatus.OPEN, 0)


def test_a_non_member_cannot_write_deals(workspace, user, pipeline):
    deal = new_deal(workspace, user, pipeline)
    with pytest.raises(NotFoundError):
        services.deal_delete(deal=deal, actor=UserFactory())
    assert not mail.outbox


# The board's totals.


def stage_totals(workspace):
    """The StageTotal rows as (stage position, status, currency, count, amount)."""
    return sorted(
        (row.stage.position, row.status, row.currency, row.deal_count, row.amount)
        for row in StageTotal.objects.filter(workspace=workspace).select_related("stage")
    )


def counted_totals(workspace):
    """The same, counted from the deals themselves."""
    rows = (
        Deal.objects.filter(workspace=workspace)
        .values("stage__position", "status", "currency")
        .annotate(count=Count("id"), total=Sum("amount"))
    )
    return sorted(
        (row["stage__position"], row["status"], row["currency"], row["count"], row["total"])
        for row in rows
    )


def test_every_deal_service_keeps_the_board_totals_exact(workspace, user, pipeline):
    won_stage = role_stage(pipeline, "won")
    first = new_deal(workspace, user, pipeline, amount="1000")
    second = new_deal(workspace, user, pipeline, amount="250.50", currency="USD")
    third = new_deal(workspace, user, pipeline, amount="400")
    assert stage_totals(workspace) == [
        (0, "open", "ILS", 2, D("1400.00")),
        (0, "open", "USD", 1, D("250.50")),
    ]
    services.deal_value_case_update(deal=first, actor=user, **VALUE_CASE)
    services.deal_move(deal=first, stage=stage(pipeline, 5), actor=user)
    services.deal_update(
        deal=third,
        actor=user,
        title=third.title,
        person=third.person,
        organization=None,
        amount="900",
        currency="ILS",
        expected_close=None,
        next_action=third.next_action,
        next_action_on=third.next_action_on,
        product=None,
        disposition=third.disposition,
        owner=user,
    )
    assert stage_totals(workspace) == [
        (0, "open", "ILS", 1, D("900.00")),
        (0, "open", "USD", 1, D("250.50")),
        (5, "open", "ILS", 1, D("1000.00")),
    ]
    services.deal_close_won(deal=first, actor=user)
    services.deal_close_lost(
        deal=second,
        actor=user,
        loss_category="own",
        loss_reason="We answered late",
        loss_lesson="Answer within a day",
    )
    services.deal_walk_away(deal=third, actor=user, reason="They need a wholesaler")
    assert stage_totals(workspace) == [
        (0, "lost", "USD", 1, D("250.50")),
        (0, "walked_away", "ILS", 1, D("900.00")),
        (won_stage.position, "won", "ILS", 1, D("1000.00")),
    ]
    services.deal_reopen(deal=third, actor=user)
    services.deal_delete(deal=second, actor=user)
    assert stage_totals(workspace) == [
        (0, "open", "ILS", 1, D("900.00")),
        (won_stage.position, "won", "ILS", 1, D("1000.00")),
    ]
    assert stage_totals(workspace) == counted_totals(workspace)


def test_stage_totals_rebuild_counts_deals_written_beside_the_services(workspace, pipeline):
    deal = DealFactory(workspace=workspace, pipeline=pipeline, amount=D("300"))
    Deal.objects.filter(pk=deal.pk).update(amount=D("700"), stage=stage(pipeline, 2))
    other = WorkspaceFactory()
    DealFactory(workspace=other, amount=D("5"))
    assert stage_totals(workspace) == [(0, "open", "ILS", 1, D("300.00"))]

    assert services.stage_totals_rebuild(workspace=workspace) == 1

    assert stage_totals(workspace) == [(2, "open", "ILS", 1, D("700.00"))]
    assert stage_totals(other) == [(0, "open", "ILS", 1, D("5.00"))]
