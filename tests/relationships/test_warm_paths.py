"""Warm paths, who a person knows and the graph view, from the database."""

from __future__ import annotations

import pytest

from kesher.network.models import Tie
from kesher.network.services import tie_create
from kesher.relationships import selectors
from kesher.relationships.services import tie_strength_recompute
from tests.factories import NeedFactory, OrganizationFactory, PersonFactory, TieKindFactory

pytestmark = pytest.mark.django_db


def strengths(workspace, values):
    """Set tie strengths directly (the graph reads Tie.strength) and rescore nothing else."""
    for (a, b), value in values.items():
        low, high = sorted((a.pk, b.pk))
        Tie.objects.filter(person_a_id=low, person_b_id=high).update(strength=value)


@pytest.fixture
def network(workspace, me):
    kind = TieKindFactory(workspace=workspace)
    org = OrganizationFactory(workspace=workspace, name="Target Co")
    people = {
        name: PersonFactory(workspace=workspace, name=name)
        for name in ("Avi", "Omer", "Ido", "Hadas")
    }
    people["Hadas"].organization = org
    people["Hadas"].save()
    for a, b in (("me", "Avi"), ("me", "Omer"), ("Avi", "Ido"), ("Omer", "Ido"), ("Ido", "Hadas")):
        tie_create(
            workspace=workspace,
            person=me if a == "me" else people[a],
            other=people[b],
            kind=kind,
        )
    people["me"] = me
    people["org"] = org
    strengths(
        workspace,
        {
            (me, people["Avi"]): 80.0,
            (me, people["Omer"]): 50.0,
            (people["Avi"], people["Ido"]): 60.0,
            (people["Omer"], people["Ido"]): 90.0,
            (people["Ido"], people["Hadas"]): 40.0,
        },
    )
    return people


def test_paths_rank_by_the_product_of_strengths(workspace, user, network):
    paths = selectors.warm_paths(workspace=workspace, user_id=user.pk, person=network["Ido"])
    assert [[p.name for p in path.people] for path in paths] == [
        [network["me"].name, "Avi", "Ido"],
        [network["me"].name, "Omer", "Ido"],
    ]
    assert [round(path.path.reliability, 4) for path in paths] == [0.48, 0.45]
    assert [p.name for p in paths[0].to_ask] == ["Avi"]
    assert [step.strength for step in paths[0].steps] == [80.0, 60.0]


def test_an_organisation_is_reached_through_its_people(workspace, user, network):
    paths = selectors.warm_paths(workspace=workspace, user_id=user.pk, organization=network["org"])
    assert [p.name for p in paths[0].people][1:] == ["Avi", "Ido", "Hadas"]
    assert round(paths[0].path.reliability, 4) == 0.192


def test_teammates_ties_count_and_the_teammate_is_asked_first(workspace, user, network):
    from kesher.workspaces.models import Membership
    from tests.factories import UserFactory

    teammate = UserFactory()
    mate = PersonFactory(workspace=workspace, name="Mate")
    Membership.objects.create(workspace=workspace, user=teammate, person=mate)
    tie_create(
        workspace=workspace,
        person=mate,
        other=network["Hadas"],
        kind=TieKindFactory(workspace=workspace),
    )
    strengths(workspace, {(mate, network["Hadas"]): 70.0})
    [best, *_] = selectors.warm_paths(workspace=workspace, user_id=user.pk, person=network["Hadas"])
    assert [p.name for p in best.people] == ["Mate", "Hadas"]
    assert [p.name for p in best.to_ask] == ["Mate"]


def test_the_graph_cache_sees_new_ties(workspace, user, network):
    selectors.warm_paths(workspace=workspace, user_id=user.pk, person=network["Hadas"])
    tie_create(
        workspace=workspace,
        person=network["me"],
        other=network["Hadas"],
        kind=TieKindFactory(workspace=workspace),
    )
    strengths(workspace, {(network["me"], network["Hadas"]): 30.0})
    [best, *_] = selectors.warm_paths(workspace=workspace, user_id=user.pk, person=network["Hadas"])
    assert [p.name for p in best.people] == [network["me"].name, "Hadas"]


