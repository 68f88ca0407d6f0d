"""The home page ("Today"), the shared view helpers and the error pages (kesher/core/views.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kesher.accounts.models import User
from kesher.core.views import get_or_404
from kesher.network.models import NeedOfferStatus
from kesher.people.models import Person
from kesher.people.selectors import person_get
from kesher.people.services import person_archive
from tests.factories import (
    PASSWORD,
    InteractionFactory,
    NeedFactory,
    OfferFactory,
    OrganizationFactory,
    PersonFactory,
)


def login_as(user: User) -> Client:
    """A browser logged in as `user`, reading the pages in English."""
    client = Client(headers={"Accept-Language": "en"})
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def web(user, workspace) -> Client:
    return login_as(user)


def fill(workspace, count: int, prefix: str = "") -> list[Person]:
    """`count` people, each with an open need, an open offer and an interaction."""
    people = []
    for n in range(count):
        organization = OrganizationFactory(workspace=workspace, name=f"{prefix}Org {n}")
        person = PersonFactory(
            workspace=workspace, name=f"{prefix}Person {n}", organization=organization
        )
        NeedFactory(workspace=workspace, person=person, text=f"{prefix}needs thing {n}")
        OfferFactory(workspace=workspace, person=person, text=f"{prefix}offers thing {n}")
        InteractionFactory(workspace=workspace, participants=[person], summary=f"{prefix}talk {n}")
        people.append(person)
    return people


def test_home_needs_a_login(db):
    response = Client().get(reverse("core:home"))

    assert response["Location"] == f"{reverse('accounts:login')}?next=/"


def test_home_shows_counts_and_recent_activity(workspace, web):
    dani, avi = fill(workspace, 2)
    NeedFactory(
        workspace=workspace, person=avi, text="An old need", status=NeedOfferStatus.FULFILLED
    )

    response = web.get(reverse("core:home"))

    assert response.status_code == 200
    today = response.context["today"]
    # The owner is a person of the workspace too.
    assert today.people_count == 3
    assert (today.open_needs_count, today.open_offers_count) == (2, 2)
    assert [n.text for n in today.open_needs] == ["needs thing 1", "needs thing 0"]
    assert [o.text for o in today.open_offers] == ["offers thing 1", "offers thing 0"]
    assert [i.summary for i in today.recent_interactions] == ["talk 1", "talk 0"]
    assert [p.name for p in today.recent_people][:2] == ["Person 1", "Person 0"]
    html = response.content.decode()
    assert f'href="{reverse("people:detail", args=[dani.public_id])}"' in html
    assert "An old need" not in html
    assert "talk 0" in html
    assert "Org 1" in html


def test_home_leaves_out_archived_people_and_their_needs(workspace, web):
    (person,) = fill(workspace, 1)
    person_archive(person=person)

    today = web.get(reverse("core:home")).context["today"]

    assert today.people_count == 1
    assert (today.open_needs_count, today.open_offers_count) == (0, 0)
    assert "Person 0" not in [p.name for p in today.recent_people]


def test_home_shows_at_most_ten_of_each(workspace, web):
    fill(workspace, 12)

    today = web.get(reverse("core:home")).context["today"]

    assert today.people_count == 13
    assert today.open_needs_count == 12
    assert [len(today.recent_people), len(today.open_needs), len(today.open_offers)] == [
        10,
        10,
        10,
    ]
    assert len(today.recent_interactions) == 10


def test_home_query_count_does_not_grow_with_data(workspace, web):
    fill(workspace, 2)
    # The first request also stores the chosen workspace in the session.
    web.get(reverse("core:home"))
    with CaptureQueriesContext(connection) as few:
        web.get(reverse("core:home"))
    fill(workspace, 10, prefix="more ")
    with CaptureQueriesContext(connection) as many:
        web.get(reverse("core:home"))

    assert len(many.captured_queries) == len(few.captured_queries)


def test_home_never_shows_another_workspaces_data(workspace, other_workspace, web):
    fill(workspace, 1)
    fill(other_workspace, 3, prefix="Foreign ")

    response = web.get(reverse("core:home"))

    today = response.context["today"]
    assert (today.people_count, today.open_needs_count, today.open_offers_count) == (2, 1, 1)
    html = response.content.decode()
    assert "Foreign" not in html
    assert other_workspace.name not in html


def test_empty_workspace_home_invites_to_quick_capture(workspace, web):
    Person.objects.filter(workspace=workspace).delete()

    html = web.get(reverse("core:home")).content.decode()

    assert "Your network starts here" in html
    assert f'href="{reverse("people:quick_capture")}"' in html


def test_the_shell_has_landmarks_nav_and_search(workspace, web):
    html = web.get(reverse("core:home")).content.decode()

    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert 'id="search-results"' in html
    assert f'hx-get="{reverse("search:search")}"' in html
    for name in (
        "core:home",
        "people:list",
        "directory:organization_list",
        "directory:group_list",
        "directory:event_list",
        "people:quick_capture",
        "accounts:tokens",
        "workspaces:members",
    ):
        assert f'href="{reverse(name)}"' in html
    assert f'action="{reverse("accounts:logout")}"' in html


def test_get_or_404_turns_not_found_into_404(workspace, other_workspace):
    foreign = PersonFactory(workspace=other_workspace)
    mine = PersonFactory(workspace=workspace)

    assert get_or_404(person_get, workspace=workspace, public_id=mine.public_id) == mine
    with pytest.raises(Http404):
        get_or_404(person_get, workspace=workspace, public_id=foreign.public_id)
    with pytest.raises(Http404):
        get_or_404(person_get, workspace=workspace, public_id="not-a-uuid")


def test_get_or_404_lets_other_errors_through():
    def broken() -> None:
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        get_or_404(broken)


def test_unknown_page_shows_the_friendly_404(web):
    response = web.get("/no/such/page/")

    assert response.status_code == 404
    assert "We could not find this page" in response.content.decode()


def test_500_page_renders_without_a_request():
    # Without a request no middleware picks the language: say which, or an earlier test's leaks in.
    with translation.override("en"):
        html = render_to_string("500.html")

    assert "Something went wrong on our side" in html
    assert 'href="/"' in html
