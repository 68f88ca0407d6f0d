"""/api/v1/ resources for the value-based pipeline: pipelines and their stages, deals (moving,
closing won or lost, walking away, reopening), promises, post-sale checks, satisfaction links,
advice, tasks and the report. Amounts are decimal strings ("1234.50"), never floats."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field, StringConstraints

from kesher.accounts.models import User
from kesher.api.auth import ApiRequest
from kesher.api.crud import Resource, crud_endpoints
from kesher.api.errors import ErrorOut, error_responses, payload_ref, payload_ref_optional
from kesher.api.pagination import Page, PageParams, paginate
from kesher.api.schemas import Ref, partial_schema, ref
from kesher.core.exceptions import NotFoundError
from kesher.deals import selectors, services
from kesher.deals.models import (
    FIT_FIELDS,
    VALUE_CASE_FIELDS,
    Deal,
    DealStageChange,
    DealStatus,
    Disposition,
    LossCategory,
    Pipeline,
    PipelineKind,
    PostSaleCheck,
    Product,
    Promise,
    PromiseKind,
    PromiseStatus,
    SatisfactionRequest,
    Stage,
    StageRole,
    Task,
    TaskKind,
)
from kesher.engine.deals import Advice, Ratio
from kesher.people import selectors as people_selectors
from kesher.workspaces import selectors as workspace_selectors
from kesher.workspaces.models import Workspace

router = Router()

READ_ERRORS = error_responses(404)
LIST_ERRORS = error_responses(422)
CREATE_ERRORS = error_responses(403, 409, 422)
WRITE_ERRORS = error_responses(403, 404, 409, 422)
DELETE_ERRORS = error_responses(403, 404, 409)

Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=services.MAX_TITLE_LENGTH),
]
NextAction = Annotated[str, StringConstraints(max_length=services.MAX_NEXT_ACTION_LENGTH)]
Note = Annotated[str, StringConstraints(max_length=services.MAX_NOTE_LENGTH)]
StageName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
PipelineName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)
]
Currency = Annotated[str, StringConstraints(strip_whitespace=True, max_length=3)]
ProductName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=14, decimal_places=2, description='A decimal string, e.g. "1234.50".'),
]


# Shared pieces.


class UserRef(Schema):
    id: uuid.UUID
    name: str


def user_ref(user: User | None) -> UserRef | None:
    return None if user is None else UserRef(id=user.public_id, name=str(user))


def _workspace(request: ApiRequest) -> Workspace:
    return request.auth.workspace


def _member(request: ApiRequest, field: str, public_id: uuid.UUID | None) -> User | None:
    """A workspace member named in a payload or filter (unknown: 422 on that field)."""
    if public_id is None:
        return None

    return payload_ref(
        field,
        workspace_selectors.member_user_get,
        workspace=_workspace(request),
        public_id=public_id,
    )


# Pipelines and stages.


class StageOut(Schema):
    id: uuid.UUID
    name: str
    position: int = Field(description="0 is the first stage.")
    role: str = Field(description='"", "won", "delivered" or "paid".')
    requires_value_case: bool = Field(
        description="Moving a deal here needs the four value-case answers."
    )

    @classmethod
    def of(cls, stage: Stage, value_case_from: int | None) -> StageOut:
        return cls(
            id=stage.public_id,
            name=stage.name,
            position=stage.position,
            role=stage.role,
            requires_value_case=value_case_from is not None and stage.position >= value_case_from,
        )


class PipelineOut(Schema):
    id: uuid.UUID
    name: str
    kind: PipelineKind
    is_default: bool
    value_case_stage: uuid.UUID | None = Field(
        description="Deals need the value case from this stage on (null: never)."
    )
    post_sale_days: list[int] = Field(description="Days after closing won of each check.")
    first_deal_factor: Decimal = Field(
        description="A first deal above this × the median first deal is oversized."
    )
    first_deal_threshold: Decimal | None = Field(
        description="Below five past first deals: a first deal above this is oversized."
    )
    stages: list[StageOut]

    @classmethod
    def of(cls, pipeline: Pipeline) -> PipelineOut:
        value_case = pipeline.value_case_stage
        from_position = value_case.position if value_case is not None else None
        stages = sorted(pipeline.stages.all(), key=lambda stage: stage.position)
        return cls(
            id=pipeline.public_id,
            name=pipeline.name,
            kind=PipelineKind(pipeline.kind),
            is_default=pipeline.is_default,
            value_case_stage=value_case.public_id if value_case is not None else None,
            post_sale_days=[int(day) for day in pipeline.post_sale_days.split(",") if day],
            first_deal_factor=pipeline.first_deal_factor,
            first_deal_threshold=pipeline.first_deal_threshold,
            stages=[StageOut.of(stage, from_position) for stage in stages],
        )


class PipelineIn(Schema):
    name: PipelineName
    kind: PipelineKind = PipelineKind.SALES
    stage_names: list[StageName] | None = Field(
        None,
        max_length=services.MAX_STAGES,
        description="The stages in order; leave out for the kind's default stages.",
    )
    is_default: bool = Field(False, description="Make it the default of its kind.")


class PipelineChangeIn(Schema):
    name: PipelineName
    is_default: bool
    value_case_stage: uuid.UUID | None
    post_sale_days: list[Annotated[int, Field(ge=1, le=730)]] = Field(max_length=10)
    first_deal_factor: Annotated[Decimal, Field(gt=1, le=99, max_digits=4, decimal_places=2)]
    first_deal_threshold: Money | None


if TYPE_CHECKING:
    PipelinePatch = PipelineChangeIn
else:
    PipelinePatch = partial_schema(PipelineChangeIn)


class StageIn(Schema):
    name: StageName
    role: StageRole = StageRole.NONE
    position: int | None = Field(None, ge=0, description="0 = first; default: last.")


class StagePatch(Schema):
    name: StageName | None = None
    role: StageRole | None = None
    position: int | None = Field(None, ge=0, description="Move the stage here (0 = first).")


def _pipeline(request: ApiRequest, pipeline_id: uuid.UUID) -> Pipeline:
    return selectors.pipeline_get(workspace=_workspace(request), public_id=pipeline_id)


def _pipeline_out(request: ApiRequest, pipeline: Pipeline) -> PipelineOut:
    return PipelineOut.of(_pipeline(request, pipeline.public_id))


def _stage_of(request: ApiRequest, pipeline_id: uuid.UUID, stage_id: uuid.UUID) -> Stage:
    stage = selectors.stage_get(workspace=_workspace(request), public_id=stage_id)
    if stage.pipeline.public_id != pipeline_id:
        raise NotFoundError(_("Stage not found."))
    return stage


@router.get("/pipelines", response={200: Page[PipelineOut], **LIST_ERRORS}, tags=["pipelines"])
def pipeline_list(
    request: ApiRequest, page: Query[PageParams], kind: PipelineKind | None = None
) -> Page[PipelineOut]:
    """The workspace's pipelines, defaults first (the default sales and recruiting pipelines are
    created on first use)."""
    services.pipelines_ensure_defaults(workspace=_workspace(request))
    return paginate(
        selectors.pipeline_list(workspace=_workspace(request), kind=kind), page, PipelineOut.of
    )


@router.post("/pipelines", response={201: PipelineOut, **CREATE_ERRORS}, tags=["pipelines"])
def pipeline_create(request: ApiRequest, payload: PipelineIn) -> Status[PipelineOut]:
    pipeline = services.pipeline_create(
        workspace=_workspace(request),
        actor=request.auth.user,
        name=payload.name,
        kind=payload.kind,
        stage_names=payload.stage_names,
        is_default=payload.is_default,
    )
    return Status(201, _pipeline_out(request, pipeline))


@router.get(
    "/pipelines/{pipeline_id}", response={200: PipelineOut, **READ_ERRORS}, tags=["pipelines"]
)
def pipeline_get(request: ApiRequest, pipeline_id: uuid.UUID) -> PipelineOut:
    return PipelineOut.of(_pipeline(request, pipeline_id))


@router.patch(
    "/pipelines/{pipeline_id}", response={200: PipelineOut, **WRITE_ERRORS}, tags=["pipelines"]
)
def pipeline_patch(
    request: ApiRequest, pipeline_id: uuid.UUID, payload: PipelinePatch
) -> PipelineOut:
    pipeline = _pipeline(request, pipeline_id)
    sent = payload.model_fields_set
    value_case_stage = pipeline.value_case_stage
    if "value_case_stage" in sent:
        value_case_stage = payload_ref_optional(
            "value_case_stage",
            selectors.stage_get,
            workspace=_workspace(request),
            public_id=payload.value_case_stage,
        )

    def pick(field: str, current: Any) -> Any:
        value = getattr(payload, field)
        return value if field in sent and value is not None else current

    services.pipeline_update(
        pipeline=pipeline,
        actor=request.auth.user,
        name=pick("name", pipeline.name),
        is_default=pick("is_default", pipeline.is_default),
        value_case_stage=value_case_stage,
        post_sale_days=pick("post_sale_days", pipeline.post_sale_days),
        first_deal_threshold=(
            payload.first_deal_threshold
            if "first_deal_threshold" in sent
            else pipeline.first_deal_threshold
        ),
        first_deal_factor=pick("first_deal_factor", pipeline.first_deal_factor),
    )
    return _pipeline_out(request, pipeline)


@router.delete(
    "/pipelines/{pipeline_id}", response={204: None, **DELETE_ERRORS}, tags=["pipelines"]
)
def pipeline_delete(request: ApiRequest, pipeline_id: uuid.UUID) -> Status[None]:
    """Delete a pipeline without deals that is not a default (409 otherwise)."""
    services.pipeline_delete(pipeline=_pipeline(request, pipeline_id), actor=request.auth.user)
    return Status(204, None)


@router.get(
    "/pipelines/{pipeline_id}/stages",
    response={200: list[StageOut], **READ_ERRORS},
    tags=["pipelines"],
)
def stage_list(request: ApiRequest, pipeline_id: uuid.UUID) -> list[StageOut]:
    return PipelineOut.of(_pipeline(request, pipeline_id)).stages


@router.post(
    "/pipelines/{pipeline_id}/stages",
    response={201: StageOut, **WRITE_ERRORS},
    tags=["pipelines"],
)
def stage_create(request: ApiRequest, pipeline_id: uuid.UUID, payload: StageIn) -> Status[StageOut]:
    pipeline = _pipeline(request, pipeline_id)
    stage = services.stage_create(
        pipeline=pipeline,
        actor=request.auth.user,
        name=payload.name,
        role=payload.role,
        position=payload.position,
    )
    return Status(201, _stage_out(request, pipeline_id, stage.public_id))


def _stage_out(request: ApiRequest, pipeline_id: uuid.UUID, stage_id: uuid.UUID) -> StageOut:
    for stage in PipelineOut.of(_pipeline(request, pipeline_id)).stages:
        if stage.id == stage_id:
            return stage
    raise NotFoundError(_("Stage not found."))


@router.patch(
    "/pipelines/{pipeline_id}/stages/{stage_id}",
    response={200: StageOut, **WRITE_ERRORS},
    tags=["pipelines"],
)
def stage_patch(
    request: ApiRequest, pipeline_id: uuid.UUID, stage_id: uuid.UUID, payload: StagePatch
) -> StageOut:
    """Rename a stage, change its role, or move it to another position."""
    stage = _stage_of(request, pipeline_id, stage_id)
    if payload.name is not None or payload.role is not None:
        services.stage_update(
            stage=stage,
            actor=request.auth.user,
            name=payload.name if payload.name is not None else stage.name,
            role=payload.role if payload.role is not None else stage.role,
        )
    if payload.position is not None:
        services.stage_move(stage=stage, actor=request.auth.user, position=payload.position)
    return _stage_out(request, pipeline_id, stage_id)


@router.delete(
    "/pipelines/{pipeline_id}/stages/{stage_id}",
    response={204: None, **DELETE_ERRORS},
    tags=["pipelines"],
)
def stage_delete(request: ApiRequest, pipeline_id: uuid.UUID, stage_id: uuid.UUID) -> Status[None]:
    """Delete a stage no deal is in (409 "in_use" otherwise)."""
    services.stage_delete(stage=_stage_of(request, pipeline_id, stage_id), actor=request.auth.user)
    return Status(204, None)


# Products: the workspace's offerings, for a deal and for what to offer next.


class ProductOut(Schema):
    id: uuid.UUID
    name: str
    price: Decimal | None = Field(description='A decimal string, e.g. "1234.50"; null: no price.')
    currency: str = Field(description="The price's currency (empty without a price).")
    active: bool = Field(description="Offered now: inactive products are not suggested.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, product: Product) -> ProductOut:
        return cls(
            id=product.public_id,
            name=product.name,
            price=product.price,
            currency=product.currency,
            active=product.active,
            created_at=product.created_at,
            updated_at=product.updated_at,
        )


class ProductIn(Schema):
    name: ProductName
    price: Money | None = None
    currency: Currency = Field("", description="Default: the workspace's currency.")
    active: bool = True


if TYPE_CHECKING:
    ProductPatch = ProductIn
else:
    ProductPatch = partial_schema(ProductIn)


class ProductFilters(Schema):
    active: bool | None = Field(None, description="Only the active (true) or inactive (false).")


crud_endpoints(
    router,
    __name__,
    Resource(
        name="product",
        path="/products",
        tag="products",
        out=ProductOut,
        build=ProductOut.of,
        payload=ProductIn,
        change=ProductIn,
        patch=ProductPatch,
        get=selectors.product_get,
        items=lambda request, filters: selectors.product_list(
            workspace=_workspace(request), active=filters.active
        ),
        create=lambda request, payload: services.product_create(
            workspace=_workspace(request), actor=request.auth.user, **payload.model_dump()
        ),
        update=lambda product, values: services.product_update(product=product, **values),
        delete=lambda product, **acting: services.product_delete(product=product, **acting),
        filters=ProductFilters,
        actor=True,
        summaries={"delete": "Delete a product; its deals keep their amounts, without it"},
    ),
)


# Deals.


class StageRef(Schema):
    id: uuid.UUID
    name: str
    role: str


class DealSummaryOut(Schema):
    id: uuid.UUID
    title: str
    pipeline: Ref
    stage: StageRef
    status: DealStatus
    person: Ref | None
    organization: Ref | None
    owner: UserRef | None
    product: Ref | None
    amount: Decimal = Field(description='A decimal string, e.g. "1234.50".')
    currency: str
    expected_close: dt.date | None
    next_action: str
    next_action_on: dt.date | None
    disposition: Disposition
    closed_at: dt.datetime | None
    updated_at: dt.datetime

    @classmethod
    def fields_of(cls, deal: Deal) -> dict[str, Any]:
        return {
            "id": deal.public_id,
            "title": deal.title,
            "pipeline": ref(deal.pipeline),
            "stage": StageRef(id=deal.stage.public_id, name=deal.stage.name, role=deal.stage.role),
            "status": DealStatus(deal.status),
            "person": ref(deal.person),
            "organization": ref(deal.organization),
            "owner": user_ref(deal.owner),
            "product": ref(deal.product),
            "amount": deal.amount,
            "currency": deal.currency,
            "expected_close": deal.expected_close,
            "next_action": deal.next_action,
            "next_action_on": deal.next_action_on,
            "disposition": Disposition(deal.disposition),
            "closed_at": deal.closed_at,
            "updated_at": deal.updated_at,
        }

    @classmethod
    def of(cls, deal: Deal) -> DealSummaryOut:
        return cls(**cls.fields_of(deal))


class StageChangeOut(Schema):
    from_stage: str
    to_stage: str
    changed_by: UserRef | None
    changed_at: dt.datetime

    @classmethod
    def of(cls, change: DealStageChange) -> StageChangeOut:
        return cls(
            from_stage=change.from_stage_name,
            to_stage=change.to_stage_name,
            changed_by=user_ref(change.changed_by),
            changed_at=change.changed_at,
        )


class DealOut(DealSummaryOut):
    value_value: str = Field(description="What value do we bring?")
    value_why_us: str = Field(description="Why should they choose us?")
    value_why_now: str = Field(description="Why now?")
    value_alternative: str = Field(description="The alternative: a competitor, or doing nothing.")
    value_case_missing: list[str] = Field(description="The value-case fields still blank.")
    fit_need_real: bool | None
    fit_can_deliver: bool | None
    fit_decision_maker: bool | None
    fit_budget: bool | None
    walk_away_reason: str
    referred_to: Ref | None
    loss_category: str
    loss_reason: str
    loss_lesson: str
    at_risk: bool = Field(description="A broken promise's follow-up is still open.")
    history: list[StageChangeOut]
    created_at: dt.datetime

    @classmethod
    def of(cls, deal: Deal) -> DealOut:  # type: ignore[override]
        return cls(
            **cls.fields_of(deal),
            **{field: getattr(deal, field) for field in (*VALUE_CASE_FIELDS, *FIT_FIELDS)},
            value_case_missing=deal.value_case_missing,
            walk_away_reason=deal.walk_away_reason,
            referred_to=ref(deal.referred_to),
            loss_category=deal.loss_category,
            loss_reason=deal.loss_reason,
            loss_lesson=deal.loss_lesson,
            at_risk=selectors.deal_is_at_risk(deal=deal),
            history=[
                StageChangeOut.of(change) for change in selectors.deal_stage_changes(deal=deal)
            ],
            created_at=deal.created_at,
        )


class DealFilters(Schema):
    pipeline: uuid.UUID | None = None
    stage: uuid.UUID | None = None
    status: DealStatus | None = None
    owner: uuid.UUID | None = Field(None, description="A member's user id.")
    person: uuid.UUID | None = None
    organization: uuid.UUID | None = None
    overdue: bool = Field(False, description="Open deals whose next step's day has passed.")
    no_next_step: bool = Field(False, description="Open deals without a next step.")


class DealIn(Schema):
    pipeline: uuid.UUID | None = Field(None, description="Default: the default sales pipeline.")
    stage: uuid.UUID | None = Field(None, description="Default: the pipeline's first stage.")
    title: Title
    person: uuid.UUID | None = None
    organization: uuid.UUID | None = None
    owner: uuid.UUID | None = Field(None, description="A member's user id; default: you.")
    product: uuid.UUID | None = None
    amount: Money = Decimal("0")
    currency: Currency | None = Field(None, description="Default: the workspace's currency.")
    expected_close: dt.date | None = None
    next_action: NextAction = Field(description="An open deal always has a next step.")
    next_action_on: dt.date
    disposition: Disposition = Disposition.OPEN


class DealChangeIn(Schema):
    title: Title
    person: uuid.UUID | None
    organization: uuid.UUID | None
    owner: uuid.UUID | None
    product: uuid.UUID | None
    amount: Money
    currency: Currency
    expected_close: dt.date | None
    next_action: NextAction
    next_action_on: dt.date | None
    disposition: Disposition
    value_value: Note
    value_why_us: Note
    value_why_now: Note
    value_alternative: Note
    fit_need_real: bool | None
    fit_can_deliver: bool | None
    fit_decision_maker: bool | None
    fit_budget: bool | None


if TYPE_CHECKING:
    DealPatch = DealChangeIn
else:
    DealPatch = partial_schema(DealChangeIn)


class MoveIn(Schema):
    stage: uuid.UUID


class CloseLostIn(Schema):
    loss_category: LossCategory = Field(
        description="Where the loss came from: customer, company, market or own."
    )
    loss_reason: Note = Field(description="Why it was lost.")
    loss_lesson: Note = Field(description="What I will do differently.")


class WalkAwayIn(Schema):
    reason: Note = Field(description="Why this customer is not a fit.")
    referred_to: uuid.UUID | None = Field(
        None, description="The person we sent them to (recorded as a give)."
    )


class ReopenIn(Schema):
    next_action: NextAction | None = None
    next_action_on: dt.date | None = None


class ValueCaseMissingOut(ErrorOut):
    missing: list[str] | None = Field(
        None, description="For value_case_missing: the blank value-case fields."
    )
    promises: list[uuid.UUID] | None = Field(
        None, description="For promises_unchecked: the promises not checked yet."
    )


MOVE_ERRORS: dict[int, type[ErrorOut]] = {**WRITE_ERRORS, 409: ValueCaseMissingOut}


def _deal(request: ApiRequest, deal_id: uuid.UUID) -> Deal:
    return selectors.deal_get(workspace=_workspace(request), public_id=deal_id)


def _deal_out(request: ApiRequest, deal: Deal) -> DealOut:
    return DealOut.of(_deal(request, deal.public_id))


@router.get("/deals", response={200: Page[DealSummaryOut], **LIST_ERRORS}, tags=["deals"])
def deal_list(
    request: ApiRequest, filters: Query[DealFilters], page: Query[PageParams]
) -> Page[dict[str, Any]]:
    """Deals, most recently changed first."""
    workspace = _workspace(request)
    pipeline = payload_ref_optional(
        "pipeline", selectors.pipeline_get, workspace=workspace, public_id=filters.pipeline
    )
    deals = selectors.deal_list(
        workspace=workspace,
        pipeline=pipeline,
        stage=payload_ref_optional(
            "stage", selectors.stage_get, workspace=workspace, public_id=filters.stage
        ),
        status=filters.status,
        owner=_member(request, "owner", filters.owner),
        person=payload_ref_optional(
            "person", people_selectors.person_get, workspace=workspace, public_id=filters.person
        ),
        organization=payload_ref_optional(
            "organization",
            people_selectors.organization_get,
            workspace=workspace,
            public_id=filters.organization,
        ),
        overdue=filters.overdue,
        no_next_step=filters.no_next_step,
    )
    # Each row as the fields of its summary: the response is validated once, as it is sent.
    return paginate(selectors.deal_summaries(deals), page, DealSummaryOut.fields_of)


@router.post("/deals", response={201: DealOut, **CREATE_ERRORS}, tags=["deals"])
def deal_create(request: ApiRequest, payload: DealIn) -> Status[DealOut]:
    workspace = _workspace(request)
    pipeline = payload_ref_optional(
        "pipeline", selectors.pipeline_get, workspace=workspace, public_id=payload.pipeline
    ) or services.pipeline_default(workspace=workspace, kind=PipelineKind.SALES)
    deal = services.deal_create(
        workspace=workspace,
        actor=request.auth.user,
        pipeline=pipeline,
        stage=payload_ref_optional(
            "stage", selectors.stage_get, workspace=workspace, public_id=payload.stage
        ),
        title=payload.title,
        person=payload_ref_optional(
            "person", people_selectors.person_get, workspace=workspace, public_id=payload.person
        ),
        organization=payload_ref_optional(
            "organization",
            people_selectors.organization_get,
            workspace=workspace,
            public_id=payload.organization,
        ),
        owner=_member(request, "owner", payload.owner),
        product=payload_ref_optional(
            "product", selectors.product_get, workspace=workspace, public_id=payload.product
        ),
        amount=payload.amount,
        currency=payload.currency,
        expected_close=payload.expected_close,
        next_action=payload.next_action,
        next_action_on=payload.next_action_on,
        disposition=payload.disposition,
    )
    return Status(201, _deal_out(request, deal))


@router.get("/deals/{deal_id}", response={200: DealOut, **READ_ERRORS}, tags=["deals"])
def deal_get(request: ApiRequest, deal_id: uuid.UUID) -> DealOut:
    return DealOut.of(_deal(request, deal_id))


@router.patch("/deals/{deal_id}", response={200: DealOut, **WRITE_ERRORS}, tags=["deals"])
def deal_patch(request: ApiRequest, deal_id: uuid.UUID, payload: DealPatch) -> DealOut:
    """Change any of the deal's fields, its value case and its fit check. The stage and the
    status change through /move, /close-won, /close-lost, /walk-away and /reopen."""
    workspace = _workspace(request)
    deal = _deal(request, deal_id)
    sent = payload.model_fields_set
    actor = request.auth.user

    def value(field: str, current: Any) -> Any:
        return getattr(payload, field) if field in sent else current

    refs: dict[str, Any] = {
        "person": deal.person,
        "organization": deal.organization,
        "product": deal.product,
        "owner": deal.owner,
    }
    getters: dict[str, Any] = {
        "person": people_selectors.person_get,
        "organization": people_selectors.organization_get,
        "product": selectors.product_get,
    }
    for field, get in getters.items():
        if field in sent:
            refs[field] = payload_ref_optional(
                field, get, workspace=workspace, public_id=getattr(payload, field)
            )
    if "owner" in sent:
        refs["owner"] = _member(request, "owner", payload.owner)
    basic = {
        "title",
        "person",
        "organization",
        "owner",
        "product",
        "amount",
        "currency",
        "expected_close",
        "next_action",
        "next_action_on",
        "disposition",
    }
    if sent & basic:
        services.deal_update(
            deal=deal,
            actor=actor,
            title=value("title", deal.title),
            person=refs["person"],
            organization=refs["organization"],
            owner=refs["owner"],
            product=refs["product"],
            amount=value("amount", deal.amount),
            currency=value("currency", deal.currency),
            expected_close=value("expected_close", deal.expected_close),
            next_action=value("next_action", deal.next_action),
            next_action_on=value("next_action_on", deal.next_action_on),
            disposition=value("disposition", deal.disposition),
        )
    if sent & set(VALUE_CASE_FIELDS):
        services.deal_value_case_update(
            deal=deal,
            actor=actor,
            **{field: value(field, getattr(deal, field)) or "" for field in VALUE_CASE_FIELDS},
        )
    if sent & set(FIT_FIELDS):
        services.deal_fit_update(
            deal=deal,
            actor=actor,
            **{field: value(field, getattr(deal, field)) for field in FIT_FIELDS},
        )
    return _deal_out(request, deal)


@router.delete("/deals/{deal_id}", response={204: None, **DELETE_ERRORS}, tags=["deals"])
def deal_delete(request: ApiRequest, deal_id: uuid.UUID) -> Status[None]:
    services.deal_delete(deal=_deal(request, deal_id), actor=request.auth.user)
    return Status(204, None)


@router.post("/deals/{deal_id}/move", response={200: DealOut, **MOVE_ERRORS}, tags=["deals"])
def deal_move(request: ApiRequest, deal_id: uuid.UUID, payload: MoveIn) -> DealOut:
    """Move the deal to another stage of its pipeline. 409 with `code`:
    "value_case_missing" (and `missing`, the blank value-case fields) to or past the value-case
    stage; "promises_unchecked" (and `promises`) to or past delivery; "deal_closed" for a lost
    or walked-away deal, or a won one going back. Reaching the "won" stage closes it won."""
    deal = _deal(request, deal_id)
    stage = payload_ref(
        "stage", selectors.stage_get, workspace=_workspace(request), public_id=payload.stage
    )
    services.deal_move(deal=deal, stage=stage, actor=request.auth.user)
    return _deal_out(request, deal)


@router.post("/deals/{deal_id}/close-won", response={200: DealOut, **MOVE_ERRORS}, tags=["deals"])
def deal_close_won(request: ApiRequest, deal_id: uuid.UUID) -> DealOut:
    """Close the deal won (moves it to the "won" stage, with the same 409s as /move); creates
    its post-sale checks and a satisfaction link."""
    deal = _deal(request, deal_id)
    services.deal_close_won(deal=deal, actor=request.auth.user)
    return _deal_out(request, deal)


@router.post("/deals/{deal_id}/close-lost", response={200: DealOut, **WRITE_ERRORS}, tags=["deals"])
def deal_close_lost(request: ApiRequest, deal_id: uuid.UUID, payload: CloseLostIn) -> DealOut:
    """Close the deal lost, with its review: all three fields are required (422 otherwise)."""
    deal = _deal(request, deal_id)
    services.deal_close_lost(
        deal=deal,
        actor=request.auth.user,
        loss_category=payload.loss_category,
        loss_reason=payload.loss_reason,
        loss_lesson=payload.loss_lesson,
    )
    return _deal_out(request, deal)


@router.post("/deals/{deal_id}/walk-away", response={200: DealOut, **WRITE_ERRORS}, tags=["deals"])
def deal_walk_away(request: ApiRequest, deal_id: uuid.UUID, payload: WalkAwayIn) -> DealOut:
    """Walk away from a customer we cannot serve well, with the reason; `referred_to` records
    the referral as a give."""
    deal = _deal(request, deal_id)
    referred_to = payload_ref_optional(
        "referred_to",
        people_selectors.person_get,
        workspace=_workspace(request),
        public_id=payload.referred_to,
    )
    services.deal_walk_away(
        deal=deal, actor=request.auth.user, reason=payload.reason, referred_to=referred_to
    )
    return _deal_out(request, deal)


@router.post("/deals/{deal_id}/reopen", response={200: DealOut, **WRITE_ERRORS}, tags=["deals"])
def deal_reopen(request: ApiRequest, deal_id: uuid.UUID, payload: ReopenIn) -> DealOut:
    """Open a lost or walked-away deal again (send `{}` to keep its next step)."""
    deal = _deal(request, deal_id)
    services.deal_reopen(
        deal=deal,
        actor=request.auth.user,
        next_action=payload.next_action,
        next_action_on=payload.next_action_on,
    )
    return _deal_out(request, deal)


# Promises and post-sale checks.


class PromiseOut(Schema):
    id: uuid.UUID
    deal: uuid.UUID
    kind: PromiseKind
    text: str
    due_on: dt.date | None
    status: PromiseStatus
    checked_at: dt.datetime | None
    note: str

    @classmethod
    def of(cls, promise: Promise) -> PromiseOut:
        return cls(
            id=promise.public_id,
            deal=promise.deal.public_id,
            kind=PromiseKind(promise.kind),
            text=promise.text,
            due_on=promise.due_on,
            status=PromiseStatus(promise.status),
            checked_at=promise.checked_at,
            note=promise.note,
        )


class PromiseIn(Schema):
    kind: PromiseKind
    text: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=services.MAX_NOTE_LENGTH),
    ]
    due_on: dt.date | None = None


class PromiseCheckIn(Schema):
    kept: bool
    note: Note = ""


class PostSaleCheckOut(Schema):
    id: uuid.UUID
    deal: uuid.UUID
    offset_days: int
    due_on: dt.date
    understood: bool | None
    working: bool | None
    note: str
    done_at: dt.datetime | None

    @classmethod
    def of(cls, check: PostSaleCheck) -> PostSaleCheckOut:
        return cls(
            id=check.public_id,
            deal=check.deal.public_id,
            offset_days=check.offset_days,
            due_on=check.due_on,
            understood=check.understood,
            working=check.working,
            note=check.note,
            done_at=check.done_at,
        )


class PostSaleCheckIn(Schema):
    understood: bool = Field(
        description="Does the customer understand what they got and its value?"
    )
    working: bool = Field(description="Is it working?")
    note: Note = ""


@router.get(
    "/deals/{deal_id}/promises", response={200: list[PromiseOut], **READ_ERRORS}, tags=["deals"]
)
def promise_list(request: ApiRequest, deal_id: uuid.UUID) -> list[PromiseOut]:
    deal = _deal(request, deal_id)
    return [PromiseOut.of(promise) for promise in selectors.promise_list(deal=deal)]


@router.post(
    "/deals/{deal_id}/promises", response={201: PromiseOut, **WRITE_ERRORS}, tags=["deals"]
)
def promise_create(
    request: ApiRequest, deal_id: uuid.UUID, payload: PromiseIn
) -> Status[PromiseOut]:
    """Record what was promised at sale (checked at delivery)."""
    promise = services.promise_create(
        deal=_deal(request, deal_id),
        actor=request.auth.user,
        kind=payload.kind,
        text=payload.text,
        due_on=payload.due_on,
    )
    return Status(201, PromiseOut.of(promise))


@router.post(
    "/promises/{promise_id}/check", response={200: PromiseOut, **WRITE_ERRORS}, tags=["deals"]
)
def promise_check(
    request: ApiRequest, promise_id: uuid.UUID, payload: PromiseCheckIn
) -> PromiseOut:
    """Kept or broken; a broken promise gets a follow-up task and the customer is at risk until
    it is done."""
    promise = selectors.promise_get(workspace=_workspace(request), public_id=promise_id)
    services.promise_check(
        promise=promise, kept=payload.kept, note=payload.note, actor=request.auth.user
    )
    return PromiseOut.of(promise)


@router.get(
    "/deals/{deal_id}/post-sale-checks",
    response={200: list[PostSaleCheckOut], **READ_ERRORS},
    tags=["deals"],
)
def post_sale_check_list(request: ApiRequest, deal_id: uuid.UUID) -> list[PostSaleCheckOut]:
    deal = _deal(request, deal_id)
    return [PostSaleCheckOut.of(check) for check in selectors.post_sale_check_list(deal=deal)]


@router.post(
    "/post-sale-checks/{check_id}",
    response={200: PostSaleCheckOut, **WRITE_ERRORS},
    tags=["deals"],
)
def post_sale_check_record(
    request: ApiRequest, check_id: uuid.UUID, payload: PostSaleCheckIn
) -> PostSaleCheckOut:
    """Record a post-sale check; a negative one creates a task to fix what was found."""
    check = selectors.post_sale_check_get(workspace=_workspace(request), public_id=check_id)
    services.post_sale_check_record(
        check=check,
        understood=payload.understood,
        working=payload.working,
        note=payload.note,
        actor=request.auth.user,
    )
    return PostSaleCheckOut.of(check)


# Satisfaction.


class SatisfactionOut(Schema):
    id: uuid.UUID
    language: str
    score: int | None = Field(description="0–10, once answered.")
    comment: str
    answered_at: dt.datetime | None
    expires_at: dt.datetime

    @classmethod
    def of(cls, request: SatisfactionRequest) -> SatisfactionOut:
        return cls(
            id=request.public_id,
            language=request.language,
            score=request.score,
            comment=request.comment,
            answered_at=request.answered_at,
            expires_at=request.expires_at,
        )


class SatisfactionLinkOut(SatisfactionOut):
    url: str = Field(description="The customer's public, single-use link (no login).")


def satisfaction_path(token: str) -> str:
    try:
        return reverse("satisfaction", kwargs={"token": token})
    except NoReverseMatch:
        return f"/s/{token}/"


@router.get(
    "/deals/{deal_id}/satisfaction",
    response={200: list[SatisfactionOut], **READ_ERRORS},
    tags=["deals"],
)
def satisfaction_list(request: ApiRequest, deal_id: uuid.UUID) -> list[SatisfactionOut]:
    """The deal's satisfaction requests and answers, newest first."""
    deal = _deal(request, deal_id)
    return [SatisfactionOut.of(item) for item in selectors.satisfaction_request_list(deal=deal)]


