"""The neighbourhood graph in a real browser: drawn (ties visible, weighted by strength), in
both directions, reachable by keyboard, and each person opens their page."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from kesher.accounts.models import User
from kesher.network.services import tie_create
from kesher.people.models import Person
from kesher.workspaces.models import Membership, Workspace
from tests.browser.test_quick_capture import log_in, watch
from tests.factories import PersonFactory, TieKindFactory, WorkspaceFactory
from tests.relationships.conftest import log

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def network(user: User, language: str) -> tuple[Workspace, Person, Person]:
    workspace = WorkspaceFactory(owner=user, language=language)
    me = Membership.objects.get(workspace=workspace, user=user).person
    assert me is not None
    kind = TieKindFactory(workspace=workspace, name="Friends")
    dana = PersonFactory(workspace=workspace, name="Dana Levi")
    avi = PersonFactory(workspace=workspace, name="אבי רוזן")
    tie_create(workspace=workspace, person=me, other=dana, kind=kind)
    tie_create(workspace=workspace, person=dana, other=avi, kind=kind)
    log(workspace, user, [dana], days_ago=3)
    return workspace, me, dana


@pytest.mark.parametrize(
    ("locale", "language", "direction"), [("en-US", "en", "ltr"), ("he-IL", "he", "rtl")]
)
def test_the_graph_is_drawn_and_its_people_open_their_pages(
    new_page: Callable[[str], Page], user: User, locale: str, language: str, direction: str
):
    _workspace, me, dana = network(user, language)
    page = new_page(locale)
    problems = watch(page)
    log_in(page, user)
    page.goto(reverse("relationships:graph", args=[me.public_id]))

    assert page.evaluate("document.documentElement.dir") == direction
    graph = page.locator("svg.graph")
    expect(graph).to_be_visible()
    assert graph.get_attribute("role") == "group"
    # Ties are drawn (a line without a stroke would be invisible), thicker when stronger.
    strokes = page.eval_on_selector_all(
        "svg.graph line",
        "lines => lines.map("
        "l => [getComputedStyle(l).stroke, Number(l.getAttribute('stroke-width'))])",
    )
    assert len(strokes) == 2
    assert all(stroke not in ("none", "") for stroke, _width in strokes)
    assert max(width for _stroke, width in strokes) > min(width for _stroke, width in strokes)
    expect(page.locator("svg.graph a.graph-node")).to_have_count(3)
    expect(page.locator("svg.graph text", has_text="אבי רוזן")).to_be_visible()
    # The names as drawn (the browser's own text boxes) never overlap, in either direction.
    boxes = page.eval_on_selector_all(
        "svg.graph text",
        "texts => texts.map(t => { const b = t.getBBox();"
        " return [b.x, b.y, b.x + b.width, b.y + b.height]; })",
    )
    assert len(boxes) == 3
    assert [
        (a, b)
        for a, b in itertools.combinations(boxes, 2)
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ] == []

    node = page.locator(f'svg.graph a[href="/people/{dana.public_id}/"]')
    node.focus()
    assert (
        page.evaluate("document.activeElement.getAttribute('href')") == f"/people/{dana.public_id}/"
    )
    with page.expect_navigation():
        node.locator("text").click()
    assert page.url.endswith(f"/people/{dana.public_id}/")
    expect(page.locator("h1")).to_contain_text("Dana Levi")
    assert problems == []
