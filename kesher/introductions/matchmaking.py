"""Suggestions from the matching engine: the full recompute and the one-item refresh.

The engine (kesher.engine.matching) knows nothing of the database; this module reads the
workspace in bulk (selectors), fits a `Matcher`, and writes `Suggestion` rows.

Cache. Fitting analyses every open need and offer (about 12 s at 100k + 100k), so each process
keeps, per workspace, the matcher it last fitted, keyed by the workspace's vocabulary extension
and learned pairs (`MatcherVersion`): when either changes the next use refits. Needs and offers
changed since the last use (by this or another process) are read by `updated_at` and upserted,
so the cached matcher follows the database without refitting; items deleted meanwhile are
dropped when results are checked against the database. The worker (`kesher worker`) keeps its
cache warm across tasks; a web process fits lazily on the first refresh, inline for a workspace
of up to INLINE_FIT_LIMIT items, otherwise the refresh is handed to the worker, which has (or
builds) the fitted matcher. The database stays the only truth: a process that loses its cache
loses time, never data.

This module is imported by kesher.network.services (needs and offers refresh their suggestions
when created, edited or closed), so it must not import that module.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import multiprocessing
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple, cast

import numpy as np
from django.db import connections, transaction
from django.db.models import Field, Q, QuerySet
from django.utils import timezone

from kesher.engine.match_semantic import EmbeddingModel, model_from_environment
from kesher.engine.matching import (
    Context,
    Matcher,
    MatchItem,
    Reason,
    Vocabulary,
)
from kesher.introductions import selectors
from kesher.introductions.models import (
    MatchRun,
    Suggestion,
    SuggestionKind,
    SuggestionStatus,
)
from kesher.network.models import Need, Offer
from kesher.workspaces.models import Workspace

# Each open need keeps its best NEED_K offers: a handful to choose from, and what a full
# recompute of 100k needs can explain and write in time. An offer's refresh looks at its best
# OFFER_CANDIDATES needs to find those whose best NEED_K it joins.
NEED_K = 3
OFFER_CANDIDATES = 20
# Scores are relative (a strong match is about 1, up to about 2); below this a pair is noise.
MIN_SUGGESTION_SCORE = 0.1
# People worth introducing for what they share (no need or offer): each person's best few,
# from a shared group and an interest up (group 0.2, interest 0.15, event 0.1).
SHARED_K = 3
SHARED_MIN_SCORE = 0.35
# A web process fits a cold matcher inline up to this many open needs and offers; above it
# the refresh is left to the worker (see the module docstring).
INLINE_FIT_LIMIT = 20_000
# Rows committed by other processes while this one read may carry a slightly older
# `updated_at`; reading back this far catches them (re-upserting an item is harmless).
SYNC_OVERLAP = dt.timedelta(seconds=5)
WRITE_BATCH = 5000

logger = logging.getLogger(__name__)


def reason_data(reason: Reason) -> dict[str, Any]:
    return {
        "kind": reason.kind,
        "left": reason.left,
        "right": reason.right,
        "concept": reason.concept,
        "other_concept": reason.other_concept,
        "weight": round(float(reason.weight), 4),
        "count": reason.count,
    }


@cache
def _semantic_model() -> EmbeddingModel | None:
    return model_from_environment()


# The per-process cache of fitted matchers.


@dataclass
class _Entry:
    version: selectors.MatcherVersion
    matcher: Matcher
    synced_at: dt.datetime
    lock: threading.Lock = field(default_factory=threading.Lock)
    # What was upserted lately, by (model, id), with the `updated_at` it had: the sync reads back
    # SYNC_OVERLAP and would upsert these again (each upsert stacks a row onto the matrix).
    recent: dict[tuple[str, int], dt.datetime] = field(default_factory=dict)

    def upserted(self, model: type[Need] | type[Offer], pk: int, updated_at: dt.datetime) -> None:
        self.recent[(model.__name__, pk)] = updated_at


class MatcherCache:
    """Fitted matchers by workspace id, for this process (see the module docstring)."""

    def __init__(self) -> None:
        self._entries: dict[int, _Entry] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def peek(self, workspace: Workspace) -> _Entry | None:
        with self._lock:
            return self._entries.get(workspace.pk)

    def store(self, workspace: Workspace, entry: _Entry) -> None:
        with self._lock:
            self._entries[workspace.pk] = entry

    def warm(self, workspace: Workspace, *, fit_limit: int | None = None) -> _Entry | None:
        """The workspace's matcher, synced with the database; fitted here when missing or stale
        unless the workspace has more than `fit_limit` open items (then None)."""
        version = selectors.matcher_version(workspace=workspace)
        entry = self.peek(workspace)
        if entry is not None and entry.version == version:
            _sync(workspace, entry)
            return entry
        if fit_limit is not None and _live_count(workspace) > fit_limit:
            return None
        started = timezone.now()
        needs = selectors.match_items(workspace=workspace, model=Need)
        offers = selectors.match_items(workspace=workspace, model=Offer)
        entry = _Entry(
            version=version,
            matcher=matcher_build(workspace=workspace).fit(offers=offers, needs=needs),
            synced_at=started,
        )
        self.store(workspace, entry)
        return entry


matcher_cache = MatcherCache()


def _live_count(workspace: Workspace) -> int:
    live = Q(status="open")
    return (
        Need.objects.filter(workspace=workspace).filter(live).count()
        + Offer.objects.filter(workspace=workspace).filter(live).count()
    )


def matcher_build(*, workspace: Workspace) -> Matcher:
    """An unfitted matcher with the workspace's vocabulary and what it learned."""
    vocabulary = Vocabulary.load_default().extend(selectors.workspace_concepts(workspace=workspace))
    return Matcher(
        vocabulary,
        learned=selectors.learned_pairs(workspace=workspace),
        semantic=_semantic_model(),
    )