@router.post(
    "/deals/{deal_id}/satisfaction",
    response={200: SatisfactionLinkOut, **WRITE_ERRORS},
    tags=["deals"],
)
def satisfaction_link(request: ApiRequest, deal_id: uuid.UUID) -> SatisfactionLinkOut:
    """The public link to send the customer (a won deal's open request, or a new one)."""
    item = services.satisfaction_request_create(
        deal=_deal(request, deal_id), actor=request.auth.user
    )
    url = request.build_absolute_uri(satisfaction_path(selectors.satisfaction_token(request=item)))
    return SatisfactionLinkOut(**SatisfactionOut.of(item).model_dump(), url=url)


# Advice and the report.


class StartSmallOut(Schema):
    amount: Decimal
    basis: str = Field(description='"median" of past first deals, or the pipeline "threshold".')
    reference: Decimal = Field(description="The median first deal, or the threshold.")
    limit: Decimal = Field(description="Above this a first deal is oversized.")
    suggested: Decimal = Field(description="A smaller first step, a round number.")
    sample_size: int = Field(description="How many past first deals the median rests on.")

    @classmethod
    def of(cls, advice: Advice | None) -> StartSmallOut | None:
        if advice is None:
            return None
        return cls(
            amount=advice.amount,
            basis=advice.basis,
            reference=advice.reference,
            limit=advice.limit,
            suggested=advice.suggested,
            sample_size=advice.sample_size,
        )


