"""/api/v1/ resources for the relationship graph: tie strengths (with their explanation) and
their bulk recompute, the workspace's graph settings, warm paths, who a person knows, a
person's neighbourhood, keep-in-touch rhythms, due lists and the calendar feed, and
referrals."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field, StringConstraints

from kesher.accounts.models import User
from kesher.api.auth import ApiRequest
from kesher.api.errors import error_responses, payload_ref
from kesher.api.pagination import Page, PageParams, paginate
from kesher.api.schemas import Ref, Text, ref
from kesher.core.exceptions import NotFoundError
from kesher.network import selectors as network_selectors
from kesher.network.models import Tie
from kesher.people import selectors as people_selectors
from kesher.relationships import selectors, services
from kesher.relationships.models import Referral, RelationshipSettings, Rhythm
from kesher.relationships.phrasing import explanation_text
from kesher.relationships.selectors import DueItem, PathView
from kesher.relationships.tasks import tie_strength_recompute_task
from kesher.workspaces import selectors as workspace_selectors

router = Router(tags=["relationships"])

READ_ERRORS = error_responses(404)
LIST_ERRORS = error_responses(422)
WRITE_ERRORS = error_responses(400, 403, 404, 422)
CREATE_ERRORS = error_responses(400, 403, 422)


class ComponentOut(Schema):
    name: str
    value: float = Field(description="0..1")
    share: float = Field(description="Its share of the weights (0..1).")
    points: float = Field(description="Points of the 100 it contributes.")


class TieStrengthOut(Schema):
    tie: uuid.UUID
    person_a: Ref
    person_b: Ref
    kind: str
    strength: float | None
    explanation: str = Field(description="Why, in words, in the request's language.")
    components: list[ComponentOut]
    data: dict[str, Any] = Field(description="The explanation as data (counts by channel…).")
    computed_at: dt.datetime | None

    @classmethod
    def of(cls, tie: Tie) -> TieStrengthOut:
        detail = getattr(tie, "strength_detail", None)
        data = detail.explanation if detail else {}
        return cls(
            tie=tie.public_id,
            person_a=Ref(id=tie.person_a.public_id, name=tie.person_a.name),
            person_b=Ref(id=tie.person_b.public_id, name=tie.person_b.name),
            kind=tie.kind.label,
            strength=detail.score if detail else None,
            explanation=explanation_text(data, name_a=tie.person_a.name, name_b=tie.person_b.name),
            components=[ComponentOut(**c) for c in data.get("components", [])],
            data=data,
            computed_at=detail.computed_at if detail else None,
        )


class StrengthFilters(Schema):
    person: uuid.UUID | None = Field(None, description="Only this person's ties.")


@router.get("/tie-strengths", response={200: Page[TieStrengthOut], **LIST_ERRORS})
def tie_strength_list(
    request: ApiRequest, filters: Query[StrengthFilters], page: Query[PageParams]
) -> Page[TieStrengthOut]:
    """Every tie's strength and why, strongest first: export them all by paging."""
    workspace = request.auth.workspace
    person = (
        payload_ref(
            "person", people_selectors.person_get, workspace=workspace, public_id=filters.person
        )
        if filters.person
        else None
    )
    return paginate(
        selectors.tie_strength_list(workspace=workspace, person=person), page, TieStrengthOut.of
    )


class RecomputeOut(Schema):
    status: Literal["queued"]
    detail: str


@router.post("/tie-strengths/recompute", response={202: RecomputeOut, **error_responses()})
def tie_strength_recompute(request: ApiRequest) -> Status[RecomputeOut]:
    """Rescore every tie of the workspace from its whole history, in the background
    (`kesher worker`); logging an interaction already rescores its own ties at once."""
    tie_strength_recompute_task.enqueue(request.auth.workspace.pk)
    return Status(
        202,
        RecomputeOut(
            status="queued", detail=_("Recomputing every tie's strength in the background.")
        ),
    )


# Settings


