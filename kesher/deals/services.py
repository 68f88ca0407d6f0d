"""Writes for the value-based pipeline: pipelines and stages, deals (moving, closing won or lost,
walking away, reopening), value case and fit check, promises, post-sale checks, satisfaction
answers, products and tasks.

Default pipelines are created lazily: `pipeline_default` makes a workspace's default pipeline of
a kind on first use (in the workspace's language), so every workspace has one however it was
made (the web, the CLI, the demo, the tests) and no data migration is needed for old ones.

Owners and members write; a coach reads everything but every write here refuses them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from kesher.accounts.models import User
from kesher.core.exceptions import ConflictError, NotFoundError, PermissionDeniedError
from kesher.core.text import quoted_list
from kesher.core.validation import clean_text
from kesher.deals import selectors
from kesher.deals.exceptions import (
    PromisesUncheckedError,
    SatisfactionAnsweredError,
    ValueCaseMissingError,
)
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
    StageTotal,
    Task,
    TaskKind,
)
from kesher.network.models import Interaction
from kesher.network.services import InteractionData, interaction_log
from kesher.people.models import Organization, Person
from kesher.search import services as search_services
from kesher.search.models import SearchDocument
from kesher.workspaces.models import Membership, Role, Workspace

__all__ = [
    "SATISFACTION_LIFETIME",
    "deal_close_lost",
    "deal_close_won",
    "deal_create",
    "deal_delete",
    "deal_fit_update",
    "deal_move",
    "deal_reopen",
    "deal_update",
    "deal_value_case_update",
    "deal_walk_away",
    "pipeline_create",
    "pipeline_create_default",
    "pipeline_default",
    "pipeline_delete",
    "pipeline_update",
    "pipelines_ensure_defaults",
    "post_sale_check_record",
    "product_create",
    "product_delete",
    "product_update",
    "promise_check",
    "promise_create",
    "promise_delete",
    "satisfaction_answer",
    "satisfaction_request_create",
    "stage_create",
    "stage_delete",
    "stage_move",
    "stage_update",
    "task_complete",
    "task_create",
]

# How long the customer's satisfaction link stays valid.
SATISFACTION_LIFETIME = dt.timedelta(days=60)
MAX_AMOUNT = Decimal("999999999999.99")
MAX_TITLE_LENGTH = 200
MAX_NEXT_ACTION_LENGTH = 300
MAX_NOTE_LENGTH = 2000
MAX_STAGES = 30
CURRENCY = re.compile(r"^[A-Z]{3}$")
WRITE_ROLES = (Role.OWNER, Role.MEMBER)
# Stage positions are 0..n-1; renumbering passes through RENUMBER_OFFSET + i, and a new stage
# waits at PARKED_POSITION, so no two stages of a pipeline ever share a position.
RENUMBER_OFFSET = 1000
PARKED_POSITION = 32000

# The default stages (seed 004 for sales, seed 001 for recruiting): (name, role); the stage
# marked by VALUE_CASE_AT is the first that needs the value case.
SALES_STAGES: tuple[tuple[str, str], ...] = (
    (gettext_lazy("Find the customer"), ""),
    (gettext_lazy("Contact"), ""),
    (gettext_lazy("Meeting set"), ""),
    (pgettext_lazy("sales stage", "Met"), ""),
    (gettext_lazy("Needs identified"), ""),
    (gettext_lazy("Quote"), ""),
    (gettext_lazy("Negotiation"), ""),
    (gettext_lazy("Closed"), StageRole.WON),
    (gettext_lazy("Delivered"), StageRole.DELIVERED),
    (gettext_lazy("Paid"), StageRole.PAID),
)  # type: ignore[assignment]
RECRUITING_STAGES: tuple[tuple[str, str], ...] = (
    (gettext_lazy("Sourced"), ""),
    (gettext_lazy("Contacted"), ""),
    (gettext_lazy("Screening call"), ""),
    (gettext_lazy("Interview"), ""),
    (gettext_lazy("Needs and fit checked"), ""),
    (gettext_lazy("Offer"), ""),
    (gettext_lazy("Negotiation"), ""),
    (gettext_lazy("Hired"), StageRole.WON),
    (gettext_lazy("Started"), StageRole.DELIVERED),
    (gettext_lazy("Probation passed"), StageRole.PAID),
)  # type: ignore[assignment]
DEFAULT_STAGES = {PipelineKind.SALES: SALES_STAGES, PipelineKind.RECRUITING: RECRUITING_STAGES}
VALUE_CASE_AT = 5
DEFAULT_PIPELINE_NAMES = {
    PipelineKind.SALES: gettext_lazy("Sales"),
    PipelineKind.RECRUITING: gettext_lazy("Recruiting"),
}


# Shared checks.


def _writer(workspace: Workspace, actor: User) -> None:
    """Owners and members change deals; a coach reads only."""
    role = (
        Membership.objects.filter(workspace=workspace, user=actor)
        .values_list("role", flat=True)
        .first()
    )
    if role is None:
        raise NotFoundError(_("Workspace not found."))
    if role not in WRITE_ROLES:
        raise PermissionDeniedError(
            _("Coaches can see the deals but not change them: ask the owner or a member.")
        )


def _same_workspace(workspace: Workspace, *objects: object) -> None:
    for obj in objects:
        if obj is not None and getattr(obj, "workspace_id", None) != workspace.pk:
            raise ValidationError(
                _(
                    "Something chosen here belongs to another workspace: choose people, "
                    "organisations, products and deals from this workspace."
                )
            )


def _clean_amount(value: Decimal | str | int | None, *, field: str) -> Decimal:
    if value is None or value == "":
        return Decimal("0.00")
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("Give the amount as a number, e.g. 12000.50.")}) from exc
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise ValidationError({field: _("The amount must be between 0 and 999,999,999,999.99.")})
    return amount


def _clean_currency(value: str | None, *, default: str, field: str = "currency") -> str:
    code = (value or default).strip().upper()
    if not CURRENCY.fullmatch(code):
        raise ValidationError(
            {field: _("Give the currency as a three-letter code, e.g. ILS or USD.")}
        )
    return code


def _choice(value: str, choices: Sequence[str], *, field: str, message: str) -> str:
    if value not in choices:
        raise ValidationError({field: message % {"choices": ", ".join(choices)}})
    return value


def _collect(errors: dict[str, list[str]], exc: ValidationError) -> None:
    for field, messages in exc.message_dict.items():
        errors.setdefault(field, []).extend(messages)


def _require_open(deal: Deal) -> None:
    if deal.status == DealStatus.WON:
        # A won deal is never reopened, so "reopen it first" would send the user nowhere.
        raise ConflictError(
            _("This deal was already won: for another sale, start a new deal with the customer."),
            code="deal_closed",
        )
    if deal.status != DealStatus.OPEN:
        raise ConflictError(
            _("This deal is already closed (%(status)s): reopen it first.")
            % {"status": str(DealStatus(deal.status).label).lower()},
            code="deal_closed",
        )


def _require_not_lost(deal: Deal) -> None:
    if deal.status in (DealStatus.LOST, DealStatus.WALKED_AWAY):
        raise ConflictError(
            _("This deal is closed (%(status)s): reopen it first.")
            % {"status": str(DealStatus(deal.status).label).lower()},
            code="deal_closed",
        )


def _member_user(workspace: Workspace, user: User | None, *, field: str) -> User | None:
    if user is None:
        return None
    if not Membership.objects.filter(workspace=workspace, user=user).exists():
        raise ValidationError({field: _("Choose a member of this workspace.")})
    return user


def _parse_days(value: str | Sequence[int]) -> str:
    if isinstance(value, str):
        parts = [part.strip() for part in value.split(",") if part.strip()]
    else:
        parts = [str(part) for part in value]
    try:
        days = sorted({int(part) for part in parts})
    except ValueError as exc:
        raise ValidationError(
            {"post_sale_days": _("Give whole numbers of days separated by commas, e.g. 7,30,90.")}
        ) from exc
    if len(days) > 10 or any(day < 1 or day > 730 for day in days):
        raise ValidationError(
            {
                "post_sale_days": _(
                    "Give up to 10 days after closing, each from 1 to 730, e.g. 7,30,90."
                )
            }
        )
    return ",".join(str(day) for day in days)


# Pipelines.


def _unique_pipeline_name(workspace: Workspace, name: str) -> str:
    taken = set(Pipeline.objects.filter(workspace=workspace).values_list("name", flat=True))
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name} {number}", number + 1
    return candidate


def _stages_create(pipeline: Pipeline, names_roles: Sequence[tuple[str, str]]) -> list[Stage]:
    return Stage.objects.bulk_create(
        Stage(
            workspace_id=pipeline.workspace_id,
            pipeline=pipeline,
            name=str(name),
            position=position,
            role=role,
        )
        for position, (name, role) in enumerate(names_roles)
    )


@transaction.atomic
def pipeline_create_default(*, workspace: Workspace, kind: str) -> Pipeline:
    """A pipeline with the default stages of its kind, named and staged in the workspace's
    language; it becomes the kind's default when the workspace has none yet."""
    _choice(
        kind,
        PipelineKind.values,
        field="kind",
        message=_("Choose the kind of pipeline: %(choices)s."),
    )
    with translation.override(workspace.language):
        name = str(DEFAULT_PIPELINE_NAMES[PipelineKind(kind)])
        stages = [(str(stage), role) for stage, role in DEFAULT_STAGES[PipelineKind(kind)]]
    has_default = Pipeline.objects.filter(workspace=workspace, kind=kind, is_default=True).exists()
    pipeline = Pipeline.objects.create(
        workspace=workspace,
        name=_unique_pipeline_name(workspace, name),
        kind=kind,
        is_default=not has_default,
    )
    created = _stages_create(pipeline, stages)
    pipeline.value_case_stage = created[VALUE_CASE_AT]
    pipeline.save(update_fields=["value_case_stage", "updated_at"])
    return pipeline