class NextOfferOut(Schema):
    product: Ref
    price: Decimal | None
    currency: str
    followers: int = Field(description="Customers who bought it next after the same product.")
    basis: str = Field(description='"history" or "catalogue".')


class AdviceOut(Schema):
    start_small: StartSmallOut | None = Field(
        description="Set when this open first deal looks oversized (advice, not a refusal)."
    )
    playbook: list[str] = Field(description="For the customer's disposition.")
    next_offers: list[NextOfferOut] = Field(
        description="For a delivered deal whose customer is satisfied."
    )


@router.get("/deals/{deal_id}/advice", response={200: AdviceOut, **READ_ERRORS}, tags=["deals"])
def deal_advice(request: ApiRequest, deal_id: uuid.UUID) -> AdviceOut:
    """Start small, the playbook for the customer's disposition, and what to offer next."""
    advice = selectors.deal_advice(deal=_deal(request, deal_id))
    return AdviceOut(
        start_small=StartSmallOut.of(advice.start_small),
        playbook=advice.playbook,
        next_offers=[
            NextOfferOut(
                product=Ref(id=row.product.public_id, name=row.product.name),
                price=row.product.price,
                currency=row.product.currency,
                followers=row.followers,
                basis=row.basis,
            )
            for row in advice.next_offers
        ],
    )


