from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kesher.accounts.models import User
from kesher.network.models import Interaction, Tie, TieKind
from kesher.network.services import InteractionData, interaction_log, tie_create
from kesher.people.models import Person
from kesher.workspaces.models import Membership, Workspace
from tests.factories import PersonFactory, TieKindFactory


def me_of(workspace: Workspace, user: User) -> Person:
    person = Membership.objects.get(workspace=workspace, user=user).person
    assert person is not None
    return person


def log(
    workspace: Workspace,
    user: User,
    people: list[Person],
    *,
    days_ago: float,
    channel: str = "meeting",
    initiated_by: str = "me",
    exchange: str = "neutral",
) -> Interaction:
    return interaction_log(
        workspace=workspace,
        data=InteractionData(
            occurred_at=timezone.now() - dt.timedelta(days=days_ago),
            channel=channel,
            participants=people,
            initiated_by=initiated_by,
            exchange=exchange,
        ),
        logged_by=user,
    )


@pytest.fixture
def kind(workspace: Workspace) -> TieKind:
    return TieKindFactory(workspace=workspace, name="Friend of mine")


@pytest.fixture
def me(workspace: Workspace, user: User) -> Person:
    return me_of(workspace, user)


@pytest.fixture
def dana(workspace: Workspace) -> Person:
    return PersonFactory(workspace=workspace, name="Dana")


@pytest.fixture
def tie(workspace: Workspace, me: Person, dana: Person, kind: TieKind) -> Tie:
    return tie_create(workspace=workspace, person=me, other=dana, kind=kind)
