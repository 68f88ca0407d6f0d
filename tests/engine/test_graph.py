from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

import numpy as np
import pytest

from kesher.engine.graph import Graph, NeighbourhoodNode, WarmPath


def graph_of(ties: Sequence[tuple[int, int, float]], **options: object) -> Graph:
    a, b, strength = zip(*ties, strict=True)
    return Graph.from_ties(np.array(a), np.array(b), np.array(strength), **options)  # type: ignore[arg-type]


# The user 1 and teammate 2 want to reach 100.
TEAM_GRAPH = [
    (1, 2, 90),
    (1, 10, 80),
    (10, 100, 50),
    (2, 20, 90),
    (20, 100, 60),
    (1, 30, 70),
    (30, 31, 90),
    (31, 100, 90),
    (2, 100, 30),
    # Four hops of perfect ties: too long to count.
    (1, 40, 100),
    (40, 41, 100),
    (41, 42, 100),
    (42, 100, 100),
]


def summary(paths: list[WarmPath]) -> list[tuple[tuple[int, ...], tuple[float, ...]]]:
    return [(path.nodes, path.strengths) for path in paths]


def test_warm_paths_rank_by_the_product_of_strengths() -> None:
    paths = graph_of(TEAM_GRAPH).warm_paths([1, 2], [100])
    assert summary(paths) == [
        ((1, 30, 31, 100), (70.0, 90.0, 90.0)),
        ((2, 20, 100), (90.0, 60.0)),
        ((1, 10, 100), (80.0, 50.0)),
        ((2, 100), (30.0,)),
    ]
    assert [path.reliability for path in paths] == pytest.approx([0.567, 0.54, 0.4, 0.3])
    assert [path.hops for path in paths] == [3, 2, 2, 1]


def test_warm_paths_stop_at_three_hops() -> None:
    graph = graph_of(TEAM_GRAPH)
    assert [path.nodes for path in graph.warm_paths([1], [100], max_hops=2)] == [
        (1, 10, 100),
        (1, 2, 100),
    ]
    assert graph.warm_paths([1], [100], max_hops=1) == []
    # 1 → 40 → 41 → 42 → 100 would be perfectly reliable, but it is four hops long.
    everything = graph.warm_paths([1], [100], k=100)
    assert [path.nodes for path in everything] == [
        (1, 30, 31, 100),
        (1, 2, 20, 100),
        (1, 10, 100),
        (1, 2, 100),
    ]
    assert graph_of([(1, 2, 90), (2, 3, 90), (3, 4, 90), (4, 5, 90)]).warm_paths([1], [5]) == []


def test_no_path_and_unknown_people_give_nothing() -> None:
    graph = graph_of([(1, 2, 50), (3, 4, 50)])
    assert graph.warm_paths([1], [4]) == []
    assert graph.warm_paths([1], [999]) == []
    assert graph.warm_paths([999], [2]) == []
    assert graph.warm_paths([1], [1]) == []
    with pytest.raises(ValueError, match="max_hops"):
        graph.warm_paths([1], [2], max_hops=4)


def test_warm_paths_to_an_organisation_reach_any_of_its_people() -> None:
    graph = graph_of([*TEAM_GRAPH, (1, 101, 20)])
    paths = graph.warm_paths([1], [100, 101], k=10)
    assert summary(paths) == [
        ((1, 30, 31, 100), (70.0, 90.0, 90.0)),
        ((1, 2, 20, 100), (90.0, 90.0, 60.0)),
        ((1, 10, 100), (80.0, 50.0)),
        ((1, 2, 100), (90.0, 30.0)),
        ((1, 101), (20.0,)),
    ]


def test_every_teammate_who_knows_the_middle_person_is_listed() -> None:
    graph = graph_of([(1, 50, 90), (2, 50, 80), (3, 50, 90), (50, 100, 90)])
    paths = graph.warm_paths([1, 2, 3], [100], k=3)
    assert [path.nodes for path in paths] == [(1, 50, 100), (3, 50, 100), (2, 50, 100)]
    assert [path.reliability for path in paths] == pytest.approx([0.81, 0.81, 0.72])
    assert [path.nodes for path in graph.warm_paths([1, 2, 3], [100], k=1)] == [(1, 50, 100)]


def test_inner_people_are_neither_sources_nor_targets() -> None:
    graph = graph_of([(1, 2, 100), (2, 3, 100), (3, 4, 100), (1, 5, 10), (5, 4, 10)])
    # Via teammate 2 would be better, but then 2 should be asked directly.
    assert [path.nodes for path in graph.warm_paths([1, 2], [4])] == [(2, 3, 4), (1, 5, 4)]
    # And a path does not pass through one target on its way to another.
    assert [path.nodes for path in graph.warm_paths([1], [3, 4])] == [(1, 2, 3), (1, 5, 4)]


