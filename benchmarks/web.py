"""Server-side timings of the main pages and API endpoints on a big synthetic workspace.

    python -m benchmarks.web --people 100000 [--database-url postgres://...] [--explain]
        [--deals 100000]

Generates the workspace with benchmarks.generate unless a complete one of that size exists,
then calls each endpoint in-process with Django's test client (no network, no browser) and
prints p50/p95 of the time from request to response, the CPU time this process spent on it
(which other load on the machine does not inflate: on SQLite it includes the database's work),
the PostgreSQL server process's CPU time per request (averaged over the calls, as the kernel
counts it in 10 ms ticks), and the number of SQL queries per request. Query counts are taken
in a separate pass so recording them does not skew the times.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from benchmarks.generate import configure, ensure_workspace

if TYPE_CHECKING:
    from django.test import Client

    from kesher.accounts.models import User
    from kesher.workspaces.models import Workspace

SEARCHES = (
    "כהן",  # a common surname
    "לכהן",  # ...with a prefix
    "משה כה",  # typing the second word
    "מש",  # two letters typed
    "הג'יפ",  # geresh, with the article
    "ג׳יפ",  # Hebrew geresh, no article
    "רואה חשבון",  # two words from needs
    "jeep",
    "Cohen",
    "dani coh",
    "office furniture",
    "ש",  # one letter: exact only
)


@dataclass
class Endpoint:
    label: str
    # (path, query parameters, headers) requests, taken in turn.
    requests: list[tuple[str, dict[str, Any], dict[str, str]]]
    times: list[float] = field(default_factory=list)
    cpu_times: list[float] = field(default_factory=list)
    # The database server process's CPU seconds over all the timed calls (PostgreSQL only).
    server_cpu: float | None = None
    queries: list[int] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)

    def percentile(self, share: float, *, cpu: bool = False) -> float:
        ordered = sorted(self.cpu_times if cpu else self.times)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def _sample_people(workspace: Workspace, count: int, seed: int) -> list[str]:
    from kesher.people.models import Person

    ids = list(
        Person.objects.filter(workspace=workspace, archived_at__isnull=True)
        .order_by("id")
        .values_list("public_id", flat=True)
    )
    return [str(public_id) for public_id in random.Random(seed).sample(ids, min(count, len(ids)))]


def _last_page(workspace: Workspace) -> int:
    """The people list's last page: the deepest OFFSET the list asks of the database."""
    from kesher.core.views import PAGE_SIZE
    from kesher.people.models import Person

    active = Person.objects.filter(workspace=workspace, archived_at__isnull=True).count()
    return max(1, math.ceil(active / PAGE_SIZE))


