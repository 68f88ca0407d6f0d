"""The value-based pipeline at scale: a workspace with N deals (100,000 by default), and the
times of the board and list selectors, the report and the advice, and the API's deal list.

    python -m benchmarks.deals --deals 100000 [--database-url postgres://...] [--rounds 40]

A workspace of its own ("Benchmark N deals": 5,000 customers, 1,000 organisations) is generated
unless a complete one exists. Deals go in with bulk statements (COPY on PostgreSQL, executemany
on SQLite, via benchmarks.generate's writer), with one stage change each, post-sale checks for
the won ones and satisfaction answers for most of those. The default SQLite file is
var/bench_deals.sqlite3, so the people benchmark's database is left alone.

Prints p50/p95 and the SQL queries per call, like benchmarks.web. The board and list pages are
timed by `python -m benchmarks.web --deals 100000`, which adds deals to the people workspace
with `add_deals` below.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from benchmarks.generate import OWNER_EMAIL, SCOPED, Summary, _phase, _Writer, configure

if TYPE_CHECKING:
    from kesher.accounts.models import User
    from kesher.workspaces.models import Workspace

DEFAULT_SQLITE = "var/bench_deals.sqlite3"
CUSTOMERS = 5000
ORGANIZATIONS = 1000
# Status mix of a pipeline that has run for a few years.
STATUSES = ("open",) * 12 + ("won",) * 5 + ("lost",) * 2 + ("walked_away",)
DISPOSITIONS = ("open",) * 5 + (
    "sceptical",
    "antagonistic",
    "uninterested",
    "price_focused",
    "not_listening",
)
LOSS_CATEGORIES = ("customer", "company", "market", "own")
NO_NEXT_STEP_SHARE = 0.03
ANSWERED_SHARE = 0.7
TITLES = ("מחשבים ומדפסות", "כסאות משרדיים", "Workstations", "חוזה שירות", "Meeting room")


def deals_workspace_name(count: int) -> str:
    return f"Benchmark {count} deals"


def _stamp(value: dt.datetime, vendor: str) -> str:
    naive = value.astimezone(dt.UTC).replace(tzinfo=None)
    return f"{naive.isoformat(' ')}+00:00" if vendor == "postgresql" else str(naive)


def _uids(rng: random.Random, count: int) -> list[str]:
    digits = rng.randbytes(16 * count).hex()
    return sorted(digits[i : i + 32] for i in range(0, 32 * count, 32))


def _customers(workspace: Workspace) -> tuple[list[int], list[int]]:
    """The workspace's active people and its organisations, by id."""
    from kesher.people.models import Organization, Person

    people = list(
        Person.objects.filter(workspace=workspace, archived_at__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)
    )
    organizations = list(
        Organization.objects.filter(workspace=workspace).order_by("id").values_list("id", flat=True)
    )
    return people, organizations


def _make_customers(workspace: Workspace) -> None:
    from kesher.people.models import Organization, Person

    Organization.objects.bulk_create(
        [Organization(workspace=workspace, name=f"Org {n}") for n in range(ORGANIZATIONS)],
        batch_size=2000,
    )
    Person.objects.bulk_create(
        [Person(workspace=workspace, name=f"Customer {n}") for n in range(CUSTOMERS)],
        batch_size=2000,
    )


