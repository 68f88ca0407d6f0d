import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kesher.accounts.models import ApiToken, User
from kesher.accounts.services import api_token_authenticate
from kesher.cli import cli_language, main
from kesher.workspaces.models import Membership, Role, Workspace
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setenv("KESHER_LANGUAGE", "en")


def _nothing_created():
    return (User.objects.count(), Workspace.objects.count(), ApiToken.objects.count()) == (0, 0, 0)


@pytest.mark.django_db
def test_workspace_create_json_prints_the_workspace_and_a_working_token(capsys):
    code = main(["workspace", "create", "Acme sales", "--owner", "Dana@Example.com", "--json"])

    out, err = capsys.readouterr()
    assert code == 0
    assert err == ""
    payload = json.loads(out)
    assert list(payload) == ["workspace", "token"]
    token = api_token_authenticate(secret=payload["token"])
    assert token is not None
    assert str(token.workspace.public_id) == payload["workspace"]
    assert token.user.email == "dana@example.com"
    workspace = Workspace.objects.get(public_id=payload["workspace"])
    assert workspace.name == "Acme sales"
    assert workspace.language == "he"
    membership = Membership.objects.get(workspace=workspace)
    assert (membership.user, membership.role) == (token.user, Role.OWNER)
    assert not token.user.has_usable_password()


@pytest.mark.django_db
def test_workspace_create_reuses_an_existing_owner_and_prints_text_without_json(capsys):
    owner = UserFactory(email="owner@example.com")

    code = main(["workspace", "create", "Team", "--owner", "owner@example.com", "--language", "en"])

    out, _err = capsys.readouterr()
    assert code == 0
    workspace = Workspace.objects.get()
    assert workspace.language == "en"
    assert User.objects.count() == 1
    token = ApiToken.objects.get()
    assert token.user == owner
    assert out.splitlines()[0] == (
        f"Created the workspace “Team” ({workspace.public_id}), owned by owner@example.com."
    )
    secret = out.splitlines()[1].rsplit(" ", 1)[1]
    assert api_token_authenticate(secret=secret) == token


@pytest.mark.django_db
def test_workspace_create_with_an_invalid_email_exits_2_and_creates_nothing(capsys):
    code = main(["workspace", "create", "Acme", "--owner", "not-an-email", "--json"])

    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err == (
        "kesher workspace create: --owner: “not-an-email” is not a valid email address: "
        "check it looks like name@example.com.\n"
    )
    assert _nothing_created()


@pytest.mark.django_db
def test_workspace_create_with_an_empty_name_exits_2_and_leaves_no_new_user(capsys):
    code = main(["workspace", "create", "   ", "--owner", "new@example.com", "--json"])

    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err == "kesher workspace create: NAME: A name is required: type at least one letter.\n"
    assert _nothing_created()


@pytest.mark.django_db
def test_workspace_create_without_owner_is_a_usage_error(capsys):
    code = main(["workspace", "create", "Acme"])

    _out, err = capsys.readouterr()
    assert code == 2
    assert "the following arguments are required: --owner" in err
    assert _nothing_created()