def _sync(workspace: Workspace, entry: _Entry) -> None:
    """Bring a cached matcher up to date with needs and offers changed since it last looked."""
    since = entry.synced_at - SYNC_OVERLAP
    now = timezone.now()
    today = timezone.localdate()
    entry.recent = {key: at for key, at in entry.recent.items() if at >= since}
    for model in (Need, Offer):
        stamps = {
            pk: updated_at
            for pk, updated_at in model.objects.filter(
                workspace=workspace, updated_at__gte=since
            ).values_list("pk", "updated_at")
            if entry.recent.get((model.__name__, pk)) != updated_at
        }
        if not stamps:
            continue
        changed = list(stamps)
        items = selectors.match_items(workspace=workspace, model=model, ids=changed, today=today)
        live = {item.id for item in items}
        gone = [pk for pk in changed if pk not in live]
        with entry.lock:
            if model is Need:
                entry.matcher.remove(need_ids=gone)
                entry.matcher.upsert(needs=items)
            else:
                entry.matcher.remove(offer_ids=gone)
                entry.matcher.upsert(offers=items)
            for pk, updated_at in stamps.items():
                entry.upserted(model, pk, updated_at)
    entry.synced_at = now


# Context from the database.


def context_build(
    *,
    workspace: Workspace,
    person_ids: Iterable[int] | None = None,
    today: dt.date | None = None,
) -> Context:
    """The people around the matches (all of the workspace's when `person_ids` is None).

    Pairs already introduced and pairs who already have a tie are never suggested: they know
    each other, so there is no introduction to make.
    """
    ids = None if person_ids is None else set(person_ids)
    return Context(
        selectors.person_contexts(workspace=workspace, person_ids=ids),
        introduced=[
            *selectors.introduced_pairs(workspace=workspace),
            *selectors.tied_pairs(workspace=workspace, person_ids=ids),
        ],
        today=today or timezone.localdate(),
    )


# Writing suggestions.


@dataclass(frozen=True, slots=True)
class Pair:
    """One pair the matcher found; its reasons are explained only when it is written."""

    kind: str
    person_a: int
    person_b: int
    score: float
    need: MatchItem | None = None
    offer: MatchItem | None = None
    # Already known for pairs of people with common ground.
    reasons: tuple[Reason, ...] | None = None

    @property
    def key(self) -> tuple[str, int, int]:
        if self.need is not None and self.offer is not None:
            return (self.kind, int(self.need.id), int(self.offer.id))
        return (self.kind, self.person_a, self.person_b)