def pipeline_default(*, workspace: Workspace, kind: str = PipelineKind.SALES) -> Pipeline:
    """The workspace's default pipeline of this kind, created with its stages on first use.

    Only the creation runs in a transaction: every board and list page calls this, and on
    SQLite a transaction takes the write lock (BEGIN IMMEDIATE) even when it only reads.
    """
    existing = Pipeline.objects.filter(workspace=workspace, kind=kind, is_default=True).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return pipeline_create_default(workspace=workspace, kind=kind)
    except IntegrityError:
        # Another request created it at the same moment: the constraint kept one.
        return Pipeline.objects.get(workspace=workspace, kind=kind, is_default=True)


@transaction.atomic
def pipelines_ensure_defaults(*, workspace: Workspace) -> list[Pipeline]:
    """Make sure the workspace has its default sales and recruiting pipelines; returns them."""
    return [pipeline_default(workspace=workspace, kind=kind) for kind in PipelineKind.values]


def _clean_pipeline_name(workspace: Workspace, name: str, pipeline: Pipeline | None) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise ValidationError({"name": _("A name is required: type at least one letter.")})
    if len(cleaned) > 120:
        raise ValidationError({"name": _("This is too long: at most 120 characters.")})
    others = Pipeline.objects.filter(workspace=workspace, name=cleaned)
    if pipeline is not None and pipeline.pk:
        others = others.exclude(pk=pipeline.pk)
    if others.exists():
        raise ValidationError(
            {
                "name": _("There is already a pipeline called “%(name)s”: choose another name.")
                % {"name": cleaned}
            }
        )
    return cleaned


def _make_default(pipeline: Pipeline) -> None:
    Pipeline.objects.filter(
        workspace_id=pipeline.workspace_id, kind=pipeline.kind, is_default=True
    ).exclude(pk=pipeline.pk).update(is_default=False, updated_at=timezone.now())


