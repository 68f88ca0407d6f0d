"""/api/v1/ resources for matchmaking: suggestions, introductions (the double-opt-in workflow,
its outcome and what came back), the workspace's vocabulary, match runs and the give ledger."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field, StringConstraints

from kesher.api.auth import ApiRequest
from kesher.api.errors import (
    ErrorOut,
    error_body,
    error_responses,
    payload_ref,
    payload_ref_optional,
)
from kesher.api.pagination import Page, PageParams, paginate
from kesher.api.schemas import Ref, partial_schema, ref
from kesher.core.exceptions import NotFoundError
from kesher.introductions import selectors, services
from kesher.introductions.models import (
    Introduction,
    IntroductionReturn,
    IntroductionStatus,
    MatchRun,
    ReturnKind,
    Suggestion,
    SuggestionKind,
    SuggestionStatus,
    WorkspaceConcept,
)
from kesher.introductions.reasons import reason_text
from kesher.network import selectors as network_selectors
from kesher.network.models import Need, Offer
from kesher.people import selectors as people_selectors
from kesher.people.models import Person

router = Router()

READ_ERRORS = error_responses(404)
WRITE_ERRORS = error_responses(400, 404, 409, 422)
LIST_ERRORS = error_responses(422)
CREATE_ERRORS = error_responses(400, 409, 422)

Message = Annotated[str, StringConstraints(min_length=1, max_length=services.MAX_MESSAGE_LENGTH)]
Note = Annotated[str, StringConstraints(max_length=services.MAX_NOTE_LENGTH)]
Currency = Annotated[str, StringConstraints(strip_whitespace=True, max_length=3)]
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]


# Shared pieces.


class ItemRef(Schema):
    """A need or an offer, by id, with its text."""

    id: uuid.UUID
    text: str
    status: str


def item_ref(item: Need | Offer | None) -> ItemRef | None:
    return None if item is None else ItemRef(id=item.public_id, text=item.text, status=item.status)


class ReasonOut(Schema):
    kind: str = Field(
        description="concept, related, term, learned, learned_penalty, intent, semantic, "
        "shared_interest, shared_group, shared_event or knows_both."
    )
    left: str = Field(description="What the need side says (or the shared group, interest…).")
    right: str = Field(description="What the offer side says.")
    concept: str | None
    other_concept: str | None
    weight: float = Field(description="The part of the score this evidence contributed.")
    count: int = Field(description="How many decisions a learned reason rests on.")
    text: str = Field(description="The reason phrased in the request's language.")

    @classmethod
    def of(cls, reason: dict[str, Any]) -> ReasonOut:
        return cls(
            kind=str(reason.get("kind", "")),
            left=str(reason.get("left", "")),
            right=str(reason.get("right", "")),
            concept=reason.get("concept"),
            other_concept=reason.get("other_concept"),
            weight=float(reason.get("weight", 0.0)),
            count=int(reason.get("count", 0)),
            text=reason_text(reason),
        )


def _person(request: ApiRequest, field: str, public_id: uuid.UUID | None) -> Person | None:
    return payload_ref_optional(
        field, people_selectors.person_get, workspace=request.auth.workspace, public_id=public_id
    )


# Suggestions.


class SuggestionOut(Schema):
    id: uuid.UUID
    kind: SuggestionKind
    person_a: Ref = Field(description="The need side for need_offer suggestions.")
    person_b: Ref = Field(description="The offer side for need_offer suggestions.")
    need: ItemRef | None
    offer: ItemRef | None
    score: float = Field(description="Relative: a strong match is about 1, up to about 2.")
    reasons: list[ReasonOut]
    status: SuggestionStatus
    snoozed_until: dt.date | None
    dismiss_reason: str
    decided_at: dt.datetime | None
    created_at: dt.datetime

    @classmethod
    def of(cls, suggestion: Suggestion) -> SuggestionOut:
        return cls(
            id=suggestion.public_id,
            kind=SuggestionKind(suggestion.kind),
            person_a=Ref(id=suggestion.person_a.public_id, name=suggestion.person_a.name),
            person_b=Ref(id=suggestion.person_b.public_id, name=suggestion.person_b.name),
            need=item_ref(suggestion.need),
            offer=item_ref(suggestion.offer),
            score=suggestion.score,
            reasons=[ReasonOut.of(reason) for reason in suggestion.reasons],
            status=SuggestionStatus(suggestion.status),
            snoozed_until=suggestion.snoozed_until,
            dismiss_reason=suggestion.dismiss_reason,
            decided_at=suggestion.decided_at,
            created_at=suggestion.created_at,
        )


class SuggestionFilters(Schema):
    person: uuid.UUID | None = Field(None, description="Suggestions with this person on a side.")
    status: SuggestionStatus | None = Field(
        SuggestionStatus.OPEN,
        description="open (the default) also lists snoozed ones whose day has come.",
    )
    kind: SuggestionKind | None = None


class SnoozeIn(Schema):
    until: dt.date | None = Field(None, description="Default: a week from today.")


class DismissIn(Schema):
    reason: Note = Field("", description="Why it is not a good match (helps learning).")


@router.get(
    "/suggestions", response={200: Page[SuggestionOut], **LIST_ERRORS}, tags=["suggestions"]
)
def suggestion_list(
    request: ApiRequest, filters: Query[SuggestionFilters], page: Query[PageParams]
) -> Page[SuggestionOut]:
    suggestions = selectors.suggestion_list(
        workspace=request.auth.workspace,
        person=_person(request, "person", filters.person),
        status=filters.status,
        kind=filters.kind,
    )
    return paginate(suggestions, page, SuggestionOut.of)


@router.get(
    "/suggestions/{suggestion_id}",
    response={200: SuggestionOut, **READ_ERRORS},
    tags=["suggestions"],
)
def suggestion_get(request: ApiRequest, suggestion_id: uuid.UUID) -> SuggestionOut:
    return SuggestionOut.of(
        selectors.suggestion_get(workspace=request.auth.workspace, public_id=suggestion_id)
    )


# Introductions.


class ReturnOut(Schema):
    id: uuid.UUID
    kind: ReturnKind
    from_person: Ref
    referred_person: Ref | None
    description: str
    value: Decimal | None
    currency: str
    occurred_on: dt.date

    @classmethod
    def of(cls, ret: IntroductionReturn) -> ReturnOut:
        return cls(
            id=ret.public_id,
            kind=ReturnKind(ret.kind),
            from_person=Ref(id=ret.from_person.public_id, name=ret.from_person.name),
            referred_person=ref(ret.referred_person),
            description=ret.description,
            value=ret.value,
            currency=ret.currency,
            occurred_on=ret.occurred_on,
        )


class IntroductionOut(Schema):
    id: uuid.UUID
    person_a: Ref = Field(description="The need side (side “a”).")
    person_b: Ref = Field(description="The offer side (side “b”).")
    need: ItemRef | None
    offer: ItemRef | None
    suggestion: uuid.UUID | None
    status: IntroductionStatus
    allowed_transitions: list[IntroductionStatus] = Field(
        description="The statuses it can move to next (POST …/transition)."
    )
    a_accepted_at: dt.datetime | None
    b_accepted_at: dt.datetime | None
    proposed_at: dt.datetime | None
    accepted_at: dt.datetime | None
    connected_at: dt.datetime | None
    closed_at: dt.datetime | None
    declined_at: dt.datetime | None
    message_a: str = Field(description="The double-opt-in draft to person_a, in their language.")
    message_b: str = Field(description="The double-opt-in draft to person_b, in their language.")
    note: str
    outcome: str = Field(description="deal, nothing, or empty until closed.")
    outcome_value: Decimal | None
    outcome_currency: str
    outcome_note: str
    give: uuid.UUID | None = Field(description="The give-ledger interaction logged when proposed.")
    returns: list[ReturnOut]
    created_at: dt.datetime

    @classmethod
    def of(cls, introduction: Introduction) -> IntroductionOut:
        return cls(
            id=introduction.public_id,
            person_a=Ref(id=introduction.person_a.public_id, name=introduction.person_a.name),
            person_b=Ref(id=introduction.person_b.public_id, name=introduction.person_b.name),
            need=item_ref(introduction.need),
            offer=item_ref(introduction.offer),
            suggestion=introduction.suggestion.public_id if introduction.suggestion else None,
            status=IntroductionStatus(introduction.status),
            allowed_transitions=[
                IntroductionStatus(status)
                for status in selectors.introduction_allowed_transitions(introduction)
            ],
            a_accepted_at=introduction.a_accepted_at,
            b_accepted_at=introduction.b_accepted_at,
            proposed_at=introduction.proposed_at,
            accepted_at=introduction.accepted_at,
            connected_at=introduction.connected_at,
            closed_at=introduction.closed_at,
            declined_at=introduction.declined_at,
            message_a=introduction.message_a,
            message_b=introduction.message_b,
            note=introduction.note,
            outcome=introduction.outcome,
            outcome_value=introduction.outcome_value,
            outcome_currency=introduction.outcome_currency,
            outcome_note=introduction.outcome_note,
            give=introduction.give.public_id if introduction.give else None,
            returns=[ReturnOut.of(ret) for ret in introduction.returns.all()],
            created_at=introduction.created_at,
        )


class IntroductionSummaryOut(Schema):
    id: uuid.UUID
    person_a: Ref
    person_b: Ref
    need: ItemRef | None
    offer: ItemRef | None
    status: IntroductionStatus
    outcome: str
    created_at: dt.datetime

    @classmethod
    def of(cls, introduction: Introduction) -> IntroductionSummaryOut:
        return cls(
            id=introduction.public_id,
            person_a=Ref(id=introduction.person_a.public_id, name=introduction.person_a.name),
            person_b=Ref(id=introduction.person_b.public_id, name=introduction.person_b.name),
            need=item_ref(introduction.need),
            offer=item_ref(introduction.offer),
            status=IntroductionStatus(introduction.status),
            outcome=introduction.outcome,
            created_at=introduction.created_at,
        )


class TransitionErrorOut(ErrorOut):
    allowed: list[IntroductionStatus] = Field(description="Where it can go from here.")


TRANSITION_ERRORS: dict[int, type[ErrorOut]] = {**WRITE_ERRORS, 409: TransitionErrorOut}


class IntroductionFilters(Schema):
    person: uuid.UUID | None = None
    status: IntroductionStatus | None = None


class IntroductionIn(Schema):
    person_a: uuid.UUID = Field(description="The person with the need (side “a”).")
    person_b: uuid.UUID = Field(description="The person who can help (side “b”).")
    need: uuid.UUID | None = Field(None, description="person_a's need, if any.")
    offer: uuid.UUID | None = Field(None, description="person_b's offer, if any.")
    note: Note = ""


class MessagesIn(Schema):
    message_a: Message
    message_b: Message


if TYPE_CHECKING:
    MessagesPatch = MessagesIn
else:
    MessagesPatch = partial_schema(MessagesIn)


class TransitionIn(Schema):
    to: IntroductionStatus
    side: Literal["a", "b"] | None = Field(
        None, description="For to=accepted: whose yes this is (both are needed)."
    )
    send_email: bool = Field(
        False, description="For to=proposed: email each person their message (when known)."
    )


class OutcomeIn(Schema):
    outcome: Literal["deal", "nothing"]
    value: Money | None = Field(None, description="For a deal: what it was worth.")
    currency: Currency = Field("", description="ISO code; default: the workspace's currency.")
    note: Note = ""


class ReturnIn(Schema):
    from_person: uuid.UUID = Field(description="person_a or person_b of the introduction.")
    kind: ReturnKind
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
    ]
    value: Money | None = None
    currency: Currency = ""
    occurred_on: dt.date
    referred_person: uuid.UUID | None = Field(None, description="For a referral: who.")


def _introduction_out(request: ApiRequest, introduction: Introduction) -> IntroductionOut:
    return IntroductionOut.of(
        selectors.introduction_get(
            workspace=request.auth.workspace, public_id=introduction.public_id
        )
    )


def _transition_conflict(exc: services.IntroductionTransitionError) -> HttpResponse:
    """409 in the API's error shape, plus the statuses the introduction can move to."""
    body = error_body(exc.message, exc.code)
    body["allowed"] = exc.allowed
    return JsonResponse(body, status=409)