def test_equal_reliability_goes_to_the_shorter_path_then_lower_ids() -> None:
    graph = graph_of([(1, 9, 50), (1, 3, 50), (3, 9, 100), (1, 2, 50), (2, 9, 100)])
    assert [path.nodes for path in graph.warm_paths([1], [9])] == [(1, 9), (1, 2, 9), (1, 3, 9)]


def brute_force(ties: list[tuple[int, int, float]], sources: set[int], targets: set[int], k: int):  # type: ignore[no-untyped-def]
    strength: dict[tuple[int, int], float] = {}
    for a, b, value in ties:
        if a != b:
            key = (min(a, b), max(a, b))
            strength[key] = max(strength.get(key, 0.0), value)
    people = sorted({person for pair in strength for person in pair})
    targets = targets - sources
    paths = []
    for hops in (1, 2, 3):
        for nodes in itertools.permutations(people, hops + 1):
            if nodes[0] not in sources or nodes[-1] not in targets:
                continue
            if any(node in sources or node in targets for node in nodes[1:-1]):
                continue
            pairs = [(min(u, v), max(u, v)) for u, v in itertools.pairwise(nodes)]
            if not all(pair in strength for pair in pairs):
                continue
            reliability = strength[pairs[0]] * 100 / 10000
            for pair in pairs[1:]:
                reliability *= strength[pair] * 100 / 10000
            paths.append((-reliability, hops, nodes))
    paths.sort()
    return [(nodes, -reliability) for reliability, _, nodes in paths[:k]]


def test_warm_paths_match_brute_force_on_random_graphs() -> None:
    rng = random.Random(4)
    for _ in range(30):
        people = rng.randint(5, 14)
        ties = [
            (rng.randrange(people), rng.randrange(people), float(rng.randint(1, 10) * 10))
            for _ in range(rng.randint(4, 30))
        ]
        if all(a == b for a, b, _ in ties):
            continue
        graph = graph_of(ties)
        sources = set(rng.sample(range(people), rng.randint(1, 3)))
        targets = set(rng.sample(range(people), rng.randint(1, 3)))
        k = rng.randint(1, 6)
        found = [(path.nodes, path.reliability) for path in graph.warm_paths(sources, targets, k=k)]
        assert found == brute_force(ties, sources, targets, k)


def test_building_keeps_the_strongest_of_parallel_ties_and_floors_weak_ones() -> None:
    graph = graph_of([(1, 2, 40), (2, 1, 70), (1, 1, 90), (2, 3, 0), (3, 4, float("nan"))])
    assert (graph.node_count, graph.edge_count) == (4, 3)
    assert graph.strength(1, 2) == graph.strength(2, 1) == 70.0
    assert graph.strength(2, 3) == 1.0
    assert graph.strength(3, 4) == 1.0
    assert graph.strength(1, 1) is None
    assert graph.strength(1, 3) is None
    assert graph.strength(1, 99) is None
    assert graph_of([(1, 2, 33.333), (2, 3, 250)]).strength(1, 2) == 33.33
    assert graph_of([(1, 2, 250)]).strength(1, 2) == 100.0
    assert graph_of([(1, 2, 0)], floor=5.0).strength(1, 2) == 5.0


def test_node_ids_add_people_without_ties_and_must_cover_the_ties() -> None:
    graph = graph_of([(10, 30, 50)], node_ids=np.array([30, 20, 10]))
    assert graph.ids.tolist() == [10, 20, 30]
    assert graph.warm_paths([10], [20]) == []
    assert graph.mask([20, 99]).tolist() == [False, True, False]
    with pytest.raises(ValueError, match="missing from node_ids"):
        graph_of([(10, 40, 50)], node_ids=np.array([10, 20, 30]))
    # Sparse ids take the binary-search route instead of a lookup table.
    sparse = graph_of([(5, 10**12, 50)], node_ids=np.array([5, 10**12]))
    assert sparse.strength(5, 10**12) == 50.0
    with pytest.raises(ValueError, match="missing from node_ids"):
        graph_of([(5, 10**11, 50)], node_ids=np.array([5, 10**12]))


def test_empty_graph() -> None:
    graph = Graph.from_ties(np.array([]), np.array([]), np.array([]))
    assert (graph.node_count, graph.edge_count) == (0, 0)
    assert graph.warm_paths([1], [2]) == []
    assert graph.who_they_know(1) == []
    assert graph.neighbourhood(1).nodes == ()


# The person 10 and whom they know; the user 1 already knows 10 and 12.
KNOWS = [
    (1, 10, 80),
    (1, 12, 60),
    (10, 11, 90),
    (10, 12, 50),
    (11, 13, 80),
    (12, 13, 100),
    (12, 14, 90),
    (1, 15, 90),
    (11, 15, 90),
]


