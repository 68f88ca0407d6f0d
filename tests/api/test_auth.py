"""Tokens and sessions (kesher/api/auth.py)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from kesher.accounts.models import ApiToken
from kesher.accounts.services import api_token_create, api_token_revoke
from kesher.people.models import Person
from kesher.workspaces.models import Membership, Role
from kesher.workspaces.services import workspace_create
from tests.api.conftest import BASE, ApiClient, all_operations
from tests.factories import PASSWORD, UserFactory

NOT_AUTHENTICATED = {
    "detail": "Authentication required: send a valid API token as "
    "“Authorization: Bearer <token>”, or log in.",
    "code": "not_authenticated",
}
CSRF_FAILED = {
    "detail": "CSRF check failed: send the X-CSRFToken header with the value of the csrftoken "
    "cookie, or use an API token instead of the session.",
    "code": "csrf_failed",
}
OPERATIONS = all_operations()


def session_client(user, *, enforce_csrf: bool) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf, headers={"Accept-Language": "en"})
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_endpoint_refuses_anonymous_calls(anonymous_api, method, path):
    response = anonymous_api._send(method, path, {} if method != "get" else None)

    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_endpoint_refuses_a_revoked_token(user, workspace, method, path):
    token, secret = api_token_create(user=user, workspace=workspace, name="old")
    api_token_revoke(token=token)
    client = ApiClient(Client(), secret)

    response = client._send(method, path, {} if method != "get" else None)

    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED


def test_a_valid_token_authenticates_and_records_its_use(api, user, workspace):
    response = api.get("/me")

    assert response.status_code == 200
    assert response.json()["authenticated_by"] == "token"
    assert response.json()["workspace"]["id"] == str(workspace.public_id)
    assert ApiToken.objects.get(user=user).last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["Bearer ksr_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "ksr_no_scheme", "Bearer"],
)
def test_malformed_or_unknown_tokens_are_refused(db, header):
    response = Client().get(
        f"{BASE}/me", headers={"Authorization": header, "Accept-Language": "en"}
    )

    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED


def test_a_token_stops_working_when_its_user_leaves_the_workspace(user, workspace, api):
    member = UserFactory()
    Membership.objects.create(workspace=workspace, user=member, role=Role.MEMBER)
    _token, secret = api_token_create(user=member, workspace=workspace, name="member")
    Membership.objects.filter(workspace=workspace, user=member).delete()

    response = ApiClient(Client(), secret).get("/me")

    assert response.status_code == 401


def test_a_token_of_an_inactive_user_is_refused(user, token_secret):
    user.is_active = False
    user.save()

    response = ApiClient(Client(), token_secret).get("/me")

    assert response.status_code == 401


def test_a_token_acts_only_in_its_own_workspace(user, workspace, api):
    second = workspace_create(name="Second", owner=user)
    _token, secret = api_token_create(user=user, workspace=second, name="second")

    first_me = api.get("/me").json()
    second_me = ApiClient(Client(), secret).get("/me").json()

    assert first_me["workspace"] == {"id": str(workspace.public_id), "name": workspace.name}
    assert second_me["workspace"] == {"id": str(second.public_id), "name": "Second"}


def test_session_authenticates_reads(user, workspace):
    client = session_client(user, enforce_csrf=True)

    response = client.get(f"{BASE}/me")

    assert response.status_code == 200
    assert response.json()["authenticated_by"] == "session"
    assert response.json()["workspace"]["id"] == str(workspace.public_id)


def test_session_write_without_csrf_token_is_refused_and_writes_nothing(user, workspace):
    client = session_client(user, enforce_csrf=True)
    before = Person.objects.count()

    response = client.post(f"{BASE}/people", data={"name": "Dana"}, content_type="application/json")

    assert response.status_code == 403
    assert response.json() == CSRF_FAILED
    assert Person.objects.count() == before


def test_session_write_with_csrf_token_is_accepted(user, workspace):
    client = session_client(user, enforce_csrf=True)
    secret = "a" * 32
    client.cookies[settings.CSRF_COOKIE_NAME] = secret

    response = client.post(
        f"{BASE}/people",
        data={"name": "Dana"},
        content_type="application/json",
        headers={"X-CSRFToken": secret},
    )

    assert response.status_code == 201
    assert Person.objects.filter(workspace=workspace, name="Dana").count() == 1


def test_token_writes_need_no_csrf_token(token_secret, workspace):
    client = ApiClient(Client(enforce_csrf_checks=True), token_secret)

    response = client.post("/people", {"name": "Dana"})

    assert response.status_code == 201


def test_a_bad_token_is_not_rescued_by_a_session(user, workspace):
    client = session_client(user, enforce_csrf=True)

    response = client.get(f"{BASE}/me", headers={"Authorization": "Bearer ksr_wrong"})

    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED


def test_a_logged_in_user_without_a_workspace_is_told_to_create_one(db):
    user = UserFactory()
    client = session_client(user, enforce_csrf=False)

    response = client.get(f"{BASE}/me")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "You are not a member of any workspace yet: create one or accept an invitation.",
        "code": "no_workspace",
    }