def _introduction_move(
    request: ApiRequest, introduction_id: uuid.UUID, move: Callable[[Introduction], object]
) -> IntroductionOut | HttpResponse:
    """The introduction after `move`, or a 409 when its status does not allow the move."""
    introduction = selectors.introduction_get(
        workspace=request.auth.workspace, public_id=introduction_id
    )
    try:
        move(introduction)
    except services.IntroductionTransitionError as exc:
        return _transition_conflict(exc)
    return _introduction_out(request, introduction)


@router.post(
    "/suggestions/{suggestion_id}/accept",
    response={201: IntroductionOut, **WRITE_ERRORS},
    tags=["suggestions"],
)
def suggestion_accept(request: ApiRequest, suggestion_id: uuid.UUID) -> Status[IntroductionOut]:
    suggestion = selectors.suggestion_get(workspace=request.auth.workspace, public_id=suggestion_id)
    introduction = services.suggestion_accept(suggestion=suggestion, user=request.auth.user)
    return Status(201, _introduction_out(request, introduction))


@router.post(
    "/suggestions/{suggestion_id}/snooze",
    response={200: SuggestionOut, **WRITE_ERRORS},
    tags=["suggestions"],
)
def suggestion_snooze(
    request: ApiRequest, suggestion_id: uuid.UUID, payload: SnoozeIn
) -> SuggestionOut:
    suggestion = selectors.suggestion_get(workspace=request.auth.workspace, public_id=suggestion_id)
    services.suggestion_snooze(suggestion=suggestion, user=request.auth.user, until=payload.until)
    return SuggestionOut.of(suggestion)