class _Row(NamedTuple):
    pk: int
    status: str
    snoozed_until: dt.date | None
    score: float


def _existing(rows: QuerySet[Suggestion]) -> dict[tuple[str, int, int], _Row]:
    """The stored suggestions of a scope, by pair, without their reasons (light on memory)."""
    found: dict[tuple[str, int, int], _Row] = {}
    for pk, kind, need, offer, a, b, status, until, score in rows.values_list(
        "pk",
        "kind",
        "need_id",
        "offer_id",
        "person_a_id",
        "person_b_id",
        "status",
        "snoozed_until",
        "score",
    ):
        key = (kind, need, offer) if kind == SuggestionKind.NEED_OFFER else (kind, a, b)
        found[key] = _Row(pk, status, until, score)
    return found


def _pair(need: MatchItem, offer: MatchItem, score: float) -> Pair:
    return Pair(
        kind=SuggestionKind.NEED_OFFER,
        person_a=int(need.person_id or 0),
        person_b=int(offer.person_id or 0),
        score=round(score, 4),
        need=need,
        offer=offer,
    )


def _merge(
    *,
    workspace: Workspace,
    pairs: Sequence[Pair],
    existing: dict[tuple[str, int, int], _Row],
    explain: Callable[[MatchItem, MatchItem], Sequence[Reason]],
    today: dt.date,
    run: MatchRun | None = None,
    progress: tuple[int, int] = (0, 0),
) -> int:
    """Merge `pairs` into the `existing` rows of the same scope: open and snoozed ones get the
    new score and reasons, new pairs are added, open ones no longer found go (snoozed ones once
    their day has passed); dismissed and accepted ones are never touched nor brought back.

    Only new pairs and pairs whose score changed are explained (the same texts and people give
    the same score and reasons). Writes go in short transactions of WRITE_BATCH rows, so a long
    recompute never holds the database (SQLite's single writer) for long; a pair a concurrent
    refresh just added is left as it is. Returns how many of the pairs wait for the user (open
    or snoozed).
    """
    waiting_statuses = (SuggestionStatus.OPEN, SuggestionStatus.SNOOZED)
    seen: set[tuple[str, int, int]] = set()
    waiting = 0
    todo: list[Pair] = []
    changed: dict[int, int] = {}  # position in todo → primary key of the row to update
    for pair in pairs:
        seen.add(pair.key)
        row = existing.get(pair.key)
        if row is None:
            waiting += 1
            todo.append(pair)
        elif row.status in waiting_statuses:
            waiting += 1
            if abs(row.score - pair.score) > 1e-6:
                changed[len(todo)] = row.pk
                todo.append(pair)
    now = timezone.now()
    done = 0
    for reasons in _explain_chunks(todo, explain):
        batch = range(done, done + len(reasons))
        with transaction.atomic():
            _write(
                workspace=workspace,
                rows=[(todo[i], reasons[i - done], changed.get(i)) for i in batch],
                now=now,
            )
        done += len(reasons)
        if run is not None:
            low, high = progress
            _progress(run, low + int((high - low) * done / len(todo)))
    stale = [
        row.pk
        for key, row in existing.items()
        if key not in seen
        and (
            row.status == SuggestionStatus.OPEN
            or (
                row.status == SuggestionStatus.SNOOZED
                and (row.snoozed_until is None or row.snoozed_until <= today)
            )
        )
    ]
    for start in range(0, len(stale), WRITE_BATCH):
        with transaction.atomic():
            Suggestion.objects.filter(pk__in=stale[start : start + WRITE_BATCH]).delete()
    return waiting


# Explaining many pairs. The engine explains a pair in Python (some 40 µs); a first recompute of
# a large workspace has hundreds of thousands, so above PARALLEL_EXPLAIN_MIN they are explained
# by forked processes (one per spare core, sharing the fitted matcher copy-on-write) while this
# one writes what they return.
PARALLEL_EXPLAIN_MIN = 20_000
_FORKED: tuple[Callable[[MatchItem, MatchItem], Sequence[Reason]], Sequence[Pair]] | None = None


