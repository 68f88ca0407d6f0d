"""Reads for suggestions, introductions, the give ledger, and the matcher's inputs in bulk."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kesher.core.exceptions import NotFoundError, as_uuid
from kesher.engine.matching import Concept, LearnedPairs, MatchItem, PersonContext
from kesher.introductions.models import (
    TRANSITIONS,
    Introduction,
    IntroductionReturn,
    IntroductionStatus,
    LearnedPair,
    MatchRun,
    ReturnKind,
    Suggestion,
    SuggestionStatus,
    WorkspaceConcept,
)
from kesher.network.models import Interaction, Need, NeedOfferStatus, Offer, Tie
from kesher.people.models import Person
from kesher.workspaces.models import Membership, Workspace

# Closeness (0..1, how well the workspace's members know a person), from ties and interactions.
# A tie without trust or strength counts as a fair acquaintance.
DEFAULT_TIE_VALUE = 0.6
# A friend of a friend is reachable, at half the weaker of the two ties.
SECOND_DEGREE_FACTOR = 0.5
# Recent interactions bring a person closer: this much per interaction, up to the cap.
INTERACTION_STEP = 0.1
INTERACTION_CAP = 0.3
INTERACTION_WINDOW = dt.timedelta(days=365)


# Suggestions.


def suggestion_list(
    *,
    workspace: Workspace,
    person: Person | None = None,
    status: str | None = SuggestionStatus.OPEN,
    kind: str | None = None,
    today: dt.date | None = None,
    limit: int | None = None,
) -> QuerySet[Suggestion]:
    """Suggestions best first. `status="open"` also brings back snoozed ones whose day came."""
    suggestions = Suggestion.objects.filter(
        workspace=workspace,
        person_a__archived_at__isnull=True,
        person_b__archived_at__isnull=True,
    )
    if status == SuggestionStatus.OPEN:
        today = today or timezone.localdate()
        suggestions = suggestions.filter(
            Q(status=SuggestionStatus.OPEN)
            | Q(status=SuggestionStatus.SNOOZED, snoozed_until__lte=today)
        )
    elif status:
        suggestions = suggestions.filter(status=status)
    if kind:
        suggestions = suggestions.filter(kind=kind)
    if person is not None:
        suggestions = suggestions.filter(Q(person_a=person) | Q(person_b=person))
    suggestions = suggestions.select_related("person_a", "person_b", "need", "offer").order_by(
        "-score", "id"
    )
    if limit is not None:
        suggestions = suggestions[:limit]
    return suggestions


def person_suggestions(*, workspace: Workspace, person: Person, limit: int) -> QuerySet[Suggestion]:
    """suggestion_list of one person's open suggestions for their page: only the columns the
    suggestion card shows (both people's names, the need's and offer's texts, the reasons)."""
    suggestions = suggestion_list(workspace=workspace, person=person).only(
        "public_id",
        "score",
        "reasons",
        "need",
        "offer",
        "person_a",
        "person_b",
        "need__text",
        "offer__text",
        "person_a__public_id",
        "person_a__name",
        "person_b__public_id",
        "person_b__name",
    )
    return suggestions[:limit]


def suggestion_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> Suggestion:
    suggestion = (
        Suggestion.objects.filter(
            workspace=workspace, public_id=as_uuid(public_id, not_found=_("Not found."))
        )
        .select_related("person_a", "person_b", "need", "offer")
        .first()
    )
    if suggestion is None:
        raise NotFoundError(_("Suggestion not found."))
    return suggestion


# Introductions.


def introduction_list(
    *, workspace: Workspace, person: Person | None = None, status: str | None = None
) -> QuerySet[Introduction]:
    introductions = Introduction.objects.filter(workspace=workspace)
    if person is not None:
        introductions = introductions.filter(Q(person_a=person) | Q(person_b=person))
    if status:
        introductions = introductions.filter(status=status)
    return introductions.select_related("person_a", "person_b", "need", "offer").order_by(
        "-created_at", "-id"
    )


def person_introductions(*, workspace: Workspace, person: Person) -> QuerySet[Introduction]:
    """introduction_list of one person for their page: only the columns a row shows."""
    return introduction_list(workspace=workspace, person=person).only(
        "public_id",
        "status",
        "note",
        "updated_at",
        "need",
        "offer",
        "person_a",
        "person_b",
        "need__text",
        "offer__text",
        "person_a__name",
        "person_b__name",
    )


def introduction_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> Introduction:
    introduction = (
        Introduction.objects.filter(
            workspace=workspace, public_id=as_uuid(public_id, not_found=_("Not found."))
        )
        .select_related("person_a", "person_b", "need", "offer", "suggestion", "give", "made_by")
        .prefetch_related("returns__from_person", "returns__referred_person")
        .first()
    )
    if introduction is None:
        raise NotFoundError(_("Introduction not found."))
    return introduction


def introduction_allowed_transitions(introduction: Introduction) -> list[str]:
    """The statuses this introduction may move to next (see models.TRANSITIONS)."""
    return list(TRANSITIONS[introduction.status])


def introduction_live_for_pair(
    *, workspace: Workspace, person_a: Person, person_b: Person
) -> Introduction | None:
    """The pair's introduction that is still going or done (not declined), either way round."""
    return (
        Introduction.objects.filter(workspace=workspace)
        .filter(Q(person_a=person_a, person_b=person_b) | Q(person_a=person_b, person_b=person_a))
        .exclude(status=IntroductionStatus.DECLINED)
        .first()
    )


def introduction_candidate_returns(*, introduction: Introduction) -> list[Person]:
    """People either side referred after the introduction, not yet recorded as its returns."""
    since = introduction.proposed_at or introduction.created_at
    recorded = {
        ret.referred_person_id
        for ret in introduction.returns.all()
        if ret.referred_person_id is not None
    }
    people = (
        Person.objects.filter(
            workspace_id=introduction.workspace_id,
            referred_by_id__in=(introduction.person_a_id, introduction.person_b_id),
            created_at__gte=since,
            archived_at__isnull=True,
        )
        .exclude(pk__in=(introduction.person_a_id, introduction.person_b_id))
        .select_related("referred_by")
        .order_by("created_at", "id")
    )
    return [person for person in people if person.pk not in recorded]


# The give ledger.


@dataclass(frozen=True, slots=True)
class CandidateReturn:
    """`person` was referred by `referred_by`, one side of `introduction`, after it was made."""

    introduction: Introduction
    person: Person
    referred_by: Person


@dataclass(frozen=True, slots=True)
class GiveLedger:
    gives: int
    asks: int
    gives_by_kind: dict[str, int]
    introductions_made: int
    introductions_by_status: dict[str, int]
    deals_between_them: int
    deal_value_by_currency: dict[str, Decimal]
    returns: list[IntroductionReturn] = field(default_factory=list)
    return_value_by_currency: dict[str, Decimal] = field(default_factory=dict)
    candidate_returns: list[CandidateReturn] = field(default_factory=list)


def give_ledger(*, workspace: Workspace) -> GiveLedger:
    """What the user gave (interactions marked give, introductions made) against what they asked,
    and what came back, recorded or detected (people later referred by either side)."""
    exchanges = dict(
        Interaction.objects.filter(workspace=workspace)
        .values_list("exchange")
        .annotate(count=Count("id"))
        .values_list("exchange", "count")
    )
    gives_by_kind = dict(
        Interaction.objects.filter(workspace=workspace, exchange=Interaction.Exchange.GIVE)
        .values_list("exchange_kind")
        .annotate(count=Count("id"))
        .values_list("exchange_kind", "count")
    )
    by_status = dict(
        Introduction.objects.filter(workspace=workspace)
        .values_list("status")
        .annotate(count=Count("id"))
        .values_list("status", "count")
    )
    made = sum(
        count for status, count in by_status.items() if status != IntroductionStatus.SUGGESTED
    )
    deals = Introduction.objects.filter(workspace=workspace, outcome="deal")
    deal_values: dict[str, Decimal] = defaultdict(Decimal)
    for currency, value in deals.exclude(outcome_value__isnull=True).values_list(
        "outcome_currency", "outcome_value"
    ):
        if value is not None:
            deal_values[currency] += value
    returns = list(
        IntroductionReturn.objects.filter(workspace=workspace)
        .select_related(
            "introduction__person_a", "introduction__person_b", "from_person", "referred_person"
        )
        .order_by("-occurred_on", "-id")
    )
    return_values: dict[str, Decimal] = defaultdict(Decimal)
    for ret in returns:
        if ret.value is not None:
            return_values[ret.currency] += ret.value
    return GiveLedger(
        gives=exchanges.get(Interaction.Exchange.GIVE, 0),
        asks=exchanges.get(Interaction.Exchange.ASK, 0),
        gives_by_kind=gives_by_kind,
        introductions_made=made,
        introductions_by_status=by_status,
        deals_between_them=deals.count(),
        deal_value_by_currency=dict(deal_values),
        returns=returns,
        return_value_by_currency=dict(return_values),
        candidate_returns=_candidate_returns(workspace=workspace, returns=returns),
    )


def _candidate_returns(
    *, workspace: Workspace, returns: Iterable[IntroductionReturn]
) -> list[CandidateReturn]:
    """For every introduction made, the people either side referred afterwards (two queries)."""
    introductions = list(
        Introduction.objects.filter(workspace=workspace)
        .exclude(status__in=(IntroductionStatus.SUGGESTED, IntroductionStatus.DECLINED))
        .select_related("person_a", "person_b")
        .order_by("created_at", "id")
    )
    if not introductions:
        return []
    by_person: dict[int, list[Introduction]] = defaultdict(list)
    for introduction in introductions:
        by_person[introduction.person_a_id].append(introduction)
        by_person[introduction.person_b_id].append(introduction)
    recorded = {
        (ret.introduction_id, ret.referred_person_id)
        for ret in returns
        if ret.kind == ReturnKind.REFERRAL and ret.referred_person_id is not None
    }
    referred = Person.objects.filter(
        workspace=workspace, referred_by_id__in=list(by_person), archived_at__isnull=True
    ).order_by("created_at", "id")
    found: list[CandidateReturn] = []
    for person in referred:
        assert person.referred_by_id is not None
        for introduction in by_person[person.referred_by_id]:
            since = introduction.proposed_at or introduction.created_at
            if (
                person.created_at >= since
                and person.pk not in (introduction.person_a_id, introduction.person_b_id)
                and (introduction.pk, person.pk) not in recorded
            ):
                side = (
                    introduction.person_a
                    if introduction.person_a_id == person.referred_by_id
                    else introduction.person_b
                )
                found.append(
                    CandidateReturn(introduction=introduction, person=person, referred_by=side)
                )
    return found


# Vocabulary, learning and runs.


def concept_list(*, workspace: Workspace) -> QuerySet[WorkspaceConcept]:
    return WorkspaceConcept.objects.filter(workspace=workspace).order_by("key")


def concept_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> WorkspaceConcept:
    concept = WorkspaceConcept.objects.filter(
        workspace=workspace, public_id=as_uuid(public_id, not_found=_("Not found."))
    ).first()
    if concept is None:
        raise NotFoundError(_("Vocabulary concept not found."))
    return concept


def match_run_latest(*, workspace: Workspace) -> MatchRun | None:
    return MatchRun.objects.filter(workspace=workspace).order_by("-created_at", "-id").first()


def match_run_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> MatchRun:
    run = MatchRun.objects.filter(
        workspace=workspace, public_id=as_uuid(public_id, not_found=_("Not found."))
    ).first()
    if run is None:
        raise NotFoundError(_("Match run not found."))
    return run


# The matcher's inputs, read in bulk.


@dataclass(frozen=True, slots=True)
class MatcherVersion:
    """Changes whenever the workspace's vocabulary extension or learned pairs change."""

    concepts: tuple[int, dt.datetime | None]
    learned: tuple[int, dt.datetime | None]


def matcher_version(*, workspace: Workspace) -> MatcherVersion:
    concepts = WorkspaceConcept.objects.filter(workspace=workspace).aggregate(
        count=Count("id"), latest=Max("updated_at")
    )
    learned = LearnedPair.objects.filter(workspace=workspace).aggregate(
        count=Count("id"), latest=Max("updated_at")
    )
    return MatcherVersion(
        concepts=(concepts["count"], concepts["latest"]),
        learned=(learned["count"], learned["latest"]),
    )


def workspace_concepts(*, workspace: Workspace) -> list[Concept]:
    """The workspace's concepts as engine concepts, for Vocabulary.extend."""
    return [concept_to_engine(concept) for concept in concept_list(workspace=workspace)]


def concept_to_engine(concept: WorkspaceConcept) -> Concept:
    # A broader concept is a close neighbour for matching: "a 4x4" answers "a vehicle".
    related = [*concept.related, *([concept.broader] if concept.broader else [])]
    return Concept(
        id=concept.key,
        he=tuple(
            dict.fromkeys([*([concept.label_he] if concept.label_he else []), *concept.terms_he])
        ),
        en=tuple(
            dict.fromkeys([*([concept.label_en] if concept.label_en else []), *concept.terms_en])
        ),
        related=tuple(dict.fromkeys(related)),
        domain="workspace",
    )


def learned_pairs(*, workspace: Workspace) -> LearnedPairs:
    return LearnedPairs.from_list(
        LearnedPair.objects.filter(workspace=workspace).values(
            "need_feature",
            "offer_feature",
            "weight",
            "accepted",
            "rejected",
            "need_term",
            "offer_term",
        )
    )


def member_person_ids(*, workspace: Workspace) -> set[int]:
    return set(
        Membership.objects.filter(workspace=workspace, person__isnull=False).values_list(
            "person_id", flat=True
        )
    )


def _tags_by_item(
    through: type[Model], key: str, workspace: Workspace, ids: Collection[int] | None
) -> dict[int, list[str]]:
    rows = through._default_manager.filter(**{f"{key}__workspace": workspace})
    if ids is not None:
        rows = rows.filter(**{f"{key}_id__in": list(ids)})
    tags: dict[int, list[str]] = defaultdict(list)
    for item_id, name in rows.values_list(f"{key}_id", "tag__name").order_by(
        f"{key}_id", "tag__name"
    ):
        tags[item_id].append(name)
    return tags


def match_items(
    *,
    workspace: Workspace,
    model: type[Need] | type[Offer],
    ids: Collection[int] | None = None,
    live_only: bool = True,
    today: dt.date | None = None,
) -> list[MatchItem]:
    """Needs or offers as engine items (id = primary key), with tags, in two queries.

    Items of archived people and of the workspace's own members are left out: an introduction
    is between two other people.
    """
    rows = model.objects.filter(workspace=workspace, person__archived_at__isnull=True).exclude(
        person__membership__isnull=False
    )
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    if live_only:
        today = today or timezone.localdate()
        rows = rows.filter(status=NeedOfferStatus.OPEN).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=today)
        )
    key = model._meta.model_name or ""
    through = model.tags.through  # type: ignore[attr-defined]
    tags = _tags_by_item(through, key, workspace, ids)
    return [
        MatchItem(
            id=pk,
            text=text,
            tags=tuple(tags.get(pk, ())),
            person_id=person_id,
            status=status,
            expires_on=expires_on,
        )
        for pk, text, person_id, status, expires_on in rows.values_list(
            "pk", "text", "person_id", "status", "expires_on"
        ).order_by("pk")
    ]