@transaction.atomic
def pipeline_create(
    *,
    workspace: Workspace,
    actor: User,
    name: str,
    kind: str = PipelineKind.SALES,
    stage_names: Sequence[str] | None = None,
    is_default: bool = False,
) -> Pipeline:
    """A new pipeline: with `stage_names` those stages (no roles: add them after), otherwise the
    default stages of its kind. `is_default` makes it the kind's default instead of the old."""
    _writer(workspace, actor)
    errors: dict[str, list[str]] = {}
    try:
        cleaned_name = _clean_pipeline_name(workspace, name, None)
    except ValidationError as exc:
        _collect(errors, exc)
    try:
        _choice(
            kind,
            PipelineKind.values,
            field="kind",
            message=_("Choose the kind of pipeline: %(choices)s."),
        )
    except ValidationError as exc:
        _collect(errors, exc)
    if stage_names is not None:
        names = [" ".join((stage or "").split()) for stage in stage_names]
        if not names or not all(names):
            errors["stage_names"] = [_("Give each stage a name, and at least one stage.")]
        elif len(set(names)) != len(names):
            errors["stage_names"] = [_("Two stages have the same name: make them different.")]
        elif len(names) > MAX_STAGES:
            errors["stage_names"] = [
                ngettext(
                    "A pipeline has at most %(count)d stage: remove some.",
                    "A pipeline has at most %(count)d stages: remove some.",
                    MAX_STAGES,
                )
                % {"count": MAX_STAGES}
            ]
        elif too_long := [stage for stage in names if len(stage) > 80]:
            errors["stage_names"] = [
                _("A stage name has at most 80 characters: shorten “%(name)s”.")
                % {"name": too_long[0]}
            ]
    if errors:
        raise ValidationError(errors)
    if stage_names is None:
        pipeline = pipeline_create_default(workspace=workspace, kind=kind)
        pipeline.name = cleaned_name
        pipeline.is_default = False
        pipeline.save(update_fields=["name", "is_default", "updated_at"])
    else:
        pipeline = Pipeline.objects.create(workspace=workspace, name=cleaned_name, kind=kind)
        _stages_create(pipeline, [(stage, "") for stage in names])
    if (
        is_default
        or not Pipeline.objects.filter(workspace=workspace, kind=kind, is_default=True).exists()
    ):
        _make_default(pipeline)
        pipeline.is_default = True
        pipeline.save(update_fields=["is_default", "updated_at"])
    return pipeline


@transaction.atomic
def pipeline_update(
    *,
    pipeline: Pipeline,
    actor: User,
    name: str,
    is_default: bool,
    value_case_stage: Stage | None,
    post_sale_days: str | Sequence[int],
    first_deal_threshold: Decimal | str | None,
    first_deal_factor: Decimal | str,
) -> Pipeline:
    """Change a pipeline's settings. A default stays default until another is made default."""
    workspace = pipeline.workspace
    _writer(workspace, actor)
    errors: dict[str, list[str]] = {}
    try:
        pipeline.name = _clean_pipeline_name(workspace, name, pipeline)
    except ValidationError as exc:
        _collect(errors, exc)
    if value_case_stage is not None and value_case_stage.pipeline_id != pipeline.pk:
        errors["value_case_stage"] = [_("Choose one of this pipeline's stages.")]
    try:
        pipeline.post_sale_days = _parse_days(post_sale_days)
    except ValidationError as exc:
        _collect(errors, exc)
    if first_deal_threshold in (None, ""):
        pipeline.first_deal_threshold = None
    else:
        try:
            threshold = _clean_amount(first_deal_threshold, field="first_deal_threshold")
        except ValidationError as exc:
            _collect(errors, exc)
        else:
            if threshold <= 0:
                errors["first_deal_threshold"] = [
                    _("Give an amount above 0, or leave it empty for no threshold.")
                ]
            pipeline.first_deal_threshold = threshold
    try:
        factor = Decimal(str(first_deal_factor)).quantize(Decimal("0.01"))
        if not Decimal("1") < factor <= Decimal("99"):
            raise InvalidOperation
        pipeline.first_deal_factor = factor
    except (InvalidOperation, ValueError):
        errors["first_deal_factor"] = [
            _("Give a factor above 1 and at most 99, e.g. 2 for twice the usual first deal.")
        ]
    if not is_default and pipeline.is_default:
        errors["is_default"] = [
            _("This is the default pipeline: make another one the default instead.")
        ]
    if errors:
        raise ValidationError(errors)
    pipeline.value_case_stage = value_case_stage
    if is_default and not pipeline.is_default:
        _make_default(pipeline)
        pipeline.is_default = True
    pipeline.save()
    return pipeline


@transaction.atomic
def pipeline_delete(*, pipeline: Pipeline, actor: User) -> None:
    """Delete an unused pipeline that is not a default."""
    _writer(pipeline.workspace, actor)
    if pipeline.is_default:
        raise ConflictError(
            _("This is the default pipeline: make another one the default first."),
            code="default_pipeline",
        )
    count = Deal.objects.filter(pipeline=pipeline).count()
    if count:
        # Deals never change pipeline, so deleting them is the only way to empty one.
        raise ConflictError(
            ngettext(
                "%(count)d deal is in this pipeline: delete it first, or keep the pipeline.",
                "%(count)d deals are in this pipeline: delete them first, or keep the pipeline.",
                count,
            )
            % {"count": count},
            code="in_use",
        )
    Pipeline.objects.filter(pk=pipeline.pk).update(value_case_stage=None)
    pipeline.delete()


# Stages.


def _renumber(pipeline: Pipeline, ordered: Sequence[Stage]) -> None:
    """Positions 0..n-1 in the given order, in two passes so the unique (pipeline, position)
    constraint never sees two stages on one position."""
    for index, stage in enumerate(ordered):
        stage.position = RENUMBER_OFFSET + index
    Stage.objects.bulk_update(ordered, ["position"])
    for index, stage in enumerate(ordered):
        stage.position = index
    Stage.objects.bulk_update(ordered, ["position"])


def _unique_name(
    name: str, *, limit: int, taken: QuerySet[Any], taken_message: str
) -> tuple[str, str]:
    """The name with its spaces folded, and what is wrong with it ("" when nothing is)."""
    cleaned = " ".join((name or "").split())
    if not cleaned:
        return cleaned, _("A name is required: type at least one letter.")
    if len(cleaned) > limit:
        return cleaned, _("This is too long: at most %(limit)d characters.") % {"limit": limit}
    if taken.filter(name=cleaned).exists():
        return cleaned, taken_message % {"name": cleaned}
    return cleaned, ""


