from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client, override_settings

from kesher.accounts.models import User
from kesher.workspaces.models import Workspace
from tests.factories import PASSWORD, UserFactory, WorkspaceFactory


@pytest.fixture(autouse=True, scope="session")
def _test_settings() -> Iterator[None]:
    """Settings for the whole test session.

    Pages render `{% static %}` without a collectstatic run: production uses whitenoise's
    manifest storage, which refuses to name a file missing from the manifest that collectstatic
    makes; tests (and the live server, which serves files from the app folders) need no such
    build step.

    Passwords are hashed with a fast hasher: the real one costs about 0.4 s per user made or
    logged in, which would dominate the suite's time.
    """
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(STORAGES=storages, PASSWORD_HASHERS=hashers):
        yield


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
