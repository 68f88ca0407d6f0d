from __future__ import annotations

import pytest
from django.test import Client

from kesher.accounts.models import User
from kesher.workspaces.models import Workspace
from tests.factories import PASSWORD, UserFactory, WorkspaceFactory


@pytest.fixture
def user(db: None) -> User:
    return UserFactory()


@pytest.fixture
def workspace(user: User) -> Workspace:
    return WorkspaceFactory(owner=user)


@pytest.fixture
def other_workspace(db: None) -> Workspace:
    """A second tenant whose data must never show up in the first's pages or API."""
    return WorkspaceFactory(name="Other", owner=UserFactory())


@pytest.fixture
def client_logged_in(client: Client, user: User, workspace: Workspace) -> Client:
    assert client.login(email=user.email, password=PASSWORD)
    return client
