"""Reads for the relationship graph. Everything the engine needs is loaded in bulk, as flat
`values_list` columns turned into numpy arrays: no model instance per tie or interaction.

Interactions map onto ties this way: an interaction is between the member who logged it (as a
person: Membership.person) and each participant, so it counts for every tie between those two
people (one tie per kind). Interactions logged by nobody, or between participants only, touch no
tie. "Me" in `initiated_by` and "I helped" in a give are the logging member's side.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kesher.core.exceptions import NotFoundError, as_uuid
from kesher.engine import referrals as referral_engine
from kesher.engine import rhythm as rhythm_engine
from kesher.engine import strength as strength_engine
from kesher.engine.graph import Contact, Graph, Neighbourhood, WarmPath
from kesher.network.models import Interaction, NeedOfferStatus, Tie
from kesher.people.models import Organization, Person
from kesher.relationships.models import (
    DEFAULT_HALF_LIFE_DAYS,
    DEFAULT_REFERRAL_TARGET,
    CalendarFeed,
    Referral,
    ReferralOutcome,
    RelationshipSettings,
    Rhythm,
    RhythmEvery,
)
from kesher.workspaces.models import Membership, Workspace

Ids = npt.NDArray[np.int64]

# Settings


def relationship_settings_get(*, workspace: Workspace) -> RelationshipSettings:
    """The workspace's settings, or unsaved defaults when it never changed them."""
    found = RelationshipSettings.objects.filter(workspace=workspace).first()
    return found or RelationshipSettings(
        workspace=workspace,
        half_life_days=DEFAULT_HALF_LIFE_DAYS,
        referral_target=DEFAULT_REFERRAL_TARGET,
    )


def strength_config(*, workspace: Workspace) -> strength_engine.StrengthConfig:
    settings = relationship_settings_get(workspace=workspace)
    return strength_engine.StrengthConfig(half_life_days=float(settings.half_life_days))


def member_people(*, workspace: Workspace) -> dict[int, int]:
    """user id → the member's person id, for members who have one."""
    return dict(
        Membership.objects.filter(workspace=workspace, person__isnull=False).values_list(
            "user_id", "person_id"
        )
    )


def member_person_id(*, workspace: Workspace, user_id: int) -> int | None:
    return (
        Membership.objects.filter(workspace=workspace, user_id=user_id)
        .values_list("person_id", flat=True)
        .first()
    )


# Tie strength


@dataclass(frozen=True, slots=True)
class StrengthInputs:
    """Ties (in `tie_ids` order) and their interactions as the engine's arrays."""

    tie_ids: Ids
    person_a: Ids
    person_b: Ids
    ties: strength_engine.Ties
    interactions: strength_engine.Interactions


_INITIATOR_ME = Interaction.Initiator.ME.value
_EXCHANGES = {
    Interaction.Exchange.GIVE.value: strength_engine.GIVE,
    Interaction.Exchange.ASK.value: strength_engine.ASK,
}
_CHANNELS = {name: code for code, name in enumerate(strength_engine.CHANNELS)}


def strength_inputs(
    *, workspace: Workspace, tie_ids: Sequence[int] | None = None
) -> StrengthInputs:
    """The arrays to score all the workspace's ties, or only `tie_ids` (after an interaction)."""
    ties_qs = Tie.objects.filter(workspace=workspace)
    if tie_ids is not None:
        ties_qs = ties_qs.filter(pk__in=list(tie_ids))
    rows = list(
        ties_qs.order_by("pk").values_list("pk", "person_a_id", "person_b_id", "since", "trust")
    )
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    tie_a = np.array([row[1] for row in rows], dtype=np.int64)
    tie_b = np.array([row[2] for row in rows], dtype=np.int64)
    ties = strength_engine.Ties.from_rows((row[3], row[4]) for row in rows)

    members = member_people(workspace=workspace)
    links = Interaction.participants.through.objects.filter(
        interaction__workspace=workspace, interaction__logged_by__in=list(members)
    )
    if tie_ids is not None:
        people = set(tie_a.tolist()) | set(tie_b.tolist())
        links = links.filter(person_id__in=people)
    link_rows = list(
        links.values_list(
            "person_id",
            "interaction__logged_by_id",
            "interaction__occurred_at",
            "interaction__channel",
            "interaction__initiated_by",
            "interaction__exchange",
        )
    )
    interactions = _interaction_arrays(link_rows, members, tie_a, tie_b)
    return StrengthInputs(
        tie_ids=ids, person_a=tie_a, person_b=tie_b, ties=ties, interactions=interactions
    )