class SettingsOut(Schema):
    half_life_days: int = Field(
        description="After this many days without contact, a contact counts half as much."
    )
    referral_target: int = Field(
        description="Quality connections a loyal customer is expected to bring (default 6)."
    )

    @classmethod
    def of(cls, settings: RelationshipSettings) -> SettingsOut:
        return cls(half_life_days=settings.half_life_days, referral_target=settings.referral_target)


class SettingsIn(Schema):
    half_life_days: int = Field(description=f"1 to {services.MAX_HALF_LIFE_DAYS} days.")
    referral_target: int = Field(description=f"1 to {services.MAX_REFERRAL_TARGET}.")


@router.get("/relationship-settings", response={200: SettingsOut})
def relationship_settings_get(request: ApiRequest) -> SettingsOut:
    return SettingsOut.of(selectors.relationship_settings_get(workspace=request.auth.workspace))


@router.put("/relationship-settings", response={200: SettingsOut, **WRITE_ERRORS})
def relationship_settings_update(request: ApiRequest, payload: SettingsIn) -> SettingsOut:
    """The owner sets the strength half-life (every tie is rescored in the background when it
    changes) and the referral target."""
    updated = services.relationship_settings_update(
        workspace=request.auth.workspace,
        actor=request.auth.user,
        half_life_days=payload.half_life_days,
        referral_target=payload.referral_target,
    )
    return SettingsOut.of(updated)


# Warm paths


class StepOut(Schema):
    person: Ref
    next_person: Ref
    strength: float
    kinds: list[str]
    why: str


class PathOut(Schema):
    people: list[Ref]
    reliability: float = Field(description="Product of the ties' strengths / 100 (0..1).")
    to_ask: list[Ref] = Field(description="Whom to ask, in order (a teammate first if any).")
    steps: list[StepOut]

    @classmethod
    def of(cls, view: PathView) -> PathOut:
        steps = []
        for step in view.steps:
            first = step.ties[0] if step.ties else None
            detail = getattr(first, "strength_detail", None) if first else None
            steps.append(
                StepOut(
                    person=Ref(id=step.person.public_id, name=step.person.name),
                    next_person=Ref(id=step.next_person.public_id, name=step.next_person.name),
                    strength=step.strength,
                    kinds=[tie.kind.label for tie in step.ties],
                    why=explanation_text(
                        detail.explanation if detail else {},
                        name_a=first.person_a.name if first else "",
                        name_b=first.person_b.name if first else "",
                    ),
                )
            )
        return cls(
            people=[Ref(id=p.public_id, name=p.name) for p in view.people],
            reliability=view.path.reliability,
            to_ask=[Ref(id=p.public_id, name=p.name) for p in view.to_ask],
            steps=steps,
        )


@router.get("/people/{person_id}/warm-paths", response={200: list[PathOut], **READ_ERRORS})
def warm_paths_person(request: ApiRequest, person_id: uuid.UUID) -> list[PathOut]:
    """How can I reach this person? The most reliable paths from anyone on the team."""
    workspace = request.auth.workspace
    person = people_selectors.person_get(workspace=workspace, public_id=person_id)
    paths = selectors.warm_paths(workspace=workspace, user_id=request.auth.user.pk, person=person)
    return [PathOut.of(path) for path in paths]


@router.get(
    "/organizations/{organization_id}/warm-paths", response={200: list[PathOut], **READ_ERRORS}
)
def warm_paths_organization(request: ApiRequest, organization_id: uuid.UUID) -> list[PathOut]:
    """How can I reach anyone at this organisation?"""
    workspace = request.auth.workspace
    organization = people_selectors.organization_get(workspace=workspace, public_id=organization_id)
    paths = selectors.warm_paths(
        workspace=workspace, user_id=request.auth.user.pk, organization=organization
    )
    return [PathOut.of(path) for path in paths]


class KnownOut(Schema):
    person: Ref
    via: Ref | None
    reliability: float
    open_needs: list[str]
    open_offers: list[str]


