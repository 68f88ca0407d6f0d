from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kesher.accounts.models import User
from kesher.accounts.services import api_token_create
from kesher.people.services import person_archive
from kesher.workspaces.models import Membership, Role, Workspace

pytestmark = pytest.mark.django_db

URL = "/api/v1/search"


def bearer(user: User, workspace: Workspace) -> dict[str, str]:
    _token, secret = api_token_create(user=user, workspace=workspace, name="tests")
    return {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}


@pytest.fixture
def headers(user: User, workspace: Workspace) -> dict[str, str]:
    return bearer(user, workspace)


def test_results_best_first_with_ids_to_open(
    client: Client,
    headers: dict[str, str],
    make_person: Any,
    make_organization: Any,
    make_offer: Any,
) -> None:
    organization = make_organization("Jeep Israel", notes="Importer")
    dani = make_person("דני כהן", name_alt="Dani Cohen", notes="Drives a JEEP")
    make_offer(dani, "מוכר את הג'יפ")
    response = client.get(URL, {"q": "jeep"}, headers=headers)
    assert response.status_code == 200
    assert response.json() == {
        "query": "jeep",
        "results": [
            {
                "kind": "organization",
                "title": "Jeep Israel",
                "snippet": "Importer",
                "score": 43,
                "archived": False,
                "person_id": None,
                "organization_id": str(organization.public_id),
                "deal_id": None,
            },
            {
                "kind": "person",
                "title": "דני כהן (Dani Cohen)",
                "snippet": "Drives a JEEP",
                "score": 41,
                "archived": False,
                "person_id": str(dani.public_id),
                "organization_id": None,
                "deal_id": None,
            },
            {
                # The Hebrew spelling sounds like it, and ranks below the words as typed.
                "kind": "offer",
                "title": "דני כהן",
                "snippet": "מוכר את הג'יפ",
                "score": 9,
                "archived": False,
                "person_id": str(dani.public_id),
                "organization_id": None,
                "deal_id": None,
            },
        ],
    }
    hebrew = client.get(URL, {"q": "ג׳יפ"}, headers=headers).json()
    assert [(r["kind"], r["snippet"], r["score"]) for r in hebrew["results"]] == [
        ("offer", "מוכר את הג'יפ", 43),
        ("organization", "Importer", 9),
    ]


def test_names_are_found_from_the_other_script(
    client: Client, headers: dict[str, str], make_person: Any
) -> None:
    michal = make_person("מיכל לוי")
    levi = make_person("Levi Cohen")
    found = client.get(URL, {"q": "Michal Levi"}, headers=headers).json()
    assert [(r["title"], r["person_id"], r["score"]) for r in found["results"]] == [
        ("מיכל לוי", str(michal.public_id), 18)
    ]
    found = client.get(URL, {"q": "כהן"}, headers=headers).json()
    assert [(r["title"], r["person_id"], r["score"]) for r in found["results"]] == [
        ("Levi Cohen", str(levi.public_id), 9)
    ]


def test_limit_and_archived(client: Client, headers: dict[str, str], make_person: Any) -> None:
    for first in ("אבי", "בני"):
        make_person(f"{first} כהן")
    person_archive(person=make_person("גיל כהן"))
    found = client.get(URL, {"q": "כהן", "limit": 1}, headers=headers).json()
    assert [r["title"] for r in found["results"]] == ["אבי כהן"]
    everyone = client.get(URL, {"q": "כהן", "archived": "true"}, headers=headers).json()
    assert [(r["title"], r["archived"]) for r in everyone["results"]] == [
        ("אבי כהן", False),
        ("בני כהן", False),
        ("גיל כהן", True),
    ]


@pytest.mark.parametrize("limit", [0, 51, "many"])
def test_bad_limit_is_a_validation_error(
    client: Client, headers: dict[str, str], limit: object
) -> None:
    response = client.get(URL, {"q": "x", "limit": limit}, headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["limit"]


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "א" * 1000}])
def test_empty_or_oversized_query_is_answered(
    client: Client, headers: dict[str, str], make_person: Any, params: dict[str, str]
) -> None:
    make_person("דני כהן")
    response = client.get(URL, params, headers=headers)
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_anonymous_callers_are_refused(client: Client) -> None:
    response = client.get(URL, {"q": "x"})
    assert response.status_code == 401