def test_who_they_know_leaves_out_people_the_user_knows() -> None:
    contacts = graph_of(KNOWS).who_they_know(10, known=[1])
    assert [(contact.node, contact.path.nodes) for contact in contacts] == [
        (11, (10, 11)),
        (13, (10, 11, 13)),
        (14, (10, 12, 14)),
    ]
    assert [contact.reliability for contact in contacts] == pytest.approx([0.9, 0.72, 0.45])
    assert contacts[1].path.strengths == (90.0, 80.0)


def test_who_they_know_without_known_people_and_one_hop_only() -> None:
    graph = graph_of(KNOWS)
    direct = graph.who_they_know(10, max_hops=1)
    assert [contact.node for contact in direct] == [11, 1, 12]
    contacts = graph.who_they_know(10, k=3)
    assert [(contact.node, contact.path.nodes) for contact in contacts] == [
        (11, (10, 11)),
        (15, (10, 11, 15)),
        (1, (10, 1)),
    ]
    assert graph.who_they_know(999) == []


def test_who_they_know_filters_by_a_mask() -> None:
    graph = graph_of(KNOWS)
    contacts = graph.who_they_know(10, known=[1], mask=graph.mask([14, 12]))
    assert [(contact.node, contact.path.nodes) for contact in contacts] == [(14, (10, 12, 14))]


def test_neighbourhood_puts_direct_ties_first_strongest_first() -> None:
    hood = graph_of(KNOWS).neighbourhood(10)
    assert hood.nodes == (
        NeighbourhoodNode(10, 0, 1.0),
        NeighbourhoodNode(11, 1, 0.9),
        NeighbourhoodNode(1, 1, 0.8),
        NeighbourhoodNode(12, 1, 0.5),
        NeighbourhoodNode(15, 2, pytest.approx(0.81)),  # type: ignore[arg-type]
        NeighbourhoodNode(13, 2, pytest.approx(0.72)),  # type: ignore[arg-type]
        NeighbourhoodNode(14, 2, pytest.approx(0.45)),  # type: ignore[arg-type]
    )
    assert hood.edges == tuple(sorted((min(a, b), max(a, b), float(s)) for a, b, s in KNOWS))
    assert hood.truncated is False


def test_neighbourhood_is_capped() -> None:
    graph = graph_of(KNOWS)
    capped = graph.neighbourhood(10, max_nodes=3)
    assert [node.node for node in capped.nodes] == [10, 11, 1]
    assert capped.edges == ((1, 10, 80.0), (10, 11, 90.0))
    assert capped.truncated is True
    room_for_one_more = graph.neighbourhood(10, max_nodes=5)
    assert [node.node for node in room_for_one_more.nodes] == [10, 11, 1, 12, 15]
    assert room_for_one_more.truncated is True
    one_hop = graph.neighbourhood(10, hops=1)
    assert [node.node for node in one_hop.nodes] == [10, 11, 1, 12]
    assert one_hop.truncated is False
    assert graph.neighbourhood(999) == graph.neighbourhood(999, max_nodes=1)


def test_who_they_know_matches_brute_force_on_random_graphs() -> None:
    rng = random.Random(11)
    for _ in range(30):
        people = rng.randint(4, 12)
        ties = [
            (rng.randrange(people), rng.randrange(people), float(rng.randint(1, 10) * 10))
            for _ in range(rng.randint(4, 25))
        ]
        if all(a == b for a, b, _ in ties):
            continue
        graph = graph_of(ties)
        strength: dict[frozenset[int], float] = {}
        for a, b, value in ties:
            if a != b:
                strength[frozenset((a, b))] = max(strength.get(frozenset((a, b)), 0.0), value)

        def neighbours(node: int, strength: dict[frozenset[int], float] = strength) -> list[int]:
            return sorted(next(iter(pair - {node})) for pair in strength if node in pair)

        person, user = rng.randrange(people), rng.randrange(people)
        excluded = {person, user, *neighbours(user)}
        routes = []
        for x in neighbours(person):
            routes.append((x, strength[frozenset((person, x))] / 100, 0, -1))
            for c in neighbours(x):
                if c != person:
                    p = (strength[frozenset((person, x))] * 100 / 10000) * (
                        strength[frozenset((x, c))] * 100 / 10000
                    )
                    routes.append((c, p, 1, x))
        best: dict[int, tuple[float, int, int]] = {}
        for node, p, indirect, via in routes:
            if node in excluded:
                continue
            key = (-p, indirect, via)
            if node not in best or key < best[node]:
                best[node] = key
        expected = sorted((key[0], node, key[2]) for node, key in best.items())[:5]
        found = graph.who_they_know(person, known=[user], k=5)
        assert [(contact.node, contact.reliability) for contact in found] == [
            (node, -p) for p, node, _ in expected
        ]
        assert [contact.path.nodes[1:-1] for contact in found] == [
            () if via < 0 else (via,) for _, _, via in expected
        ]