@router.get("/people/{person_id}/who-they-know", response={200: list[KnownOut], **READ_ERRORS})
def who_they_know(request: ApiRequest, person_id: uuid.UUID) -> list[KnownOut]:
    """People this person could introduce the team to, with their open needs and offers."""
    workspace = request.auth.workspace
    person = people_selectors.person_get(workspace=workspace, public_id=person_id)
    return [
        KnownOut(
            person=Ref(id=item.person.public_id, name=item.person.name),
            via=ref(item.via),
            reliability=item.contact.reliability,
            open_needs=item.open_needs,
            open_offers=item.open_offers,
        )
        for item in selectors.who_they_know(workspace=workspace, person=person)
    ]


class NodeOut(Schema):
    person: Ref
    hops: int = Field(description="Ties away from the person (0 for the person).")
    reliability: float = Field(description="Of the best path from the person (0..1).")


class EdgeOut(Schema):
    a: uuid.UUID
    b: uuid.UUID
    strength: float


class NeighbourhoodOut(Schema):
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    truncated: bool = Field(description="More people were in reach than are listed.")


@router.get("/people/{person_id}/neighbourhood", response={200: NeighbourhoodOut, **READ_ERRORS})
def neighbourhood(request: ApiRequest, person_id: uuid.UUID) -> NeighbourhoodOut:
    """The people within two ties of this person and the ties among them: the graph view's
    data."""
    workspace = request.auth.workspace
    person = people_selectors.person_get(workspace=workspace, public_id=person_id)
    found = selectors.neighbourhood(workspace=workspace, person=person)
    people = found.people
    return NeighbourhoodOut(
        nodes=[
            NodeOut(
                person=Ref(id=people[node.node].public_id, name=people[node.node].name),
                hops=node.hops,
                reliability=node.reliability,
            )
            for node in found.neighbourhood.nodes
            if node.node in people
        ],
        edges=[
            EdgeOut(a=people[u].public_id, b=people[v].public_id, strength=strength)
            for u, v, strength in found.neighbourhood.edges
            if u in people and v in people
        ],
        truncated=found.neighbourhood.truncated,
    )


# Keep in touch


class DueOut(Schema):
    person: Ref
    due: dt.date
    last_touch: dt.date | None
    days_overdue: int

    @classmethod
    def of(cls, item: DueItem) -> DueOut:
        return cls(
            person=Ref(id=item.person.public_id, name=item.person.name),
            due=item.due.due,
            last_touch=item.due.last_touch,
            days_overdue=item.due.days_overdue,
        )


class LosingOut(Schema):
    person: Ref
    strength: float
    decay_per_day: float


class KeepInTouchOut(Schema):
    overdue: list[DueOut]
    today: list[DueOut]
    this_week: list[DueOut]
    losing_touch: list[LosingOut]


@router.get("/keep-in-touch", response={200: KeepInTouchOut})
def keep_in_touch(request: ApiRequest) -> KeepInTouchOut:
    """Who the caller is due to contact (overdue, today, this week) and is losing touch with."""
    state = selectors.keep_in_touch(workspace=request.auth.workspace, user_id=request.auth.user.pk)
    return KeepInTouchOut(
        overdue=[DueOut.of(item) for item in state.overdue],
        today=[DueOut.of(item) for item in state.due_today],
        this_week=[DueOut.of(item) for item in state.upcoming],
        losing_touch=[
            LosingOut(
                person=Ref(id=item.person.public_id, name=item.person.name),
                strength=item.score,
                decay_per_day=item.decay_per_day,
            )
            for item in state.losing_touch
        ],
    )


class RhythmIn(Schema):
    every: Literal["weekly", "monthly", "quarterly", "custom"]
    days: int | None = Field(None, description="For a custom rhythm: 1 to 730 days.")


class RhythmOut(Schema):
    person: Ref
    every: str
    days: int | None
    started_on: dt.date


@router.put("/people/{person_id}/rhythm", response={200: RhythmOut, **WRITE_ERRORS})
def rhythm_set(request: ApiRequest, person_id: uuid.UUID, payload: RhythmIn) -> RhythmOut:
    """Set the caller's keep-in-touch rhythm with this person."""
    workspace = request.auth.workspace
    person = people_selectors.person_get(workspace=workspace, public_id=person_id)
    rhythm = services.rhythm_set(
        workspace=workspace,
        user=request.auth.user,
        every=payload.every,
        days=payload.days,
        person=person,
    )
    return RhythmOut(
        person=Ref(id=person.public_id, name=person.name),
        every=rhythm.every,
        days=rhythm.days,
        started_on=rhythm.started_on,
    )


