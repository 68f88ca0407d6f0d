"""Referrals: recording keeps Person.referred_by consistent; chains and yields."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kesher.people.models import Person
from kesher.relationships import selectors
from kesher.relationships.services import referral_create, referral_delete, referral_update
from tests.factories import EventFactory, PersonFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 1)


@pytest.fixture
def people(workspace):
    event = EventFactory(workspace=workspace, name="Networking night")
    return {
        "manager": PersonFactory(workspace=workspace, name="Manager", met_at=event),
        "mover": PersonFactory(workspace=workspace, name="Mover"),
        "assistant": PersonFactory(workspace=workspace, name="Assistant"),
    }


def test_recording_a_referral_sets_referred_by_when_empty(workspace, people):
    referral_create(
        workspace=workspace, referrer=people["manager"], referred=people["mover"], date=DAY
    )
    mover = Person.objects.get(pk=people["mover"].pk)
    assert mover.referred_by == people["manager"]
    assert mover.source == Person.Source.REFERRAL


def test_removing_the_referral_clears_referred_by(workspace, people):
    referral = referral_create(
        workspace=workspace, referrer=people["manager"], referred=people["mover"], date=DAY
    )
    referral_delete(referral=referral)
    assert Person.objects.get(pk=people["mover"].pk).referred_by is None


def test_changing_the_referrer_moves_referred_by(workspace, people):
    referral = referral_create(
        workspace=workspace, referrer=people["manager"], referred=people["mover"], date=DAY
    )
    referral_update(
        referral=referral, referrer=people["assistant"], referred=people["mover"], date=DAY
    )
    assert Person.objects.get(pk=people["mover"].pk).referred_by == people["assistant"]


def test_the_chain_runs_from_the_event_to_the_latest_referral(workspace, people):
    referral_create(
        workspace=workspace,
        referrer=people["manager"],
        referred=people["mover"],
        date=DAY,
        outcome="won",
        value=Decimal("40000"),
    )
    referral_create(
        workspace=workspace,
        referrer=people["mover"],
        referred=people["assistant"],
        date=DAY + dt.timedelta(days=30),
        outcome="won",
        value=Decimal("5000"),
    )
    chain = selectors.referral_chain(workspace=workspace, person=people["assistant"])
    assert chain.origin_event_name == "Networking night"
    assert [p.name for p in chain.people] == ["Manager", "Mover", "Assistant"]
    manager = selectors.referral_chain(workspace=workspace, person=people["manager"]).stats
    assert (manager.given, manager.direct_value, manager.chain_value) == (
        1,
        Decimal("40000.00"),
        Decimal("5000.00"),
    )
    assert (manager.quality_connections, manager.target) == (1, 6)


def test_a_referred_by_without_a_referral_record_still_makes_a_chain(workspace, people):
    Person.objects.filter(pk=people["mover"].pk).update(referred_by=people["manager"])
    chain = selectors.referral_chain(workspace=workspace, person=people["mover"])
    assert [p.name for p in chain.people] == ["Manager", "Mover"]


def test_yield_counts_distinct_people_not_lost_against_the_workspace_target(
    workspace, user, people
):
    from kesher.relationships.services import relationship_settings_update

    relationship_settings_update(
        workspace=workspace, actor=user, half_life_days=90, referral_target=2
    )
    for name, outcome in (("A", "won"), ("B", "pending"), ("C", "lost"), ("D", "none")):
        referral_create(
            workspace=workspace,
            referrer=people["manager"],
            referred=PersonFactory(workspace=workspace, name=name),
            date=DAY,
            outcome=outcome,
        )
    [(person, stats)] = selectors.referral_stats_list(workspace=workspace)
    assert person == people["manager"]
    assert (stats.given, stats.quality_connections, stats.target) == (4, 3, 2)


def test_values_in_another_currency_are_not_added_up(workspace, people):
    referral_create(
        workspace=workspace,
        referrer=people["manager"],
        referred=people["mover"],
        date=DAY,
        value=Decimal("100"),
        currency="USD",
    )
    stats = selectors.referral_chain(workspace=workspace, person=people["manager"]).stats
    assert stats.direct_value == Decimal(0)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": Decimal("-1")}, "value"),
        ({"value": "lots"}, "value"),
        ({"outcome": "maybe"}, "outcome"),
        ({"currency": "XYZ"}, "currency"),
        ({"for_what": "x" * 201}, "for_what"),
    ],
)
def test_bad_referrals_are_refused(workspace, people, changes, field):
    with pytest.raises(ValidationError) as caught:
        referral_create(
            workspace=workspace,
            referrer=people["manager"],
            referred=people["mover"],
            date=DAY,
            **changes,
        )
    assert field in caught.value.message_dict


def test_a_person_cannot_refer_themselves(workspace, people):
    with pytest.raises(ValidationError) as caught:
        referral_create(
            workspace=workspace, referrer=people["mover"], referred=people["mover"], date=DAY
        )
    assert list(caught.value.message_dict) == ["referred"]


def test_people_of_another_workspace_cannot_be_referred(workspace, people, other_workspace):
    with pytest.raises(ValidationError):
        referral_create(
            workspace=workspace,
            referrer=people["manager"],
            referred=PersonFactory(workspace=other_workspace),
            date=DAY,
        )


def test_the_person_pages_show_the_chain_given_received_value_and_yield(
    client_logged_in, workspace, user, people
):
    from django.urls import reverse

    client_logged_in.cookies["django_language"] = "en"
    workspace.currency = "ILS"
    workspace.save()
    referral_create(
        workspace=workspace,
        referrer=people["manager"],
        referred=people["mover"],
        to_member=user,
        for_what="Furnishing the new office",
        date=DAY,
        outcome="won",
        value=Decimal("40000"),
    )
    referral_create(
        workspace=workspace,
        referrer=people["mover"],
        referred=people["assistant"],
        date=DAY + dt.timedelta(days=30),
        outcome="won",
        value=Decimal("5000"),
    )
    assistant = client_logged_in.get(
        reverse("people:detail", args=[people["assistant"].public_id])
    ).content.decode()
    assert (
        "Assistant came through a chain of 2 referrals that began with Manager, who came from "
        "Networking night."
    ) in assistant
    manager = client_logged_in.get(
        reverse("people:detail", args=[people["manager"].public_id])
    ).content.decode()
    facts = manager[manager.index('class="facts referral-stats"') :]
    facts = " ".join(facts[: facts.index("</dl>")].split())
    assert facts.startswith(
        'class="facts referral-stats"> <dt>Referrals given</dt> <dd> 1 </dd> '
        "<dt>Referrals received</dt> <dd> 0 </dd> "
        "<dt>Business generated directly</dt> <dd> ₪40,000 </dd> "
        "<dt>Business generated via chains</dt> <dd> ₪5,000 </dd> "
        "<dt>Referral yield</dt> <dd> 1 of 6 quality connections </dd>"
    )
    listing = client_logged_in.get(reverse("relationships:referrals")).content.decode()
    assert "To whom in the team" in listing
    assert f'<span dir="auto">{user.display_name or user.email}</span>' in listing
    assert "Furnishing the new office" in listing