def introduced_pairs(*, workspace: Workspace) -> list[tuple[int, int]]:
    """Pairs the user already introduced (or tried to): never suggested again."""
    return list(
        Introduction.objects.filter(workspace=workspace).values_list("person_a_id", "person_b_id")
    )


def tied_pairs(
    *, workspace: Workspace, person_ids: Collection[int] | None = None
) -> list[tuple[int, int]]:
    """Pairs who already have a tie (among `person_ids` when given): they know each other, so
    there is nobody to introduce."""
    ties = Tie.objects.filter(workspace=workspace)
    if person_ids is not None:
        if not person_ids:
            return []
        ids = list(person_ids)
        ties = ties.filter(person_a_id__in=ids, person_b_id__in=ids)
    return list(ties.values_list("person_a_id", "person_b_id").distinct())


def _tie_value(trust: int | None, strength: float | None) -> float:
    if trust is not None:
        return trust / 5
    if strength is not None:
        return max(0.0, min(1.0, strength))
    return DEFAULT_TIE_VALUE


def _ties_touching(
    workspace: Workspace, people: Collection[int], others: Collection[int] | None = None
) -> list[tuple[int, int, int | None, float | None]]:
    """Ties with one end among `people` (and the other among `others`, when given). One query
    per end, each on its own index: an OR of the two ends makes databases scan every tie."""
    ids = list(people)
    if not ids:
        return []
    found: dict[tuple[int, int, int], tuple[int, int, int | None, float | None]] = {}
    for mine, theirs in (("person_a_id", "person_b_id"), ("person_b_id", "person_a_id")):
        ties = Tie.objects.filter(workspace=workspace, **{f"{mine}__in": ids})
        if others is not None:
            ties = ties.filter(**{f"{theirs}__in": list(others)})
        for pk, a, b, trust, strength in ties.values_list(
            "pk", "person_a_id", "person_b_id", "trust", "strength"
        ):
            found[(pk, a, b)] = (a, b, trust, strength)
    return list(found.values())


