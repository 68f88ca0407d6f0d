"""The `kesher` command. It reads the same environment as the web server (KESHER_DATABASE_URL and
the rest, see kesher/settings.py), so it always acts on the database the server uses.

Messages follow the operator's language: KESHER_LANGUAGE, else the locale (LC_ALL, LC_MESSAGES,
LANG); Hebrew when that starts with "he", English otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import django
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

Handler = Callable[[argparse.Namespace], int]

# Django's own exit code for bad command-line input, kept for our own input errors too.
EXIT_USAGE = 2
TOKEN_NAME = "kesher workspace create"  # noqa: S105  (the token's label, not a secret)


def cli_language(environ: Mapping[str, str]) -> str:
    for name in ("KESHER_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").strip().lower()
        if value:
            return "he" if value.startswith(("he", "iw")) else "en"
    return "en"


def _package_version() -> str:
    try:
        return version("kesher")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0+unknown"


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _static_is_stale() -> bool:
    """True when collectstatic has never run or a source file changed since it last did."""
    from django.apps import apps
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.core.files.storage import storages

    root = Path(settings.STATIC_ROOT)
    storage = storages["staticfiles"]
    if isinstance(storage, ManifestFilesMixin) and not (root / storage.manifest_name).exists():
        return True
    ignore_patterns = apps.get_app_config("staticfiles").ignore_patterns  # type: ignore[attr-defined]
    for finder in get_finders():
        for path, source_storage in finder.list(ignore_patterns):
            target = root / path
            if not target.exists():
                return True
            if Path(source_storage.path(path)).stat().st_mtime > target.stat().st_mtime:
                return True
    return False


def _static_ensure() -> None:
    from django.core.management import call_command

    if _static_is_stale():
        print(_("Collecting static files…"), flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)


def _migrate(*, verbosity: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=verbosity)
    from kesher.search.services import search_indexes_upgrade

    for workspace in search_indexes_upgrade():
        if verbosity:
            print(
                _("Updated the search index of the workspace “%(name)s”.")
                % {"name": workspace.name}
            )
    if connection.vendor == "sqlite":
        # SQLite keeps no statistics until ANALYZE: refreshed here, at every upgrade, so its
        # planner knows one workspace's rows are not few. Sampled, it takes milliseconds.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute("ANALYZE")


def _serve(*, host: str, port: int, threads: int) -> int:
    _static_ensure()
    from waitress import create_server

    # Imported after collectstatic: WhiteNoise indexes the static folder when the app loads.
    from kesher.wsgi import application

    # The loaded app (modules, settings, translations) lives as long as the process: frozen, it
    # is left out of the garbage collector's full passes, which would otherwise re-scan its
    # tens of thousands of objects every few dozen requests, stalling the request at hand.
    gc.collect()
    gc.freeze()
    try:
        server = create_server(application, host=host, port=port, threads=threads, ident="kesher")
    except OSError as exc:
        print(
            _(
                "Cannot listen on %(host)s port %(port)d (%(error)s): another server may be "
                "running there. Stop it or choose another port with --port."
            )
            % {"host": host, "port": port, "error": exc.strerror or exc},
            file=sys.stderr,
        )
        return 1
    print(
        _("Kesher is serving on %(url)s — press Ctrl+C to stop.") % {"url": _url(host, port)},
        flush=True,
    )
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


def _sqlite_reset() -> bool:
    """Delete the SQLite database files; False when the database is not SQLite."""
    from django.conf import settings
    from django.db import connections

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return False
    connections.close_all()
    path = Path(database["NAME"])
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        candidate.unlink(missing_ok=True)
    return True


def _worker_start() -> subprocess.Popen[bytes] | None:
    """`kesher worker` in a child process beside the demo's server, so background work (the
    Recompute suggestions button) runs without a second terminal. None if it cannot start."""
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "kesher.cli", "worker", "--quiet"], env=os.environ.copy()
        )
    except OSError as exc:
        print(
            _("Could not start the background worker (%(error)s): run kesher worker yourself.")
            % {"error": exc.strerror or exc},
            file=sys.stderr,
        )
        return None


def _worker_stop(worker: subprocess.Popen[bytes] | None) -> None:
    if worker is None or worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def cmd_demo(args: argparse.Namespace) -> int:
    if args.reset:
        if not _sqlite_reset():
            print(
                _(
                    "--reset only deletes the local SQLite database. KESHER_DATABASE_URL points "
                    "to another database: drop and recreate it yourself, then run kesher demo."
                ),
                file=sys.stderr,
            )
            return EXIT_USAGE
        print(_("Deleted the demo database; starting afresh."), flush=True)
    print(_("Preparing the database…"), flush=True)
    _migrate(verbosity=0)
    _static_ensure()

    from kesher.demo.services import COACH_EMAIL, DEMO_PASSWORD, demo_load

    result = demo_load()
    if result.created:
        print(_("Loaded the demo workspace “%(name)s”.") % {"name": result.workspace.name})
    else:
        print(_("The demo workspace “%(name)s” is ready.") % {"name": result.workspace.name})
    print()
    print(_("Open:      %(url)s") % {"url": _url(args.host, args.port)})
    print(_("Email:     %(email)s") % {"email": result.user.email})
    print(_("Password:  %(password)s") % {"password": DEMO_PASSWORD})
    print(_("A coach in the same workspace: %(email)s (same password).") % {"email": COACH_EMAIL})
    print(flush=True)
    if args.no_serve:
        return 0
    worker = None if args.no_worker else _worker_start()
    # Stopped by a service manager (SIGTERM) rather than Ctrl+C: still stop the worker too.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    try:
        return _serve(host=args.host, port=args.port, threads=args.threads)
    finally:
        _worker_stop(worker)


def cmd_serve(args: argparse.Namespace) -> int:
    return _serve(host=args.host, port=args.port, threads=args.threads)


def cmd_worker(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    if not isinstance(task_backends["default"], DatabaseBackend):
        print(
            _(
                "kesher worker: background tasks are not queued in the database here "
                "(KESHER_TASKS_BACKEND is not “database”), so there is nothing to run."
            ),
            file=sys.stderr,
        )
        return 1
    if not args.quiet:
        print(
            _("Kesher's worker is running background tasks — press Ctrl+C to stop.")
            if not args.batch
            else _("Running the queued background tasks…"),
            flush=True,
        )
    # Ctrl+C is how a worker in a terminal is stopped: not an error.
    with contextlib.suppress(KeyboardInterrupt):
        call_command(
            "db_worker",
            batch=args.batch,
            interval=args.interval,
            reload=False,
            startup_delay=False,
            verbosity=0 if args.quiet else 1,
        )
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    _migrate(verbosity=1)
    return 0


def cmd_workspace_create(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from kesher.accounts.services import api_token_create, user_get_or_create
    from kesher.core.exceptions import DomainError
    from kesher.workspaces.services import workspace_create

    options = {"name": "NAME", "email": "--owner", "language": "--language"}
    try:
        # All or nothing: a bad workspace name must not leave a new user behind.
        with transaction.atomic():
            user, _created = user_get_or_create(email=args.owner)
            workspace = workspace_create(name=args.name, owner=user, language=args.language)
            _token, secret = api_token_create(user=user, workspace=workspace, name=TOKEN_NAME)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        for field, messages in errors.items():
            for message in messages:
                where = options.get(field, field)
                prefix = f"kesher workspace create: {where}: " if where else ""
                print(f"{prefix}{message}", file=sys.stderr)
        return EXIT_USAGE
    except DomainError as exc:
        print(f"kesher workspace create: {exc.message}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"workspace": str(workspace.public_id), "token": secret}))
    else:
        print(
            _("Created the workspace “%(name)s” (%(id)s), owned by %(email)s.")
            % {"name": workspace.name, "id": workspace.public_id, "email": user.email}
        )
        print(_("API token (shown only this once; keep it secret): %(token)s") % {"token": secret})
    return 0


def _workspaces(public_id: str | None) -> list[Any] | None:
    """Every workspace, or the one named; None (after saying so) when it is unknown."""
    from kesher.core.exceptions import NotFoundError, as_uuid
    from kesher.workspaces.models import Workspace

    if public_id is None:
        return list(Workspace.objects.order_by("pk"))
    try:
        found = Workspace.objects.filter(public_id=as_uuid(public_id, not_found="")).first()
    except NotFoundError:
        found = None
    if found is None:
        print(
            _(
                "No workspace has the id %(id)s: check it, or leave out --workspace to include "
                "every workspace."
            )
            % {"id": public_id},
            file=sys.stderr,
        )
        return None
    return [found]


def cmd_digest(args: argparse.Namespace) -> int:
    from kesher.relationships.services import digests_send

    workspaces = _workspaces(args.workspace)
    if workspaces is None:
        return EXIT_USAGE
    sent = sum(
        digests_send(workspace=workspace, base_url=args.base_url) for workspace in workspaces
    )
    print(
        ngettext(
            "Sent %(count)d keep-in-touch digest.", "Sent %(count)d keep-in-touch digests.", sent
        )
        % {"count": sent}
    )
    return 0


def cmd_strengths(args: argparse.Namespace) -> int:
    from kesher.relationships.services import tie_strength_recompute

    workspaces = _workspaces(args.workspace)
    if workspaces is None:
        return EXIT_USAGE
    total = sum(tie_strength_recompute(workspace=workspace) for workspace in workspaces)
    print(ngettext("Rescored %(count)d tie.", "Rescored %(count)d ties.", total) % {"count": total})
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    """Recompute suggestions here and now, as the worker would, one workspace after another."""
    from kesher.introductions.models import MatchRun, MatchRunStatus
    from kesher.introductions.services import match_run_start
    from kesher.introductions.tasks import match_run_task

    workspaces = _workspaces(args.workspace)
    if workspaces is None:
        return EXIT_USAGE
    if not workspaces:
        print(
            _(
                "There is no workspace yet: create one with kesher workspace create, or load "
                "the demo with kesher demo."
            )
        )
    failed = False
    for workspace in workspaces:
        run = match_run_start(workspace=workspace, user=None)
        if run.status == MatchRunStatus.RUNNING:
            print(
                _("%(name)s: a worker is recomputing its suggestions already; try again later.")
                % {"name": workspace.name},
                file=sys.stderr,
            )
            failed = True
            continue
        if run.status == MatchRunStatus.QUEUED:
            match_run_task.call(run_id=run.pk)
        run = MatchRun.objects.get(pk=run.pk)
        seconds = 0.0
        if run.started_at and run.finished_at:
            seconds = (run.finished_at - run.started_at).total_seconds()
        print(
            ngettext(
                "%(name)s: %(suggestions)d suggestion waiting · open needs: %(needs)d · "
                "offers: %(offers)d · %(seconds).1f s",
                "%(name)s: %(suggestions)d suggestions waiting · open needs: %(needs)d · "
                "offers: %(offers)d · %(seconds).1f s",
                run.suggestions,
            )
            % {
                "name": workspace.name,
                "suggestions": run.suggestions,
                "needs": run.needs,
                "offers": run.offers,
                "seconds": seconds,
            }
        )
    return 1 if failed else 0


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kesher manage", *args.arguments])
    return 0


class _HelpFormatter(argparse.HelpFormatter):
    """Puts every command and its one-line summary on the same line: argparse measures nested
    command names without their indentation, so "workspace" would wrap otherwise."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=22)
        self._action_max_length = 20


