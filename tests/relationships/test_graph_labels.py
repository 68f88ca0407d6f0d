"""Names on the graph view: shortened when long, placed on a free side of their node, away
from the middle first, and never over another name or a node."""

from __future__ import annotations

import itertools

from kesher.engine.graph import Neighbourhood, NeighbourhoodNode
from kesher.people.models import Person
from kesher.relationships import svg


def test_long_names_are_cut_at_a_word_and_end_in_an_ellipsis():
    assert svg.short_name("Dana Levi") == "Dana Levi"
    assert svg.short_name("  אבי   רוזן ") == "אבי רוזן"
    assert svg.short_name("Maria Fernanda Rodríguez Ochoa") == "Maria Fernanda…"
    assert svg.short_name("שרה בת-שבע אלמוג-רוזנבלום") == "שרה בת-שבע…"
    assert svg.short_name("Bartholomew-Featherstonehaugh") == "Bartholomew-Feath…"


def test_a_name_goes_on_the_side_away_from_the_middle():
    middle = (svg.WIDTH / 2, svg.HEIGHT / 2)
    positions = {1: middle, 2: (middle[0] + 200, middle[1]), 3: (middle[0], middle[1] - 150)}
    labels = svg.place_labels(
        [(1, "Me", 14), (2, "Dana", 10), (3, "אבי", 10)], positions, [(1, 2), (1, 3)]
    )
    # The middle one's name goes under it; the others' beyond them, clear of the node.
    assert (labels[1].x, labels[1].text) == (middle[0], "Me")
    assert labels[1].box[1] == middle[1] + 14 + svg.LABEL_GAP
    assert labels[2].y == positions[2][1]
    assert labels[2].box[0] == positions[2][0] + 10 + svg.LABEL_GAP
    assert labels[3].x == positions[3][0]
    assert labels[3].box[3] == positions[3][1] - 10 - svg.LABEL_GAP


def test_crowded_names_find_free_sides():
    # Twelve people in a tight ring around one: each name must go round the others.
    middle = (svg.WIDTH / 2, svg.HEIGHT / 2)
    nodes = [(0, "אלון ברקוביץ", 14)] + [(i, f"Person number {i}", 7) for i in range(1, 13)]
    positions = {0: middle}
    for i in range(1, 13):
        positions[i] = (middle[0] + 60 * (i % 4), middle[1] + 40 * (i // 4) - 40)
    labels = svg.place_labels(nodes, positions, [(0, i) for i in range(1, 13)])
    boxes = [label.box for label in labels.values()]
    assert [
        (a, b)
        for (a, box_a), (b, box_b) in itertools.combinations(enumerate(boxes), 2)
        if box_a[0] < box_b[2]
        and box_b[0] < box_a[2]
        and box_a[1] < box_b[3]
        and box_b[1] < box_a[3]
    ] == []


def test_the_markup_centres_each_name_and_keeps_it_whole_in_the_title():
    people = {
        1: Person(pk=1, name="Me"),
        2: Person(pk=2, name="Maria Fernanda Rodríguez Ochoa"),
        3: Person(pk=3, name="אבי רוזן"),
    }
    found = Neighbourhood(
        center=1,
        nodes=(
            NeighbourhoodNode(node=1, hops=0, reliability=1.0),
            NeighbourhoodNode(node=2, hops=1, reliability=0.5),
            NeighbourhoodNode(node=3, hops=2, reliability=0.25),
        ),
        edges=((1, 2, 50.0), (2, 3, 50.0)),
        truncated=False,
    )
    markup = svg.render(found, people, url_of=lambda p: f"/people/{p.pk}/")
    assert "<title>Maria Fernanda Rodríguez Ochoa: reachable at 50%</title>" in markup
    assert 'dir="auto">Maria Fernanda…</text>' in markup
    assert 'dir="auto">אבי רוזן</text>' in markup
    assert markup.count('text-anchor="middle" dominant-baseline="central"') == 3
