"""Notes the deal services store for later (the referral on the timeline, the follow-up of a
broken promise) are written in the workspace's language, whoever's language the request had."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from kesher.deals import services
from kesher.deals.exceptions import ValueCaseMissingError
from kesher.deals.models import Task, TaskKind
from kesher.network.models import Interaction
from tests.factories import DealFactory, PersonFactory, PipelineFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hebrew_workspace(user):
    return WorkspaceFactory(owner=user, language="he")


@pytest.fixture
def deal(hebrew_workspace):
    pipeline = PipelineFactory(workspace=hebrew_workspace)
    return DealFactory(
        workspace=hebrew_workspace,
        pipeline=pipeline,
        person=PersonFactory(workspace=hebrew_workspace, name="מיכל אברהם"),
        amount=Decimal("48000"),
        next_action="Call",
        next_action_on=timezone.localdate() + dt.timedelta(days=1),
    )


def test_a_referral_note_is_in_the_workspaces_language_not_the_requests(
    hebrew_workspace, deal, user
):
    dana = PersonFactory(workspace=hebrew_workspace, name="דנה מדפסות")

    with translation.override("en"):
        services.deal_walk_away(
            deal=deal, actor=user, reason="צריכים מדפסות תעשייתיות", referred_to=dana
        )

    give = Interaction.objects.get(workspace=hebrew_workspace)
    assert give.summary == "הפניתי את מיכל אברהם אל דנה מדפסות: צריכים מדפסות תעשייתיות"


def test_a_broken_promises_follow_up_is_in_the_workspaces_language(deal, user):
    promise = services.promise_create(deal=deal, actor=user, kind="volume", text="10,000 עמודים")

    with translation.override("en"):
        services.promise_check(promise=promise, kept=False, actor=user)

    task = Task.objects.get(kind=TaskKind.PROMISE_FOLLOW_UP)
    assert task.title == "תיקון ההבטחה שהופרה: 10,000 עמודים"


def test_a_hebrew_refusal_quotes_the_stage_and_questions_the_hebrew_way(deal, user):
    quote = deal.pipeline.value_case_stage

    with translation.override("he"), pytest.raises(ValueCaseMissingError) as refused:
        services.deal_move(deal=deal, stage=quote, actor=user)

    assert refused.value.message == (
        f"לפני „{quote.name}”, ענו על השאלות של הלקוח בהצדקת הערך: „איזה ערך אנחנו מביאים?”; "
        "„למה שיבחרו בנו?”; „למה עכשיו?”; „מה החלופה (מתחרה, או לא לעשות כלום)?”."
    )