@router.post(
    "/suggestions/{suggestion_id}/dismiss",
    response={200: SuggestionOut, **WRITE_ERRORS},
    tags=["suggestions"],
)
def suggestion_dismiss(
    request: ApiRequest, suggestion_id: uuid.UUID, payload: DismissIn
) -> SuggestionOut:
    suggestion = selectors.suggestion_get(workspace=request.auth.workspace, public_id=suggestion_id)
    services.suggestion_dismiss(
        suggestion=suggestion, user=request.auth.user, reason=payload.reason
    )
    return SuggestionOut.of(suggestion)


@router.get(
    "/introductions",
    response={200: Page[IntroductionSummaryOut], **LIST_ERRORS},
    tags=["introductions"],
)
def introduction_list(
    request: ApiRequest, filters: Query[IntroductionFilters], page: Query[PageParams]
) -> Page[IntroductionSummaryOut]:
    introductions = selectors.introduction_list(
        workspace=request.auth.workspace,
        person=_person(request, "person", filters.person),
        status=filters.status,
    )
    return paginate(introductions, page, IntroductionSummaryOut.of)


@router.post(
    "/introductions", response={201: IntroductionOut, **CREATE_ERRORS}, tags=["introductions"]
)
def introduction_create(request: ApiRequest, payload: IntroductionIn) -> Status[IntroductionOut]:
    workspace = request.auth.workspace
    person_a = payload_ref(
        "person_a", people_selectors.person_get, workspace=workspace, public_id=payload.person_a
    )
    person_b = payload_ref(
        "person_b", people_selectors.person_get, workspace=workspace, public_id=payload.person_b
    )
    need = payload_ref_optional(
        "need", network_selectors.need_get, workspace=workspace, public_id=payload.need
    )
    offer = payload_ref_optional(
        "offer", network_selectors.offer_get, workspace=workspace, public_id=payload.offer
    )
    introduction = services.introduction_create(
        workspace=workspace,
        user=request.auth.user,
        person_a=person_a,
        person_b=person_b,
        need=need,
        offer=offer,
        note=payload.note,
    )
    return Status(201, _introduction_out(request, introduction))


