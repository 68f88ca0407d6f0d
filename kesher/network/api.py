"""/api/v1/ resources for the network: tie kinds, ties, interactions, needs, offers, and the
one-step quick capture."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Self, TypeVar

from django.db.models import QuerySet
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import AwareDatetime, Field, StringConstraints

from kesher.api.auth import ApiRequest
from kesher.api.crud import Getter, Resource, crud_endpoints
from kesher.api.errors import error_responses, payload_ref, payload_ref_optional
from kesher.api.pagination import Page, PageParams, paginate
from kesher.api.schemas import (
    MAX_ITEMS,
    Email,
    Name,
    NeedOfferText,
    OptionalNeedOfferText,
    Phone,
    Ref,
    TagName,
    Text,
    partial_schema,
    ref,
)
from kesher.network import selectors, services
from kesher.network.models import Interaction, Need, NeedOfferStatus, Offer, Tie, TieKind
from kesher.people import selectors as people_selectors
from kesher.people.api import PersonOut
from kesher.people.models import Person

router = Router()

READ_ERRORS = error_responses(404)
WRITE_ERRORS = error_responses(400, 403, 404, 422)
LIST_ERRORS = error_responses(422)
CREATE_ERRORS = error_responses(400, 403, 422)

# Tie kinds


class TieKindOut(Schema):
    id: uuid.UUID
    code: str = Field(description="Set for built-in kinds (friend, colleague…); empty for yours.")
    name: str = Field(description="In the request's language for built-in kinds.")

    @classmethod
    def of(cls, kind: TieKind) -> TieKindOut:
        return cls(id=kind.public_id, code=kind.code, name=kind.label)


class TieKindIn(Schema):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


@router.get("/tie-kinds", response={200: Page[TieKindOut], **LIST_ERRORS}, tags=["ties"])
def tie_kind_list(request: ApiRequest, page: Query[PageParams]) -> Page[TieKindOut]:
    return paginate(selectors.tie_kind_list(workspace=request.auth.workspace), page, TieKindOut.of)


@router.post("/tie-kinds", response={201: TieKindOut, **CREATE_ERRORS}, tags=["ties"])
def tie_kind_create(request: ApiRequest, payload: TieKindIn) -> Status[TieKindOut]:
    kind = services.tie_kind_create(workspace=request.auth.workspace, name=payload.name)
    return Status(201, TieKindOut.of(kind))


@router.get("/tie-kinds/{kind_id}", response={200: TieKindOut, **READ_ERRORS}, tags=["ties"])
def tie_kind_get(request: ApiRequest, kind_id: uuid.UUID) -> TieKindOut:
    return TieKindOut.of(
        selectors.tie_kind_get(workspace=request.auth.workspace, public_id=kind_id)
    )


def _tie_kind_rename(request: ApiRequest, kind_id: uuid.UUID, name: str) -> TieKindOut:
    kind = selectors.tie_kind_get(workspace=request.auth.workspace, public_id=kind_id)
    return TieKindOut.of(services.tie_kind_rename(kind=kind, name=name))


@router.put(
    "/tie-kinds/{kind_id}",
    response={200: TieKindOut, **WRITE_ERRORS},
    tags=["ties"],
    summary="Rename a tie kind",
)
def tie_kind_replace(request: ApiRequest, kind_id: uuid.UUID, payload: TieKindIn) -> TieKindOut:
    return _tie_kind_rename(request, kind_id, payload.name)


@router.patch(
    "/tie-kinds/{kind_id}",
    response={200: TieKindOut, **WRITE_ERRORS},
    tags=["ties"],
    summary="Rename a tie kind",
)
def tie_kind_patch(request: ApiRequest, kind_id: uuid.UUID, payload: TieKindIn) -> TieKindOut:
    return _tie_kind_rename(request, kind_id, payload.name)


@router.delete(
    "/tie-kinds/{kind_id}",
    response={204: None, **error_responses(403, 404, 409)},
    tags=["ties"],
    summary="Delete a tie kind no tie uses (409 while some do)",
)
def tie_kind_delete(request: ApiRequest, kind_id: uuid.UUID) -> Status[None]:
    kind = selectors.tie_kind_get(workspace=request.auth.workspace, public_id=kind_id)
    services.tie_kind_delete(kind=kind)
    return Status(204, None)


# Ties


class TieOut(Schema):
    id: uuid.UUID
    person_a: Ref
    person_b: Ref
    kind: Ref
    since: dt.date | None
    trust: int | None = Field(description="1 (low) to 5 (high), as rated by hand.")
    strength: float | None = Field(description="Computed from interactions.")
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, tie: Tie) -> TieOut:
        return cls(
            id=tie.public_id,
            person_a=Ref(id=tie.person_a.public_id, name=tie.person_a.name),
            person_b=Ref(id=tie.person_b.public_id, name=tie.person_b.name),
            kind=Ref(id=tie.kind.public_id, name=tie.kind.label),
            since=tie.since,
            trust=tie.trust,
            strength=tie.strength,
            notes=tie.notes,
            created_at=tie.created_at,
            updated_at=tie.updated_at,
        )


class TieChangeIn(Schema):
    kind: uuid.UUID
    since: dt.date | None = None
    trust: int | None = Field(None, ge=1, le=5, description="1 (low) to 5 (high).")
    notes: Text = ""


class TieIn(TieChangeIn):
    person: uuid.UUID
    other: uuid.UUID = Field(description="The other person; ties have no direction.")


if TYPE_CHECKING:
    TiePatch = TieChangeIn
else:
    TiePatch = partial_schema(TieChangeIn)


class TieFilters(Schema):
    person: uuid.UUID | None = Field(None, description="Ties of this person.")


def _person(request: ApiRequest, field: str, public_id: uuid.UUID | None) -> Person | None:
    return payload_ref_optional(
        field, people_selectors.person_get, workspace=request.auth.workspace, public_id=public_id
    )


def _tie_kind(request: ApiRequest, public_id: uuid.UUID) -> TieKind:
    return payload_ref(
        "kind", selectors.tie_kind_get, workspace=request.auth.workspace, public_id=public_id
    )


@router.get("/ties", response={200: Page[TieOut], **LIST_ERRORS}, tags=["ties"])
def tie_list(
    request: ApiRequest, filters: Query[TieFilters], page: Query[PageParams]
) -> Page[TieOut]:
    ties = selectors.tie_list(
        workspace=request.auth.workspace, person=_person(request, "person", filters.person)
    )
    return paginate(ties, page, TieOut.of)


@router.post("/ties", response={201: TieOut, **CREATE_ERRORS}, tags=["ties"])
def tie_create(request: ApiRequest, payload: TieIn) -> Status[TieOut]:
    workspace = request.auth.workspace
    person = payload_ref(
        "person", people_selectors.person_get, workspace=workspace, public_id=payload.person
    )
    other = payload_ref(
        "other", people_selectors.person_get, workspace=workspace, public_id=payload.other
    )
    tie = services.tie_create(
        workspace=workspace,
        person=person,
        other=other,
        kind=_tie_kind(request, payload.kind),
        since=payload.since,
        trust=payload.trust,
        notes=payload.notes,
    )
    return Status(201, TieOut.of(selectors.tie_get(workspace=workspace, public_id=tie.public_id)))


@router.get("/ties/{tie_id}", response={200: TieOut, **READ_ERRORS}, tags=["ties"])
def tie_get(request: ApiRequest, tie_id: uuid.UUID) -> TieOut:
    return TieOut.of(selectors.tie_get(workspace=request.auth.workspace, public_id=tie_id))


def _tie_update(request: ApiRequest, tie_id: uuid.UUID, values: dict[str, Any]) -> TieOut:
    workspace = request.auth.workspace
    tie = selectors.tie_get(workspace=workspace, public_id=tie_id)
    kind = _tie_kind(request, values["kind"]) if "kind" in values else tie.kind
    updated = services.tie_update(
        tie=tie,
        kind=kind,
        since=values.get("since", tie.since),
        trust=values.get("trust", tie.trust),
        notes=values.get("notes", tie.notes),
    )
    return TieOut.of(selectors.tie_get(workspace=workspace, public_id=updated.public_id))


@router.put(
    "/ties/{tie_id}",
    response={200: TieOut, **WRITE_ERRORS},
    tags=["ties"],
    summary="Replace a tie's kind, date, trust and notes (the two people stay)",
)
def tie_replace(request: ApiRequest, tie_id: uuid.UUID, payload: TieChangeIn) -> TieOut:
    return _tie_update(request, tie_id, payload.model_dump())


@router.patch("/ties/{tie_id}", response={200: TieOut, **WRITE_ERRORS}, tags=["ties"])
def tie_patch(request: ApiRequest, tie_id: uuid.UUID, payload: TiePatch) -> TieOut:
    return _tie_update(request, tie_id, payload.model_dump(include=payload.model_fields_set))


@router.delete("/ties/{tie_id}", response={204: None, **error_responses(403, 404)}, tags=["ties"])
def tie_delete(request: ApiRequest, tie_id: uuid.UUID) -> Status[None]:
    services.tie_delete(tie=selectors.tie_get(workspace=request.auth.workspace, public_id=tie_id))
    return Status(204, None)


# Interactions


class InteractionOut(Schema):
    id: uuid.UUID
    occurred_at: dt.datetime
    channel: str
    participants: list[Ref]
    summary: str
    initiated_by: str
    exchange: str = Field(description="give (you helped), ask (you pitched or requested), neutral.")
    exchange_kind: str
    event: Ref | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, interaction: Interaction) -> InteractionOut:
        return cls(
            id=interaction.public_id,
            occurred_at=interaction.occurred_at,
            channel=interaction.channel,
            participants=[Ref(id=p.public_id, name=p.name) for p in interaction.participants.all()],
            summary=interaction.summary,
            initiated_by=interaction.initiated_by,
            exchange=interaction.exchange,
            exchange_kind=interaction.exchange_kind,
            event=ref(interaction.event),
            created_at=interaction.created_at,
            updated_at=interaction.updated_at,
        )


class InteractionIn(Schema):
    occurred_at: AwareDatetime = Field(description="With its time zone: 2024-05-01T18:30+03:00.")
    channel: Interaction.Channel
    participants: list[uuid.UUID] = Field(min_length=1, max_length=MAX_ITEMS)
    summary: Text = ""
    initiated_by: Interaction.Initiator = Interaction.Initiator.ME
    exchange: Interaction.Exchange = Interaction.Exchange.NEUTRAL
    exchange_kind: Interaction.ExchangeKind = Field(
        Interaction.ExchangeKind.NONE,
        description="For a give: advice, information, introduction, recommendation; "
        "for an ask: pitch, request.",
    )
    event: uuid.UUID | None = None


if TYPE_CHECKING:
    InteractionPatch = InteractionIn
else:
    InteractionPatch = partial_schema(InteractionIn)


class InteractionFilters(Schema):
    person: uuid.UUID | None = Field(None, description="This person's timeline.")
    channel: Interaction.Channel | None = None
    exchange: Interaction.Exchange | None = None
    date_from: dt.date | None = Field(None, description="From this day (workspace time zone).")
    date_to: dt.date | None = Field(None, description="Up to and including this day.")


def _interaction_data(
    request: ApiRequest, base: services.InteractionData, values: dict[str, Any]
) -> services.InteractionData:
    workspace = request.auth.workspace
    changes: dict[str, Any] = dict(values)
    if "participants" in values:
        changes["participants"] = [
            payload_ref(
                "participants",
                people_selectors.person_get,
                workspace=workspace,
                public_id=person_id,
            )
            for person_id in values["participants"]
        ]
    if "event" in values:
        changes["event"] = payload_ref_optional(
            "event", people_selectors.event_get, workspace=workspace, public_id=values["event"]
        )
    return dataclasses.replace(base, **changes)


def _interaction_out(request: ApiRequest, interaction: Interaction) -> InteractionOut:
    return InteractionOut.of(
        selectors.interaction_get(workspace=request.auth.workspace, public_id=interaction.public_id)
    )


@router.get(
    "/interactions", response={200: Page[InteractionOut], **LIST_ERRORS}, tags=["interactions"]
)
def interaction_list(
    request: ApiRequest, filters: Query[InteractionFilters], page: Query[PageParams]
) -> Page[InteractionOut]:
    interactions = selectors.interaction_list_filtered(
        workspace=request.auth.workspace,
        person=_person(request, "person", filters.person),
        channel=filters.channel,
        exchange=filters.exchange,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    return paginate(interactions, page, InteractionOut.of)


@router.post(
    "/interactions",
    response={201: InteractionOut, **CREATE_ERRORS},
    tags=["interactions"],
    summary="Log an interaction",
)
def interaction_create(request: ApiRequest, payload: InteractionIn) -> Status[InteractionOut]:
    empty = services.InteractionData(occurred_at=payload.occurred_at, channel="", participants=[])
    data = _interaction_data(request, empty, payload.model_dump())
    interaction = services.interaction_log(
        workspace=request.auth.workspace, data=data, logged_by=request.auth.user
    )
    return Status(201, _interaction_out(request, interaction))


@router.get(
    "/interactions/{interaction_id}",
    response={200: InteractionOut, **READ_ERRORS},
    tags=["interactions"],
)
def interaction_get(request: ApiRequest, interaction_id: uuid.UUID) -> InteractionOut:
    return InteractionOut.of(
        selectors.interaction_get(workspace=request.auth.workspace, public_id=interaction_id)
    )


def _interaction_update(
    request: ApiRequest, interaction_id: uuid.UUID, values: dict[str, Any]
) -> InteractionOut:
    interaction = selectors.interaction_get(
        workspace=request.auth.workspace, public_id=interaction_id
    )
    current = services.InteractionData(
        occurred_at=interaction.occurred_at,
        channel=interaction.channel,
        participants=list(interaction.participants.all()),
        summary=interaction.summary,
        initiated_by=interaction.initiated_by,
        exchange=interaction.exchange,
        exchange_kind=interaction.exchange_kind,
        event=interaction.event,
    )
    data = _interaction_data(request, current, values)
    updated = services.interaction_update(interaction=interaction, data=data)
    return _interaction_out(request, updated)


@router.put(
    "/interactions/{interaction_id}",
    response={200: InteractionOut, **WRITE_ERRORS},
    tags=["interactions"],
)
def interaction_replace(
    request: ApiRequest, interaction_id: uuid.UUID, payload: InteractionIn
) -> InteractionOut:
    return _interaction_update(request, interaction_id, payload.model_dump())


@router.patch(
    "/interactions/{interaction_id}",
    response={200: InteractionOut, **WRITE_ERRORS},
    tags=["interactions"],
)
def interaction_patch(
    request: ApiRequest, interaction_id: uuid.UUID, payload: InteractionPatch
) -> InteractionOut:
    values = payload.model_dump(include=payload.model_fields_set)
    return _interaction_update(request, interaction_id, values)


@router.delete(
    "/interactions/{interaction_id}",
    response={204: None, **error_responses(403, 404)},
    tags=["interactions"],
)
def interaction_delete(request: ApiRequest, interaction_id: uuid.UUID) -> Status[None]:
    interaction = selectors.interaction_get(
        workspace=request.auth.workspace, public_id=interaction_id
    )
    services.interaction_delete(interaction=interaction)
    return Status(204, None)


# Needs and offers: the same shape, "looking for a jeep" and "selling his jeep".


class NeedOut(Schema):
    id: uuid.UUID
    person: Ref
    text: str
    tags: list[str]
    status: str
    expires_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, item: Need | Offer) -> Self:
        return cls(
            id=item.public_id,
            person=Ref(id=item.person.public_id, name=item.person.name),
            text=item.text,
            tags=[t.name for t in item.tags.all()],
            status=item.status,
            expires_on=item.expires_on,
            created_at=item.created_at,
            updated_at=item.updated_at,
        )


class OfferOut(NeedOut):
    pass


class NeedChangeIn(Schema):
    text: NeedOfferText
    tags: list[TagName] = Field([], max_length=MAX_ITEMS, description="Tag names.")
    status: NeedOfferStatus = NeedOfferStatus.OPEN
    expires_on: dt.date | None = None


class NeedIn(NeedChangeIn):
    person: uuid.UUID


class OfferChangeIn(NeedChangeIn):
    pass


class OfferIn(NeedIn):
    pass


if TYPE_CHECKING:
    NeedPatch = NeedChangeIn
    OfferPatch = OfferChangeIn
else:
    NeedPatch = partial_schema(NeedChangeIn)
    OfferPatch = partial_schema(OfferChangeIn)


NeedOrOffer = TypeVar("NeedOrOffer", Need, Offer)


class NeedOfferFilters(Schema):
    person: uuid.UUID | None = None
    status: NeedOfferStatus | None = None


def _need_offer_stored(item: Need | Offer) -> dict[str, Any]:
    return {
        "text": item.text,
        "tags": [t.name for t in item.tags.all()],
        "status": item.status,
        "expires_on": item.expires_on,
    }


def _need_offer_endpoints(
    name: str,
    out: type[NeedOut],
    payload: type[NeedIn],
    change: type[NeedChangeIn],
    patch: type[Schema],
    get: Getter[NeedOrOffer],
    items: Callable[..., QuerySet[NeedOrOffer]],
    create: Callable[..., NeedOrOffer],
    update: Callable[..., object],
    delete: Callable[..., object],
) -> None:
    """Needs and offers take the same calls, to services and selectors of their own."""

    def items_of(request: ApiRequest, filters: NeedOfferFilters) -> QuerySet[NeedOrOffer]:
        person = _person(request, "person", filters.person)
        return items(workspace=request.auth.workspace, person=person, status=filters.status)

    def create_from(request: ApiRequest, data: NeedIn) -> NeedOrOffer:
        person = payload_ref(
            "person",
            people_selectors.person_get,
            workspace=request.auth.workspace,
            public_id=data.person,
        )
        return create(person=person, **data.model_dump(exclude={"person"}))

    crud_endpoints(
        router,
        __name__,
        Resource(
            name=name,
            path=f"/{name}s",
            tag=f"{name}s",
            out=out,
            build=out.of,
            payload=payload,
            change=change,
            patch=patch,
            get=get,
            items=items_of,
            create=create_from,
            update=lambda item, values: update(**{name: item}, **values),
            current=_need_offer_stored,
            delete=lambda item: delete(**{name: item}),
            filters=NeedOfferFilters,
            reread=True,
        ),
    )


_need_offer_endpoints(
    "need",
    NeedOut,
    NeedIn,
    NeedChangeIn,
    NeedPatch,
    selectors.need_get,
    selectors.need_list,
    services.need_create,
    services.need_update,
    services.need_delete,
)
_need_offer_endpoints(
    "offer",
    OfferOut,
    OfferIn,
    OfferChangeIn,
    OfferPatch,
    selectors.offer_get,
    selectors.offer_list,
    services.offer_create,
    services.offer_update,
    services.offer_delete,
)


# Quick capture


class CaptureIn(Schema):
    name: Name
    phone: Phone = ""
    email: Email = ""
    note: Text = Field("", description="Becomes the person's notes and a timeline entry.")
    need: OptionalNeedOfferText = Field("", description="What they are looking for.")
    offer: OptionalNeedOfferText = Field("", description="What they can give.")
    met_at: uuid.UUID | None = Field(None, description="The event where you met them.")


class CaptureOut(Schema):
    person: PersonOut
    need: NeedOut | None
    offer: OfferOut | None
    interaction: InteractionOut | None


@router.post(
    "/capture",
    response={201: CaptureOut, **CREATE_ERRORS},
    tags=["people"],
    summary="Quick capture: someone met right now, with a note, a need and an offer, in one step",
)
def person_quick_capture(request: ApiRequest, payload: CaptureIn) -> Status[CaptureOut]:
    workspace = request.auth.workspace
    met_at = payload_ref_optional(
        "met_at", people_selectors.event_get, workspace=workspace, public_id=payload.met_at
    )
    result = services.person_quick_capture(
        workspace=workspace,
        name=payload.name,
        phone=payload.phone,
        email=payload.email,
        note=payload.note,
        need=payload.need,
        offer=payload.offer,
        met_at=met_at,
        logged_by=request.auth.user,
    )
    person = people_selectors.person_get(workspace=workspace, public_id=result.person.public_id)
    return Status(
        201,
        CaptureOut(
            person=PersonOut.of(person),
            need=NeedOut.of(
                selectors.need_get(workspace=workspace, public_id=result.need.public_id)
            )
            if result.need
            else None,
            offer=OfferOut.of(
                selectors.offer_get(workspace=workspace, public_id=result.offer.public_id)
            )
            if result.offer
            else None,
            interaction=_interaction_out(request, result.interaction)
            if result.interaction
            else None,
        ),
    )