def _direct(
    ties: Iterable[tuple[int, int, int | None, float | None]], members: Collection[int]
) -> dict[int, float]:
    direct: dict[int, float] = {}
    for a, b, trust, strength in ties:
        other = b if a in members else a
        if other not in members:
            direct[other] = max(direct.get(other, 0.0), _tie_value(trust, strength))
    return direct


def _second(
    ties: Iterable[tuple[int, int, int | None, float | None]],
    members: Collection[int],
    direct: dict[int, float],
) -> dict[int, float]:
    second: dict[int, float] = {}
    for a, b, trust, strength in ties:
        for friend, other in ((a, b), (b, a)):
            if friend in direct and other not in members and other not in direct:
                value = SECOND_DEGREE_FACTOR * min(direct[friend], _tie_value(trust, strength))
                second[other] = max(second.get(other, 0.0), value)
    return second


def _reach_all(
    *, workspace: Workspace, members: Collection[int]
) -> tuple[dict[int, float], dict[int, float]]:
    """Everyone the members reach: their ties, then their friends' ties."""
    direct = _direct(_ties_touching(workspace, members), members)
    second = _second(_ties_touching(workspace, direct), members, direct) if direct else {}
    return direct, second


def _reach_some(
    *, workspace: Workspace, members: Collection[int], person_ids: Collection[int]
) -> tuple[dict[int, float], dict[int, float]]:
    """The same for a few people only, from their own ties (a handful of rows each)."""
    targets = set(person_ids) - set(members)
    if not targets:
        return {}, {}
    around = _ties_touching(workspace, targets)
    neighbours = {a if b in targets else b for a, b, _trust, _strength in around} - set(members)
    known = _direct(_ties_touching(workspace, members, neighbours | targets), members)
    direct = {person: value for person, value in known.items() if person in targets}
    friends = {person: value for person, value in known.items() if person not in targets}
    second = {
        person: value
        for person, value in _second(around, members, {**friends, **direct}).items()
        if person in targets and person not in direct
    }
    return direct, second