@router.get(
    "/introductions/{introduction_id}",
    response={200: IntroductionOut, **READ_ERRORS},
    tags=["introductions"],
)
def introduction_get(request: ApiRequest, introduction_id: uuid.UUID) -> IntroductionOut:
    return IntroductionOut.of(
        selectors.introduction_get(workspace=request.auth.workspace, public_id=introduction_id)
    )


@router.patch(
    "/introductions/{introduction_id}",
    response={200: IntroductionOut, **WRITE_ERRORS},
    tags=["introductions"],
)
def introduction_patch(
    request: ApiRequest, introduction_id: uuid.UUID, payload: MessagesPatch
) -> IntroductionOut:
    """Edit the double-opt-in drafts (either or both)."""
    introduction = selectors.introduction_get(
        workspace=request.auth.workspace, public_id=introduction_id
    )
    values = payload.model_dump(include=payload.model_fields_set)
    services.introduction_update_messages(
        introduction=introduction,
        message_a=values.get("message_a") or introduction.message_a,
        message_b=values.get("message_b") or introduction.message_b,
    )
    return _introduction_out(request, introduction)


@router.post(
    "/introductions/{introduction_id}/transition",
    response={200: IntroductionOut, **TRANSITION_ERRORS},
    tags=["introductions"],
)
def introduction_transition(
    request: ApiRequest, introduction_id: uuid.UUID, payload: TransitionIn
) -> IntroductionOut | HttpResponse:
    """Move the introduction on: proposed (logs the give; `send_email` emails both drafts),
    accepted (one side's yes at a time: `side` a or b), connected, closed or declined. A move
    not allowed from the current status answers 409 with `allowed`."""

    def move(introduction: Introduction) -> object:
        if payload.to == IntroductionStatus.PROPOSED:
            return services.introduction_propose(
                introduction=introduction, user=request.auth.user, send_email=payload.send_email
            )
        return services.introduction_transition(
            introduction=introduction, to=payload.to, user=request.auth.user, side=payload.side
        )

    return _introduction_move(request, introduction_id, move)


