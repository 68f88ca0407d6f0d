"""The graph view of a person's neighbourhood as server-side SVG.

The layout is networkx's spring layout (force-directed, edges pulling by strength), seeded so a
page looks the same on every load, with the person fixed in the middle. The SVG is a labelled
group rather than an image, so that screen readers and the keyboard reach the links inside it
(an image's children are presentational); it carries a <title> for the figure and for every
person and tie, and each person links to their page;
labels use `dir="auto"` and `text-anchor="middle"`, so Hebrew and English names both sit
centred under their node whatever the page's direction.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import networkx as nx
from django.utils.html import escape
from django.utils.translation import gettext as _

from kesher.engine.graph import Neighbourhood
from kesher.people.models import Person

WIDTH = 720
HEIGHT = 520
MARGIN = 60


def layout(neighbourhood: Neighbourhood, *, seed: int = 7) -> dict[int, tuple[float, float]]:
    """Positions in SVG coordinates: the centre in the middle, others by spring forces."""
    graph = nx.Graph()
    for node in neighbourhood.nodes:
        graph.add_node(node.node)
    for u, v, strength in neighbourhood.edges:
        graph.add_edge(u, v, weight=max(strength, 1.0) / 100.0)
    if not graph.number_of_nodes():
        return {}
    # Start on rings by hop count, so the forces only refine a readable picture.
    rings: dict[int, list[int]] = {}
    for node in neighbourhood.nodes:
        rings.setdefault(node.hops, []).append(node.node)
    start: dict[int, tuple[float, float]] = {}
    for hops, members in rings.items():
        for i, member in enumerate(members):
            angle = 2 * math.pi * i / max(len(members), 1) + hops * 0.3
            start[member] = (hops * math.cos(angle), hops * math.sin(angle))
    start[neighbourhood.center] = (0.0, 0.0)
    if graph.number_of_nodes() > 1:
        positions = nx.spring_layout(
            graph, pos=start, fixed=[neighbourhood.center], seed=seed, weight="weight", k=0.9
        )
    else:
        positions = start
    xs = [float(x) for x, _ in positions.values()]
    ys = [float(y) for _, y in positions.values()]
    span = max(max(map(abs, xs)), max(map(abs, ys)), 1e-9)
    scale_x = (WIDTH / 2 - MARGIN) / span
    scale_y = (HEIGHT / 2 - MARGIN) / span
    return {
        node: (WIDTH / 2 + float(x) * scale_x, HEIGHT / 2 + float(y) * scale_y)
        for node, (x, y) in positions.items()
    }


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
    for node in neighbourhood.nodes:
        person = people.get(node.node)
        if person is None or node.node not in positions:
            continue
        x, y = positions[node.node]
        radius = 14 if node.hops == 0 else (10 if node.hops == 1 else 7)
        label = _("%(name)s: reachable at %(percent)s%%") % {
            "name": person.name,
            "percent": f"{100 * node.reliability:.0f}",
        }
        parts.append(
            f'<a href="{escape(url_of(person))}" class="graph-node hops-{node.hops}">'
            f"<title>{escape(label)}</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}"></circle>'
            f'<text x="{x:.1f}" y="{y + radius + 14:.1f}" text-anchor="middle" '
            f'dir="auto">{escape(person.name)}</text></a>'
        )
    parts.append("</g></svg>")
    return "".join(parts)