def _clean_stage(pipeline: Pipeline, stage: Stage | None, name: str, role: str) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    cleaned, problem = _unique_name(
        name,
        limit=80,
        taken=Stage.objects.filter(pipeline=pipeline).exclude(pk__in=[stage.pk] if stage else []),
        taken_message=_("This pipeline already has a stage “%(name)s”: choose another name."),
    )
    if problem:
        errors["name"] = [problem]
    role = role or ""
    if role not in StageRole.values:
        errors["role"] = [
            _("Choose the stage's role: none, %(choices)s.")
            % {"choices": ", ".join(value for value in StageRole.values if value)}
        ]
    elif role:
        holder = Stage.objects.filter(pipeline=pipeline, role=role)
        if stage is not None:
            holder = holder.exclude(pk=stage.pk)
        other = holder.first()
        if other is not None:
            errors["role"] = [
                _(
                    "“%(stage)s” already has this role, and a role belongs to one stage: "
                    "take it off “%(stage)s” first, or choose another role."
                )
                % {"stage": other.name}
            ]
    if errors:
        raise ValidationError(errors)
    return cleaned, role


@transaction.atomic
def stage_create(
    *, pipeline: Pipeline, actor: User, name: str, role: str = "", position: int | None = None
) -> Stage:
    """Add a stage at `position` (0 = first; default: last)."""
    _writer(pipeline.workspace, actor)
    cleaned, role = _clean_stage(pipeline, None, name, role)
    ordered = list(Stage.objects.select_for_update().filter(pipeline=pipeline).order_by("position"))
    if len(ordered) >= MAX_STAGES:
        raise ValidationError(
            {
                "name": ngettext(
                    "A pipeline has at most %(count)d stage: delete one before adding another.",
                    "A pipeline has at most %(count)d stages: delete one before adding another.",
                    MAX_STAGES,
                )
                % {"count": MAX_STAGES}
            }
        )
    index = len(ordered) if position is None else max(0, min(position, len(ordered)))
    # Parked out of the way of both renumbering passes until its place is given.
    stage = Stage.objects.create(
        workspace_id=pipeline.workspace_id,
        pipeline=pipeline,
        name=cleaned,
        role=role,
        position=PARKED_POSITION,
    )
    ordered.insert(index, stage)
    _renumber(pipeline, ordered)
    return stage


@transaction.atomic
def stage_update(*, stage: Stage, actor: User, name: str, role: str = "") -> Stage:
    _writer(stage.workspace, actor)
    former_name = stage.name
    stage.name, stage.role = _clean_stage(stage.pipeline, stage, name, role)
    stage.save(update_fields=["name", "role", "updated_at"])
    if stage.name != former_name:
        # Search shows each deal's stage by name.
        search_services.search_refresh_deals(workspace=stage.workspace, deals=stage.deals.all())
    return stage


@transaction.atomic
def stage_move(*, stage: Stage, actor: User, position: int) -> Stage:
    """Put the stage at `position` (0 = first) and shift the others."""
    _writer(stage.workspace, actor)
    ordered = [
        other
        for other in Stage.objects.select_for_update()
        .filter(pipeline_id=stage.pipeline_id)
        .order_by("position")
        if other.pk != stage.pk
    ]
    ordered.insert(max(0, min(position, len(ordered))), stage)
    _renumber(stage.pipeline, ordered)
    return stage


@transaction.atomic
def stage_delete(*, stage: Stage, actor: User) -> None:
    """Delete a stage no deal sits in (the deals' history keeps its name)."""
    _writer(stage.workspace, actor)
    count = Deal.objects.filter(stage=stage).count()
    if count:
        raise ConflictError(
            ngettext(
                "%(count)d deal is in “%(stage)s”: move it to another stage first.",
                "%(count)d deals are in “%(stage)s”: move them to another stage first.",
                count,
            )
            % {"count": count, "stage": stage.name},
            code="in_use",
        )
    if Stage.objects.filter(pipeline_id=stage.pipeline_id).count() <= 1:
        raise ConflictError(
            _("A pipeline needs at least one stage: add another before deleting this one."),
            code="last_stage",
        )
    pipeline = stage.pipeline
    stage.delete()
    _renumber(pipeline, list(Stage.objects.filter(pipeline=pipeline).order_by("position")))


# Products.


def _clean_product(
    workspace: Workspace,
    product: Product | None,
    name: str,
    price: Decimal | str | None,
    currency: str | None,
) -> tuple[str, Decimal | None, str]:
    errors: dict[str, list[str]] = {}
    cleaned, problem = _unique_name(
        name,
        limit=200,
        taken=Product.objects.filter(workspace=workspace).exclude(
            pk__in=[product.pk] if product else []
        ),
        taken_message=_("There is already a product “%(name)s”: choose another name."),
    )
    if problem:
        errors["name"] = [problem]
    amount: Decimal | None = None
    code = ""
    if price not in (None, ""):
        try:
            amount = _clean_amount(price, field="price")
            code = _clean_currency(currency, default=workspace.currency)
        except ValidationError as exc:
            _collect(errors, exc)
    if errors:
        raise ValidationError(errors)
    return cleaned, amount, code


@transaction.atomic
def product_create(
    *,
    workspace: Workspace,
    actor: User,
    name: str,
    price: Decimal | str | None = None,
    currency: str | None = None,
    active: bool = True,
) -> Product:
    _writer(workspace, actor)
    cleaned, amount, code = _clean_product(workspace, None, name, price, currency)
    return Product.objects.create(
        workspace=workspace, name=cleaned, price=amount, currency=code, active=active
    )


@transaction.atomic
def product_update(
    *,
    product: Product,
    actor: User,
    name: str,
    price: Decimal | str | None,
    currency: str | None,
    active: bool,
) -> Product:
    _writer(product.workspace, actor)
    product.name, product.price, product.currency = _clean_product(
        product.workspace, product, name, price, currency
    )
    product.active = active
    product.save()
    return product


@transaction.atomic
def product_delete(*, product: Product, actor: User) -> None:
    """Delete a product; its deals keep their amounts but lose the product."""
    _writer(product.workspace, actor)
    product.delete()


# Deals.


