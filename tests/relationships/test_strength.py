"""Tie strength wiring: interactions map onto ties, every change rescores, and the explanation
reads like the issue's example."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kesher.engine.strength import Touch, tie_strength
from kesher.network.models import Tie
from kesher.network.services import (
    InteractionData,
    interaction_delete,
    interaction_update,
    tie_update,
)
from kesher.relationships.models import TieStrength
from kesher.relationships.phrasing import explanation_text
from kesher.relationships.services import tie_strength_recompute
from tests.factories import PersonFactory
from tests.relationships.conftest import log

pytestmark = pytest.mark.django_db


def test_a_new_tie_without_contact_scores_zero_and_says_so(tie):
    tie.refresh_from_db()
    assert tie.strength == 0.0
    assert explanation_text(tie.strength_detail.explanation) == "no contact logged"


def test_logging_an_interaction_rescores_the_tie_like_the_engine(workspace, user, dana, tie):
    log(workspace, user, [dana], days_ago=12)
    tie.refresh_from_db()
    detail = TieStrength.objects.get(tie=tie)
    [interaction_at] = dana.interactions.values_list("occurred_at", flat=True)
    expected = tie_strength(
        [Touch(at=interaction_at, channel="meeting", initiator="a")],
        now=detail.computed_at,
    )
    assert tie.strength == round(expected.score, 2)
    assert detail.score == tie.strength
    assert detail.explanation["channel_counts"]["meeting"] == 1
    assert detail.explanation["days_since_last"] == 12


def test_the_explanation_names_counts_recency_and_who_initiates(workspace, user, me, dana, tie):
    for days in (40, 25, 12):
        log(workspace, user, [dana], days_ago=days, channel="meeting")
    log(workspace, user, [dana], days_ago=30, channel="call", initiated_by="them")
    tie.refresh_from_db()
    name_a, name_b = tie.person_a.name, tie.person_b.name
    assert (
        explanation_text(tie.strength_detail.explanation, name_a=name_a, name_b=name_b)
        == "3 meetings, 1 call in 90 days, last 12 days ago, both initiate"
    )


def test_one_way_contact_and_gives_are_named(workspace, user, me, dana, tie):
    log(workspace, user, [dana], days_ago=3, channel="email", exchange="give")
    tie.refresh_from_db()
    my_side = "a" if tie.person_a_id == me.pk else "b"
    explanation = tie.strength_detail.explanation
    assert explanation["initiated"] == ([1, 0] if my_side == "a" else [0, 1])
    assert explanation_text(explanation, name_a=tie.person_a.name, name_b=tie.person_b.name) == (
        f"1 email in 90 days, last 3 days ago, only {me.name} initiates, {me.name} gave once"
    )


def test_every_tie_of_the_pair_counts_the_interaction(workspace, user, me, dana, tie):
    from kesher.network.services import tie_create
    from tests.factories import TieKindFactory

    second = tie_create(
        workspace=workspace, person=me, other=dana, kind=TieKindFactory(workspace=workspace)
    )
    log(workspace, user, [dana], days_ago=1)
    tie.refresh_from_db()
    second.refresh_from_db()
    assert tie.strength == second.strength
    assert tie.strength > 0


def test_editing_and_deleting_an_interaction_rescore_old_and_new_ties(workspace, user, dana, tie):
    other = PersonFactory(workspace=workspace, name="Other")
    from kesher.network.services import tie_create

    other_tie = tie_create(workspace=workspace, person=tie.person_a, other=other, kind=tie.kind)
    interaction = log(workspace, user, [dana], days_ago=2)
    interaction_update(
        interaction=interaction,
        data=InteractionData(
            occurred_at=interaction.occurred_at, channel="meeting", participants=[other]
        ),
    )
    tie.refresh_from_db()
    other_tie.refresh_from_db()
    assert tie.strength == 0.0
    assert other_tie.strength > 0
    interaction_delete(interaction=interaction)
    other_tie.refresh_from_db()
    assert other_tie.strength == 0.0


def test_the_trust_rating_rescores_the_tie(tie):
    tie_update(tie=tie, kind=tie.kind, trust=5)
    tie.refresh_from_db()
    # Only trust is known: full marks there, and the other components are zero.
    assert tie.strength == round(100 * 0.10 / 1.0, 2)


def test_interactions_between_participants_only_touch_no_tie(workspace, user, dana, tie):
    third = PersonFactory(workspace=workspace)
    from kesher.network.services import tie_create

    between = tie_create(workspace=workspace, person=dana, other=third, kind=tie.kind)
    log(workspace, user, [dana, third], days_ago=1)
    between.refresh_from_db()
    assert between.strength == 0.0


def test_bulk_recompute_gives_the_incremental_scores(workspace, user, dana, tie):
    log(workspace, user, [dana], days_ago=5)
    now = timezone.now()
    tie_strength_recompute(workspace=workspace, now=now)
    tie.refresh_from_db()
    first = tie.strength
    assert (
        tie_strength_recompute(workspace=workspace, now=now)
        == Tie.objects.filter(workspace=workspace).count()
    )
    tie.refresh_from_db()
    assert tie.strength == first
    assert TieStrength.objects.get(tie=tie).computed_at == now


def test_the_half_life_setting_rescores_every_tie_in_the_background(
    workspace, user, dana, tie, django_capture_on_commit_callbacks
):
    from kesher.relationships.services import relationship_settings_update

    log(workspace, user, [dana], days_ago=60)
    tie.refresh_from_db()
    slow = tie.strength
    with django_capture_on_commit_callbacks(execute=True):
        relationship_settings_update(
            workspace=workspace, actor=user, half_life_days=10, referral_target=6
        )
    tie.refresh_from_db()
    assert tie.strength < slow


def test_an_interaction_logged_by_nobody_touches_no_tie(workspace, dana, tie):
    from kesher.network.services import interaction_log

    interaction_log(
        workspace=workspace,
        data=InteractionData(
            occurred_at=timezone.now() - dt.timedelta(days=1),
            channel="call",
            participants=[dana],
        ),
    )
    tie.refresh_from_db()
    assert tie.strength == 0.0
