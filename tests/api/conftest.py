from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client

from kesher.accounts.models import User
from kesher.accounts.services import api_token_create
from kesher.api.urls import api as ninja_api
from kesher.workspaces.models import Membership, Role, Workspace

BASE = "/api/v1"


class ApiClient:
    """A test client speaking JSON to /api/v1/, with an API token when given one, in English."""

    def __init__(self, client: Client, secret: str | None, language: str = "en") -> None:
        self.client = client
        self.headers: dict[str, str] = {"Accept-Language": language}
        if secret is not None:
            self.headers["Authorization"] = f"Bearer {secret}"

    def _send(self, method: str, path: str, data: Any = None, raw: str | None = None) -> Any:
        call = getattr(self.client, method)
        if method == "get":
            return call(BASE + path, data=data, headers=self.headers)
        body = raw if raw is not None else ("" if data is None else json.dumps(data))
        return call(BASE + path, data=body, content_type="application/json", headers=self.headers)

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._send("get", path, params)

    def post(self, path: str, data: Any = None, raw: str | None = None) -> Any:
        return self._send("post", path, data, raw)

    def put(self, path: str, data: Any = None, raw: str | None = None) -> Any:
        return self._send("put", path, data, raw)

    def patch(self, path: str, data: Any = None, raw: str | None = None) -> Any:
        return self._send("patch", path, data, raw)

    def delete(self, path: str) -> Any:
        return self._send("delete", path)


def owner_of(workspace: Workspace) -> User:
    return Membership.objects.get(workspace=workspace, role=Role.OWNER).user


def all_operations() -> list[tuple[str, str]]:
    """Every (method, path) in the OpenAPI schema, path ids filled with UUIDs that name nothing.

    The UUIDs derive from the path, so every pytest-xdist worker collects the same test ids.
    """
    schema = ninja_api.get_openapi_schema(path_prefix="")
    operations = []
    for path, methods in schema["paths"].items():
        filled = path
        while "{" in filled:
            start, end = filled.index("{"), filled.index("}")
            unknown_id = uuid.uuid5(uuid.NAMESPACE_URL, filled)
            filled = filled[:start] + str(unknown_id) + filled[end + 1 :]
        operations.extend((method, filled) for method in methods)
    return sorted(operations)


@pytest.fixture
def token_secret(user: User, workspace: Workspace) -> str:
    _token, secret = api_token_create(user=user, workspace=workspace, name="tests")
    return secret


@pytest.fixture
def api(token_secret: str) -> ApiClient:
    return ApiClient(Client(), token_secret)


@pytest.fixture
def anonymous_api(db: None) -> ApiClient:
    return ApiClient(Client(), None)


@pytest.fixture
def other_api(other_workspace: Workspace) -> ApiClient:
    """The owner of a second workspace, calling with their own token."""
    _token, secret = api_token_create(
        user=owner_of(other_workspace), workspace=other_workspace, name="other"
    )
    return ApiClient(Client(), secret)


def iso(value: Any) -> Any:
    """A date or time as the API writes it (Django's JSON encoder)."""
    return None if value is None else DjangoJSONEncoder().default(value)