@transaction.atomic
def stage_totals_refresh(*, stage_ids: Collection[int | None]) -> None:
    """Recompute the board's totals (StageTotal) of these stages from their deals.

    Called by every service that adds, removes or changes a deal's stage, status, amount or
    currency, inside its transaction (and by whatever writes deals beside the services: the
    admin, the tests' factory). The stages' rows are locked first (PostgreSQL; SQLite
    writes one at a time anyway), so a concurrent write to the same stage waits and then
    counts this one's deal too."""
    ids = sorted({stage_id for stage_id in stage_ids if stage_id is not None})
    if not ids:
        return
    stages = list(Stage.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    rows = [
        total
        for stage in stages
        for total in _counted_totals(
            Deal.objects.filter(
                workspace_id=stage.workspace_id,
                pipeline_id=stage.pipeline_id,
                # Every status, so the stage's range of the deal_stage_totals index is read.
                status__in=DealStatus.values,
                stage=stage,
            )
        )
    ]
    StageTotal.objects.filter(stage_id__in=ids).delete()
    StageTotal.objects.bulk_create(rows)


def _counted_totals(deals: QuerySet[Deal]) -> list[StageTotal]:
    """These deals' StageTotal rows, counted and summed by the database."""
    return [
        StageTotal(**row)
        for row in deals.order_by()
        .values("workspace_id", "pipeline_id", "stage_id", "status", "currency")
        .annotate(deal_count=Count("id"), amount=Sum("amount"))
    ]


@transaction.atomic
def stage_totals_rebuild(*, workspace: Workspace) -> int:
    """Recompute every board total of the workspace: after deals were written in bulk, outside
    the services (a benchmark's generator). Returns the number of rows written."""
    StageTotal.objects.filter(workspace=workspace).delete()
    rows = _counted_totals(Deal.objects.filter(workspace=workspace))
    return len(StageTotal.objects.bulk_create(rows))


def _stage_change(deal: Deal, from_stage: Stage | None, to_stage: Stage, actor: User) -> None:
    DealStageChange.objects.create(
        workspace_id=deal.workspace_id,
        deal=deal,
        from_stage=from_stage,
        to_stage=to_stage,
        from_stage_name=from_stage.name if from_stage is not None else "",
        to_stage_name=to_stage.name,
        changed_by=actor,
        changed_at=timezone.now(),
    )


def _value_case_labels(fields: Sequence[str]) -> str:
    labels = [getattr(Deal._meta.get_field(field), "verbose_name", field) for field in fields]
    return quoted_list(labels, separator="; ")


def _require_value_case(deal: Deal, stage: Stage) -> None:
    required_from = deal.pipeline.value_case_stage
    if required_from is None or stage.position < required_from.position:
        return
    missing = deal.value_case_missing
    if missing:
        raise ValueCaseMissingError(
            _(
                "Before “%(stage)s”, answer the customer's questions in the value case: "
                "%(questions)s."
            )
            % {"stage": required_from.name, "questions": _value_case_labels(missing)},
            missing=missing,
        )


def _role_stage(pipeline: Pipeline, role: str) -> Stage | None:
    return Stage.objects.filter(pipeline=pipeline, role=role).first()


def _require_promises_checked(deal: Deal) -> None:
    pending = list(deal.promises.filter(status=PromiseStatus.PENDING).order_by("created_at", "id"))
    if pending:
        raise PromisesUncheckedError(
            _("Before delivering, check each promise made at sale as kept or broken: %(promises)s.")
            % {"promises": quoted_list((promise.text[:80] for promise in pending), separator="; ")},
            promises=[str(promise.public_id) for promise in pending],
        )


def _win(deal: Deal, actor: User) -> None:
    """Closing won is making an engagement (seed 002): the post-sale checks and the customer's
    satisfaction request are created with it."""
    now = timezone.now()
    today = timezone.localdate()
    deal.status = DealStatus.WON
    deal.closed_at = now
    days = [int(day) for day in deal.pipeline.post_sale_days.split(",") if day.strip()]
    PostSaleCheck.objects.bulk_create(
        PostSaleCheck(
            workspace_id=deal.workspace_id,
            deal=deal,
            offset_days=day,
            due_on=today + dt.timedelta(days=day),
        )
        for day in days
        if not PostSaleCheck.objects.filter(deal=deal, offset_days=day).exists()
    )
    _satisfaction_request_new(deal)


def _satisfaction_request_new(deal: Deal) -> SatisfactionRequest:
    language = deal.person.language if deal.person is not None else deal.workspace.language
    return SatisfactionRequest.objects.create(
        workspace_id=deal.workspace_id,
        deal=deal,
        language=language,
        expires_at=timezone.now() + SATISFACTION_LIFETIME,
    )


def _validate_deal_fields(
    *,
    workspace: Workspace,
    deal: Deal,
    title: str,
    person: Person | None,
    organization: Organization | None,
    amount: Decimal | str | int,
    currency: str | None,
    expected_close: dt.date | None,
    next_action: str,
    next_action_on: dt.date | None,
    product: Product | None,
    disposition: str,
    owner: User | None,
) -> None:
    """Validate and set the editable fields of `deal`; every problem at once, per field."""
    _same_workspace(workspace, person, organization, product)
    errors: dict[str, list[str]] = {}
    try:
        deal.title = clean_text(title, field="title", limit=MAX_TITLE_LENGTH, required=True)
    except ValidationError as exc:
        _collect(errors, exc)
    if person is None and organization is None:
        errors["person"] = [_("Choose the customer: a person, an organisation, or both.")]
    try:
        deal.amount = _clean_amount(amount, field="amount")
    except ValidationError as exc:
        _collect(errors, exc)
    try:
        deal.currency = _clean_currency(currency, default=deal.currency or workspace.currency)
    except ValidationError as exc:
        _collect(errors, exc)
    try:
        deal.next_action = clean_text(
            next_action, field="next_action", limit=MAX_NEXT_ACTION_LENGTH
        )
    except ValidationError as exc:
        _collect(errors, exc)
    if deal.status == DealStatus.OPEN:
        if not deal.next_action and "next_action" not in errors:
            errors["next_action"] = [
                _(
                    "An open deal needs a next step: write what you will do next "
                    "(e.g. “call to set a meeting”)."
                )
            ]
        if next_action_on is None:
            errors["next_action_on"] = [_("Give the day of the next step.")]
    if disposition not in Disposition.values:
        errors["disposition"] = [
            _("Choose the customer's disposition: %(choices)s.")
            % {"choices": ", ".join(Disposition.values)}
        ]
    try:
        deal.owner = _member_user(workspace, owner, field="owner")
    except ValidationError as exc:
        _collect(errors, exc)
    if errors:
        raise ValidationError(errors)
    deal.person = person
    deal.organization = organization
    deal.expected_close = expected_close
    deal.next_action_on = next_action_on
    deal.product = product
    deal.disposition = disposition


@transaction.atomic
def deal_create(
    *,
    workspace: Workspace,
    actor: User,
    pipeline: Pipeline,
    title: str,
    person: Person | None = None,
    organization: Organization | None = None,
    amount: Decimal | str | int = Decimal("0"),
    currency: str | None = None,
    expected_close: dt.date | None = None,
    next_action: str,
    next_action_on: dt.date | None,
    product: Product | None = None,
    disposition: str = Disposition.OPEN,
    stage: Stage | None = None,
    owner: User | None = None,
) -> Deal:
    """A new open deal in `stage` (default: the pipeline's first), owned by `owner` (default:
    the actor). Records its first stage change."""
    _writer(workspace, actor)
    _same_workspace(workspace, pipeline)
    if stage is None:
        stage = Stage.objects.filter(pipeline=pipeline).order_by("position").first()
        if stage is None:
            raise ValidationError({"stage": _("This pipeline has no stages: add one first.")})
    elif stage.pipeline_id != pipeline.pk:
        raise ValidationError({"stage": _("Choose one of the pipeline's stages.")})
    if stage.role:
        raise ValidationError(
            {
                "stage": _(
                    "A new deal starts before closing: create it in an earlier stage, then move "
                    "it on."
                )
            }
        )
    deal = Deal(workspace=workspace, pipeline=pipeline, stage=stage, status=DealStatus.OPEN)
    _validate_deal_fields(
        workspace=workspace,
        deal=deal,
        title=title,
        person=person,
        organization=organization,
        amount=amount,
        currency=currency,
        expected_close=expected_close,
        next_action=next_action,
        next_action_on=next_action_on,
        product=product,
        disposition=disposition,
        owner=owner if owner is not None else actor,
    )
    _require_value_case(deal, stage)
    deal.save()
    _stage_change(deal, None, stage, actor)
    stage_totals_refresh(stage_ids=[stage.pk])
    search_services.search_index_deal(deal=deal)
    return deal


@transaction.atomic
def deal_update(
    *,
    deal: Deal,
    actor: User,
    title: str,
    person: Person | None,
    organization: Organization | None,
    amount: Decimal | str | int,
    currency: str | None,
    expected_close: dt.date | None,
    next_action: str,
    next_action_on: dt.date | None,
    product: Product | None,
    disposition: str,
    owner: User | None,
) -> Deal:
    """Edit a deal's fields (the stage changes only through deal_move; the status through
    closing and reopening). An open deal keeps needing a next step."""
    _writer(deal.workspace, actor)
    _validate_deal_fields(
        workspace=deal.workspace,
        deal=deal,
        title=title,
        person=person,
        organization=organization,
        amount=amount,
        currency=currency,
        expected_close=expected_close,
        next_action=next_action,
        next_action_on=next_action_on,
        product=product,
        disposition=disposition,
        owner=owner,
    )
    deal.save()
    stage_totals_refresh(stage_ids=[deal.stage_id])
    search_services.search_index_deal(deal=deal)
    return deal


@transaction.atomic
def deal_value_case_update(
    *,
    deal: Deal,
    actor: User,
    value_value: str,
    value_why_us: str,
    value_why_now: str,
    value_alternative: str,
) -> Deal:
    """The four answers of the value case (seed 002); each may stay blank until the quote."""
    _writer(deal.workspace, actor)
    errors: dict[str, list[str]] = {}
    values = {
        "value_value": value_value,
        "value_why_us": value_why_us,
        "value_why_now": value_why_now,
        "value_alternative": value_alternative,
    }
    for field in VALUE_CASE_FIELDS:
        try:
            setattr(deal, field, clean_text(values[field], field=field, limit=MAX_NOTE_LENGTH))
        except ValidationError as exc:
            _collect(errors, exc)
    if errors:
        raise ValidationError(errors)
    deal.save(update_fields=[*VALUE_CASE_FIELDS, "updated_at"])
    return deal


@transaction.atomic
def deal_fit_update(
    *,
    deal: Deal,
    actor: User,
    fit_need_real: bool | None,
    fit_can_deliver: bool | None,
    fit_decision_maker: bool | None,
    fit_budget: bool | None,
) -> Deal:
    """The fit check (seed 001): None is "not known yet"."""
    _writer(deal.workspace, actor)
    deal.fit_need_real = fit_need_real
    deal.fit_can_deliver = fit_can_deliver
    deal.fit_decision_maker = fit_decision_maker
    deal.fit_budget = fit_budget
    deal.save(update_fields=[*FIT_FIELDS, "updated_at"])
    return deal


@transaction.atomic
def deal_move(*, deal: Deal, stage: Stage, actor: User) -> Deal:
    """Move the deal to `stage` of its pipeline.

    Refused (ConflictError) for a lost or walked-away deal ("deal_closed"), for a won deal
    going back before closing ("deal_closed"), to or past the value-case stage while a
    value-case answer is blank ("value_case_missing", with `.missing`), and to or past delivery
    while a promise is unchecked ("promises_unchecked"). Reaching the "won" stage (or a later
    one) closes an open deal won.
    """
    _writer(deal.workspace, actor)
    if stage.pipeline_id != deal.pipeline_id:
        raise ValidationError({"stage": _("Choose one of this deal's pipeline stages.")})
    _require_not_lost(deal)
    won_stage = _role_stage(deal.pipeline, StageRole.WON)
    if (
        deal.status == DealStatus.WON
        and won_stage is not None
        and stage.position < won_stage.position
    ):
        raise ConflictError(
            _("This deal was won: it can only move on to delivery and payment."),
            code="deal_closed",
        )
    if stage.pk == deal.stage_id:
        return deal
    _require_value_case(deal, stage)
    delivered_stage = _role_stage(deal.pipeline, StageRole.DELIVERED)
    if delivered_stage is not None and stage.position >= delivered_stage.position:
        _require_promises_checked(deal)
    from_stage = deal.stage
    deal.stage = stage
    if (
        deal.status == DealStatus.OPEN
        and won_stage is not None
        and stage.position >= won_stage.position
    ):
        _win(deal, actor)
    deal.save()
    _stage_change(deal, from_stage, stage, actor)
    stage_totals_refresh(stage_ids=[from_stage.pk, stage.pk])
    search_services.search_index_deal(deal=deal)
    return deal


@transaction.atomic
def deal_close_won(*, deal: Deal, actor: User) -> Deal:
    """Close the deal won: move it to the pipeline's "won" stage."""
    _writer(deal.workspace, actor)
    _require_open(deal)
    won_stage = _role_stage(deal.pipeline, StageRole.WON)
    if won_stage is None:
        raise ConflictError(
            _("This pipeline has no “won” stage: give one of its stages that role first."),
            code="no_won_stage",
        )
    if deal.stage_id == won_stage.pk:
        _win(deal, actor)
        deal.save()
        stage_totals_refresh(stage_ids=[deal.stage_id])
        search_services.search_index_deal(deal=deal)
        return deal
    return deal_move(deal=deal, stage=won_stage, actor=actor)


@transaction.atomic
def deal_close_lost(
    *, deal: Deal, actor: User, loss_category: str, loss_reason: str, loss_lesson: str
) -> Deal:
    """Close the deal lost, with its review (seed 003): where the loss came from, why, and what
    the seller will do differently. All three are required."""
    _writer(deal.workspace, actor)
    _require_open(deal)
    errors: dict[str, list[str]] = {}
    categories = [value for value in LossCategory.values if value]
    if loss_category not in categories:
        errors["loss_category"] = [
            _("Say where the loss came from: %(choices)s.") % {"choices": ", ".join(categories)}
        ]
    try:
        reason = clean_text(loss_reason, field="loss_reason", limit=MAX_NOTE_LENGTH, required=True)
    except ValidationError:
        errors["loss_reason"] = [_("Write why the deal was lost.")]
    try:
        lesson = clean_text(loss_lesson, field="loss_lesson", limit=MAX_NOTE_LENGTH, required=True)
    except ValidationError:
        errors["loss_lesson"] = [
            _("Write what you will do differently next time: it is always my responsibility.")
        ]
    if errors:
        raise ValidationError(errors)
    deal.loss_category = loss_category
    deal.loss_reason = reason
    deal.loss_lesson = lesson
    deal.status = DealStatus.LOST
    deal.closed_at = timezone.now()
    deal.save()
    stage_totals_refresh(stage_ids=[deal.stage_id])
    search_services.search_index_deal(deal=deal)
    return deal


@transaction.atomic
def deal_walk_away(
    *, deal: Deal, actor: User, reason: str, referred_to: Person | None = None
) -> Deal:
    """Walk away from a customer we cannot serve well (seed 001), with the reason. Sending them
    to someone else is a give: it is recorded in the give ledger as a recommendation."""
    _writer(deal.workspace, actor)
    _require_open(deal)
    _same_workspace(deal.workspace, referred_to)
    try:
        reason = clean_text(reason, field="reason", limit=MAX_NOTE_LENGTH, required=True)
    except ValidationError as exc:
        raise ValidationError(
            {"reason": _("Write why this is not a fit: the reason is part of the record.")}
        ) from exc
    if referred_to is not None and deal.person_id == referred_to.pk:
        raise ValidationError(
            {"referred_to": _("Refer the customer to someone else, not to themselves.")}
        )
    deal.walk_away_reason = reason
    deal.referred_to = referred_to
    deal.status = DealStatus.WALKED_AWAY
    deal.closed_at = timezone.now()
    deal.save()
    stage_totals_refresh(stage_ids=[deal.stage_id])
    search_services.search_index_deal(deal=deal)
    if referred_to is not None:
        customer = deal.person.name if deal.person is not None else str(deal.organization)
        participants = [person for person in (deal.person, referred_to) if person is not None]
        # Stored on the timeline, so written in the workspace's language, not the clicker's.
        with translation.override(deal.workspace.language):
            summary = _("Referred %(customer)s to %(other)s: %(reason)s") % {
                "customer": customer,
                "other": referred_to.name,
                "reason": reason,
            }
        interaction_log(
            workspace=deal.workspace,
            data=InteractionData(
                occurred_at=timezone.now(),
                channel=Interaction.Channel.MESSAGE,
                participants=participants,
                summary=summary,
                initiated_by=Interaction.Initiator.ME,
                exchange=Interaction.Exchange.GIVE,
                exchange_kind=Interaction.ExchangeKind.RECOMMENDATION,
            ),
            logged_by=actor,
        )
    return deal


@transaction.atomic
def deal_reopen(
    *,
    deal: Deal,
    actor: User,
    next_action: str | None = None,
    next_action_on: dt.date | None = None,
) -> Deal:
    """Open a lost or walked-away deal again (a won deal moves on instead). Its review stays
    on the row; a new next step may be given (the old one is kept otherwise)."""
    _writer(deal.workspace, actor)
    if deal.status == DealStatus.OPEN:
        raise ConflictError(
            _("This deal is already open: there is nothing to reopen."), code="deal_open"
        )
    if deal.status == DealStatus.WON:
        raise ConflictError(
            _("A won deal is not reopened: start a new deal with the customer instead."),
            code="deal_won",
        )
    errors: dict[str, list[str]] = {}
    if next_action is not None:
        try:
            deal.next_action = clean_text(
                next_action, field="next_action", limit=MAX_NEXT_ACTION_LENGTH
            )
        except ValidationError as exc:
            _collect(errors, exc)
    if next_action_on is not None:
        deal.next_action_on = next_action_on
    if not deal.next_action and "next_action" not in errors:
        errors["next_action"] = [_("An open deal needs a next step: write what you will do next.")]
    if deal.next_action_on is None:
        errors["next_action_on"] = [_("Give the day of the next step.")]
    if errors:
        raise ValidationError(errors)
    deal.status = DealStatus.OPEN
    deal.closed_at = None
    deal.save()
    stage_totals_refresh(stage_ids=[deal.stage_id])
    search_services.search_index_deal(deal=deal)
    return deal


@transaction.atomic
def deal_delete(*, deal: Deal, actor: User) -> None:
    _writer(deal.workspace, actor)
    stage_id = deal.stage_id
    search_services.search_remove(kind=SearchDocument.Kind.DEAL, object_id=deal.public_id)
    deal.delete()
    stage_totals_refresh(stage_ids=[stage_id])


# Promises.


@transaction.atomic
def promise_create(
    *, deal: Deal, actor: User, kind: str, text: str, due_on: dt.date | None = None
) -> Promise:
    """Record what was promised at sale, to verify at delivery (seed 004)."""
    _writer(deal.workspace, actor)
    _require_not_lost(deal)
    errors: dict[str, list[str]] = {}
    if kind not in PromiseKind.values:
        errors["kind"] = [
            _("Choose what kind of promise: %(choices)s.")
            % {"choices": ", ".join(PromiseKind.values)}
        ]
    try:
        text = clean_text(text, field="text", limit=MAX_NOTE_LENGTH, required=True)
    except ValidationError as exc:
        _collect(errors, exc)
    if errors:
        raise ValidationError(errors)
    return Promise.objects.create(
        workspace_id=deal.workspace_id, deal=deal, kind=kind, text=text, due_on=due_on
    )


@transaction.atomic
def promise_check(*, promise: Promise, kept: bool, note: str = "", actor: User) -> Promise:
    """Record whether the promise was kept. A broken one gets a follow-up task for the deal's
    owner, due tomorrow; until it is done the customer is at risk."""
    deal = promise.deal
    _writer(deal.workspace, actor)
    if promise.status != PromiseStatus.PENDING:
        raise ConflictError(
            _("This promise was already checked (%(status)s): each promise is checked once.")
            % {"status": str(PromiseStatus(promise.status).label).lower()},
            code="promise_checked",
        )
    promise.note = clean_text(note, field="note", limit=MAX_NOTE_LENGTH)
    promise.status = PromiseStatus.KEPT if kept else PromiseStatus.BROKEN
    promise.checked_at = timezone.now()
    promise.checked_by = actor
    promise.save()
    if not kept:
        with translation.override(deal.workspace.language):
            title = _("Make good the broken promise: %(promise)s") % {"promise": promise.text[:200]}
        Task.objects.create(
            workspace_id=deal.workspace_id,
            kind=TaskKind.PROMISE_FOLLOW_UP,
            title=title,
            due_on=timezone.localdate() + dt.timedelta(days=1),
            deal=deal,
            person=deal.person,
            assignee=deal.owner or actor,
            promise=promise,
        )
    return promise


@transaction.atomic
def promise_delete(*, promise: Promise, actor: User) -> None:
    """Delete a promise recorded by mistake (only while it is unchecked)."""
    _writer(promise.workspace, actor)
    if promise.status != PromiseStatus.PENDING:
        raise ConflictError(
            _(
                "A checked promise is part of the record and cannot be deleted: if the "
                "promise changed, add the new one."
            ),
            code="promise_checked",
        )
    promise.delete()


# After the sale.


@transaction.atomic
def post_sale_check_record(
    *,
    check: PostSaleCheck,
    understood: bool,
    working: bool,
    note: str = "",
    actor: User,
) -> PostSaleCheck:
    """Record a post-sale check. When the customer does not understand what they got, or it is
    not working, a next-step task to fix it is created for the deal's owner (seed 002)."""
    deal = check.deal
    _writer(deal.workspace, actor)
    check.understood = understood
    check.working = working
    check.note = clean_text(note, field="note", limit=MAX_NOTE_LENGTH)
    check.done_at = timezone.now()
    check.done_by = actor
    check.save()
    if not (understood and working):
        Task.objects.create(
            workspace_id=deal.workspace_id,
            kind=TaskKind.NEXT_STEP,
            title=_("Fix what the post-sale check found: %(deal)s") % {"deal": deal.title},
            due_on=timezone.localdate() + dt.timedelta(days=1),
            deal=deal,
            person=deal.person,
            assignee=deal.owner or actor,
        )
    return check


@transaction.atomic
def satisfaction_request_create(*, deal: Deal, actor: User) -> SatisfactionRequest:
    """The deal's satisfaction request that can still be answered, or a new one."""
    _writer(deal.workspace, actor)
    if deal.status != DealStatus.WON:
        raise ConflictError(
            _("A satisfaction link is for a won deal: close this deal won first."),
            code="deal_not_won",
        )
    current = (
        SatisfactionRequest.objects.filter(
            deal=deal, answered_at__isnull=True, expires_at__gt=timezone.now()
        )
        .order_by("-created_at", "-id")
        .first()
    )
    return current or _satisfaction_request_new(deal)


@transaction.atomic
def satisfaction_answer(*, token: str, score: int, comment: str = "") -> SatisfactionRequest:
    """The customer's answer through the public link: a score 0–10 and an optional comment.
    Raises NotFoundError for a forged or unknown token, SatisfactionExpiredError,
    SatisfactionAnsweredError (each link answers once), or ValidationError."""
    request = selectors.satisfaction_request_for_token(token=token)
    errors: dict[str, list[str]] = {}
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
        errors["score"] = [_("Choose a score from 0 to 10.")]
    try:
        comment = clean_text(comment, field="comment", limit=MAX_NOTE_LENGTH)
    except ValidationError as exc:
        _collect(errors, exc)
    if errors:
        raise ValidationError(errors)
    # Locked, so two submissions of the same link cannot both be recorded.
    locked = SatisfactionRequest.objects.select_for_update().get(pk=request.pk)
    if locked.answered_at is not None:
        raise SatisfactionAnsweredError(_("This survey was already answered. Thank you!"))
    locked.score = score
    locked.comment = comment
    locked.answered_at = timezone.now()
    locked.save(update_fields=["score", "comment", "answered_at", "updated_at"])
    return locked


# Tasks.


@transaction.atomic
def task_create(
    *,
    workspace: Workspace,
    actor: User,
    kind: str,
    title: str,
    due_on: dt.date,
    deal: Deal | None = None,
    person: Person | None = None,
    assignee: User | None = None,
) -> Task:
    _writer(workspace, actor)
    _same_workspace(workspace, deal, person)
    errors: dict[str, list[str]] = {}
    if kind not in TaskKind.values:
        errors["kind"] = [
            _("Choose the kind of task: %(choices)s.") % {"choices": ", ".join(TaskKind.values)}
        ]
    try:
        title = clean_text(title, field="title", limit=300, required=True)
    except ValidationError as exc:
        _collect(errors, exc)
    try:
        assignee = _member_user(workspace, assignee or actor, field="assignee")
    except ValidationError as exc:
        _collect(errors, exc)
    if errors:
        raise ValidationError(errors)
    return Task.objects.create(
        workspace=workspace,
        kind=kind,
        title=title,
        due_on=due_on,
        deal=deal,
        person=person,
        assignee=assignee,
    )


@transaction.atomic
def task_complete(*, task: Task, actor: User) -> Task:
    """Mark the task done (done already: unchanged)."""
    _writer(task.workspace, actor)
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at", "updated_at"])
    return task