def _add_server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help=_("address to listen on"))
    parser.add_argument("--port", type=int, default=8000, help=_("port to listen on"))
    parser.add_argument(
        "--threads", type=int, default=8, help=_("requests handled at the same time")
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kesher",
        description=_("Kesher, a relationship-first CRM for networkers and salespeople."),
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"kesher {_package_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        name: str, summary: str, handler: Handler | None, description: str = ""
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=summary, description=description or summary)
        if handler is not None:
            sub.set_defaults(handler=handler)
        return sub

    demo = command(
        "demo",
        _("Load the demo workspace, print its login and serve it."),
        cmd_demo,
        _(
            "Create or upgrade the database, collect the static files, load the demo workspace "
            "(once), print its login and serve it like kesher serve."
        ),
    )
    _add_server_options(demo)
    demo.add_argument(
        "--no-serve", action="store_true", help=_("prepare everything but do not start serving")
    )
    demo.add_argument(
        "--reset", action="store_true", help=_("delete the local SQLite database and start afresh")
    )
    demo.add_argument(
        "--no-worker",
        action="store_true",
        help=_("do not start the background worker beside the server"),
    )

    serve = command("serve", _("Serve Kesher with a production web server (waitress)."), cmd_serve)
    _add_server_options(serve)

    command("migrate", _("Create or upgrade the database tables."), cmd_migrate)

    worker = command(
        "worker",
        _("Run background tasks, such as recomputing suggestions."),
        cmd_worker,
        _(
            "Run the tasks queued in the database (recomputing a workspace's suggested "
            "introductions, refreshing one need's or offer's) until stopped. Keeps the fitted "
            "matchers in memory between tasks, so keep it running."
        ),
    )
    worker.add_argument("--batch", action="store_true", help=_("run the queued tasks, then exit"))
    worker.add_argument(
        "--interval",
        type=float,
        default=1.0,
        help=_("seconds to wait between checks when the queue is empty"),
    )
    worker.add_argument("--quiet", action="store_true", help=_("print nothing but errors"))

    workspace = command("workspace", _("Create a workspace and an API token for scripts."), None)
    workspace_commands = workspace.add_subparsers(
        dest="workspace_command", required=True, metavar="ACTION"
    )
    create = workspace_commands.add_parser(
        "create",
        help=_("Create a workspace (and its owner if new) and print an API token."),
        description=_("Create a workspace (and its owner if new) and print an API token."),
    )
    create.set_defaults(handler=cmd_workspace_create)
    create.add_argument("name", metavar="NAME", help=_("the workspace's name"))
    create.add_argument("--owner", required=True, metavar="EMAIL", help=_("the owner's email"))
    create.add_argument(
        "--language", choices=("he", "en"), default="he", help=_("the workspace's language")
    )
    create.add_argument(
        "--json", action="store_true", help=_('print {"workspace": …, "token": …} for scripts')
    )

    digest = command(
        "digest",
        _("Email each member their weekly keep-in-touch digest."),
        cmd_digest,
        _(
            "Send every member of every workspace (or of one) one email listing who they are "
            "due to contact this week, grouped, through the configured email backend. Run it "
            "weekly (cron or a scheduler)."
        ),
    )
    digest.add_argument("--workspace", metavar="ID", help=_("only this workspace (its id)"))
    digest.add_argument(
        "--base-url",
        default="",
        metavar="URL",
        help=_("the site's address, for links in the email (e.g. https://kesher.example)"),
    )
    strengths = command(
        "strengths",
        _("Rescore every tie's strength from its interactions."),
        cmd_strengths,
    )
    strengths.add_argument("--workspace", metavar="ID", help=_("only this workspace (its id)"))

    match = command(
        "match",
        _("Recompute the suggested introductions now."),
        cmd_match,
        _(
            "Match every open need with the offers, as a background run would, and wait for "
            "it: after a bulk change, or where no worker runs. A workspace whose run a worker "
            "has already started is left to it."
        ),
    )
    match.add_argument("--workspace", metavar="ID", help=_("only this workspace (its id)"))

    manage = command(
        "manage",
        _("Run a Django management command (e.g. createsuperuser)."),
        cmd_manage,
    )
    manage.add_argument("arguments", nargs=argparse.REMAINDER, metavar="ARGS")
    return parser


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesher.settings")
    try:
        django.setup()
    except ImproperlyConfigured as exc:
        # Before setup there is no translation yet: this one message stays in English.
        print(f"kesher: the configuration is incomplete: {exc}", file=sys.stderr)
        return 1
    with translation.override(cli_language(os.environ)):
        try:
            if arguments[:1] == ["manage"]:
                # Django parses its own options (--help included), so pass them on untouched.
                return cmd_manage(argparse.Namespace(arguments=arguments[1:]))
            args = build_parser().parse_args(arguments)
            handler: Handler = args.handler
            return handler(args)
        except SystemExit as exc:
            return _exit_code(exc)
        except OperationalError as exc:
            print(
                _(
                    "kesher: cannot use the database (%(error)s). Check KESHER_DATABASE_URL and "
                    "that the database server is running."
                )
                % {"error": str(exc).strip()},
                file=sys.stderr,
            )
            return 1


if __name__ == "__main__":
    sys.exit(main())
