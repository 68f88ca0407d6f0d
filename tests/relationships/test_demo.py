"""The demo tells the graph side of seed 000: the new adventure-group member is reachable
through the senior manager, chains and yields show, strengths are explained, rhythms are set."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from kesher.demo.services import DEMO_EMAIL, DEMO_PASSWORD, demo_load
from kesher.network.models import Tie
from kesher.people.models import Person
from kesher.relationships import selectors, svg
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
    assert f"<bdi>{avi.name}</bdi> referred <bdi>{ido.name}</bdi>." in text


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


def test_the_senior_managers_graph_renders_with_his_network(demo):
    client = Client()
    client.cookies["django_language"] = "en"
    assert client.login(email=DEMO_EMAIL, password=DEMO_PASSWORD)
    avi = person(demo, "Avi Rosen")
    ido = person(demo, "Ido Peretz")
    response = client.get(reverse("relationships:graph", args=[avi.public_id]))
    assert response.status_code == 200
    text = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="graph"' in text
    assert 'role="group" aria-labelledby="graph-title"' in text
    assert f'<title id="graph-title">Who {avi.name} knows</title>' in text
    # Ido is one of Avi's direct ties: a node linking to his page, and a line of the list.
    assert f'<a href="/people/{ido.public_id}/" class="graph-node hops-1">' in text
    found = selectors.neighbourhood(workspace=demo.workspace, person=avi)
    assert ido.pk in {node.node for node in found.neighbourhood.nodes if node.hops == 1}
    assert text.count("<line ") == len(found.neighbourhood.edges)


def test_who_avi_knows_and_how_to_reach_his_company_render(demo):
    client = Client()
    client.cookies["django_language"] = "en"
    assert client.login(email=DEMO_EMAIL, password=DEMO_PASSWORD)
    avi = person(demo, "Avi Rosen")
    known = selectors.who_they_know(workspace=demo.workspace, person=avi)
    assert [item.person.name_alt for item in known] == [
        "Yossi Haddad",
        "Or Shalev",
        "Tamar Revivo",
        "Hadas Weissman",
    ]
    body = client.get(reverse("relationships:who_they_know", args=[avi.public_id])).content
    assert person(demo, "Yossi Haddad").name in body.decode()
    assert avi.organization is not None
    paths = selectors.warm_paths(
        workspace=demo.workspace, user_id=demo.user.pk, organization=avi.organization
    )
    assert names(paths[0].people) == ["Alon Berkovich", "Avi Rosen"]
    url = reverse("relationships:reach_organization", args=[avi.organization.public_id])
    assert avi.name in client.get(url).content.decode()


# A label's box from its text alone, as the page draws it (font-size 12, centred on x and y):
# 0.6 em a character is a usual average for Hebrew and Latin letters, and a line is 1.2 em.
NODE = re.compile(
    r'<a href="[^"]+" class="graph-node hops-\d"><title>(?P<title>[^<]*)</title>'
    r'<circle cx="(?P<cx>[\d.]+)" cy="(?P<cy>[\d.]+)" r="(?P<r>\d+)"></circle>'
    r'<text x="(?P<x>[\d.]+)" y="(?P<y>[\d.]+)" font-size="(?P<size>\d+)" text-anchor="middle" '
    r'dominant-baseline="central" dir="auto">(?P<text>[^<]*)</text></a>'
)


def label_boxes(markup):
    boxes = []
    for found in NODE.finditer(markup):
        size = float(found["size"])
        x, y = float(found["x"]), float(found["y"])
        half_width, half_height = 0.6 * size * len(html.unescape(found["text"])) / 2, 0.6 * size
        boxes.append(
            (found["text"], (x - half_width, y - half_height, x + half_width, y + half_height))
        )
    return boxes


def overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_no_two_names_overlap_on_any_demo_graph(demo):
    for center in Person.objects.filter(workspace=demo.workspace).order_by("pk"):
        found = selectors.neighbourhood(workspace=demo.workspace, person=center)
        markup = svg.render(found.neighbourhood, found.people, url_of=lambda p: f"/{p.pk}/")
        boxes = label_boxes(markup)
        assert len(boxes) == len(found.neighbourhood.nodes), center.name_alt
        clashes = [
            (a, b)
            for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
            if overlap(box_a, box_b)
        ]
        assert clashes == [], center.name_alt
        outside = [
            name
            for name, box in boxes
            if box[0] < 0 or box[1] < 0 or box[2] > svg.WIDTH or box[3] > svg.HEIGHT
        ]
        assert outside == [], center.name_alt


def test_the_users_graph_shows_every_name_whole(demo):
    alon = person(demo, "Alon Berkovich")
    found = selectors.neighbourhood(workspace=demo.workspace, person=alon)
    markup = svg.render(found.neighbourhood, found.people, url_of=lambda p: f"/{p.pk}/")
    # The node's title starts with the whole name ("Name: reachable at 40%").
    shown = {
        html.unescape(found["title"]).split(":")[0]: html.unescape(found["text"])
        for found in NODE.finditer(markup)
    }
    assert len(shown) == 40
    assert [name for name, text in shown.items() if name != text] == []