def _reasons_json(pair: Pair, explain: Callable[[MatchItem, MatchItem], Sequence[Reason]]) -> str:
    if pair.reasons is not None:
        reasons: Sequence[Reason] = pair.reasons
    else:
        assert pair.need is not None and pair.offer is not None
        reasons = explain(pair.need, pair.offer)
    return json.dumps([reason_data(reason) for reason in reasons], ensure_ascii=False)


def _explain_range(bounds: tuple[int, int]) -> list[str]:
    """In a forked process: the reasons of pairs[start:end], as JSON."""
    assert _FORKED is not None
    explain, pairs = _FORKED
    return [_reasons_json(pair, explain) for pair in pairs[bounds[0] : bounds[1]]]


def _explain_chunks(
    pairs: Sequence[Pair], explain: Callable[[MatchItem, MatchItem], Sequence[Reason]]
) -> Iterator[list[str]]:
    """The pairs' reasons as JSON, WRITE_BATCH at a time, in order."""
    global _FORKED
    bounds = [
        (start, min(len(pairs), start + WRITE_BATCH)) for start in range(0, len(pairs), WRITE_BATCH)
    ]
    # One core stays with this process, which writes (and with the database server).
    processes = min((os.cpu_count() or 1) - 1, 3)
    if (
        len(pairs) < PARALLEL_EXPLAIN_MIN
        or processes < 1
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        for start, end in bounds:
            yield [_reasons_json(pair, explain) for pair in pairs[start:end]]
        return
    _FORKED = (explain, pairs)
    # Objects that exist now are left out of the children's garbage collection, which would
    # otherwise touch (and so copy) every page of the shared matcher.
    gc.collect()
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            yield from pool.imap(_explain_range, bounds)
    finally:
        gc.unfreeze()
        _FORKED = None


_INSERT_FIELDS = (
    "public_id",
    "workspace",
    "created_at",
    "updated_at",
    "kind",
    "need",
    "offer",
    "person_a",
    "person_b",
    "score",
    "reasons",
    "status",
    "dismiss_reason",
)


def _write(
    *, workspace: Workspace, rows: Sequence[tuple[Pair, str, int | None]], now: dt.datetime
) -> None:
    """Insert new suggestions and update changed ones (`rows`: pair, reasons as JSON, primary
    key of the row to update or None), one statement each. The ORM's bulk_create and
    bulk_update compile every value of every row (about 160 µs a row: a minute for a large
    workspace's first recompute); this prepares the few values that differ and lets the driver
    do the rest. A pair a concurrent refresh has just added is left as it is."""
    if not rows:
        return
    connection = connections[Suggestion.objects.db]
    quote = connection.ops.quote_name
    fields = {
        name: cast("Field[Any, Any]", Suggestion._meta.get_field(name)) for name in _INSERT_FIELDS
    }
    table = quote(Suggestion._meta.db_table)
    # JSON goes in as text; PostgreSQL's jsonb column needs to be told.
    json_mark = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    stamp = fields["created_at"].get_db_prep_save(now, connection)
    public_id = fields["public_id"]
    inserts = [
        (
            public_id.get_db_prep_save(uuid.uuid4(), connection),
            workspace.pk,
            stamp,
            stamp,
            pair.kind,
            None if pair.need is None else int(pair.need.id),
            None if pair.offer is None else int(pair.offer.id),
            pair.person_a,
            pair.person_b,
            pair.score,
            reasons,
            SuggestionStatus.OPEN,
            "",
        )
        for pair, reasons, pk in rows
        if pk is None
    ]
    updates = [(pair.score, reasons, stamp, pk) for pair, reasons, pk in rows if pk is not None]
    columns = ", ".join(quote(field.column) for field in fields.values())
    marks = ", ".join(json_mark if name == "reasons" else "%s" for name in _INSERT_FIELDS)
    with connection.cursor() as cursor:
        if inserts and connection.vendor == "postgresql":
            # COPY into a scratch table, then one INSERT … SELECT: the driver's executemany
            # spends some 60 µs a row in Python, COPY a few.
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS kesher_new_suggestions "  # noqa: S608
                f"AS SELECT {columns} FROM {table} WITH NO DATA"
            )
            # Emptied here, not at commit: callers may write several batches in one transaction.
            cursor.execute("TRUNCATE kesher_new_suggestions")
            with cursor.cursor.copy(f"COPY kesher_new_suggestions ({columns}) FROM STDIN") as copy:
                for row in inserts:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM kesher_new_suggestions "  # noqa: S608
                "ON CONFLICT DO NOTHING"
            )
        elif inserts:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING",  # noqa: S608
                inserts,
            )
        if updates:
            cursor.executemany(
                f"UPDATE {table} SET {quote('score')} = %s, {quote('reasons')} = {json_mark}, "  # noqa: S608
                f"{quote('updated_at')} = %s WHERE {quote('id')} = %s",
                updates,
            )