def _recent_interactions(
    *, workspace: Workspace, person_ids: Collection[int] | None, since: dt.datetime
) -> dict[int, int]:
    """How many interactions since `since` each person took part in."""
    through = Interaction.participants.through
    if person_ids is None:
        rows = (
            through.objects.filter(
                interaction__workspace=workspace, interaction__occurred_at__gte=since
            )
            .values("person_id")
            .annotate(interactions=Count("id"))
        )
        return {row["person_id"]: row["interactions"] for row in rows}
    # A few people: start from their participations (their own index), not from the workspace's
    # interactions, which a planner would otherwise scan by date.
    taken = list(
        through.objects.filter(person_id__in=list(person_ids)).values_list(
            "interaction_id", "person_id"
        )
    )
    recent = set(
        Interaction.objects.filter(
            workspace=workspace,
            occurred_at__gte=since,
            pk__in=[interaction for interaction, _person in taken],
        ).values_list("pk", flat=True)
    )
    counts: dict[int, int] = defaultdict(int)
    for interaction, person in taken:
        if interaction in recent:
            counts[person] += 1
    return dict(counts)


def closeness(
    *,
    workspace: Workspace,
    members: Collection[int],
    person_ids: Collection[int] | None = None,
    now: dt.datetime | None = None,
) -> dict[int, float]:
    """How well the workspace's members know each person they can reach (absent: a stranger).

    A direct tie counts its trust (or strength); a friend of a friend half the weaker of the two
    ties; recent interactions the members logged with the person add a little on top.
    """
    found: dict[int, float] = dict.fromkeys(members, 1.0)
    if not members:
        return found
    if person_ids is None:
        direct, second = _reach_all(workspace=workspace, members=members)
    else:
        direct, second = _reach_some(workspace=workspace, members=members, person_ids=person_ids)
    boost = {
        person_id: min(INTERACTION_CAP, INTERACTION_STEP * count)
        for person_id, count in _recent_interactions(
            workspace=workspace,
            person_ids=person_ids,
            since=(now or timezone.now()) - INTERACTION_WINDOW,
        ).items()
    }
    for person_id in {*direct, *second, *boost}:
        if person_id in members:
            continue
        base = max(direct.get(person_id, 0.0), second.get(person_id, 0.0))
        found[person_id] = min(1.0, base + boost.get(person_id, 0.0))
    return found