def add_deals(
    *, workspace: Workspace, owner: User, count: int, seed: int = 5, log: Callable[[str], None]
) -> Summary:
    """Add `count` deals to the workspace's default sales pipeline in bulk (customers are its
    people and organisations), with their stage changes, post-sale checks and answers."""
    from django.db import connection, transaction

    from kesher.deals.models import (
        Deal,
        DealStageChange,
        PostSaleCheck,
        SatisfactionRequest,
        Stage,
        StageTotal,
    )
    from kesher.deals.services import pipeline_default, stage_totals_rebuild
    from kesher.search.models import SearchDocument, SearchTerm
    from kesher.search.services import search_refresh_deals

    summary = Summary(workspace_id=workspace.pk)
    started = time.perf_counter()
    vendor = connection.vendor
    rng, id_rng = random.Random(seed), random.Random()
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    people, organizations = _customers(workspace)
    with transaction.atomic():
        pipeline = pipeline_default(workspace=workspace, kind="sales")
        stages = list(Stage.objects.filter(pipeline=pipeline).order_by("position"))
        open_stages = [stage for stage in stages if not stage.role]
        closed_stages = [stage for stage in stages if stage.role]
        writer = _Writer(
            vendor=vendor,
            summary=summary,
            models=[Deal, DealStageChange, PostSaleCheck, SatisfactionRequest],
        )
        ws = workspace.pk
        deals, changes, checks, answers = [], [], [], []
        deal_ids = writer.ids(Deal, count)
        span = 2 * 365 * 24 * 3600
        for deal_id, public_id in zip(deal_ids, _uids(id_rng, count), strict=True):
            status = rng.choice(STATUSES)
            created = now - dt.timedelta(seconds=rng.randrange(span))
            updated = created + (now - created) * rng.random()
            stage = rng.choice(closed_stages if status == "won" else open_stages)
            person = rng.choice(people) if rng.random() < 0.85 else None
            organization = (
                rng.choice(organizations) if person is None or rng.random() < 0.4 else None
            )
            bare = status == "open" and rng.random() < NO_NEXT_STEP_SHARE
            next_on = None if bare else today + dt.timedelta(days=rng.randrange(-30, 60))
            closed_at = None if status == "open" else _stamp(updated, vendor)
            lost = status == "lost"
            deals.append(
                (
                    deal_id,
                    public_id,
                    ws,
                    _stamp(created, vendor),
                    _stamp(updated, vendor),
                    pipeline.pk,
                    stage.pk,
                    rng.choice(TITLES),
                    person,
                    organization,
                    owner.pk,
                    f"{rng.randrange(500, 200_000)}.00",
                    "ILS" if rng.random() < 0.9 else "USD",
                    status,
                    closed_at,
                    "" if bare else "Call back",
                    next_on.isoformat() if next_on else None,
                    rng.choice(DISPOSITIONS),
                    "not a fit" if status == "walked_away" else "",
                    rng.choice(LOSS_CATEGORIES) if lost else "",
                    "lost" if lost else "",
                    "lesson" if lost else "",
                )
            )
            changes.append((deal_id, stage.pk, stage.name, owner.pk, _stamp(updated, vendor)))
            if status == "won":
                for offset in (7, 30, 90):
                    due = updated.date() + dt.timedelta(days=offset)
                    done = _stamp(updated, vendor) if due < today else None
                    checks.append((deal_id, offset, due.isoformat(), done))
                answered = rng.random() < ANSWERED_SHARE
                answers.append(
                    (
                        deal_id,
                        "he",
                        rng.randrange(4, 11) if answered else None,
                        _stamp(updated, vendor) if answered else None,
                        _stamp(updated + dt.timedelta(days=60), vendor),
                    )
                )
        writer.insert(
            Deal,
            [
                *SCOPED,
                "pipeline",
                "stage",
                "title",
                "person",
                "organization",
                "owner",
                "product",
                "amount",
                "currency",
                "status",
                "closed_at",
                "next_action",
                "next_action_on",
                "disposition",
                "value_value",
                "value_why_us",
                "value_why_now",
                "value_alternative",
                "walk_away_reason",
                "loss_category",
                "loss_reason",
                "loss_lesson",
            ],
            [(*row[:11], None, *row[11:18], "", "", "", "", *row[18:]) for row in deals],
        )
        stamp = _stamp(now, vendor)

        def scoped(model: Any, rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
            ids = writer.ids(model, len(rows))
            uids = _uids(id_rng, len(rows))
            return [
                (row_id, uid, ws, stamp, stamp, *row)
                for row_id, uid, row in zip(ids, uids, rows, strict=True)
            ]

        writer.insert(
            DealStageChange,
            [
                *SCOPED,
                "deal",
                "to_stage",
                "to_stage_name",
                "changed_by",
                "changed_at",
                "from_stage_name",
            ],
            [(*row, "") for row in scoped(DealStageChange, changes)],
        )
        writer.insert(
            PostSaleCheck,
            [*SCOPED, "deal", "offset_days", "due_on", "done_at", "note"],
            [(*row, "") for row in scoped(PostSaleCheck, checks)],
        )
        writer.insert(
            SatisfactionRequest,
            [*SCOPED, "deal", "language", "score", "answered_at", "expires_at", "comment"],
            [(*row, "") for row in scoped(SatisfactionRequest, answers)],
        )
        writer.reset_sequences()
        # The rows went in beside the services, so the board's totals are computed once here,
        # and the new deals indexed for the search box in bulk (benchmarks.web times searches of
        # the workspace it adds deals to).
        stage_totals_rebuild(workspace=workspace)
        with _phase(summary, "search_index"):
            summary.documents = search_refresh_deals(workspace=workspace, deals=deal_ids)
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            for model in (
                Deal,
                DealStageChange,
                PostSaleCheck,
                SatisfactionRequest,
                StageTotal,
                SearchDocument,
                SearchTerm,
            ):
                cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
        else:
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute("ANALYZE")
    summary.rows.update(
        deals=count,
        stage_changes=len(changes),
        post_sale_checks=len(checks),
        answers=len(answers),
        search_documents=summary.documents,
    )
    summary.seconds = time.perf_counter() - started
    log(
        f"Added {count:,} deals in {summary.seconds:.1f} s ("
        + ", ".join(f"{k} {v:,}" for k, v in summary.rows.items())
        + f"; indexing for search {summary.phases['search_index']:.1f} s)"
    )
    return summary


def deal_count(workspace: Workspace) -> int:
    from kesher.deals.models import Deal

    return Deal.objects.filter(workspace=workspace).count()


def ensure_deals(*, workspace: Workspace, owner: User, count: int) -> None:
    """At least `count` deals in the workspace (adds the difference)."""
    missing = count - deal_count(workspace)
    if missing > 0:
        add_deals(workspace=workspace, owner=owner, count=missing, log=print)


def ensure_deals_workspace(count: int, *, fresh: bool = False) -> tuple[Workspace, User]:
    from kesher.accounts.services import user_get_or_create
    from kesher.workspaces.models import Workspace
    from kesher.workspaces.services import workspace_create

    owner, _created = user_get_or_create(email=OWNER_EMAIL)
    workspace = (
        None
        if fresh
        else Workspace.objects.filter(name=deals_workspace_name(count)).order_by("-id").first()
    )
    if workspace is not None and deal_count(workspace) == count:
        print(f"Reusing workspace {workspace.name!r} (id {workspace.pk}).")
        return workspace, owner
    workspace = workspace_create(name=deals_workspace_name(count), owner=owner)
    _make_customers(workspace)
    add_deals(workspace=workspace, owner=owner, count=count, log=print)
    return workspace, owner


def deal_page_endpoints(workspace: Workspace) -> list[Any]:
    """The board and list pages as benchmarks.web endpoints (when the UI has them)."""
    from django.urls import NoReverseMatch, reverse

    from benchmarks.web import Endpoint
    from kesher.deals.models import Stage
    from kesher.deals.services import pipeline_default

    pipeline = pipeline_default(workspace=workspace, kind="sales")
    html: dict[str, str] = {}
    pages = []
    for label, name, params in (
        ("deals board", "deals:board", {}),
        ("deals list, page 1", "deals:list", {}),
        ("deals list, overdue", "deals:list", {"overdue": "1"}),
    ):
        try:
            pages.append(Endpoint(label, [(reverse(name), params, html)]))
        except NoReverseMatch:
            print(f"(no page {name} yet: {label} not timed)")
    first = Stage.objects.filter(pipeline=pipeline).order_by("position").first()
    if first is not None:
        try:
            column = reverse("deals:board_column", args=[pipeline.public_id, first.public_id])
            pages.append(Endpoint("deals board column more", [(column, {"offset": 20}, html)]))
        except NoReverseMatch:
            pass
    return pages


def _busiest_customer(workspace: Workspace) -> str:
    """The person with the most deals: the person page's deals section at its worst."""
    from django.db.models import Count

    from kesher.deals.models import Deal

    top = (
        Deal.objects.filter(workspace=workspace, person__isnull=False)
        .values("person__public_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert top is not None
    return str(top["person__public_id"])


def page_endpoints(workspace: Workspace) -> list[Any]:
    """The deals pages of a logged-in owner on the deals workspace: the board, the list (first
    page and filtered), a column's "more", Today (with its deals section) and a customer's page
    (with theirs)."""
    from django.urls import reverse

    from benchmarks.web import Endpoint
    from kesher.deals.models import Stage
    from kesher.deals.services import pipeline_default

    pipeline = pipeline_default(workspace=workspace, kind="sales")
    first = Stage.objects.filter(pipeline=pipeline).order_by("position").first()
    assert first is not None
    html: dict[str, str] = {}
    htmx = {"HX-Request": "true"}
    deals_list = reverse("deals:list")
    return [
        Endpoint("page: board", [(reverse("deals:board"), {}, html)]),
        Endpoint(
            "page: board column more",
            [
                (
                    reverse("deals:board_column", args=[pipeline.public_id, first.public_id]),
                    {"offset": 20},
                    htmx,
                )
            ],
        ),
        Endpoint("page: list, page 1", [(deals_list, {}, html)]),
        Endpoint("page: list, page 50", [(deals_list, {"page": 50}, html)]),
        Endpoint(
            "page: list, open in pipeline",
            [(deals_list, {"pipeline": pipeline.public_id, "status": "open"}, html)],
        ),
        Endpoint(
            "page: list, stage",
            [(deals_list, {"pipeline": pipeline.public_id, "stage": first.public_id}, html)],
        ),
        Endpoint("page: list, overdue", [(deals_list, {"overdue": "on"}, html)]),
        Endpoint("page: list, no next step", [(deals_list, {"no_next_step": "on"}, html)]),
        Endpoint("page: Today", [(reverse("core:home"), {}, html)]),
        Endpoint(
            "page: person, most deals",
            [(reverse("people:detail", args=[_busiest_customer(workspace)]), {}, html)],
        ),
    ]


def api_endpoints(workspace: Workspace, token: str) -> list[Any]:
    from benchmarks.web import Endpoint
    from kesher.deals.models import Deal
    from kesher.deals.services import pipeline_default

    bearer = {"Authorization": f"Bearer {token}"}
    pipeline = pipeline_default(workspace=workspace, kind="sales")
    sample = list(
        Deal.objects.filter(workspace=workspace, status="open").values_list("public_id", flat=True)[
            :: max(1, deal_count(workspace) // 40)
        ][:40]
    )
    return [
        Endpoint("API deals, limit 20", [("/api/v1/deals", {"limit": 20}, bearer)]),
        Endpoint("API deals, limit 100", [("/api/v1/deals", {"limit": 100}, bearer)]),
        Endpoint(
            "API deals, open in pipeline",
            [("/api/v1/deals", {"pipeline": pipeline.public_id, "status": "open"}, bearer)],
        ),
        Endpoint("API deals, overdue", [("/api/v1/deals", {"overdue": "true"}, bearer)]),
        Endpoint("API deal", [(f"/api/v1/deals/{p}", {}, bearer) for p in sample]),
        Endpoint("API deal advice", [(f"/api/v1/deals/{p}/advice", {}, bearer) for p in sample]),
        Endpoint("API report", [("/api/v1/reports/deals", {}, bearer)]),
    ]


@dataclass
class Timed:
    """A selector call timed like benchmarks.web's endpoints."""

    label: str
    call: Callable[[], object]
    times: list[float] = field(default_factory=list)
    cpu_times: list[float] = field(default_factory=list)
    queries: int = 0

    def percentile(self, share: float, *, cpu: bool = False) -> float:
        ordered = sorted(self.cpu_times if cpu else self.times)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def selector_calls(workspace: Workspace) -> list[Timed]:
    from kesher.core.pagination import rows_by_keys
    from kesher.deals import selectors
    from kesher.deals.services import pipeline_default

    pipeline = pipeline_default(workspace=workspace, kind="sales")

    def board() -> object:
        columns = selectors.board_columns(
            workspace=workspace, pipeline=pipeline, statuses=("open", "won")
        )
        return [deal.customer_names for column in columns for deal in column.deals]

    def page(**filters: Any) -> Callable[[], object]:
        def call() -> object:
            deals = selectors.deal_list(workspace=workspace, **filters)
            return rows_by_keys(deals, 0, 30), deals.count()

        return call

    return [
        Timed("board_columns (10 × 20 cards)", board),
        Timed("deal_list page 1 + count", page()),
        Timed("deal_list open in pipeline", page(pipeline=pipeline, status="open")),
        Timed("deal_list overdue", page(overdue=True)),
        Timed("deal_list no next step", page(no_next_step=True)),
        Timed(
            "deals_needing_attention 10",
            lambda: list(selectors.deals_needing_attention(workspace=workspace)[:10]),
        ),
        Timed(
            "first_deal_amounts",
            lambda: selectors.first_deal_amounts(workspace=workspace, currency="ILS"),
        ),
        Timed("deal_report", lambda: selectors.deal_report(workspace=workspace, pipeline=pipeline)),
    ]


def run_selectors(calls: Sequence[Timed], rounds: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for timed in calls:
        timed.call()
        for _ in range(rounds):
            started, cpu_started = time.perf_counter(), time.process_time()
            timed.call()
            timed.cpu_times.append(time.process_time() - cpu_started)
            timed.times.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as captured:
            timed.call()
        timed.queries = len(captured.captured_queries)


def selector_table(calls: Sequence[Timed]) -> str:
    lines = [
        f"{'selector':<32} {'calls':>5} {'p50 ms':>7} {'p95 ms':>7}"
        f" {'cpu p50':>7} {'cpu p95':>7}  {'queries':>7}"
    ]
    for t in calls:
        lines.append(
            f"{t.label:<32} {len(t.times):>5} {t.percentile(0.5):>7.1f} "
            f"{t.percentile(0.95):>7.1f} {t.percentile(0.5, cpu=True):>7.1f}"
            f" {t.percentile(0.95, cpu=True):>7.1f}  {t.queries:>7}"
        )
    return "\n".join(lines)


def _analyze() -> None:
    """Fresh statistics, as `kesher upgrade` leaves them after migrating: SQLite has none for
    an index a migration just added (PostgreSQL's autovacuum keeps its own)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute("ANALYZE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--deals", type=int, default=100_000, help="number of deals (100000)")
    parser.add_argument("--database-url", default=None, help="postgres://... (default SQLite)")
    parser.add_argument("--rounds", type=int, default=40, help="calls per measurement (40)")
    parser.add_argument("--fresh", action="store_true", help="generate a new workspace")
    parser.add_argument("--only", default="", help="measurements whose label contains this")
    args = parser.parse_args(argv)
    if not args.database_url:
        os.environ.setdefault("KESHER_SQLITE_PATH", os.path.abspath(DEFAULT_SQLITE))
    configure(args.database_url)

    import django
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    from benchmarks.web import _client, _database, run, table
    from kesher.accounts.services import api_token_create

    workspace, owner = ensure_deals_workspace(args.deals, fresh=args.fresh)
    _analyze()
    calls = [t for t in selector_calls(workspace) if args.only in t.label]
    run_selectors(calls, args.rounds)
    with override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        _token, secret = api_token_create(user=owner, workspace=workspace, name="benchmark")
        endpoints = [e for e in api_endpoints(workspace, secret) if args.only in e.label]
        run(endpoints, Client(headers={"Accept-Language": "he"}), args.rounds)
        pages = [e for e in page_endpoints(workspace) if args.only in e.label]
        run(pages, _client(workspace), args.rounds)
    print(
        f"\n{_database()} · Django {django.get_version()} · workspace of "
        f"{deal_count(workspace):,} deals · DEBUG={settings.DEBUG}"
    )
    print(selector_table(calls))
    print()
    print(table([*endpoints, *pages]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
