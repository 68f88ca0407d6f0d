"""Suggested introductions through the database: the full recompute and the one-item refresh.

    python -m benchmarks.introductions [--items 100000] [--database-url postgres://...]

Builds (once; reused while complete) a workspace "Introductions benchmark N" with N open needs
and N open offers written the way people write them (the texts of benchmarks.match_speed), N/2
people with interests and groups, ties (the owner knows some; everyone has a few), and one
interaction per person, then measures what the product runs:

- the full recompute (`suggestions_recompute`, what `kesher worker` runs for the Recompute
  button): time per phase, peak resident memory of the recompute itself, and a second run with
  nothing changed;
- the refresh of one new need or offer (`need_create`/`offer_create`, which refresh inline):
  with the fitted matcher warm in the process (the worker's case, and a web process after its
  first refresh), and from a cold process, which has to fit first (or, by default above
  INLINE_FIT_LIMIT items, hands the refresh to the worker).

The engine alone, and its ratio to a pair-by-pair baseline, is benchmarks.match_speed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.generate import configure
from benchmarks.match_speed import synthetic_items

if TYPE_CHECKING:
    from kesher.people.models import Person
    from kesher.workspaces.models import Workspace

DEFAULT_SQLITE = "var/bench_introductions.sqlite3"
OWNER_EMAIL = "introductions-bench@example.com"
BATCH = 5000
INTERESTS = 200
TIES_PER_PERSON = 3
OWNER_TIES = 300
SAMPLES = 20


def workspace_name(items: int) -> str:
    return f"Introductions benchmark {items}"


def _batched(rows: list[Any], create: Callable[[list[Any]], object]) -> None:
    for start in range(0, len(rows), BATCH):
        create(rows[start : start + BATCH])


def generate(items: int, seed: int = 11) -> Workspace:
    """A workspace with `items` open needs and as many open offers, rows written in bulk."""
    from django.db import transaction
    from django.utils import timezone

    from kesher.accounts.services import user_get_or_create
    from kesher.engine.matching import Vocabulary
    from kesher.network.models import Interaction, Need, Offer, Tie, TieKind
    from kesher.people.models import Group, Person, Tag
    from kesher.workspaces.models import Membership
    from kesher.workspaces.services import workspace_create

    rng = random.Random(seed)
    started = time.perf_counter()
    with transaction.atomic():
        owner, _created = user_get_or_create(email=OWNER_EMAIL)
        workspace = workspace_create(name=workspace_name(items), owner=owner, language="he")
        me = Membership.objects.get(workspace=workspace, user=owner).person
        assert me is not None
        count = max(2, items // 2)
        _batched(
            [
                Person(
                    workspace=workspace, name=f"Person {number}", language=rng.choice(["he", "en"])
                )
                for number in range(count)
            ],
            Person.objects.bulk_create,
        )
        people = list(
            Person.objects.filter(workspace=workspace)
            .exclude(pk=me.pk)
            .values_list("pk", flat=True)
        )
        tags = Tag.objects.bulk_create(
            [
                Tag(workspace=workspace, name=f"interest {n}", normalized=f"interest {n}")
                for n in range(INTERESTS)
            ]
        )
        groups = Group.objects.bulk_create(
            [Group(workspace=workspace, name=f"group {n}") for n in range(max(1, count // 50))]
        )
        interests = Person.interests.through
        _batched(
            [
                interests(person_id=person, tag_id=tag.pk)
                for person in people
                for tag in rng.sample(tags, rng.randint(0, 3))
            ],
            interests.objects.bulk_create,
        )
        members = Person.groups.through
        _batched(
            [
                members(person_id=person, group_id=group.pk)
                for person in people
                for group in rng.sample(groups, min(len(groups), rng.randint(0, 2)))
            ],
            members.objects.bulk_create,
        )
        friend = TieKind.objects.get(workspace=workspace, code="friend")
        pairs = {(me.pk, other) for other in rng.sample(people, min(OWNER_TIES, len(people)))}
        for person in people:
            for other in rng.sample(people, TIES_PER_PERSON):
                if other != person:
                    pairs.add((person, other))
        ordered = {(min(a, b), max(a, b)) for a, b in pairs}
        _batched(
            [
                Tie(
                    workspace=workspace,
                    person_a_id=a,
                    person_b_id=b,
                    kind=friend,
                    trust=rng.randint(1, 5),
                )
                for a, b in sorted(ordered)
            ],
            Tie.objects.bulk_create,
        )
        now = timezone.now()
        interactions = [
            Interaction(workspace=workspace, occurred_at=now, channel="call", logged_by=owner)
            for _ in people
        ]
        _batched(interactions, Interaction.objects.bulk_create)
        created = Interaction.objects.filter(workspace=workspace).values_list("pk", flat=True)
        participants = Interaction.participants.through
        _batched(
            [
                participants(interaction_id=interaction, person_id=rng.choice(people))
                for interaction in created
            ],
            participants.objects.bulk_create,
        )
        vocabulary = Vocabulary.load_default()
        for model, prefix in ((Need, "n"), (Offer, "o")):
            texts = synthetic_items(items, prefix, vocabulary, rng, len(people))
            _batched(
                [
                    model(
                        workspace=workspace, person_id=people[item.person_id or 0], text=item.text
                    )
                    for item in texts
                ],
                model.objects.bulk_create,
            )
    print(
        f"Generated {items:,} needs, {items:,} offers, {len(people):,} people and "
        f"{len(ordered):,} ties in {time.perf_counter() - started:.1f} s"
    )
    return workspace


def find_workspace(items: int) -> Workspace | None:
    from kesher.network.models import Need, Offer
    from kesher.workspaces.models import Workspace

    workspace = Workspace.objects.filter(name=workspace_name(items)).order_by("-id").first()
    if workspace is None:
        return None
    complete = all(
        model.objects.filter(workspace=workspace, status="open").count() >= items
        for model in (Need, Offer)
    )
    return workspace if complete else None


class _Phases(logging.Handler):
    """Collects the recompute's own phase timings from its log line."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _reset_peak_memory() -> bool:
    """Restart the kernel's peak-RSS count for this process (Linux), so the figure is the
    recompute's own and not the data generation's."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_memory_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _stats(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {1000 * statistics.median(ordered):.0f} ms, p95 {1000 * p95:.0f} ms"


def _texts(count: int, prefix: str, seed: int, people: int) -> Iterator[str]:
    from kesher.engine.matching import Vocabulary

    rng = random.Random(seed)
    for item in synthetic_items(count, prefix, Vocabulary.load_default(), rng, people):
        yield item.text


def measure(workspace: Workspace, *, items: int) -> None:
    from django.utils import timezone

    from kesher.introductions.matchmaking import matcher_cache, suggestions_refresh_for
    from kesher.introductions.models import Suggestion
    from kesher.introductions.services import suggestions_recompute
    from kesher.network.models import Need
    from kesher.network.services import need_create, offer_create
    from kesher.people.models import Person

    handler = _Phases()
    log = logging.getLogger("kesher.introductions.matchmaking")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False

    # From scratch: no stored suggestions, no fitted matcher.
    stored = list(Suggestion.objects.filter(workspace=workspace).values_list("pk", flat=True))
    for start in range(0, len(stored), BATCH // 5):
        Suggestion.objects.filter(pk__in=stored[start : start + BATCH // 5]).delete()
    matcher_cache.clear()
    resettable = _reset_peak_memory()
    seconds = _timed(lambda: suggestions_recompute(workspace=workspace))
    memory = _peak_memory_mib()
    # The processes that explained the pairs (forked, sharing the matcher copy-on-write).
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    stored = Suggestion.objects.filter(workspace=workspace).count()
    print(
        f"full recompute, {items:,} needs x {items:,} offers: {seconds:.1f} s, "
        f"{stored:,} suggestions stored, peak RSS "
        f"{memory:,.0f} MiB{'' if resettable else ' (whole process)'}"
        + (f" (+ explaining processes, {children:,.0f} MiB each at most)" if children else "")
    )
    print(f"  phases: {handler.lines[-1].split(': ', 1)[1]}")
    seconds = _timed(lambda: suggestions_recompute(workspace=workspace))
    print(f"  again with nothing changed: {seconds:.1f} s ({handler.lines[-1].split(': ', 1)[1]})")

    people: list[Person] = list(Person.objects.filter(workspace=workspace).order_by("?")[:SAMPLES])
    count = Person.objects.filter(workspace=workspace).count()
    need_texts = _texts(SAMPLES, "bench-need", 5, count)
    offer_texts = _texts(SAMPLES, "bench-offer", 6, count)
    # Warm: the fitted matcher of the recompute is in this process, as in the worker.
    creates = [_timed(lambda p=p: need_create(person=p, text=next(need_texts))) for p in people]
    created = list(Need.objects.filter(workspace=workspace).order_by("-id")[:SAMPLES])
    refreshes = [_timed(lambda n=n: suggestions_refresh_for(need=n)) for n in created]
    offers = [_timed(lambda p=p: offer_create(person=p, text=next(offer_texts))) for p in people]
    print(f"incremental, warm matcher ({items:,} offers fitted), {SAMPLES} samples each:")
    print(f"  need_create (row, tags, search index, refresh): {_stats(creates)}")
    print(f"  suggestions_refresh_for(need): {_stats(refreshes)}")
    print(f"  offer_create (joins the needs whose best it becomes): {_stats(offers)}")

    # Cold: a process that never fitted this workspace (a web server just started).
    matcher_cache.clear()
    cold = _timed(lambda: suggestions_refresh_for(need=created[0], fit_limit=None))
    print(f"  cold process, fitting inline first: {cold:.1f} s")
    matcher_cache.clear()
    started = time.perf_counter()
    result = suggestions_refresh_for(need=created[1])
    handed = time.perf_counter() - started
    print(f"  cold process, default limit: {result} to the worker in {1000 * handed:.0f} ms")
    _drop_queued_tasks(since=timezone.now() - dt.timedelta(minutes=5))


def _drop_queued_tasks(*, since: Any) -> None:
    """The cold-process hand-over queued a task for a worker; this benchmark runs none."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(enqueued_at__gte=since).delete()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000, help="open needs, and offers (10000)")
    parser.add_argument(
        "--database-url",
        default=None,
        help=f"postgres://... (default: SQLite at {DEFAULT_SQLITE})",
    )
    args = parser.parse_args(argv)
    if args.items < 10:
        parser.error("--items must be at least 10")
    if not args.database_url:
        os.environ.setdefault("KESHER_SQLITE_PATH", os.path.abspath(DEFAULT_SQLITE))
    os.environ.setdefault("KESHER_TASKS_BACKEND", "database")
    configure(args.database_url)
    from django.db import connection

    workspace = find_workspace(args.items)
    if workspace is None:
        workspace = generate(args.items)
    else:
        print(f"Reusing workspace {workspace.name!r} (id {workspace.pk}).")
    print(f"Database: {connection.vendor}; {os.cpu_count()} cores.")
    measure(workspace, items=args.items)
    return 0


if __name__ == "__main__":
    sys.exit(main())
