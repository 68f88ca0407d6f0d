from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import translation

from kesher.accounts.models import User
from kesher.workspaces.models import Membership, Role, Workspace
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are compared in English, whatever the default language of the site."""
    with translation.override("en"):
        yield


def login(user: User) -> Client:
    """A browser logged in as `user`, reading the pages in English."""
    client = Client(headers={"Accept-Language": "en"})
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def web(user: User, workspace: Workspace) -> Client:
    return login(user)


@pytest.fixture
def other_web(other_workspace: Workspace) -> Client:
    """The owner of another workspace: everything of `workspace` must be a 404 for them."""
    return login(Membership.objects.get(workspace=other_workspace, role=Role.OWNER).user)


HTMX = {"HX-Request": "true"}