def _interaction_arrays(
    rows: list[tuple[int, int, dt.datetime, str, str, str]],
    members: dict[int, int],
    tie_a: Ids,
    tie_b: Ids,
) -> strength_engine.Interactions:
    """One row per (interaction, tie it touches), every tie of the pair included."""
    participant = np.array([row[0] for row in rows], dtype=np.int64)
    logger = np.array([members[row[1]] for row in rows], dtype=np.int64)
    at = strength_engine.to_datetime64([row[2] for row in rows])
    channel = np.array([_CHANNELS.get(row[3], 0) for row in rows], dtype=np.int8)
    by_me = np.array([row[4] == _INITIATOR_ME for row in rows], dtype=bool)
    exchange = np.array(
        [_EXCHANGES.get(row[5], strength_engine.NEUTRAL) for row in rows], dtype=np.int8
    )

    low, high = np.minimum(participant, logger), np.maximum(participant, logger)
    base = int(max(tie_b.max(initial=0), high.max(initial=0))) + 1
    keys = tie_a * base + tie_b
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    wanted = low * base + high
    start = np.searchsorted(sorted_keys, wanted, side="left")
    stop = np.searchsorted(sorted_keys, wanted, side="right")
    counts = stop - start
    row = np.repeat(np.arange(len(rows), dtype=np.int64), counts)
    offset = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(counts) - counts, counts
    )
    tie = order[np.repeat(start, counts) + offset]

    logger_side = np.where(
        logger[row] == tie_a[tie], strength_engine.SIDE_A, strength_engine.SIDE_B
    )
    other_side = 1 - logger_side
    exchanged = exchange[row]
    return strength_engine.Interactions(
        tie=tie.astype(np.int64),
        at=at[row],
        channel=channel[row],
        initiator=np.where(by_me[row], logger_side, other_side).astype(np.int8),
        exchange=exchanged,
        exchange_by=np.where(
            exchanged == strength_engine.NEUTRAL, strength_engine.NO_SIDE, logger_side
        ).astype(np.int8),
    )


def interaction_tie_ids(*, interaction: Interaction) -> list[int]:
    """The ties an interaction counts for (see the module's docstring)."""
    if interaction.logged_by_id is None:
        return []
    logger = member_person_id(workspace=interaction.workspace, user_id=interaction.logged_by_id)
    if logger is None:
        return []
    participants = list(interaction.participants.values_list("pk", flat=True))
    wanted = {(min(logger, other), max(logger, other)) for other in participants if other != logger}
    if not wanted:
        return []
    candidates = Tie.objects.filter(
        workspace_id=interaction.workspace_id,
        person_a_id__in={low for low, _ in wanted},
        person_b_id__in={high for _, high in wanted},
    ).values_list("pk", "person_a_id", "person_b_id")
    return [pk for pk, a, b in candidates if (a, b) in wanted]


def tie_strength_list(*, workspace: Workspace, person: Person | None = None) -> QuerySet[Tie]:
    """Ties with their strength and explanation, strongest first (unscored ties last)."""
    ties = Tie.objects.filter(workspace=workspace)
    if person is not None:
        if person.workspace_id != workspace.pk:
            raise NotFoundError(_("Person not found."))
        ties = ties.filter(Q(person_a=person) | Q(person_b=person))
    return ties.select_related("person_a", "person_b", "kind", "strength_detail").order_by(
        "-strength_detail__score", "pk"
    )


# Keep in touch


def rhythm_of(every: str, days: int | None) -> rhythm_engine.Rhythm:
    if every == RhythmEvery.CUSTOM:
        return rhythm_engine.Rhythm(days=days or 1)
    return rhythm_engine.PRESETS[every]


def rhythm_list(*, workspace: Workspace, user_id: int) -> QuerySet[Rhythm]:
    return Rhythm.objects.filter(workspace=workspace, user_id=user_id).select_related(
        "person", "tie_kind"
    )


