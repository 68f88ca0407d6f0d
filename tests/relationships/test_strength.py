"""Tie strength wiring: interactions map onto ties, every change rescores, and the explanation
reads like the issue's example."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

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


def test_logging_an_interaction_on_the_person_page_rescores_the_tie(
    client_logged_in, workspace, dana, tie
):
    from django.urls import reverse

    when = timezone.localtime() - dt.timedelta(days=3)
    response = client_logged_in.post(
        reverse("network:interaction_create", args=[dana.public_id]),
        {
            "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
            "channel": "call",
            "initiated_by": "them",
            "exchange": "neutral",
        },
    )
    assert response.status_code in (200, 302)
    tie.refresh_from_db()
    detail = TieStrength.objects.get(tie=tie)
    assert tie.strength == detail.score > 0
    assert detail.explanation["channel_counts"]["call"] == 1
    # The request left Hebrew (the default language) active; the wording is checked in English.
    with translation.override("en"):
        text = explanation_text(detail.explanation, name_a=tie.person_a.name, name_b="Dana")
    assert text == "1 call in 90 days, last 3 days ago, only Dana initiates"


def test_quick_capture_logs_a_meeting_that_counts_once_a_tie_is_added(
    client_logged_in, workspace, me, kind
):
    from django.urls import reverse

    from kesher.network.services import tie_create
    from kesher.people.models import Person

    response = client_logged_in.post(
        reverse("people:quick_capture"), {"name": "Noa Captured", "note": "Met at the café"}
    )
    assert response.status_code in (200, 302)
    noa = Person.objects.get(workspace=workspace, name="Noa Captured")
    tie = tie_create(workspace=workspace, person=me, other=noa, kind=kind)
    detail = TieStrength.objects.get(tie=tie)
    assert tie.strength == detail.score > 0
    assert detail.explanation["channel_counts"]["meeting"] == 1
    assert detail.explanation["days_since_last"] == 0


def test_quick_capture_through_the_api_feeds_the_same_strength(workspace, user, me, kind):
    from django.test import Client

    from kesher.accounts.services import api_token_create
    from kesher.network.services import tie_create
    from kesher.people.models import Person
    from tests.api.conftest import ApiClient

    _token, secret = api_token_create(user=user, workspace=workspace, name="capture")
    api = ApiClient(Client(), secret)
    assert api.post("/capture", {"name": "Gal Captured", "note": "Coffee"}).status_code == 201
    gal = Person.objects.get(workspace=workspace, name="Gal Captured")
    tie = tie_create(workspace=workspace, person=me, other=gal, kind=kind)
    assert TieStrength.objects.get(tie=tie).explanation["channel_counts"]["meeting"] == 1


def test_recompute_all_from_the_strengths_page(client_logged_in, workspace, user, dana, tie):
    from django.urls import reverse

    log(workspace, user, [dana], days_ago=2)
    TieStrength.objects.all().delete()
    Tie.objects.update(strength=None)
    response = client_logged_in.post(reverse("relationships:strengths_recompute"))
    assert response.status_code == 302
    # The immediate backend in tests; `kesher worker` runs it from the database otherwise.
    tie.refresh_from_db()
    assert tie.strength == TieStrength.objects.get(tie=tie).score > 0


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_queued_bulk_recompute(workspace, user, dana, tie, capsys):
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    from kesher.cli import main
    from kesher.relationships.tasks import tie_strength_recompute_task

    log(workspace, user, [dana], days_ago=2)
    TieStrength.objects.all().delete()
    Tie.objects.update(strength=None)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        tie_strength_recompute_task.enqueue(workspace.pk)
        tie.refresh_from_db()
        assert tie.strength is None
        assert main(["worker", "--batch", "--quiet"]) == 0
    tie.refresh_from_db()
    assert tie.strength == TieStrength.objects.get(tie=tie).score > 0
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert capsys.readouterr().out == ""


EXPLAINED = {
    "window_days": 90,
    "channel_counts": {"meeting": 3, "call": 1},
    "interactions": 4,
    "days_since_last": 12,
    "initiated": [2, 1],
    "gives": [1, 0],
    "days_known": 800,
    "trust": 4,
}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "3 meetings, 1 call in 90 days, last 12 days ago, both initiate, Alon gave once, "
            "known 2 years, trust 4/5",
        ),
        (
            "he",
            "3 פגישות, שיחה אחת ב-90 ימים, מגע אחרון לפני 12 ימים, שני הצדדים יוזמים, "
            "נתינה אחת מצד Alon, מכירים 2 שנים, אמון 4/5",
        ),
    ],
)
def test_the_explanation_reads_in_english_and_hebrew(language, expected):
    from django.utils import translation

    with translation.override(language):
        assert explanation_text(EXPLAINED, name_a="Alon", name_b="Dana") == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "1 meeting in 90 days, last 12 days ago"),
        ("he", "פגישה אחת ב-90 ימים, מגע אחרון לפני 12 ימים"),
    ],
)
def test_the_strengths_and_person_pages_explain_in_the_users_language(
    client_logged_in, workspace, user, dana, tie, language, expected
):
    from django.urls import reverse

    log(workspace, user, [dana], days_ago=12)
    client_logged_in.cookies["django_language"] = language
    for page in (
        reverse("relationships:strengths"),
        reverse("people:detail", args=[dana.public_id]),
    ):
        assert expected in client_logged_in.get(page).content.decode(), page