@router.delete("/people/{person_id}/rhythm", response={204: None, **error_responses(403, 404)})
def rhythm_clear(request: ApiRequest, person_id: uuid.UUID) -> Status[None]:
    workspace = request.auth.workspace
    person = people_selectors.person_get(workspace=workspace, public_id=person_id)
    services.rhythm_clear(workspace=workspace, user=request.auth.user, person=person)
    return Status(204, None)


class KindRhythmOut(Schema):
    tie_kind: Ref
    every: str
    days: int | None
    started_on: dt.date

    @classmethod
    def of(cls, rhythm: Rhythm) -> KindRhythmOut:
        assert rhythm.tie_kind is not None
        return cls(
            tie_kind=Ref(id=rhythm.tie_kind.public_id, name=rhythm.tie_kind.label),
            every=rhythm.every,
            days=rhythm.days,
            started_on=rhythm.started_on,
        )


@router.put("/tie-kinds/{kind_id}/rhythm", response={200: KindRhythmOut, **WRITE_ERRORS})
def rhythm_kind_set(request: ApiRequest, kind_id: uuid.UUID, payload: RhythmIn) -> KindRhythmOut:
    """Set the caller's rhythm for everyone tied to them by this kind of tie (a person's own
    rhythm wins over it)."""
    workspace = request.auth.workspace
    kind = network_selectors.tie_kind_get(workspace=workspace, public_id=kind_id)
    rhythm = services.rhythm_set(
        workspace=workspace,
        user=request.auth.user,
        every=payload.every,
        days=payload.days,
        tie_kind=kind,
    )
    return KindRhythmOut.of(rhythm)


@router.delete("/tie-kinds/{kind_id}/rhythm", response={204: None, **error_responses(403, 404)})
def rhythm_kind_clear(request: ApiRequest, kind_id: uuid.UUID) -> Status[None]:
    workspace = request.auth.workspace
    kind = network_selectors.tie_kind_get(workspace=workspace, public_id=kind_id)
    services.rhythm_clear(workspace=workspace, user=request.auth.user, tie_kind=kind)
    return Status(204, None)


class CalendarFeedOut(Schema):
    url: str = Field(
        description="The secret iCalendar address: shown once; asking again replaces it."
    )


@router.post("/calendar-feed", response={201: CalendarFeedOut, **error_responses(403)})
def calendar_feed_regenerate(request: ApiRequest) -> Status[CalendarFeedOut]:
    """A new secret address for the caller's keep-in-touch reminders in any calendar app; the
    previous address stops working."""
    _feed, secret = services.calendar_feed_regenerate(
        workspace=request.auth.workspace, user=request.auth.user
    )
    url = request.build_absolute_uri(reverse("relationships:calendar_feed", args=[secret]))
    return Status(201, CalendarFeedOut(url=url))


# Referrals


class ReferralOut(Schema):
    id: uuid.UUID
    referrer: Ref
    referred: Ref
    to_member: str | None = Field(description="The team member's email.")
    for_what: str
    date: dt.date
    outcome: str
    value: Decimal
    currency: str
    note: str

    @classmethod
    def of(cls, referral: Referral) -> ReferralOut:
        return cls(
            id=referral.public_id,
            referrer=Ref(id=referral.referrer.public_id, name=referral.referrer.name),
            referred=Ref(id=referral.referred.public_id, name=referral.referred.name),
            to_member=referral.to_member.email if referral.to_member else None,
            for_what=referral.for_what,
            date=referral.date,
            outcome=referral.outcome,
            value=referral.value,
            currency=referral.currency,
            note=referral.note,
        )