def person_contexts(
    *,
    workspace: Workspace,
    person_ids: Collection[int] | None = None,
    closeness_by_person: dict[int, float] | None = None,
) -> list[PersonContext]:
    """What each person brings to a match: interests, groups, the event where they were met, and
    closeness. All the workspace's people when `person_ids` is None (the full recompute)."""
    if closeness_by_person is None:
        closeness_by_person = closeness(
            workspace=workspace,
            members=member_person_ids(workspace=workspace),
            person_ids=person_ids,
        )
    people = Person.objects.filter(workspace=workspace, archived_at__isnull=True)
    interests = Person.interests.through.objects.filter(person__workspace=workspace)
    groups = Person.groups.through.objects.filter(person__workspace=workspace)
    if person_ids is not None:
        ids = list(person_ids)
        people = people.filter(pk__in=ids)
        interests = interests.filter(person_id__in=ids)
        groups = groups.filter(person_id__in=ids)
    interest_names: dict[int, set[str]] = defaultdict(set)
    for person_id, name in interests.values_list("person_id", "tag__name"):
        interest_names[person_id].add(name)
    group_names: dict[int, set[str]] = defaultdict(set)
    for person_id, name in groups.values_list("person_id", "group__name"):
        group_names[person_id].add(name)
    return [
        PersonContext(
            person_id=person_id,
            interests=frozenset(interest_names.get(person_id, ())),
            groups=frozenset(group_names.get(person_id, ())),
            events=frozenset([event] if event else ()),
            closeness=closeness_by_person.get(person_id, 0.0),
        )
        for person_id, event in people.values_list("pk", "met_at__name").order_by("pk")
    ]