def _kindred(
    *, workspace: Workspace, context: Context, exclude: set[tuple[int, int]]
) -> list[Pair]:
    """Pairs of people the members know who share groups, interests or events, who do not know
    each other yet and are not already paired by a need and an offer."""
    members = selectors.member_person_ids(workspace=workspace)
    known = [
        person
        for person in context.people
        if person.closeness > 0 and person.person_id not in members
    ]
    ids = {person.person_id for person in known}
    introduced = [
        *selectors.introduced_pairs(workspace=workspace),
        *selectors.tied_pairs(workspace=workspace, person_ids=ids),
    ]
    # Members are left out: the user knows them all, and introducing oneself is no introduction.
    kindred = Context(known, introduced=introduced, today=context.today).common_ground(
        k=SHARED_K, min_score=SHARED_MIN_SCORE
    )
    found: list[Pair] = []
    for pair in kindred:
        low, high = min(pair.person_a, pair.person_b), max(pair.person_a, pair.person_b)
        if (low, high) in exclude:
            continue
        knows_both = tuple(r for r in context.reasons(low, high) if r.kind == "knows_both")
        found.append(
            Pair(
                kind=SuggestionKind.SHARED_INTEREST,
                person_a=low,
                person_b=high,
                score=round(pair.score, 4),
                reasons=(*pair.reasons, *knows_both),
            )
        )
    return found


def _progress(run: MatchRun | None, value: int, **counts: int) -> None:
    """Saved outside any transaction of the recompute, so the UI sees it move."""
    if run is not None:
        run.progress = value
        for name, count in counts.items():
            setattr(run, name, count)
        MatchRun.objects.filter(pk=run.pk).update(progress=value, **counts)


def suggestions_recompute(*, workspace: Workspace, run: MatchRun | None = None) -> int:
    """Recompute every suggestion of the workspace; returns how many wait for the user.

    Every open need keeps its best NEED_K offers (an offer's own refresh keeps to the same rule,
    see _offer_pairs), and people the members know who have common ground are paired. Nothing
    here runs in one long transaction (see _merge); the fitted matcher is kept for refreshes.
    """
    clock = _Clock()
    today = timezone.localdate()
    started = timezone.now()
    _progress(run, 2)
    needs = selectors.match_items(workspace=workspace, model=Need, today=today)
    offers = selectors.match_items(workspace=workspace, model=Offer, today=today)
    clock.lap("load")
    _progress(run, 10, needs=len(needs), offers=len(offers))
    version = selectors.matcher_version(workspace=workspace)
    matcher = matcher_build(workspace=workspace).fit(offers=offers, needs=needs)
    matcher_cache.store(workspace, _Entry(version=version, matcher=matcher, synced_at=started))
    clock.lap("fit")
    _progress(run, 30)
    context = context_build(workspace=workspace, today=today)
    clock.lap("context")
    _progress(run, 35)
    table = matcher.rank_all(k=NEED_K, context=context)
    need_by_id = {item.id: item for item in needs}
    offer_by_id = {item.id: item for item in offers}
    pairs = [
        _pair(need_by_id[need_id], offer_by_id[offer_id], score)
        for need_id, offer_id, score in table.pairs()
        if score >= MIN_SUGGESTION_SCORE
    ]
    del table
    clock.lap("rank")
    _progress(run, 65)
    people = {(min(p.person_a, p.person_b), max(p.person_a, p.person_b)) for p in pairs}
    pairs.extend(_kindred(workspace=workspace, context=context, exclude=people))
    existing = _existing(Suggestion.objects.filter(workspace=workspace))
    clock.lap("common ground")
    _progress(run, 70)
    count = _merge(
        workspace=workspace,
        pairs=pairs,
        existing=existing,
        explain=lambda need, offer: matcher.explain(need, offer, context=context),
        today=today,
        run=run,
        progress=(70, 99),
    )
    clock.lap("explain and write")
    _progress(run, 100, suggestions=count)
    logger.info(
        "Recomputed the suggestions of workspace %s (%d needs, %d offers, %d pairs): %s",
        workspace.pk,
        len(needs),
        len(offers),
        len(pairs),
        clock,
    )
    return count