class ReferralIn(Schema):
    referrer: uuid.UUID
    referred: uuid.UUID
    to_member: Annotated[str, StringConstraints(max_length=254)] | None = Field(
        None, description="A team member's email."
    )
    for_what: Annotated[str, StringConstraints(max_length=200)] = ""
    date: dt.date
    outcome: Literal["pending", "won", "lost", "none"] = "pending"
    value: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)
    currency: Literal["", "ILS", "USD", "EUR", "GBP"] = ""
    note: Text = ""


def _referral_kwargs(request: ApiRequest, payload: ReferralIn) -> dict[str, Any]:
    workspace = request.auth.workspace
    to_member: User | None = None
    if payload.to_member:
        try:
            to_member = workspace_selectors.member_user_get(
                workspace=workspace, email=payload.to_member
            )
        except NotFoundError as exc:
            raise ValidationError({"to_member": [exc.message]}) from exc
    return {
        "referrer": payload_ref(
            "referrer", people_selectors.person_get, workspace=workspace, public_id=payload.referrer
        ),
        "referred": payload_ref(
            "referred", people_selectors.person_get, workspace=workspace, public_id=payload.referred
        ),
        "to_member": to_member,
        "for_what": payload.for_what,
        "date": payload.date,
        "outcome": payload.outcome,
        "value": payload.value,
        "currency": payload.currency,
        "note": payload.note,
    }


@router.get("/referrals", response={200: Page[ReferralOut], **LIST_ERRORS})
def referral_list(request: ApiRequest, page: Query[PageParams]) -> Page[ReferralOut]:
    return paginate(selectors.referral_list(workspace=request.auth.workspace), page, ReferralOut.of)


@router.post("/referrals", response={201: ReferralOut, **CREATE_ERRORS})
def referral_create(request: ApiRequest, payload: ReferralIn) -> Status[ReferralOut]:
    referral = services.referral_create(
        workspace=request.auth.workspace, **_referral_kwargs(request, payload)
    )
    return Status(201, ReferralOut.of(referral))


@router.get("/referrals/{referral_id}", response={200: ReferralOut, **READ_ERRORS})
def referral_get(request: ApiRequest, referral_id: uuid.UUID) -> ReferralOut:
    return ReferralOut.of(
        selectors.referral_get(workspace=request.auth.workspace, public_id=referral_id)
    )


@router.put("/referrals/{referral_id}", response={200: ReferralOut, **WRITE_ERRORS})
def referral_update(
    request: ApiRequest, referral_id: uuid.UUID, payload: ReferralIn
) -> ReferralOut:
    referral = selectors.referral_get(workspace=request.auth.workspace, public_id=referral_id)
    updated = services.referral_update(referral=referral, **_referral_kwargs(request, payload))
    return ReferralOut.of(updated)


@router.delete("/referrals/{referral_id}", response={204: None, **error_responses(403, 404)})
def referral_delete(request: ApiRequest, referral_id: uuid.UUID) -> Status[None]:
    referral = selectors.referral_get(workspace=request.auth.workspace, public_id=referral_id)
    services.referral_delete(referral=referral)
    return Status(204, None)


class ChainOut(Schema):
    origin_event: str
    people: list[Ref] = Field(description="From the first contact down to this person.")
    given: int
    received: int
    direct_value: Decimal
    chain_value: Decimal
    quality_connections: int
    target: int
    currency: str


@router.get("/people/{person_id}/referrals", response={200: ChainOut, **READ_ERRORS})
def referral_chain(request: ApiRequest, person_id: uuid.UUID) -> ChainOut:
    """How this person came in (their referral chain) and the referrals they brought."""
    workspace = request.auth.workspace
    person = people_selectors.person_get(workspace=workspace, public_id=person_id)
    chain = selectors.referral_chain(workspace=workspace, person=person)
    return ChainOut(
        origin_event=chain.origin_event_name,
        people=[Ref(id=p.public_id, name=p.name) for p in chain.people],
        given=chain.stats.given,
        received=chain.stats.received,
        direct_value=chain.stats.direct_value,
        chain_value=chain.stats.chain_value,
        quality_connections=chain.stats.quality_connections,
        target=chain.stats.target,
        currency=chain.currency,
    )