@router.post(
    "/introductions/{introduction_id}/outcome",
    response={200: IntroductionOut, **TRANSITION_ERRORS},
    tags=["introductions"],
)
def introduction_outcome(
    request: ApiRequest, introduction_id: uuid.UUID, payload: OutcomeIn
) -> IntroductionOut | HttpResponse:
    """Close a connected introduction with what came of it between the two: a deal (and its
    value) or nothing. You get nothing from their deal: Kesher counts trust, not commission."""
    return _introduction_move(
        request,
        introduction_id,
        lambda introduction: services.introduction_record_outcome(
            introduction=introduction,
            user=request.auth.user,
            outcome=payload.outcome,
            value=payload.value,
            currency=payload.currency,
            note=payload.note,
        ),
    )


@router.post(
    "/introductions/{introduction_id}/returns",
    response={201: ReturnOut, **WRITE_ERRORS},
    tags=["introductions"],
)
def introduction_return_add(
    request: ApiRequest, introduction_id: uuid.UUID, payload: ReturnIn
) -> Status[ReturnOut]:
    """Trace something that came back later (a referral, a deal) to this introduction."""
    workspace = request.auth.workspace
    introduction = selectors.introduction_get(workspace=workspace, public_id=introduction_id)
    from_person = payload_ref(
        "from_person",
        people_selectors.person_get,
        workspace=workspace,
        public_id=payload.from_person,
    )
    referred = _person(request, "referred_person", payload.referred_person)
    ret = services.introduction_return_add(
        introduction=introduction,
        from_person=from_person,
        kind=payload.kind,
        description=payload.description,
        value=payload.value,
        currency=payload.currency,
        occurred_on=payload.occurred_on,
        referred_person=referred,
    )
    return Status(201, ReturnOut.of(ret))


