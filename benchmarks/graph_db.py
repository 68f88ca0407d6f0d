"""The graph from the database: build time and warm-path latency through the service layer.

    python -m benchmarks.graph_db [--people 100000] [--ties 1000000] [--queries 100]
        [--database-url postgres://kesher:kesher@127.0.0.1:5432/kesher_bench] [--fresh]

Makes (once per size, kept for the next run) a workspace of `--people` people and `--ties`
ties shaped like benchmarks.graph_paths' synthetic network (communities of 100, a heavy tail of
well-connected people, strengths 1..100), inserted in bulk (executemany on SQLite, COPY on
PostgreSQL). Person and tie rows carry only what the graph reads.

Prints:
- cold build: `graph_load` (the ties' three columns read through a chunked cursor into numpy,
  then Graph.from_ties), the app's own code;
- the version check `graph_get` makes before using its per-process cache (two aggregates);
- p50/p95 of `selectors.warm_paths` (version check + cached graph + the people and ties of the
  answer from the database) from the workspace's member to random people;
- the process's peak RSS.
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import time
import uuid
from collections.abc import Sequence
from typing import Any

import numpy as np

from benchmarks.generate import configure
from benchmarks.graph_paths import synthetic_ties

BATCH = 100_000


def _name(people: int, ties: int) -> str:
    return f"Graph benchmark {people} people {ties} ties"


def _insert(table: str, columns: Sequence[str], rows: Any) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
        buffer.seek(0)
        with connection.cursor() as cursor:
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                copy.write(buffer.read())
        return
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        # Table and column names are this module's constants, never input.
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
        cursor.executemany(sql, rows)


def make_workspace(people: int, ties: int, *, fresh: bool, seed: int = 5) -> Any:
    from django.db import transaction
    from django.utils import timezone

    from kesher.accounts.services import user_get_or_create
    from kesher.network.models import Tie, TieKind
    from kesher.people.models import Person
    from kesher.workspaces.models import Workspace
    from kesher.workspaces.services import workspace_create

    name = _name(people, ties)
    existing = Workspace.objects.filter(name=name).first()
    if existing is not None and not fresh:
        return existing
    if existing is not None:
        # The ORM's cascade would load a million ties to delete them one by one.
        existing.memberships.update(person=None)
        Tie.objects.filter(workspace=existing)._raw_delete(using="default")
        Person.objects.filter(workspace=existing)._raw_delete(using="default")
        existing.delete()
    started = time.perf_counter()
    user, _ = user_get_or_create(email="graph-bench@example.com")
    workspace = workspace_create(name=name, owner=user, language="en")
    kind = TieKind.objects.filter(workspace=workspace).first()
    assert kind is not None
    now = timezone.now().isoformat()
    first_id = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    rng = np.random.default_rng(seed)
    a, b, strength = synthetic_ties(people, ties, rng)
    keep = a != b
    low, high = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    strength = strength[keep]
    # One tie per pair: the unique constraint is (person_a, person_b, kind).
    pairs, index = np.unique(low * people + high, return_index=True)
    low, high, strength = low[index], high[index], strength[index]
    with transaction.atomic():
        for start in range(0, people, BATCH):
            _insert(
                "people_person",
                [
                    "id",
                    "public_id",
                    "workspace_id",
                    "created_at",
                    "updated_at",
                    "name",
                    "name_alt",
                    "title",
                    "language",
                    "source",
                    "consent",
                    "notes",
                ],
                [
                    (
                        *(first_id + i, uuid.uuid4().hex, workspace.pk, now, now, f"P{i}"),
                        *("", "", "en", "manual", "unknown", ""),
                    )
                    for i in range(start, min(start + BATCH, people))
                ],
            )
        for start in range(0, pairs.size, BATCH):
            end = min(start + BATCH, pairs.size)
            _insert(
                "network_tie",
                [
                    "public_id",
                    "workspace_id",
                    "created_at",
                    "updated_at",
                    "person_a_id",
                    "person_b_id",
                    "kind_id",
                    "strength",
                    "notes",
                ],
                [
                    (
                        *(uuid.uuid4().hex, workspace.pk, now, now, first_id + x, first_id + y),
                        *(kind.pk, float(s), ""),
                    )
                    for x, y, s in zip(
                        low[start:end].tolist(),
                        high[start:end].tolist(),
                        strength[start:end].tolist(),
                        strict=True,
                    )
                ],
            )
        # The member is one of the network's people, so warm paths start inside it.
        member = workspace.memberships.get()
        member_person = member.person
        member.person_id = first_id
        member.save(update_fields=["person"])
        member_person.delete()
    from django.db import connection

    with connection.cursor() as cursor:
        # Fresh statistics, as autovacuum (PostgreSQL) or `kesher migrate` (SQLite) would keep.
        cursor.execute("ANALYZE")
    print(
        f"generated {people:,} people and {pairs.size:,} ties in "
        f"{time.perf_counter() - started:.1f} s"
    )
    return workspace


def _spread(timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (
        f"p50 {1000 * statistics.median(ordered):.1f} ms, p95 {1000 * p95:.1f} ms, "
        f"max {1000 * ordered[-1]:.1f} ms"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--ties", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--fresh", action="store_true", help="regenerate the workspace")
    args = parser.parse_args(argv)
    configure(args.database_url)

    from django.db import connection

    from kesher.people.models import Person
    from kesher.relationships import selectors

    workspace = make_workspace(args.people, args.ties, fresh=args.fresh)
    member = workspace.memberships.select_related("user").get()
    print(f"database: {connection.vendor}")

    started = time.perf_counter()
    graph = selectors.graph_load(workspace=workspace)
    build = time.perf_counter() - started
    print(
        f"cold build from the database: {build:.2f} s "
        f"({graph.node_count:,} people, {graph.edge_count:,} ties, {graph.nbytes / 2**20:.0f} MiB)"
    )
    selectors.graph_get(workspace=workspace)
    checks = []
    for _ in range(20):
        started = time.perf_counter()
        selectors.graph_version(workspace=workspace)
        checks.append(time.perf_counter() - started)
    print(f"version check (per query): p50 {1000 * statistics.median(checks):.1f} ms")

    rng = np.random.default_rng(9)
    ids = graph.ids
    targets = Person.objects.in_bulk(rng.choice(ids, args.queries, replace=False).tolist())
    sources = [member.person_id]
    timings, engine, found = [], [], 0
    for person in targets.values():
        started = time.perf_counter()
        paths = selectors.warm_paths(workspace=workspace, user_id=member.user_id, person=person)
        timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        graph.warm_paths(sources, [person.pk])
        engine.append(time.perf_counter() - started)
        found += bool(paths)
    print(
        f"warm_paths through the service layer ({len(timings)} queries, {found} with a path): "
        f"{_spread(timings)}; of which the engine alone: {_spread(engine)}"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {rss:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