def _busiest_person(workspace: Workspace) -> str:
    """The person with the longest timeline: the page's worst case."""
    from django.db.models import Count

    from kesher.network.models import Interaction

    through = Interaction.participants.through
    top = (
        through.objects.filter(person__workspace=workspace)
        .values("person__public_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert top is not None
    return str(top["person__public_id"])


def endpoints(workspace: Workspace, token: str) -> list[Endpoint]:
    from django.urls import reverse

    html: dict[str, str] = {}
    htmx = {"HX-Request": "true"}
    bearer = {"Authorization": f"Bearer {token}"}
    people = _sample_people(workspace, 40, seed=7)
    people_list = reverse("people:list")
    search = reverse("search:search")
    last = _last_page(workspace)
    return [
        Endpoint("person list, page 1", [(people_list, {}, html)]),
        Endpoint(f"person list, last page {last}", [(people_list, {"page": last}, html)]),
        Endpoint(
            "person page + timeline",
            [(reverse("people:detail", args=[p]), {}, html) for p in people],
        ),
        Endpoint(
            "person page, busiest",
            [(reverse("people:detail", args=[_busiest_person(workspace)]), {}, html)],
        ),
        Endpoint("search page (full)", [(search, {"q": q}, html) for q in SEARCHES]),
        Endpoint("search as you type (htmx)", [(search, {"q": q}, htmx) for q in SEARCHES]),
        Endpoint("API people, limit 20", [("/api/v1/people", {"limit": 20}, bearer)]),
        Endpoint("API people, limit 100", [("/api/v1/people", {"limit": 100}, bearer)]),
        Endpoint(
            "API person",
            [(f"/api/v1/people/{p}", {}, bearer) for p in people],
        ),
        Endpoint("API search", [("/api/v1/search", {"q": q}, bearer) for q in SEARCHES]),
    ]


def _owner(workspace: Workspace) -> User:
    from kesher.workspaces.models import Membership

    membership = Membership.objects.select_related("user").filter(workspace=workspace).first()
    assert membership is not None
    return membership.user


def _client(workspace: Workspace) -> Client:
    """A browser session of the workspace's owner, in Hebrew, with this workspace chosen."""
    from django.test import Client

    from kesher.workspaces.middleware import SESSION_KEY

    client = Client(headers={"Accept-Language": "he"})
    client.force_login(_owner(workspace))
    session = client.session
    session[SESSION_KEY] = str(workspace.public_id)
    session.save()
    return client


def _server_cpu() -> float | None:
    """The CPU seconds used so far by the PostgreSQL backend serving this connection, read
    from /proc (the server runs on this machine in the benchmark set-up), or None."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime and stime, fields 14 and 15 of stat(5), counted from the state field (3).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(endpoints: Sequence[Endpoint], client: Client, rounds: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # As `kesher serve` does once the app is loaded; the set-up's garbage (100,000 ids sampled
    # above) is collected first, as a server has none of it.
    gc.collect()
    gc.freeze()
    for endpoint in endpoints:
        # Warm caches (templates, the database's pages) once per distinct request.
        for path, params, headers in endpoint.requests:
            client.get(path, params, headers=headers)
        calls = max(rounds, len(endpoint.requests))
        server_before = _server_cpu()
        for i in range(calls):
            path, params, headers = endpoint.requests[i % len(endpoint.requests)]
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(path, params, headers=headers)
            endpoint.cpu_times.append(time.process_time() - cpu_started)
            endpoint.times.append(time.perf_counter() - started)
            endpoint.statuses.add(response.status_code)
        server_after = _server_cpu()
        if server_before is not None and server_after is not None:
            endpoint.server_cpu = server_after - server_before
        for path, params, headers in endpoint.requests:
            with CaptureQueriesContext(connection) as captured:
                client.get(path, params, headers=headers)
            endpoint.queries.append(len(captured.captured_queries))


def table(endpoints: Sequence[Endpoint]) -> str:
    """Wall-clock p50/p95/max, this process's CPU p50/p95, the database server's mean CPU per
    call (PostgreSQL; "-" on SQLite, whose work is in the process's CPU) and queries."""
    lines = [
        f"{'endpoint':<28} {'calls':>5} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}"
        f" {'cpu p50':>7} {'cpu p95':>7} {'db cpu':>6}  {'queries':>7}  status"
    ]
    for e in endpoints:
        low, high = min(e.queries), max(e.queries)
        queries = str(low) if low == high else f"{low}-{high}"
        server = "-" if e.server_cpu is None else f"{e.server_cpu / len(e.times) * 1000:.1f}"
        lines.append(
            f"{e.label:<28} {len(e.times):>5} {e.percentile(0.5):>7.1f} {e.percentile(0.95):>7.1f}"
            f" {max(e.times) * 1000:>7.1f} {e.percentile(0.5, cpu=True):>7.1f}"
            f" {e.percentile(0.95, cpu=True):>7.1f} {server:>6}  {queries:>7}  "
            + ",".join(str(s) for s in sorted(e.statuses))
        )
    return "\n".join(lines)


def explain(workspace: Workspace, queries: Sequence[str]) -> str:
    """The database's plan for every SQL statement a search runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kesher.search.selectors import search

    out = []
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    for query in queries:
        with CaptureQueriesContext(connection) as captured:
            search(workspace=workspace, query=query)
        out.append(f"-- search {query!r}: {len(captured.captured_queries)} queries")
        with connection.cursor() as cursor:
            for sql in (q["sql"] for q in captured.captured_queries):
                out.append(f"   {sql[:160]}{'…' if len(sql) > 160 else ''}")
                cursor.execute(prefix + sql)
                for row in cursor.fetchall():
                    line = " ".join(str(part) for part in row[-1:])
                    out.append(f"      {line[:150]}{'…' if len(line) > 150 else ''}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000, help="workspace size (100000)")
    parser.add_argument("--database-url", default=None, help="postgres://... (default SQLite)")
    parser.add_argument("--rounds", type=int, default=60, help="calls per endpoint (60)")
    parser.add_argument("--fresh", action="store_true", help="generate a new workspace")
    parser.add_argument("--explain", action="store_true", help="print the search query plans")
    parser.add_argument("--only", default="", help="endpoints whose label contains this")
    parser.add_argument(
        "--deals",
        type=int,
        default=0,
        help="give the workspace this many deals and time the deals board and list pages too",
    )
    args = parser.parse_args(argv)
    configure(args.database_url)

    import django
    from django.conf import settings
    from django.test.utils import override_settings

    from kesher.accounts.services import api_token_create
    from kesher.people.models import Person

    workspace = ensure_workspace(args.people, fresh=args.fresh)
    # The test client's host, and static files named without collectstatic's manifest (as in
    # the test suite); everything else is the production configuration (DEBUG off).
    with override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        client = _client(workspace)
        _token, secret = api_token_create(
            user=_owner(workspace), workspace=workspace, name="benchmark"
        )
        everything = endpoints(workspace, secret)
        if args.deals:
            from benchmarks.deals import deal_page_endpoints, ensure_deals

            ensure_deals(workspace=workspace, owner=_owner(workspace), count=args.deals)
            everything += deal_page_endpoints(workspace)
        chosen = [e for e in everything if args.only in e.label]
        run(chosen, client, args.rounds)
    people = Person.objects.filter(workspace=workspace).count()
    print(
        f"\n{_database()} · Django {django.get_version()} · Python {platform.python_version()}"
        f" · workspace of {people:,} people · DEBUG={settings.DEBUG}"
    )
    print(table(chosen))
    if args.explain:
        print()
        print(explain(workspace, ["כהן", "מש", "dani coh"]))
    return 0


def _database() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


if __name__ == "__main__":
    sys.exit(main())