# The give ledger.


class CandidateReturnOut(Schema):
    introduction: uuid.UUID
    person: Ref = Field(description="Referred by one side after the introduction.")
    referred_by: Ref


class GiveLedgerOut(Schema):
    gives: int
    asks: int
    gives_by_kind: dict[str, int]
    introductions_made: int = Field(description="Proposed or further along (declined included).")
    introductions_by_status: dict[str, int]
    deals_between_them: int = Field(description="Deals between people you introduced.")
    deal_value_by_currency: dict[str, Decimal] = Field(
        description="What those deals were worth to them — none of it is yours."
    )
    returns: list[ReturnOut]
    return_value_by_currency: dict[str, Decimal]
    candidate_returns: list[CandidateReturnOut] = Field(
        description="People either side referred after an introduction, not yet recorded."
    )


@router.get(
    "/give-ledger", response={200: GiveLedgerOut, **error_responses()}, tags=["introductions"]
)
def give_ledger(request: ApiRequest) -> GiveLedgerOut:
    ledger = selectors.give_ledger(workspace=request.auth.workspace)
    return GiveLedgerOut(
        gives=ledger.gives,
        asks=ledger.asks,
        gives_by_kind=ledger.gives_by_kind,
        introductions_made=ledger.introductions_made,
        introductions_by_status=ledger.introductions_by_status,
        deals_between_them=ledger.deals_between_them,
        deal_value_by_currency=ledger.deal_value_by_currency,
        returns=[ReturnOut.of(ret) for ret in ledger.returns],
        return_value_by_currency=ledger.return_value_by_currency,
        candidate_returns=[
            CandidateReturnOut(
                introduction=candidate.introduction.public_id,
                person=Ref(id=candidate.person.public_id, name=candidate.person.name),
                referred_by=Ref(
                    id=candidate.referred_by.public_id, name=candidate.referred_by.name
                ),
            )
            for candidate in ledger.candidate_returns
        ],
    )


# The workspace's vocabulary.

ConceptKey = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Term = Annotated[str, StringConstraints(max_length=services.MAX_TERM_LENGTH)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]


class ConceptOut(Schema):
    id: uuid.UUID
    key: str = Field(description="The concept id the matcher uses (a built-in id extends it).")
    label_he: str
    label_en: str
    terms_he: list[str]
    terms_en: list[str]
    related: list[str]
    broader: str

    @classmethod
    def of(cls, concept: WorkspaceConcept) -> ConceptOut:
        return cls(
            id=concept.public_id,
            key=concept.key,
            label_he=concept.label_he,
            label_en=concept.label_en,
            terms_he=list(concept.terms_he),
            terms_en=list(concept.terms_en),
            related=list(concept.related),
            broader=concept.broader,
        )


class ConceptIn(Schema):
    key: ConceptKey
    label_he: Label = ""
    label_en: Label = ""
    terms_he: list[Term] = Field([], max_length=services.MAX_CONCEPT_TERMS)
    terms_en: list[Term] = Field([], max_length=services.MAX_CONCEPT_TERMS)
    related: list[ConceptKey] = Field([], max_length=50, description="Ids of related concepts.")
    broader: Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)] = ""


if TYPE_CHECKING:
    ConceptPatch = ConceptIn
else:
    ConceptPatch = partial_schema(ConceptIn)


