"""A small network around the seeds' jeep story, made through the services so suggestions are
refreshed exactly as in the product: Avi (Hebrew) looks for a jeep, Dror (English) sells his."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kesher.accounts.models import User
from kesher.introductions.matchmaking import matcher_cache
from kesher.introductions.models import Suggestion
from kesher.network.models import Need, Offer, TieKind
from kesher.network.services import need_create, offer_create, tie_create
from kesher.people.models import Person
from kesher.people.services import PersonData, person_create
from kesher.workspaces.models import Membership, Workspace
from tests.people.conftest import other_web, web

# The pages' tests log in as the people pages' tests do.
__all__ = ["other_web", "web"]


@dataclass
class Jeep:
    workspace: Workspace
    user: User
    me: Person
    avi: Person
    dror: Person
    noa: Person
    need: Need
    offer: Offer
    furniture: Offer

    def suggestion(self) -> Suggestion:
        return Suggestion.objects.get(need=self.need, offer=self.offer)


@pytest.fixture(autouse=True)
def _fresh_matchers():
    """Each test starts without fitted matchers: database ids are reused between tests."""
    matcher_cache.clear()
    yield
    matcher_cache.clear()


def make_person(workspace: Workspace, name: str, **fields) -> Person:
    return person_create(workspace=workspace, data=PersonData(name=name, **fields))


def jeep_world(workspace: Workspace, user: User) -> Jeep:
    me = Membership.objects.get(workspace=workspace, user=user).person
    assert me is not None
    avi = make_person(
        workspace,
        "אבי רוזן",
        name_alt="Avi Rosen",
        emails=["avi@example.com"],
        title="סמנכ״ל תפעול",
        language="he",
        interests=["טיולי שטח"],
    )
    dror = make_person(
        workspace,
        "Dror Azulay",
        name_alt="דרור אזולאי",
        emails=["dror@example.com"],
        language="en",
        interests=["טיולי שטח", "כדורסל"],
    )
    noa = make_person(workspace, "Noa Levi", language="en")
    friend = TieKind.objects.get(workspace=workspace, code="friend")
    for person in (avi, dror):
        tie_create(workspace=workspace, person=me, other=person, kind=friend, trust=5)
    need = need_create(person=avi, text="מחפש לקנות ג'יפ רנגלר", tags=["ג'יפים"])
    offer = offer_create(person=dror, text="Selling my Jeep Wrangler, 2019", tags=["jeep"])
    furniture = offer_create(person=noa, text="Office furniture and chairs")
    return Jeep(workspace, user, me, avi, dror, noa, need, offer, furniture)


@pytest.fixture
def jeep(workspace: Workspace, user: User) -> Jeep:
    return jeep_world(workspace, user)
