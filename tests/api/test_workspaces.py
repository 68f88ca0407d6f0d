"""/api/v1/workspace and its members (kesher/workspaces/api.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from kesher.accounts.services import api_token_create
from kesher.workspaces.models import Membership, Role
from kesher.workspaces.services import invitation_accept, invitation_create
from tests.api.conftest import ApiClient, iso
from tests.factories import UserFactory


@pytest.fixture
def coach(user, workspace):
    coach = UserFactory(display_name="Coach")
    _invitation, secret = invitation_create(workspace=workspace, created_by=user, role=Role.COACH)
    invitation_accept(secret=secret, user=coach)
    return coach


@pytest.fixture
def coach_api(coach, workspace):
    _token, secret = api_token_create(user=coach, workspace=workspace, name="coach")
    return ApiClient(Client(), secret)


def test_workspace_get_shows_the_settings_and_the_callers_role(api, coach_api, workspace):
    expected = {
        "id": str(workspace.public_id),
        "name": workspace.name,
        "time_zone": "Asia/Jerusalem",
        "currency": "ILS",
        "week_start": 6,
        "language": "he",
    }

    assert api.get("/workspace").json() == {**expected, "role": "owner"}
    assert coach_api.get("/workspace").json() == {**expected, "role": "coach"}


def test_owner_changes_settings(api, workspace):
    response = api.patch(
        "/workspace",
        {"name": "Sales team", "currency": "USD", "week_start": 0, "time_zone": "Europe/London"},
    )

    assert response.status_code == 200
    assert response.json() == {
        "id": str(workspace.public_id),
        "name": "Sales team",
        "time_zone": "Europe/London",
        "currency": "USD",
        "week_start": 0,
        "language": "he",
        "role": "owner",
    }
    workspace.refresh_from_db()
    assert (workspace.name, workspace.currency, workspace.week_start) == ("Sales team", "USD", 0)


def test_only_the_owner_changes_settings(coach_api, workspace):
    response = coach_api.patch("/workspace", {"currency": "USD"})

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the workspace's owner can do this: ask them to do it for you.",
        "code": "permission_denied",
    }
    workspace.refresh_from_db()
    assert workspace.currency == "ILS"


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        (
            {"time_zone": "Mars/Olympus"},
            {"time_zone": ["Unknown time zone: use a name such as Asia/Jerusalem."]},
        ),
        ({"currency": "BTC"}, {"currency": ["Choose one of: ILS, USD, EUR, GBP."]}),
        ({"language": "fr"}, {"language": ["Choose Hebrew or English."]}),
        ({"week_start": 3}, {"week_start": ["Choose one of: 6, 0 or 5."]}),
        ({"name": "  "}, {"name": ["This field cannot be empty."]}),
    ],
)
def test_bad_settings_change_nothing(api, workspace, payload, errors):
    response = api.patch("/workspace", payload)

    assert response.status_code == 422
    assert response.json()["errors"] == errors
    workspace.refresh_from_db()
    assert (workspace.time_zone, workspace.currency, workspace.language, workspace.week_start) == (
        "Asia/Jerusalem",
        "ILS",
        "he",
        6,
    )


def test_member_list(api, user, coach, workspace):
    owner = Membership.objects.get(workspace=workspace, user=user)
    coaching = Membership.objects.get(workspace=workspace, user=coach)

    response = api.get("/workspace/members")

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "user": {
                    "id": str(user.public_id),
                    "email": user.email,
                    "display_name": user.display_name,
                },
                "role": "owner",
                "person": {"id": str(owner.person.public_id), "name": owner.person.name},
                "joined_at": iso(owner.created_at),
            },
            {
                "user": {"id": str(coach.public_id), "email": coach.email, "display_name": "Coach"},
                "role": "coach",
                "person": {"id": str(coaching.person.public_id), "name": "Coach"},
                "joined_at": iso(coaching.created_at),
            },
        ],
        "count": 2,
    }


def test_the_owner_removes_a_member_and_their_token_stops_working(api, coach_api, coach):
    response = api.delete(f"/workspace/members/{coach.public_id}")

    assert (response.status_code, response.content) == (204, b"")
    assert coach_api.get("/workspace").status_code == 401
    assert [m["user"]["id"] for m in api.get("/workspace/members").json()["items"]] == [
        str(Membership.objects.get(role=Role.OWNER).user.public_id)
    ]


def test_removing_members_is_for_owners_and_never_the_only_owner(api, coach_api, user, coach):
    by_coach = coach_api.delete(f"/workspace/members/{user.public_id}")
    only_owner = api.delete(f"/workspace/members/{user.public_id}")
    unknown = api.delete(f"/workspace/members/{UserFactory().public_id}")

    assert (by_coach.status_code, by_coach.json()["code"]) == (403, "permission_denied")
    assert only_owner.status_code == 409
    assert only_owner.json() == {
        "detail": "The workspace's only owner cannot be removed: invite another owner first, "
        "and remove this one once they have joined.",
        "code": "last_owner",
    }
    assert unknown.status_code == 404
    assert Membership.objects.count() == 2