class RatioOut(Schema):
    part: int
    whole: int
    percent: Decimal | None

    @classmethod
    def of(cls, ratio: Ratio) -> RatioOut:
        return cls(part=ratio.part, whole=ratio.whole, percent=ratio.percent)


class StageValueOut(Schema):
    stage: StageRef
    pipeline: Ref
    count: int
    sums: dict[str, Decimal]


class ReportOut(Schema):
    conversion: dict[str, RatioOut] = Field(
        description="Per disposition: won out of closed (won, lost, walked away)."
    )
    losses_outward: RatioOut = Field(description="Losses blamed on customer, company or market.")
    losses_owned: RatioOut = Field(description="Losses the seller owned.")
    loss_categories: dict[str, int]
    satisfaction_count: int
    satisfaction_average: Decimal | None
    pipeline_value: list[StageValueOut] = Field(description="Open deals per stage and currency.")
    first_deal_median: dict[str, Decimal]


@router.get("/reports/deals", response={200: ReportOut, **LIST_ERRORS}, tags=["deals"])
def deal_report(request: ApiRequest, pipeline: uuid.UUID | None = None) -> ReportOut:
    workspace = _workspace(request)
    report = selectors.deal_report(
        workspace=workspace,
        pipeline=payload_ref_optional(
            "pipeline", selectors.pipeline_get, workspace=workspace, public_id=pipeline
        ),
    )
    return ReportOut(
        conversion={key: RatioOut.of(ratio) for key, ratio in report.conversion.items()},
        losses_outward=RatioOut.of(report.losses.outward),
        losses_owned=RatioOut.of(report.losses.owned),
        loss_categories=report.loss_categories,
        satisfaction_count=report.satisfaction.count,
        satisfaction_average=report.satisfaction.average,
        pipeline_value=[
            StageValueOut(
                stage=StageRef(id=row.stage.public_id, name=row.stage.name, role=row.stage.role),
                pipeline=Ref(id=row.stage.pipeline.public_id, name=row.stage.pipeline.name),
                count=row.count,
                sums=row.sums,
            )
            for row in report.pipeline_value
        ],
        first_deal_median=report.first_deal_median,
    )


