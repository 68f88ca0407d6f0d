"""/api/v1/me and /api/v1/tokens (kesher/accounts/api.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from kesher.accounts.models import ApiToken
from kesher.accounts.services import api_token_create, token_digest
from kesher.workspaces.models import Membership
from kesher.workspaces.services import workspace_create
from tests.api.conftest import ApiClient, iso
from tests.factories import UserFactory


def test_me_describes_the_caller(api, user, workspace):
    membership = Membership.objects.get(workspace=workspace, user=user)

    response = api.get("/me")

    assert response.status_code == 200
    assert response.json() == {
        "id": str(user.public_id),
        "email": user.email,
        "display_name": user.display_name,
        "workspace": {"id": str(workspace.public_id), "name": workspace.name},
        "role": "owner",
        "person": {"id": str(membership.person.public_id), "name": membership.person.name},
        "authenticated_by": "token",
    }


def test_token_list_shows_the_callers_working_tokens_in_this_workspace(api, user, workspace):
    mine = ApiToken.objects.get(user=user, workspace=workspace)
    revoked, _ = api_token_create(user=user, workspace=workspace, name="revoked")
    api.delete(f"/tokens/{revoked.public_id}")
    api_token_create(user=user, workspace=workspace_create(name="Elsewhere", owner=user), name="x")
    colleague = UserFactory()
    Membership.objects.create(workspace=workspace, user=colleague, role="member")
    api_token_create(user=colleague, workspace=workspace, name="colleague's")
    mine.refresh_from_db()

    response = api.get("/tokens")

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": str(mine.public_id),
                "name": "tests",
                "prefix": mine.prefix,
                "created_at": iso(mine.created_at),
                "last_used_at": iso(mine.last_used_at),
            }
        ],
        "count": 1,
    }


def test_token_create_shows_the_secret_once_and_it_works(api, user, workspace):
    response = api.post("/tokens", {"name": " Zapier "})

    assert response.status_code == 201
    body = response.json()
    token = ApiToken.objects.get(public_id=body["id"])
    assert (token.user, token.workspace, token.name) == (user, workspace, "Zapier")
    assert body == {
        "id": str(token.public_id),
        "name": "Zapier",
        "prefix": body["secret"][:12],
        "created_at": iso(token.created_at),
        "last_used_at": None,
        "secret": body["secret"],
    }
    assert body["secret"].startswith("ksr_")
    assert token.digest == token_digest(body["secret"])
    assert "secret" not in api.get("/tokens").json()["items"][0]
    assert ApiClient(Client(), body["secret"]).get("/me").status_code == 200


@pytest.mark.parametrize(
    ("name", "errors"),
    [
        ("", {"name": ["This field cannot be empty."]}),
        (" ", {"name": ["This field cannot be empty."]}),
        ("x" * 101, {"name": ["This is too long: at most 100 characters."]}),
    ],
)
def test_token_create_bad_name_writes_nothing(api, name, errors):
    before = ApiToken.objects.count()

    response = api.post("/tokens", {"name": name})

    assert response.status_code == 422
    assert response.json()["errors"] == errors
    assert ApiToken.objects.count() == before


def test_token_revoke_makes_it_stop_working(api, user, workspace):
    token, secret = api_token_create(user=user, workspace=workspace, name="laptop")
    client = ApiClient(Client(), secret)
    assert client.get("/me").status_code == 200

    response = api.delete(f"/tokens/{token.public_id}")

    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/me").status_code == 401
    assert api.delete(f"/tokens/{token.public_id}").status_code == 404


def test_a_colleagues_token_cannot_be_revoked(api, workspace):
    colleague = UserFactory()
    Membership.objects.create(workspace=workspace, user=colleague, role="member")
    token, _ = api_token_create(user=colleague, workspace=workspace, name="colleague's")

    response = api.delete(f"/tokens/{token.public_id}")

    assert response.status_code == 404
    assert response.json() == {"detail": "API token not found.", "code": "not_found"}
    token.refresh_from_db()
    assert token.revoked_at is None