def test_who_they_know_highlights_open_needs(workspace, network):
    NeedFactory(workspace=workspace, person=network["Hadas"], text="Office furniture")
    known = selectors.who_they_know(workspace=workspace, person=network["Ido"])
    assert [item.person.name for item in known] == ["Hadas"]
    assert known[0].open_needs == ["Office furniture"]
    assert known[0].highlighted is True


def test_another_workspaces_person_is_not_found(workspace, user, other_workspace):
    from kesher.core.exceptions import NotFoundError

    stranger = PersonFactory(workspace=other_workspace)
    with pytest.raises(NotFoundError):
        selectors.warm_paths(workspace=workspace, user_id=user.pk, person=stranger)
    with pytest.raises(NotFoundError):
        selectors.who_they_know(workspace=workspace, person=stranger)


def test_recompute_then_graph_uses_computed_strengths(workspace, user, network):
    tie_strength_recompute(workspace=workspace)
    # No interactions, no trust: every tie scores 0, so every path is at the floor.
    paths = selectors.warm_paths(workspace=workspace, user_id=user.pk, person=network["Ido"])
    assert [round(path.path.reliability, 6) for path in paths] == [0.0001, 0.0001]


def test_the_reach_page_says_whom_to_ask_in_order_and_why(
    client_logged_in, workspace, user, network
):
    from django.urls import reverse

    client_logged_in.cookies["django_language"] = "en"
    url = reverse("relationships:reach_person", args=[network["Hadas"].public_id])
    body = " ".join(client_logged_in.get(url).content.decode().split())
    avi, ido = network["Avi"], network["Ido"]
    # 0.8 x 0.6 x 0.4 = 19.2%: fair (see phrasing.PATH_STRONG and PATH_FAIR).
    assert (
        f'Ask <a href="/people/{avi.public_id}/" dir="auto">Avi</a> then '
        f'<a href="/people/{ido.public_id}/" dir="auto">Ido</a> '
        '<span class="badge path-strength path-fair">Fair path</span>'
    ) in body
    assert "reliability" not in body
    # Each step's words carry its tie's explanation: the why behind them.
    assert body.count('title="no contact logged"') == 6


def test_the_reach_page_puts_the_teammate_who_knows_her_best_first(
    client_logged_in, workspace, user, network
):
    from django.urls import reverse

    from kesher.workspaces.models import Membership
    from tests.factories import UserFactory

    mate = PersonFactory(workspace=workspace, name="Mate")
    Membership.objects.create(workspace=workspace, user=UserFactory(), person=mate)
    tie_create(
        workspace=workspace,
        person=mate,
        other=network["Hadas"],
        kind=TieKindFactory(workspace=workspace),
    )
    strengths(workspace, {(mate, network["Hadas"]): 70.0})
    client_logged_in.cookies["django_language"] = "en"
    url = reverse("relationships:reach_person", args=[network["Hadas"].public_id])
    body = " ".join(client_logged_in.get(url).content.decode().split())
    first_path = body[body.index('<li class="card path">') :]
    assert first_path.startswith(
        f'<li class="card path"> <h2> Ask <a href="/people/{mate.public_id}/" dir="auto">Mate</a> '
        '<span class="badge path-strength path-strong">Strong path</span>'
    )


def test_the_graph_loads_the_ties_without_sorting_them(workspace, network):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        graph = selectors.graph_load(workspace=workspace)
    [sql] = [query["sql"] for query in queries if '"network_tie"' in query["sql"]]
    # The ties' default ordering would sort the whole workspace before the first row comes.
    assert "ORDER BY" not in sql
    assert (graph.node_count, graph.edge_count) == (5, 5)