# Tasks.


class TaskOut(Schema):
    id: uuid.UUID
    kind: TaskKind
    title: str
    due_on: dt.date
    done_at: dt.datetime | None
    deal: Ref | None
    person: Ref | None
    assignee: UserRef | None

    @classmethod
    def of(cls, task: Task) -> TaskOut:
        return cls(
            id=task.public_id,
            kind=TaskKind(task.kind),
            title=task.title,
            due_on=task.due_on,
            done_at=task.done_at,
            deal=ref(task.deal),
            person=ref(task.person),
            assignee=user_ref(task.assignee),
        )


class TaskFilters(Schema):
    open: bool = Field(True, description="Only tasks not done yet.")
    kind: TaskKind | None = None
    assignee: uuid.UUID | None = Field(None, description="A member's user id.")


@router.get("/tasks", response={200: Page[TaskOut], **LIST_ERRORS}, tags=["deals"])
def task_list(
    request: ApiRequest, filters: Query[TaskFilters], page: Query[PageParams]
) -> Page[TaskOut]:
    tasks = selectors.task_list(
        workspace=_workspace(request),
        open_only=filters.open,
        kind=filters.kind,
        assignee=_member(request, "assignee", filters.assignee),
    )
    return paginate(tasks, page, TaskOut.of)


@router.post("/tasks/{task_id}/complete", response={200: TaskOut, **WRITE_ERRORS}, tags=["deals"])
def task_complete(request: ApiRequest, task_id: uuid.UUID) -> TaskOut:
    task = selectors.task_get(workspace=_workspace(request), public_id=task_id)
    return TaskOut.of(services.task_complete(task=task, actor=request.auth.user))
