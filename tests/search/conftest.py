from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import pytest
from django.utils import timezone

from kesher.deals.models import Deal
from kesher.deals.services import deal_create, pipeline_default
from kesher.network.models import Interaction, Need, Offer
from kesher.network.services import (
    InteractionData,
    interaction_log,
    need_create,
    offer_create,
)
from kesher.people.models import Organization, Person
from kesher.people.services import PersonData, organization_create, person_create
from kesher.workspaces.models import Membership, Role, Workspace

MakePerson = Callable[..., Person]


@pytest.fixture
def make_person(workspace: Workspace) -> MakePerson:
    """People made through the service, so the search index is kept as in the product."""

    def make(name: str, *, in_workspace: Workspace | None = None, **fields: object) -> Person:
        data = PersonData(name=name, **fields)  # type: ignore[arg-type]
        return person_create(workspace=in_workspace or workspace, data=data)

    return make


@pytest.fixture
def make_organization(workspace: Workspace) -> Callable[..., Organization]:
    def make(name: str, *, in_workspace: Workspace | None = None, notes: str = "") -> Organization:
        return organization_create(workspace=in_workspace or workspace, name=name, notes=notes)

    return make


@pytest.fixture
def make_need() -> Callable[[Person, str], Need]:
    return lambda person, text: need_create(person=person, text=text)


@pytest.fixture
def make_offer() -> Callable[[Person, str], Offer]:
    return lambda person, text: offer_create(person=person, text=text)


@pytest.fixture
def make_note(workspace: Workspace) -> Callable[[Sequence[Person], str], Interaction]:
    def make(participants: Sequence[Person], summary: str) -> Interaction:
        return interaction_log(
            workspace=participants[0].workspace,
            data=InteractionData(
                occurred_at=timezone.now() - dt.timedelta(days=1),
                channel=Interaction.Channel.MEETING,
                participants=list(participants),
                summary=summary,
            ),
        )

    return make


@pytest.fixture
def make_deal() -> Callable[..., Deal]:
    """Deals made through the service, in the workspace's default sales pipeline, so the search
    index is kept as in the product."""

    def make(
        title: str,
        *,
        person: Person | None = None,
        organization: Organization | None = None,
        next_action: str = "Call to set a meeting",
    ) -> Deal:
        space = (person or organization).workspace  # type: ignore[union-attr]
        owner = Membership.objects.get(workspace=space, role=Role.OWNER).user
        return deal_create(
            workspace=space,
            actor=owner,
            pipeline=pipeline_default(workspace=space),
            title=title,
            person=person,
            organization=organization,
            next_action=next_action,
            next_action_on=timezone.localdate(),
        )

    return make
