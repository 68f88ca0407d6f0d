"""Production settings, checked the way an operator starts them: a fresh process, env only."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def run_manage(*args: str, secret_key: str) -> subprocess.CompletedProcess[str]:
    # The test run's own KESHER_*/DJANGO_* variables (the test database, say) must not leak in:
    # production reads only what the operator sets.
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("KESHER_", "DJANGO_"))
    }
    env["DJANGO_SETTINGS_MODULE"] = "kesher.settings_production"
    env["KESHER_SECRET_KEY"] = secret_key
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy() -> None:
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", secret_key=secrets.token_urlsafe(50)
    )

    assert result.stderr == ""
    assert result.stdout == "System check identified no issues (0 silenced).\n"
    assert result.returncode == 0


def test_production_settings_refuse_a_short_secret_key() -> None:
    result = run_manage("check", secret_key="too-short")

    assert result.returncode == 1
    assert (
        "KESHER_SECRET_KEY must be set to a random string of at least 50 characters in production."
        in result.stderr
    )