def test_help_lists_every_command_with_a_one_line_description(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")

    code = main(["--help"])

    out, _err = capsys.readouterr()
    assert code == 0
    summaries = {
        line.split()[0]: line.split(maxsplit=1)[1]
        for line in out.splitlines()
        if line.startswith("    ") and len(line.split()) > 1
    }
    assert summaries == {
        "demo": "Load the demo workspace, print its login and serve it.",
        "serve": "Serve Kesher with a production web server (waitress).",
        "migrate": "Create or upgrade the database tables.",
        "worker": "Run background tasks, such as recomputing suggestions.",
        "workspace": "Create a workspace and an API token for scripts.",
        "digest": "Email each member their weekly keep-in-touch digest.",
        "strengths": "Rescore every tie's strength from its interactions.",
        "match": "Recompute the suggested introductions now.",
        "manage": "Run a Django management command (e.g. createsuperuser).",
    }


def test_no_command_is_a_usage_error(capsys):
    assert main([]) == 2
    assert "kesher" in capsys.readouterr().err


@pytest.mark.django_db
def test_migrate_and_manage_run_against_the_configured_database(capsys):
    assert main(["migrate"]) == 0
    assert "No migrations to apply." in capsys.readouterr().out
    assert main(["manage", "check"]) == 0
    assert "System check identified no issues" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"KESHER_LANGUAGE": "he"}, "he"),
        ({"KESHER_LANGUAGE": "en", "LANG": "he_IL.UTF-8"}, "en"),
        ({"LANG": "he_IL.UTF-8"}, "he"),
        ({"LC_ALL": "C.UTF-8", "LANG": "he_IL.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_cli_language_follows_kesher_language_then_the_locale(environ, language):
    assert cli_language(environ) == language


def test_demo_on_a_fresh_sqlite_folder_loads_once_and_reset_starts_afresh(tmp_path: Path):
    """The real console flow in a child process, on its own SQLite file (never the suite's or a
    PostgreSQL database), without serving."""
    env = {
        **os.environ,
        "KESHER_DATABASE_URL": "",
        "KESHER_VAR_DIR": str(tmp_path / "var"),
        "KESHER_LANGUAGE": "en",
        "DJANGO_SETTINGS_MODULE": "kesher.settings",
    }

    def demo(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603
            [sys.executable, "-m", "kesher.cli", "demo", "--no-serve", "--port", "8123", *extra],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    first = demo()
    assert first.returncode == 0, first.stderr
    assert "Loaded the demo workspace" in first.stdout
    assert "Open:      http://127.0.0.1:8123/" in first.stdout
    assert "Email:     demo@kesher.local" in first.stdout
    assert "Password:  networking-first" in first.stdout
    assert (tmp_path / "var" / "kesher.sqlite3").exists()
    manifest = json.loads((tmp_path / "var" / "static" / "staticfiles.json").read_text())
    # What base.html links to must be collected, or every page fails without DEBUG.
    assert {"kesher/kesher.css", "kesher/kesher.js", "django_htmx/htmx-2.min.js"} <= set(
        manifest["paths"]
    )

    second = demo()
    assert second.returncode == 0, second.stderr
    assert "is ready" in second.stdout
    assert "Collecting static files" not in second.stdout

    reset = demo("--reset")
    assert reset.returncode == 0, reset.stderr
    assert "Loaded the demo workspace" in reset.stdout


def test_worker_needs_tasks_queued_in_the_database(capsys):
    # Tests run tasks inline (the "immediate" backend): a worker would have nothing to run.
    code = main(["worker", "--batch"])

    _out, err = capsys.readouterr()
    assert code == 1
    assert err == (
        "kesher worker: background tasks are not queued in the database here "
        "(KESHER_TASKS_BACKEND is not “database”), so there is nothing to run.\n"
    )


def test_demo_can_leave_the_worker_out(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")

    code = main(["demo", "--help"])

    out, _err = capsys.readouterr()
    assert code == 0
    assert "  --no-worker        do not start the background worker beside the server\n" in out


@pytest.mark.django_db
def test_migrate_rebuilds_search_indexes_made_before_sound_keys(capsys):
    from django.apps import apps

    from kesher.search.models import SearchTerm
    from kesher.search.selectors import search
    from tests.factories import PersonFactory, WorkspaceFactory

    workspace = WorkspaceFactory(name="Old index")
    PersonFactory(workspace=workspace, name="מיכל כהן")
    migration = importlib.import_module("kesher.search.migrations.0003_sound_keys")
    migration.remove_sound_keys(apps, None)
    assert [hit.title for hit in search(workspace=workspace, query="michal").hits] == []

    assert main(["migrate"]) == 0

    assert "Updated the search index of the workspace “Old index”." in capsys.readouterr().out
    assert [hit.title for hit in search(workspace=workspace, query="michal").hits] == ["מיכל כהן"]
    assert SearchTerm.objects.filter(workspace=workspace, term__startswith="\u2261").exists()