def test_session_of_the_browser_works(client_logged_in: Client, make_person: Any) -> None:
    make_person("דני כהן")
    response = client_logged_in.get(URL, {"q": "דנ"})
    assert [r["title"] for r in response.json()["results"]] == ["דני כהן"]


def test_another_workspaces_token_never_sees_this_workspace(
    client: Client,
    workspace: Workspace,
    other_workspace: Workspace,
    headers: dict[str, str],
    make_person: Any,
) -> None:
    make_person("דני כהן")
    theirs = make_person("דני לוי", in_workspace=other_workspace)
    owner = Membership.objects.get(workspace=other_workspace, role=Role.OWNER).user
    other = bearer(owner, other_workspace)
    found = client.get(URL, {"q": "דני", "archived": "true"}, headers=other).json()
    assert [(r["title"], r["person_id"]) for r in found["results"]] == [
        ("דני לוי", str(theirs.public_id))
    ]
    mine = client.get(URL, {"q": "לוי"}, headers=headers).json()
    assert mine["results"] == []
    # Nor by sound, whole or being typed.
    for query in ("levi", "lev", "dani levi"):
        found = client.get(URL, {"q": query, "archived": "true"}, headers=headers).json()
        assert found["results"] == [], query


def test_a_deal_comes_with_its_id_to_open(
    client: Client,
    headers: dict[str, str],
    make_person: Any,
    make_organization: Any,
    make_deal: Any,
) -> None:
    livne = make_organization("אופנת ליבנה")
    michal = make_person("מיכל אברהם", organization=livne)
    deal = make_deal("מחשבים ומדפסות", person=michal, organization=livne)
    response = client.get(URL, {"q": "המדפסות"}, headers=headers)
    assert response.status_code == 200
    assert response.json() == {
        "query": "המדפסות",
        "results": [
            {
                "kind": "deal",
                "title": "מחשבים ומדפסות",
                "snippet": "מיכל אברהם · אופנת ליבנה · איתור הלקוח · פתוחה",
                "score": 33,
                "archived": False,
                "person_id": None,
                "organization_id": None,
                "deal_id": str(deal.public_id),
            }
        ],
    }
    opened = client.get(f"/api/v1/deals/{deal.public_id}", headers=headers)
    assert (opened.status_code, opened.json()["title"]) == (200, "מחשבים ומדפסות")


def test_another_workspaces_token_never_sees_this_workspaces_deals(
    client: Client,
    workspace: Workspace,
    other_workspace: Workspace,
    make_organization: Any,
    make_deal: Any,
) -> None:
    mine = make_deal("מחשבים ומדפסות", organization=make_organization("Orion"))
    owner = Membership.objects.get(workspace=other_workspace, role=Role.OWNER).user
    other = bearer(owner, other_workspace)
    for query in ("מדפסות", "orion", "Orion "):
        found = client.get(URL, {"q": query, "archived": "true"}, headers=other).json()
        assert found["results"] == [], query
    assert client.get(f"/api/v1/deals/{mine.public_id}", headers=other).status_code == 404


def test_the_queries_do_not_grow_with_the_deals_found(
    client: Client, headers: dict[str, str], make_person: Any, make_deal: Any
) -> None:
    dana = make_person("Dana Katz")
    make_deal("Printers 1", person=dana)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, {"q": "printers", "limit": 50}, headers=headers)
        assert response.status_code == 200
        return len(captured.captured_queries)

    queries()
    few = queries()
    for n in range(2, 15):
        make_deal(f"Printers {n}", person=dana)
    assert queries() == few
    found = client.get(URL, {"q": "printers", "limit": 50}, headers=headers).json()
    assert [r["kind"] for r in found["results"]] == ["deal"] * 14
