"""The demo tells the graph side of seed 000: the new adventure-group member is reachable
through the senior manager, chains and yields show, strengths are explained, rhythms are set."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from kesher.demo.services import DEMO_EMAIL, DEMO_PASSWORD, demo_load
from kesher.network.models import Tie
from kesher.people.models import Person
from kesher.relationships import selectors
from kesher.relationships.models import Rhythm, TieStrength

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_load(today=TODAY)
        transaction.set_rollback(True)


def person(demo, name_alt):
    return Person.objects.get(workspace=demo.workspace, name_alt=name_alt)


def names(people):
    return [p.name_alt for p in people]


def test_every_tie_is_scored_and_explained(demo):
    ties = Tie.objects.filter(workspace=demo.workspace)
    assert TieStrength.objects.filter(workspace=demo.workspace).count() == ties.count()
    assert not ties.filter(strength__isnull=True).exists()


def test_how_to_reach_the_new_adventure_group_member_shows_the_path_through_avi(demo):
    ido = person(demo, "Ido Peretz")
    paths = selectors.warm_paths(workspace=demo.workspace, user_id=demo.user.pk, person=ido)
    routes = [names(path.people) for path in paths]
    assert ["Alon Berkovich", "Avi Rosen", "Ido Peretz"] in routes
    through_avi = paths[routes.index(["Alon Berkovich", "Avi Rosen", "Ido Peretz"])]
    assert names(through_avi.to_ask) == ["Avi Rosen"]
    # Avi referred Ido: the page says so beside that step.
    assert ido.referred_by == person(demo, "Avi Rosen")


def test_the_reach_page_names_avi_and_why(demo):
    client = Client()
    client.cookies["django_language"] = "en"
    assert client.login(email=DEMO_EMAIL, password=DEMO_PASSWORD)
    ido = person(demo, "Ido Peretz")
    body = client.get(reverse("relationships:reach_person", args=[ido.public_id])).content
    text = body.decode()
    avi = person(demo, "Avi Rosen")
    assert f"{avi.name} referred {ido.name}." in text


def test_the_referral_chain_runs_from_the_networking_event(demo):
    hadas = person(demo, "Hadas Weissman")
    chain = selectors.referral_chain(workspace=demo.workspace, person=hadas)
    assert names(chain.people) == ["Avi Rosen", "Ido Peretz", "Hadas Weissman"]
    assert chain.origin_event_name == "אירוע נטוורקינג — מנהלים בתל אביב"
    avi = selectors.referral_chain(workspace=demo.workspace, person=person(demo, "Avi Rosen"))
    assert (avi.stats.given, avi.stats.quality_connections, avi.stats.target) == (3, 3, 6)


def test_the_loyal_customer_generated_business(demo):
    shlomo = person(demo, "Shlomo Biton")
    stats = selectors.referral_chain(workspace=demo.workspace, person=shlomo).stats
    assert str(stats.direct_value) == "3200.00"


def test_rhythms_are_set_for_a_few_people(demo):
    rhythms = Rhythm.objects.filter(workspace=demo.workspace, user=demo.user)
    assert sorted(r.person.name_alt for r in rhythms if r.person) == [
        "Avi Rosen",
        "Keren Almog",
        "Omer Dahan",
        "Shlomo Biton",
    ]
    assert [r.tie_kind.name for r in rhythms if r.tie_kind] == ["אימון / Coaching"]
