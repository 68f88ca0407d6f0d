"""The graph view of a person's neighbourhood as server-side SVG.

The layout is networkx's Kamada-Kawai layout (people as far apart as they are in ties),
started from rings around the person, so a page looks the same on every load. The SVG is a labelled
group rather than an image, so that screen readers and the keyboard reach the links inside it
(an image's children are presentational); it carries a <title> for the figure and for every
person and tie, and each person links to their page.

Names are placed so that no two overlap: each label goes on the side of its node facing away
from the middle of the picture when there is room there, else on the nearest free side (see
`place_labels`). Labels are centred on their spot (`text-anchor="middle"`, with `dir="auto"`),
which is the same in both directions, so Hebrew and English names sit where they were placed
whatever the page's direction. Long names are shortened; the node's <title> keeps the name
whole.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
from django.utils.html import escape
from django.utils.translation import gettext as _

from kesher.engine.graph import Neighbourhood
from kesher.people.models import Person

WIDTH = 800
HEIGHT = 560
# Room left around the nodes for the outermost names.
MARGIN_X = 90
MARGIN_Y = 40
FONT_SIZE = 12
# An estimate of a character's width at FONT_SIZE, on the wide side for both Hebrew and Latin
# letters, so that a label's estimated box holds the drawn text.
CHAR_WIDTH = 0.62 * FONT_SIZE
LABEL_HEIGHT = FONT_SIZE + 4
# Longer names are cut at a word (or, failing that, a letter) and end in "…".
LABEL_MAX_CHARS = 18
# The space kept between a node and its name, and between two names.
LABEL_GAP = 3
# Sides tried around a node, as angles from the preferred one.
_SIDES = 24


Box = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Label:
    """A node's name as drawn: the text, and its box's centre, width and height."""

    text: str
    x: float
    y: float
    width: float
    height: float

    @property
    def box(self) -> Box:
        return (
            self.x - self.width / 2,
            self.y - self.height / 2,
            self.x + self.width / 2,
            self.y + self.height / 2,
        )


def node_radius(hops: int) -> int:
    return 14 if hops == 0 else (10 if hops == 1 else 7)


def short_name(name: str, limit: int = LABEL_MAX_CHARS) -> str:
    """The name, or its first words (its first letters, for one long word) and "…"."""
    name = " ".join(name.split())
    if len(name) <= limit:
        return name
    kept = ""
    for word in name.split(" "):
        candidate = f"{kept} {word}" if kept else word
        if len(candidate) > limit - 1:
            break
        kept = candidate
    return (kept or name[: limit - 1]) + "…"


def text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def layout(neighbourhood: Neighbourhood) -> dict[int, tuple[float, float]]:
    """Positions in SVG coordinates, the picture stretched to fill the page."""
    graph = nx.Graph()
    for node in neighbourhood.nodes:
        graph.add_node(node.node)
    for u, v, _strength in neighbourhood.edges:
        graph.add_edge(u, v)
    if not graph.number_of_nodes():
        return {}
    # Start on rings by hop count, so the layout only refines a readable picture.
    rings: dict[int, list[int]] = {}
    for node in neighbourhood.nodes:
        rings.setdefault(node.hops, []).append(node.node)
    start: dict[int, tuple[float, float]] = {}
    for hops, members in rings.items():
        for i, member in enumerate(members):
            angle = 2 * math.pi * i / max(len(members), 1) + hops * 0.3
            start[member] = (hops * math.cos(angle), hops * math.sin(angle))
    start[neighbourhood.center] = (0.0, 0.0)
    if graph.number_of_nodes() > 2:
        # Kamada-Kawai puts people as far apart on the page as they are in ties, which spreads
        # a few dozen people more evenly than spring forces (those pack the middle and leave
        # the names no room). It is deterministic from the rings it starts on.
        positions = nx.kamada_kawai_layout(graph, pos=start, weight=None)
        positions = _spread(positions, neighbourhood.center)
    else:
        positions = start
    xs = [float(x) for x, _ in positions.values()]
    ys = [float(y) for _, y in positions.values()]
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    span_x, span_y = (max(xs) - min(xs)) / 2, (max(ys) - min(ys)) / 2
    # People (nearly) in a line stay in a line rather than being stretched across the page.
    span_x, span_y = max(span_x, span_y / 2, 1e-9), max(span_y, span_x / 2, 1e-9)
    scale_x = (WIDTH / 2 - MARGIN_X) / span_x
    scale_y = (HEIGHT / 2 - MARGIN_Y) / span_y
    return {
        node: (WIDTH / 2 + (float(x) - mid_x) * scale_x, HEIGHT / 2 + (float(y) - mid_y) * scale_y)
        for node, (x, y) in positions.items()
    }


def place_labels(
    nodes: Sequence[tuple[int, str, int]],
    positions: Mapping[int, tuple[float, float]],
    edges: Sequence[tuple[int, int]],
) -> dict[int, Label]:
    """A label for each (node, name, radius), none overlapping another label or any node.

    Nodes are placed in the order given (the person in the middle, then the closest ties), each
    trying the side away from the middle of the picture first, then the sides next to it; a
    side crossing fewer ties may win over one a little closer to the preferred side. A name
    with no free side is pushed a little further out, then shortened to its first word; if
    still nothing fits, it takes the spot with the fewest overlaps.
    """
    circles = [(positions[node], radius + LABEL_GAP) for node, _name, radius in nodes]
    lines = [(positions[u], positions[v]) for u, v in edges]
    placed: list[Box] = []
    labels: dict[int, Label] = {}
    for node, name, radius in nodes:
        x, y = positions[node]
        middle = (x, y) == (WIDTH / 2, HEIGHT / 2)
        away = math.pi / 2 if middle else math.atan2(y - HEIGHT / 2, x - WIDTH / 2)
        best: tuple[tuple[int, float], Label] | None = None
        for text, push in _attempts(name):
            for label, turn in _candidates(text, x, y, radius + push, away):
                box = _padded(label.box)
                conflicts = (
                    sum(_overlap(box, other) for other in placed)
                    + sum(_touches(label.box, centre, reach) for centre, reach in circles)
                    + (not _inside(label.box))
                )
                crossings = sum(_crosses(label.box, start, end) for start, end in lines)
                cost = (conflicts, turn + 0.5 * crossings)
                if best is None or cost < best[0]:
                    best = (cost, label)
            if best is not None and best[0][0] == 0:
                break
        assert best is not None
        labels[node] = best[1]
        placed.append(_padded(best[1].box))
    return labels


def _attempts(name: str) -> list[tuple[str, float]]:
    """The texts to try for a name, each at growing distances from its node."""
    texts = [short_name(name)]
    words = name.split()
    if len(words) > 1 and short_name(words[0]) != texts[0]:
        texts.append(short_name(words[0]))
    return [(text, push) for text in texts for push in (0.0, 6.0, 12.0, 20.0, 30.0, 42.0)]


# How far people are pushed out from the person: a distance r becomes r ** SPREAD (distances
# scaled to at most 1). Kamada-Kawai puts every direct tie on one ring half as wide as the
# picture, where a few dozen names have no room; this widens the inner ring and leaves the
# people two ties away on the rim (0.8 shortens no name on any of the demo's graphs).
SPREAD = 0.8


def _spread(positions: Mapping[int, Any], center: int) -> dict[int, tuple[float, float]]:
    cx, cy = (float(value) for value in positions[center])
    offsets = {node: (float(x) - cx, float(y) - cy) for node, (x, y) in positions.items()}
    furthest = max(math.hypot(dx, dy) for dx, dy in offsets.values()) or 1.0
    spread = {}
    for node, (dx, dy) in offsets.items():
        distance = math.hypot(dx, dy) / furthest
        factor = distance**SPREAD / distance if distance else 0.0
        spread[node] = (dx * factor, dy * factor)
    return spread


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(box: Box) -> bool:
    return box[0] >= 0 and box[1] >= 0 and box[2] <= WIDTH and box[3] <= HEIGHT


def _touches(box: Box, centre: tuple[float, float], radius: float) -> bool:
    """Whether a circle reaches into `box`."""
    nearest_x = min(max(centre[0], box[0]), box[2])
    nearest_y = min(max(centre[1], box[1]), box[3])
    return math.hypot(centre[0] - nearest_x, centre[1] - nearest_y) < radius


def _crosses(box: Box, start: tuple[float, float], end: tuple[float, float]) -> bool:
    """Whether the segment from `start` to `end` passes through `box` (Liang-Barsky)."""
    (x1, y1), (x2, y2) = start, end
    dx, dy = x2 - x1, y2 - y1
    low, high = 0.0, 1.0
    for p, q in ((-dx, x1 - box[0]), (dx, box[2] - x1), (-dy, y1 - box[1]), (dy, box[3] - y1)):
        if p == 0:
            if q < 0:
                return False
        else:
            t = q / p
            if p < 0:
                low = max(low, t)
            else:
                high = min(high, t)
            if low > high:
                return False
    return True


def _padded(box: Box) -> Box:
    half = LABEL_GAP / 2
    return (box[0] - half, box[1] - half, box[2] + half, box[3] + half)


def _candidates(
    text: str, x: float, y: float, radius: float, away: float
) -> list[tuple[Label, float]]:
    """Spots for `text` around a node, the side facing `away` first, each with its cost: the
    turn from that side (a quarter turn costs 1)."""
    width, height = text_width(text), float(LABEL_HEIGHT)
    found = []
    for step in range(_SIDES):
        # 0, +1, -1, +2, -2, ... steps around from the preferred side.
        turn = (step + 1) // 2 * (1 if step % 2 else -1) * 2 * math.pi / _SIDES
        angle = away + turn
        dx, dy = math.cos(angle), math.sin(angle)
        # The box's centre, far enough along the side that the box clears the node.
        reach = min(
            (width / 2) / abs(dx) if abs(dx) > 1e-9 else math.inf,
            (height / 2) / abs(dy) if abs(dy) > 1e-9 else math.inf,
        )
        distance = radius + LABEL_GAP + reach
        label = Label(text, x + dx * distance, y + dy * distance, width, height)
        found.append((label, abs(turn) / (math.pi / 2)))
    return found


def render(
    neighbourhood: Neighbourhood,
    people: Mapping[int, Person],
    *,
    url_of: Callable[[Person], str],
) -> str:
    """The SVG markup (escaped throughout) for the graph page."""
    positions = layout(neighbourhood)
    center = people.get(neighbourhood.center)
    title = _("Who %(name)s knows") % {"name": center.name if center else ""}
    drawn = [node for node in neighbourhood.nodes if node.node in people and node.node in positions]
    labels = place_labels(
        [(node.node, people[node.node].name, node_radius(node.hops)) for node in drawn],
        positions,
        [(u, v) for u, v, _strength in neighbourhood.edges],
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="group" aria-labelledby="graph-title">',
        f'<title id="graph-title">{escape(title)}</title>',
        '<g class="graph-edges">',
    ]
    for u, v, strength in neighbourhood.edges:
        if u not in positions or v not in positions or u not in people or v not in people:
            continue
        (x1, y1), (x2, y2) = positions[u], positions[v]
        width = 0.5 + 5.5 * strength / 100.0
        label = _("%(a)s — %(b)s: strength %(strength)s") % {
            "a": people[u].name,
            "b": people[v].name,
            "strength": f"{strength:.0f}",
        }
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke-width="{width:.2f}"><title>{escape(label)}</title></line>'
        )
    parts.append("</g>")
    parts.append('<g class="graph-nodes">')
    for node in drawn:
        person = people[node.node]
        x, y = positions[node.node]
        name = labels[node.node]
        title = _("%(name)s: reachable at %(percent)s%%") % {
            "name": person.name,
            "percent": f"{100 * node.reliability:.0f}",
        }
        parts.append(
            f'<a href="{escape(url_of(person))}" class="graph-node hops-{node.hops}">'
            f"<title>{escape(title)}</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{node_radius(node.hops)}"></circle>'
            f'<text x="{name.x:.1f}" y="{name.y:.1f}" font-size="{FONT_SIZE}" '
            f'text-anchor="middle" dominant-baseline="central" '
            f'dir="auto">{escape(name.text)}</text></a>'
        )
    parts.append("</g></svg>")
    return "".join(parts)