class _Clock:
    """Phase timings for the log (and the benchmarks, which read it)."""

    def __init__(self) -> None:
        self.phases: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = now - self._last
        self._last = now

    def __str__(self) -> str:
        return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.phases.items())


def suggestions_refresh_for(
    *,
    need: Need | None = None,
    offer: Offer | None = None,
    fit_limit: int | None = INLINE_FIT_LIMIT,
) -> str:
    """Refresh the suggestions of one need or offer after it was created, edited or closed.

    A need gets its best NEED_K offers. An offer joins the suggestions of the needs whose best
    NEED_K it now belongs to (pushing their weakest open one out), so a refresh agrees with what
    a full recompute would store.

    Returns what happened: "refreshed", "cleared" (the item is closed, expired or otherwise out
    of matching, so its open suggestions went) or "deferred" (no fitted matcher in this process
    and more than `fit_limit` open items: the worker does it, see the module docstring).
    """
    item_model: type[Need] | type[Offer]
    target: Need | Offer
    scope = Suggestion.objects.filter(kind=SuggestionKind.NEED_OFFER)
    if need is not None:
        item_model, target, scope = Need, need, scope.filter(need=need)
    elif offer is not None:
        item_model, target, scope = Offer, offer, scope.filter(offer=offer)
    else:
        raise ValueError("Give a need or an offer.")
    workspace = target.workspace
    today = timezone.localdate()
    items = selectors.match_items(workspace=workspace, model=item_model, ids=[target.pk])
    if not items:
        entry = matcher_cache.peek(workspace)
        if entry is not None:
            with entry.lock:
                if item_model is Need:
                    entry.matcher.remove(need_ids=[target.pk])
                else:
                    entry.matcher.remove(offer_ids=[target.pk])
        _merge(
            workspace=workspace,
            pairs=[],
            existing=_existing(scope),
            explain=lambda need, offer: (),
            today=today,
        )
        return "cleared"
    entry = matcher_cache.warm(workspace, fit_limit=fit_limit)
    if entry is None:
        # Imported here: the tasks module runs this module's functions.
        from kesher.introductions.tasks import suggestions_refresh_task

        suggestions_refresh_task.enqueue(kind=item_model._meta.model_name or "", item_id=target.pk)
        return "deferred"
    with entry.lock:
        # Usually the sync just did it; not when the row changed within the same clock tick.
        if entry.recent.get((item_model.__name__, target.pk)) != target.updated_at:
            if item_model is Need:
                entry.matcher.upsert(needs=items)
            else:
                entry.matcher.upsert(offers=items)
            entry.upserted(item_model, target.pk, target.updated_at)
        if item_model is Need:
            pairs, context = _ranked(workspace=workspace, entry=entry, item=items[0], need=True)
        else:
            pairs, context = _offer_pairs(workspace=workspace, entry=entry, item=items[0])
        _merge(
            workspace=workspace,
            pairs=pairs,
            existing=_existing(scope),
            explain=lambda need, offer: entry.matcher.explain(need, offer, context=context),
            today=today,
        )
    if item_model is Offer:
        _trim(need_ids=[int(pair.need.id) for pair in pairs if pair.need is not None])
    return "refreshed"