def rhythm_for_person(*, workspace: Workspace, user_id: int, person: Person) -> Rhythm | None:
    """The member's own rhythm with the person, as the person page's card shows it."""
    return (
        Rhythm.objects.filter(workspace=workspace, user_id=user_id, person=person)
        .only("public_id", "every", "days")
        .first()
    )


@dataclass(frozen=True, slots=True)
class DueItem:
    person: Person
    due: rhythm_engine.Due


@dataclass(frozen=True, slots=True)
class LosingTouchItem:
    person: Person
    tie: Tie
    score: float
    decay_per_day: float


@dataclass(frozen=True, slots=True)
class KeepInTouch:
    today: dt.date
    overdue: list[DueItem] = field(default_factory=list)
    due_today: list[DueItem] = field(default_factory=list)
    upcoming: list[DueItem] = field(default_factory=list)
    losing_touch: list[LosingTouchItem] = field(default_factory=list)
    has_rhythms: bool = False

    def __bool__(self) -> bool:
        return bool(self.overdue or self.due_today or self.upcoming or self.losing_touch)

    @property
    def due_count(self) -> int:
        return len(self.overdue) + len(self.due_today) + len(self.upcoming)


def last_touches(*, workspace: Workspace, person_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """Each person's latest logged touch of any kind (any channel, any member, introductions
    included: they log a give interaction)."""
    return dict(
        Interaction.participants.through.objects.filter(
            interaction__workspace=workspace, person_id__in=list(person_ids)
        )
        .values("person_id")
        .annotate(last=Max("interaction__occurred_at"))
        .values_list("person_id", "last")  # type: ignore[misc]
    )


def keep_in_touch_states(
    *, workspace: Workspace, user_id: int, me: int | None = None
) -> list[rhythm_engine.KeepInTouch]:
    """The engine's state for everyone a member's rhythms cover. `me` is the member's own
    person, when the caller has already read it."""
    rhythms = list(
        Rhythm.objects.filter(workspace=workspace, user_id=user_id).values_list(
            "person_id", "tie_kind_id", "every", "days", "started_on"
        )
    )
    own: dict[int, tuple[rhythm_engine.Rhythm, dt.date]] = {}
    kinds: dict[int, tuple[rhythm_engine.Rhythm, dt.date]] = {}
    for person_id, kind_id, every, days, started_on in rhythms:
        target = own if person_id is not None else kinds
        target[person_id or kind_id] = (rhythm_of(every, days), started_on)
    by_kind: dict[int, list[tuple[rhythm_engine.Rhythm, dt.date]]] = {}
    if me is None:
        me = member_person_id(workspace=workspace, user_id=user_id)
    if kinds and me is not None:
        tied = Tie.objects.filter(Q(person_a_id=me) | Q(person_b_id=me), kind_id__in=list(kinds))
        for a, b, kind_id in tied.values_list("person_a_id", "person_b_id", "kind_id"):
            by_kind.setdefault(b if a == me else a, []).append(kinds[kind_id])
    people = set(own) | set(by_kind)
    active = set(
        Person.objects.filter(pk__in=people, archived_at__isnull=True).values_list("pk", flat=True)
    )
    touches = last_touches(workspace=workspace, person_ids=active)
    states = []
    for person_id in sorted(active):
        mine = own.get(person_id)
        kind_rhythms = by_kind.get(person_id, [])
        started = [mine[1]] if mine else [started for _, started in kind_rhythms]
        last = touches.get(person_id)
        states.append(
            rhythm_engine.KeepInTouch(
                person=person_id,
                last_touch=timezone.localtime(last).date() if last else None,
                own=mine[0] if mine else None,
                kinds=tuple(rhythm for rhythm, _ in kind_rhythms),
                started_on=min(started) if started else None,
            )
        )
    return states


def keep_in_touch(
    *,
    workspace: Workspace,
    user_id: int,
    today: dt.date | None = None,
    horizon_days: int = 7,
    losing_limit: int = 10,
) -> KeepInTouch:
    """Who a member is due to contact (overdue / today / within the horizon), and, among their
    strong ties without a rhythm, those losing strength fastest."""
    today = today or timezone.localdate()
    me = member_person_id(workspace=workspace, user_id=user_id)
    states = keep_in_touch_states(workspace=workspace, user_id=user_id, me=me)
    groups = rhythm_engine.due_groups(states, today=today, horizon_days=horizon_days)
    due = [*groups.overdue, *groups.today, *groups.upcoming]
    people = Person.objects.in_bulk([item.person for item in due])
    covered = {state.person for state in states}
    losing = losing_touch_list(workspace=workspace, me=me, exclude=covered, limit=losing_limit)
    return KeepInTouch(
        today=today,
        overdue=[DueItem(people[d.person], d) for d in groups.overdue],
        due_today=[DueItem(people[d.person], d) for d in groups.today],
        upcoming=[DueItem(people[d.person], d) for d in groups.upcoming],
        losing_touch=losing,
        has_rhythms=bool(states),
    )


def losing_touch_list(
    *, workspace: Workspace, me: int | None, exclude: set[int] | None = None, limit: int = 10
) -> list[LosingTouchItem]:
    """The strong ties of the member's own person (`me`) whose strength falls fastest, scored as
    of now."""
    if me is None:
        return []
    mine = list(
        Tie.objects.filter(Q(person_a_id=me) | Q(person_b_id=me), workspace=workspace).values_list(
            "pk", flat=True
        )
    )
    if not mine:
        return []
    inputs = strength_inputs(workspace=workspace, tie_ids=mine)
    result = strength_engine.compute_strength(
        inputs.interactions,
        inputs.ties,
        now=timezone.now(),
        config=strength_config(workspace=workspace),
    )
    picked = strength_engine.losing_touch(result, limit=len(inputs.tie_ids))
    exclude = exclude or set()
    chosen: list[tuple[int, int]] = []
    seen: set[int] = set()
    for index in picked.tolist():
        a, b = int(inputs.person_a[index]), int(inputs.person_b[index])
        other = b if a == me else a
        if other in exclude or other in seen:
            continue
        seen.add(other)
        chosen.append((index, other))
        if len(chosen) >= limit:
            break
    ties = Tie.objects.select_related("person_a", "person_b", "kind").in_bulk(
        [int(inputs.tie_ids[index]) for index, _ in chosen]
    )
    items = []
    for index, other in chosen:
        tie = ties[int(inputs.tie_ids[index])]
        person = tie.person_b if tie.person_a_id == me else tie.person_a
        if person.archived_at is not None or person.pk != other:
            continue
        items.append(
            LosingTouchItem(
                person=person,
                tie=tie,
                score=float(result.score[index]),
                decay_per_day=float(result.velocity[index]),
            )
        )
    return items


def calendar_feed_find(*, secret: str) -> CalendarFeed:
    """The feed a secret address names, while its member still belongs to the workspace."""
    from kesher.accounts.services import token_digest

    feed = (
        CalendarFeed.objects.select_related("workspace", "user")
        .filter(digest=token_digest(secret))
        .first()
    )
    if (
        feed is None
        or not Membership.objects.filter(
            workspace_id=feed.workspace_id, user_id=feed.user_id, user__is_active=True
        ).exists()
    ):
        raise NotFoundError(_("This calendar address is not valid: copy the new one from Kesher."))
    return feed


def calendar_feed_exists(*, workspace: Workspace, user_id: int) -> bool:
    return CalendarFeed.objects.filter(workspace=workspace, user_id=user_id).exists()


# The graph


@dataclass(frozen=True, slots=True)
class _CachedGraph:
    version: tuple[object, ...]
    graph: Graph


_graphs: dict[int, _CachedGraph] = {}
_graphs_lock = threading.Lock()


def graph_version(*, workspace: Workspace) -> tuple[object, ...]:
    """The key of the workspace's cached graph: its counter, bumped by every service that adds,
    edits, removes or rescores a tie (one indexed row), with the workspace's creation time, so
    a recreated workspace reusing an id never meets an older graph."""
    counter = (
        RelationshipSettings.objects.filter(workspace=workspace)
        .values_list("graph_version", flat=True)
        .first()
    )
    return (workspace.created_at, counter or 0)


def graph_load(*, workspace: Workspace, chunk: int = 250_000) -> Graph:
    """The workspace's graph, built from three flat columns of its ties.

    The rows are read in chunks through a chunked (server-side on PostgreSQL) cursor and each
    chunk becomes a numpy block at once, so memory holds numbers, never millions of row
    tuples; an unscored tie's NULL strength arrives as NaN (the engine's floor).
    """
    # No ORDER BY: the graph does not care, and the model's default ordering would make the
    # database sort every tie of the workspace first (most of the load time at 10M ties).
    rows = (
        Tie.objects.filter(workspace=workspace)
        .order_by()
        .values_list("person_a_id", "person_b_id", "strength")
    )
    sql, params = rows.query.sql_with_params()
    blocks = []
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(chunk):
            blocks.append(np.array(batch, dtype=np.float64))
    columns = np.concatenate(blocks) if blocks else np.empty((0, 3))
    return Graph.from_ties(
        columns[:, 0].astype(np.int64), columns[:, 1].astype(np.int64), columns[:, 2]
    )


def graph_get(*, workspace: Workspace) -> Graph:
    """The workspace's graph, cached per process and per workspace until its version changes.

    Each web or worker process keeps its own copy; a change made by another process is seen at
    the next query, which reads the version (one row) before using the cache. Every rescore
    bumps it, so a busy workspace reloads after each logged interaction: a cold load takes one
    to two seconds per million ties (benchmarks/graph_db.py: 11.5 s on PostgreSQL and 17.8 s
    on SQLite for 9.5M ties, on a busy 2-core machine).
    """
    version = graph_version(workspace=workspace)
    cached = _graphs.get(workspace.pk)
    if cached is not None and cached.version == version:
        return cached.graph
    graph = graph_load(workspace=workspace)
    with _graphs_lock:
        _graphs[workspace.pk] = _CachedGraph(version=version, graph=graph)
    return graph


@dataclass(frozen=True, slots=True)
class PathStep:
    """One tie along a path: from `person` to `next_person`, with its kinds and explanation."""

    person: Person
    next_person: Person
    strength: float
    ties: list[Tie]


@dataclass(frozen=True, slots=True)
class PathView:
    path: WarmPath
    people: list[Person]
    steps: list[PathStep]
    # The member the path starts from (the user or a teammate) and whom to ask along the way.
    start: Person
    to_ask: list[Person]
    starts_with_me: bool


def _ties_between(
    workspace: Workspace, pairs: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], list[Tie]]:
    wanted = {(min(pair), max(pair)) for pair in pairs}
    if not wanted:
        return {}
    # IN lists on both ends (the tie_unique_kind index), then the exact pairs here: an OR of
    # pair conditions sends SQLite through every tie of the workspace.
    candidates = (
        Tie.objects.filter(
            workspace=workspace,
            person_a_id__in={low for low, _ in wanted},
            person_b_id__in={high for _, high in wanted},
        )
        .select_related("kind", "strength_detail", "person_a", "person_b")
        .order_by("-strength", "pk")
    )
    found: dict[tuple[int, int], list[Tie]] = {}
    for tie in candidates:
        key = (tie.person_a_id, tie.person_b_id)
        if key in wanted:
            found.setdefault(key, []).append(tie)
    return found


