"""The reach page: each warm path as a chain of people (links, isolated for mixed directions),
arrows that follow the page's direction, each tie in words and the path's strength in words,
in a fixed number of queries; another workspace's people are not found."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kesher.network.models import Tie, TieKind
from kesher.network.services import tie_create
from kesher.relationships import phrasing
from tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def strengths(values):
    for (a, b), value in values.items():
        low, high = sorted((a.pk, b.pk))
        Tie.objects.filter(person_a_id=low, person_b_id=high).update(strength=value)


@pytest.fixture
def chain(workspace, me):
    """me -friends (80)- Dana Levi -worked together (30)- עידו פרץ -friends (10)- Far Away."""
    friend = TieKind.objects.get(workspace=workspace, code="friend")
    colleague = TieKind.objects.get(workspace=workspace, code="colleague")
    dana = PersonFactory(workspace=workspace, name="Dana Levi")
    ido = PersonFactory(workspace=workspace, name="עידו פרץ")
    far = PersonFactory(workspace=workspace, name="Far Away")
    tie_create(workspace=workspace, person=me, other=dana, kind=friend)
    tie_create(workspace=workspace, person=dana, other=ido, kind=colleague)
    tie_create(workspace=workspace, person=ido, other=far, kind=friend)
    strengths({(me, dana): 80.0, (dana, ido): 30.0, (ido, far): 10.0})
    return {"me": me, "dana": dana, "ido": ido, "far": far}


def page(client, person, language):
    client.cookies["django_language"] = language
    response = client.get(reverse("relationships:reach_person", args=[person.public_id]))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def person_item(person):
    return (
        f'<li class="path-person"> <bdi><a href="/people/{person.public_id}/">{person.name}</a>'
        "</bdi> </li>"
    )


def tie_item(words, why):
    return (
        '<li class="path-tie"> <span class="arrow" aria-hidden="true"></span> '
        f'<span class="path-tie-words" title="{why}">{words}</span> </li>'
    )


def test_path_strength_in_words_and_its_thresholds():
    assert [
        phrasing.path_strength(value) for value in (1.0, 0.25, 0.2499, 0.05, 0.0499, 0.0001)
    ] == ["strong", "strong", "fair", "fair", "weak", "weak"]


def test_a_tie_in_words_from_its_kinds_and_strength():
    friend, colleague, own = ("friend", "Friend"), ("colleague", "Colleague"), ("", "Hikers")
    assert phrasing.tie_words([friend], 50.0) == "close friends"
    assert phrasing.tie_words([friend], 49.9) == "friends, in touch"
    assert phrasing.tie_words([colleague], 25.0) == "worked together, in touch"
    assert phrasing.tie_words([colleague], 24.9) == "worked together, rarely in touch"
    assert phrasing.tie_words([colleague, friend], 70.0) == "worked together, close friends"
    assert phrasing.tie_words([own], 60.0) == "Hikers, in close touch"
    assert phrasing.tie_words([own], None) == "Hikers, not scored yet"


def test_each_path_is_a_chain_of_people_and_ties_in_words(client_logged_in, chain):
    body = page(client_logged_in, chain["ido"], "en")
    assert '<html lang="en" dir="ltr">' in body
    # 0.8 x 0.3 = 24%: a fair path.
    assert (
        f'Ask <a href="/people/{chain["dana"].public_id}/" dir="auto">Dana Levi</a> '
        '<span class="badge path-strength path-fair">Fair path</span> </h2> '
        '<ol class="path-chain" aria-label="The path, person by person"> '
        + person_item(chain["me"])
        + " "
        + tie_item("close friends", "no contact logged")
        + " "
        + person_item(chain["dana"])
        + " "
        + tie_item("worked together, in touch", "no contact logged")
        + " "
        + person_item(chain["ido"])
        + " </ol>"
    ) in body
    assert "%" not in body.split("<main", 1)[1].split("</main>", 1)[0]


def test_a_direct_tie_is_strong_and_a_long_weak_one_weak(client_logged_in, chain):
    direct = page(client_logged_in, chain["dana"], "en")
    assert (
        'You know them directly <span class="badge path-strength path-strong">Strong path</span>'
    ) in direct
    # 0.8 x 0.3 x 0.1 = 2.4%.
    far = page(client_logged_in, chain["far"], "en")
    assert '<span class="badge path-strength path-weak">Weak path</span>' in far
    assert tie_item("friends, rarely in touch", "no contact logged") in far


def test_the_chain_in_hebrew_reads_right_to_left(client_logged_in, chain):
    body = page(client_logged_in, chain["ido"], "he")
    fair, label = "נתיב סביר", "הנתיב, אדם אחר אדם"
    close, worked, why = "חברים קרובים", "עבדו יחד, בקשר", "לא תועד מגע"
    assert '<html lang="he" dir="rtl">' in body
    assert (
        f'פנו אל <a href="/people/{chain["dana"].public_id}/" dir="auto">Dana Levi</a> '
        f'<span class="badge path-strength path-fair">{fair}</span> </h2> '
        f'<ol class="path-chain" aria-label="{label}"> '
        + person_item(chain["me"])
        + " "
        + tie_item(close, why)
        + " "
        + person_item(chain["dana"])
        + " "
        + tie_item(worked, why)
        + " "
        + person_item(chain["ido"])
        + " </ol>"
    ) in body


def test_the_page_takes_as_many_queries_for_one_path_as_for_many(
    client_logged_in, workspace, chain
):
    friend = TieKind.objects.get(workspace=workspace, code="friend")
    for name in ("Omer", "Hadas"):
        other = PersonFactory(workspace=workspace, name=name)
        tie_create(workspace=workspace, person=chain["me"], other=other, kind=friend)
        tie_create(workspace=workspace, person=other, other=chain["far"], kind=friend)
    alone = PersonFactory(workspace=workspace, name="Alone")
    tie_create(workspace=workspace, person=chain["me"], other=alone, kind=friend)
    page(client_logged_in, alone, "en")  # loads the graph into the cache
    counts = []
    for target in (alone, chain["far"]):
        with CaptureQueriesContext(connection) as queries:
            body = page(client_logged_in, target, "en")
        counts.append((body.count('<li class="card path">'), len(queries)))
    assert counts[0][0] == 1
    assert counts[1][0] == 3
    assert counts[0][1] == counts[1][1]


def test_another_workspaces_person_or_organisation_is_not_found(client_logged_in, other_workspace):
    stranger = PersonFactory(workspace=other_workspace, name="Stranger")
    company = OrganizationFactory(workspace=other_workspace)
    for url in (
        reverse("relationships:reach_person", args=[stranger.public_id]),
        reverse("relationships:reach_organization", args=[company.public_id]),
    ):
        assert client_logged_in.get(url).status_code == 404
