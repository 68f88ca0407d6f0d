from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client, override_settings
from django.utils import translation

from kesher.accounts.models import User
from kesher.i18n import compile_catalogues
from kesher.workspaces.models import Workspace
from tests.factories import PASSWORD, UserFactory, WorkspaceFactory


def pytest_configure(config: pytest.Config) -> None:
    """Compile the .po catalogues (gitignored .mo files) so a fresh clone's suite runs in Hebrew
    too. Only the main process compiles: xdist workers start after it and would race each other
    writing the same .mo file."""
    if not hasattr(config, "workerinput"):
        compile_catalogues()


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


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Iterator[None]:
    """Code run outside a request (services, render_to_string) speaks English in tests.

    The site's default is Hebrew, and Django leaves the last request's language active in the
    thread, so without this a message's language would depend on which test ran before. Requests
    still choose their own language (LocaleMiddleware activates it per request)."""
    with translation.override("en"):
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