def _path_views(workspace: Workspace, paths: list[WarmPath], me: int | None) -> list[PathView]:
    people = Person.objects.select_related("organization").in_bulk(
        {node for path in paths for node in path.nodes}
    )
    pairs = [(u, v) for path in paths for u, v in zip(path.nodes, path.nodes[1:], strict=False)]
    ties = _ties_between(workspace, pairs)
    views = []
    for path in paths:
        steps = [
            PathStep(
                person=people[u],
                next_person=people[v],
                strength=strength,
                ties=ties.get((min(u, v), max(u, v)), []),
            )
            for (u, v), strength in zip(
                zip(path.nodes, path.nodes[1:], strict=False), path.strengths, strict=True
            )
        ]
        start = people[path.nodes[0]]
        to_ask = [people[node] for node in path.nodes[1:-1]]
        if path.nodes[0] != me:
            to_ask.insert(0, start)
        views.append(
            PathView(
                path=path,
                people=[people[node] for node in path.nodes],
                steps=steps,
                start=start,
                to_ask=to_ask,
                starts_with_me=path.nodes[0] == me,
            )
        )
    return views


def warm_paths(
    *,
    workspace: Workspace,
    user_id: int,
    person: Person | None = None,
    organization: Organization | None = None,
    k: int = 5,
) -> list[PathView]:
    """The most reliable paths (up to three ties) from anyone on the team to the person, or to
    anyone at the organisation, best first."""
    if person is not None:
        if person.workspace_id != workspace.pk:
            raise NotFoundError(_("Person not found."))
        targets = [person.pk]
    elif organization is not None:
        if organization.workspace_id != workspace.pk:
            raise NotFoundError(_("Organisation not found."))
        targets = list(
            Person.objects.filter(organization=organization, archived_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
    else:
        return []
    team = member_people(workspace=workspace)
    graph = graph_get(workspace=workspace)
    paths = graph.warm_paths(team.values(), targets, k=k)
    return _path_views(workspace, paths, team.get(user_id))


@dataclass(frozen=True, slots=True)
class KnownPerson:
    contact: Contact
    person: Person
    via: Person | None
    open_needs: list[str]
    open_offers: list[str]

    @property
    def highlighted(self) -> bool:
        return bool(self.open_needs or self.open_offers)


def who_they_know(
    *, workspace: Workspace, person: Person, k: int = 30, max_hops: int = 2
) -> list[KnownPerson]:
    """People `person` could introduce the team to (not tied to anyone on the team yet), most
    reliable first, with their open needs and offers: those are worth asking about."""
    if person.workspace_id != workspace.pk:
        raise NotFoundError(_("Person not found."))
    team = member_people(workspace=workspace).values()
    graph = graph_get(workspace=workspace)
    contacts = graph.who_they_know(person.pk, known=team, k=k, max_hops=max_hops)
    ids = {c.node for c in contacts} | {n for c in contacts for n in c.path.nodes}
    people = Person.objects.select_related("organization").in_bulk(ids)
    needs: dict[int, list[str]] = {}
    offers: dict[int, list[str]] = {}
    from kesher.network.models import Need, Offer

    for model, into in ((Need, needs), (Offer, offers)):
        for person_id, text in model.objects.filter(
            workspace=workspace,
            person_id__in=[c.node for c in contacts],
            status=NeedOfferStatus.OPEN,
        ).values_list("person_id", "text"):
            into.setdefault(person_id, []).append(text)
    found = []
    for contact in contacts:
        known = people.get(contact.node)
        if known is None or known.archived_at is not None:
            continue
        via = people.get(contact.path.nodes[1]) if contact.path.hops == 2 else None
        found.append(
            KnownPerson(
                contact=contact,
                person=known,
                via=via,
                open_needs=needs.get(contact.node, []),
                open_offers=offers.get(contact.node, []),
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class NeighbourhoodView:
    neighbourhood: Neighbourhood
    people: dict[int, Person]


def neighbourhood(
    *, workspace: Workspace, person: Person, max_nodes: int = 40
) -> NeighbourhoodView:
    if person.workspace_id != workspace.pk:
        raise NotFoundError(_("Person not found."))
    found = graph_get(workspace=workspace).neighbourhood(person.pk, hops=2, max_nodes=max_nodes)
    people = Person.objects.in_bulk([node.node for node in found.nodes])
    return NeighbourhoodView(neighbourhood=found, people=people)


# Referrals


def referral_list(*, workspace: Workspace, person: Person | None = None) -> QuerySet[Referral]:
    """The workspace's referrals newest first; with `person`, the ones they gave or received,
    with only the columns the person page's card shows."""
    referrals = Referral.objects.filter(workspace=workspace).select_related(
        "referrer", "referred", "to_member"
    )
    if person is not None:
        referrals = referrals.filter(Q(referrer=person) | Q(referred=person)).only(
            "public_id",
            "date",
            "outcome",
            "value",
            "currency",
            "referrer",
            "referred",
            "to_member",
            "referrer__public_id",
            "referrer__name",
            "referred__public_id",
            "referred__name",
            "to_member__display_name",
            "to_member__email",
        )
    return referrals.order_by("-date", "-id")


def referral_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> Referral:
    referral = (
        Referral.objects.filter(
            workspace=workspace, public_id=as_uuid(public_id, not_found=_("Not found."))
        )
        .select_related("referrer", "referred", "to_member")
        .first()
    )
    if referral is None:
        raise NotFoundError(_("Referral not found."))
    return referral


def referral_network(*, workspace: Workspace) -> referral_engine.ReferralNetwork:
    """Every referral of the workspace, plus each person's "referred by" that no referral
    records (an implicit referral on the day they were added, of no value), so that chains
    entered either way are one chain. Values in another currency than the workspace's are not
    added up (they would need an exchange rate)."""
    recorded = list(
        Referral.objects.filter(workspace=workspace).values_list(
            "pk",
            "referrer_id",
            "referred_id",
            "date",
            "value",
            "currency",
            "to_member_id",
            "outcome",
        )
    )
    # Which member a referral was made to is looked up only when one was (rarely).
    members = (
        member_people(workspace=workspace) if any(row[6] is not None for row in recorded) else {}
    )
    links = [
        referral_engine.Referral(
            id=pk,
            referrer=referrer,
            referred=referred,
            on=on,
            value=value if currency == workspace.currency else Decimal(0),
            to=members.get(to_member) if to_member is not None else None,
            counts=outcome != ReferralOutcome.LOST,
        )
        for pk, referrer, referred, on, value, currency, to_member, outcome in recorded
    ]
    covered = {(link.referrer, link.referred) for link in links}
    # The people with a referrer, found through the referrer's index alone, as they are few:
    # SQLite walks the whole table for `referred_by IS NOT NULL` and would otherwise walk every
    # person of the workspace by its index. Ids are positive, so `> 0` means "has one"; the
    # workspace is compared as `workspace_id + 0`, which no index can serve.
    referred = Person.objects.alias(of_workspace=F("workspace_id") + 0).filter(
        referred_by_id__gt=0, of_workspace=workspace.pk
    )
    for pk, referrer, created in referred.order_by().values_list(
        "pk", "referred_by_id", "created_at"
    ):
        if (referrer, pk) not in covered and referrer != pk:
            links.append(
                referral_engine.Referral(
                    id=-pk,
                    referrer=referrer,
                    referred=pk,
                    on=timezone.localtime(created).date(),
                )
            )
    return referral_engine.ReferralNetwork(links)


@dataclass(frozen=True, slots=True)
class ChainView:
    """How a person came in: the event the first person was met at, then each referrer."""

    person: Person
    origin_event_name: str
    people: list[Person]
    stats: referral_engine.ReferralStats
    currency: str

    @property
    def target_met(self) -> bool:
        return self.stats.quality_connections >= self.stats.target


def referral_chain(*, workspace: Workspace, person: Person) -> ChainView:
    if person.workspace_id != workspace.pk:
        raise NotFoundError(_("Person not found."))
    network = referral_network(workspace=workspace)
    links = network.chain(person.pk)
    ids = [links[0].referrer, *(link.referred for link in links)] if links else [person.pk]
    # The person is at hand; only the others of their chain are loaded.
    others = [pk for pk in ids if pk != person.pk]
    chain_people = Person.objects.select_related("met_at").only(
        "public_id", "name", "met_at", "met_at__name"
    )
    people = chain_people.in_bulk(others) if others else {}
    people[person.pk] = person
    first = people[ids[0]]
    target = relationship_settings_get(workspace=workspace).referral_target
    return ChainView(
        person=person,
        origin_event_name=first.met_at.name if first.met_at else "",
        people=[people[pk] for pk in ids],
        stats=network.stats(person.pk, target=target),
        currency=workspace.currency,
    )


def referral_stats_list(
    *, workspace: Workspace
) -> list[tuple[Person, referral_engine.ReferralStats]]:
    """Everyone who referred someone, most quality connections first."""
    target = relationship_settings_get(workspace=workspace).referral_target
    stats = referral_network(workspace=workspace).all_stats(target=target)
    givers = {pk: s for pk, s in stats.items() if s.given}
    people = Person.objects.in_bulk(list(givers))
    rows = [(people[pk], s) for pk, s in givers.items() if pk in people]
    rows.sort(key=lambda row: (-row[1].quality_connections, -row[1].total_value, row[0].name))
    return rows