@router.get("/concepts", response={200: Page[ConceptOut], **LIST_ERRORS}, tags=["vocabulary"])
def concept_list(request: ApiRequest, page: Query[PageParams]) -> Page[ConceptOut]:
    return paginate(selectors.concept_list(workspace=request.auth.workspace), page, ConceptOut.of)


@router.post("/concepts", response={201: ConceptOut, **CREATE_ERRORS}, tags=["vocabulary"])
def concept_create(request: ApiRequest, payload: ConceptIn) -> Status[ConceptOut]:
    concept = services.concept_create(workspace=request.auth.workspace, **payload.model_dump())
    return Status(201, ConceptOut.of(concept))


@router.get(
    "/concepts/{concept_id}", response={200: ConceptOut, **READ_ERRORS}, tags=["vocabulary"]
)
def concept_get(request: ApiRequest, concept_id: uuid.UUID) -> ConceptOut:
    return ConceptOut.of(
        selectors.concept_get(workspace=request.auth.workspace, public_id=concept_id)
    )


@router.patch(
    "/concepts/{concept_id}", response={200: ConceptOut, **WRITE_ERRORS}, tags=["vocabulary"]
)
def concept_patch(request: ApiRequest, concept_id: uuid.UUID, payload: ConceptPatch) -> ConceptOut:
    concept = selectors.concept_get(workspace=request.auth.workspace, public_id=concept_id)
    values: dict[str, Any] = {
        "key": concept.key,
        "label_he": concept.label_he,
        "label_en": concept.label_en,
        "terms_he": list(concept.terms_he),
        "terms_en": list(concept.terms_en),
        "related": list(concept.related),
        "broader": concept.broader,
    }
    values.update(payload.model_dump(include=payload.model_fields_set))
    return ConceptOut.of(services.concept_update(concept=concept, **values))


@router.delete("/concepts/{concept_id}", response={204: None, **WRITE_ERRORS}, tags=["vocabulary"])
def concept_delete(request: ApiRequest, concept_id: uuid.UUID) -> Status[None]:
    concept = selectors.concept_get(workspace=request.auth.workspace, public_id=concept_id)
    services.concept_delete(concept=concept)
    return Status(204, None)


# Match runs.


class MatchRunOut(Schema):
    id: uuid.UUID
    status: str = Field(description="queued, running, done or failed.")
    progress: int = Field(description="0–100.")
    needs: int
    offers: int
    suggestions: int
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    error: str
    created_at: dt.datetime

    @classmethod
    def of(cls, run: MatchRun) -> MatchRunOut:
        return cls(
            id=run.public_id,
            status=run.status,
            progress=run.progress,
            needs=run.needs,
            offers=run.offers,
            suggestions=run.suggestions,
            started_at=run.started_at,
            finished_at=run.finished_at,
            error=run.error,
            created_at=run.created_at,
        )


@router.post("/match-runs", response={202: MatchRunOut, **error_responses()}, tags=["match runs"])
def match_run_start(request: ApiRequest) -> Status[MatchRunOut]:
    """Recompute every suggestion of the workspace in the background (`kesher worker`); poll
    the run for its progress. An unfinished run is returned instead of starting another."""
    run = services.match_run_start(workspace=request.auth.workspace, user=request.auth.user)
    return Status(202, MatchRunOut.of(run))


@router.get("/match-runs/latest", response={200: MatchRunOut, **READ_ERRORS}, tags=["match runs"])
def match_run_latest(request: ApiRequest) -> MatchRunOut:
    run = selectors.match_run_latest(workspace=request.auth.workspace)
    if run is None:
        raise NotFoundError(_("No match run yet: POST /api/v1/match-runs starts one."))
    return MatchRunOut.of(run)


@router.get("/match-runs/{run_id}", response={200: MatchRunOut, **READ_ERRORS}, tags=["match runs"])
def match_run_get(request: ApiRequest, run_id: uuid.UUID) -> MatchRunOut:
    return MatchRunOut.of(
        selectors.match_run_get(workspace=request.auth.workspace, public_id=run_id)
    )