def _ranked(
    *, workspace: Workspace, entry: _Entry, item: MatchItem, need: bool, k: int = NEED_K
) -> tuple[list[Pair], Context]:
    """The item's best k pairs with context, reading only the people on its shortlist.

    One ranking by text, then the context's factors on its shortlist, as the engine does with a
    context (k + 2k + 10 candidates): the same result as ranking with everyone's context, for
    the database reads of a few dozen people.
    """
    matcher = entry.matcher
    rank = matcher.rank if need else matcher.rank_offer
    shortlist = rank(item, k=3 * k + 10, explain=False)
    other_model: type[Need] | type[Offer] = Offer if need else Need
    other_ids = [int(s.offer_id if need else s.need_id) for s in shortlist]
    # Closed, expired or deleted since the matcher was fitted: left out here.
    others = {
        other.id: other
        for other in selectors.match_items(workspace=workspace, model=other_model, ids=other_ids)
    }
    candidates = [
        (others[other_id], suggestion.score)
        for other_id, suggestion in zip(other_ids, shortlist, strict=True)
        if other_id in others
    ]
    people = {item.person_id, *(other.person_id for other, _score in candidates)}
    context = context_build(workspace=workspace, person_ids=[p for p in people if p is not None])
    if not candidates:
        return [], context
    own = np.full(len(candidates), item.person_id or -1, dtype=np.int64)
    theirs = np.array([other.person_id or -2 for other, _score in candidates], dtype=np.int64)
    left, right = (own, theirs) if need else (theirs, own)
    factors = context.factors(left, right) * context.allowed(left, right)
    scored = sorted(
        (
            (float(score) * float(factor), position)
            for position, ((_other, score), factor) in enumerate(
                zip(candidates, factors.tolist(), strict=True)
            )
        ),
        key=lambda entry: (-entry[0], entry[1]),
    )
    pairs: list[Pair] = []
    for score, position in scored[:k]:
        if score < MIN_SUGGESTION_SCORE:
            break
        other = candidates[position][0]
        pairs.append(_pair(item, other, score) if need else _pair(other, item, score))
    return pairs, context


def _offer_pairs(
    *, workspace: Workspace, entry: _Entry, item: MatchItem
) -> tuple[list[Pair], Context]:
    """The needs whose best NEED_K offers this offer now belongs to."""
    candidates, context = _ranked(
        workspace=workspace, entry=entry, item=item, need=False, k=OFFER_CANDIDATES
    )
    need_ids = [int(pair.need.id) for pair in candidates if pair.need is not None]
    others: dict[int, list[float]] = {}
    for need_id, score in (
        Suggestion.objects.filter(kind=SuggestionKind.NEED_OFFER, need_id__in=need_ids)
        .exclude(offer_id=int(item.id))
        .values_list("need_id", "score")
    ):
        others.setdefault(need_id, []).append(score)
    kept: list[Pair] = []
    for pair in candidates:
        assert pair.need is not None
        scores = sorted(others.get(int(pair.need.id), ()), reverse=True)
        if len(scores) < NEED_K or pair.score > scores[NEED_K - 1]:
            kept.append(pair)
    return kept, context


def _trim(*, need_ids: Sequence[int]) -> None:
    """Keep each need's best NEED_K suggestions: drop the open ones pushed out beyond them."""
    if not need_ids:
        return
    rank: dict[int, int] = {}
    drop: list[int] = []
    for pk, need_id, status in (
        Suggestion.objects.filter(kind=SuggestionKind.NEED_OFFER, need_id__in=list(need_ids))
        .order_by("need_id", "-score", "id")
        .values_list("pk", "need_id", "status")
    ):
        rank[need_id] = rank.get(need_id, 0) + 1
        if rank[need_id] > NEED_K and status == SuggestionStatus.OPEN:
            drop.append(pk)
    if drop:
        with transaction.atomic():
            Suggestion.objects.filter(pk__in=drop).delete()
