"""Reads for the value-based pipeline: pipelines and stages, the board and the deal list, a deal
with its history, promises, post-sale checks and satisfaction, advice (start small, playbook,
next offers), the Today items, customers at risk, and the report."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.core import signing
from django.db import connections
from django.db.models import (
    Count,
    F,
    Model,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from kesher.accounts.models import User
from kesher.core.exceptions import NotFoundError, as_uuid
from kesher.deals.exceptions import SatisfactionAnsweredError, SatisfactionExpiredError
from kesher.deals.models import (
    NO_NEXT_STEP,
    OUTWARD_LOSS_CATEGORIES,
    Deal,
    DealStageChange,
    DealStatus,
    Disposition,
    LossCategory,
    Pipeline,
    PostSaleCheck,
    Product,
    Promise,
    PromiseStatus,
    SatisfactionRequest,
    Stage,
    StageRole,
    StageTotal,
    Task,
    TaskKind,
)
from kesher.deals.playbooks import playbook_for
from kesher.engine.deals import (
    Advice,
    LossOwnership,
    Ratio,
    ScoreSummary,
    conversion_by_disposition,
    first_deal_advice,
    loss_ownership,
    median_amount,
    next_offers,
    score_summary,
)
from kesher.people.models import Organization, Person
from kesher.workspaces.models import Workspace

SATISFACTION_SALT = "kesher.satisfaction"
# The signature's own age limit; the request's expires_at is the real deadline.
BOARD_COLUMN_SIZE = 20
# Today lists the first few deals needing a next step; more wait on the deals list's filters.
ATTENTION_LIMIT = 20
# Next offers show for satisfied customers: this score or more (0–10).
SATISFIED_SCORE = 8

CENT = Decimal("0.01")

M = TypeVar("M", bound=Model)


def _money(value: Decimal | None) -> Decimal:
    """A sum as two-decimal money (SQLite's sums drop trailing zeros)."""
    return Decimal(value or 0).quantize(CENT)


def _get(queryset: QuerySet[M], public_id: uuid.UUID | str, message: str) -> M:
    obj = queryset.filter(public_id=as_uuid(public_id, not_found=message)).first()
    if obj is None:
        raise NotFoundError(message)
    return obj


# Pipelines, stages and products.


def pipeline_list(*, workspace: Workspace, kind: str | None = None) -> QuerySet[Pipeline]:
    """The workspace's pipelines with their stages (in order), defaults first."""
    pipelines = Pipeline.objects.filter(workspace=workspace)
    if kind:
        pipelines = pipelines.filter(kind=kind)
    return (
        pipelines.select_related("value_case_stage")
        .prefetch_related("stages")
        .order_by("-is_default", "kind", "name", "id")
    )


def pipeline_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> Pipeline:
    return _get(
        Pipeline.objects.filter(workspace=workspace)
        .select_related("value_case_stage")
        .prefetch_related("stages"),
        public_id,
        _("Pipeline not found."),
    )


def stage_list(*, pipeline: Pipeline) -> QuerySet[Stage]:
    return Stage.objects.filter(pipeline=pipeline).order_by("position")


def stage_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> Stage:
    return _get(
        Stage.objects.filter(workspace=workspace).select_related(
            "pipeline", "pipeline__value_case_stage"
        ),
        public_id,
        _("Stage not found."),
    )


def stage_requires_value_case(*, stage: Stage) -> bool:
    """Whether moving a deal to this stage needs the four value-case answers."""
    required_from = stage.pipeline.value_case_stage
    return required_from is not None and stage.position >= required_from.position


def product_list(*, workspace: Workspace, active: bool | None = None) -> QuerySet[Product]:
    products = Product.objects.filter(workspace=workspace)
    if active is not None:
        products = products.filter(active=active)
    return products.order_by("name", "id")


def product_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> Product:
    return _get(Product.objects.filter(workspace=workspace), public_id, _("Product not found."))


# Deals.


DEAL_RELATED = ("pipeline", "stage", "person", "organization", "owner", "product")
# What a board card, a list row, a Today line and a customer's deal section show: the rest of a
# deal (its value case, reviews: 100 columns with the related rows') stays in the database.
DEAL_ROW_FIELDS = (
    "public_id",
    "updated_at",
    "workspace_id",
    "pipeline_id",
    "title",
    "amount",
    "currency",
    "status",
    "next_action",
    "next_action_on",
    "stage__public_id",
    "stage__name",
    "person__public_id",
    "person__name",
    "organization__public_id",
    "organization__name",
)
DEAL_ROW_RELATED = ("stage", "person", "organization")


def deal_rows(deals: QuerySet[Deal]) -> QuerySet[Deal]:
    """These deals with only the columns a card or a list row shows."""
    return deals.select_related(*DEAL_ROW_RELATED).only(*DEAL_ROW_FIELDS)


# What the API's list shows of a deal (DealSummaryOut): its own fields and its related rows' ids
# and names, not its value case, fit check and reviews nor the related rows' other columns.
DEAL_SUMMARY_FIELDS = (
    "public_id",
    "title",
    "pipeline__public_id",
    "pipeline__name",
    "stage__public_id",
    "stage__name",
    "stage__role",
    "status",
    "person__public_id",
    "person__name",
    "organization__public_id",
    "organization__name",
    "owner__public_id",
    "owner__display_name",
    "owner__email",
    "product__public_id",
    "product__name",
    "amount",
    "currency",
    "expected_close",
    "next_action",
    "next_action_on",
    "disposition",
    "closed_at",
    "updated_at",
)


def deal_summaries(deals: QuerySet[Deal]) -> QuerySet[Deal]:
    """These deals with only the fields of their summary in the API's list."""
    return deals.select_related(*DEAL_RELATED).only(*DEAL_SUMMARY_FIELDS)


def deal_list(
    *,
    workspace: Workspace,
    pipeline: Pipeline | None = None,
    stage: Stage | None = None,
    status: str | None = None,
    statuses: Collection[str] = (),
    owner: User | int | None = None,
    person: Person | None = None,
    organization: Organization | None = None,
    overdue: bool = False,
    no_next_step: bool = False,
    today: dt.date | None = None,
    rows_only: bool = False,
) -> QuerySet[Deal]:
    """Deals, most recently changed first. `status` or `statuses` (the board's open and won);
    `overdue`: open deals whose next step's day has passed; `no_next_step`: open deals without
    a next step or its day. `owner`: a user or a user's id. `rows_only`: only what a list row or a
    card shows (deal_rows)."""
    deals = Deal.objects.filter(workspace=workspace)
    if pipeline is not None:
        deals = deals.filter(pipeline=pipeline)
    if stage is not None:
        deals = deals.filter(stage=stage)
    if status:
        deals = deals.filter(status=status)
    if statuses:
        deals = deals.filter(status__in=list(statuses))
    if owner is not None:
        deals = deals.filter(owner=owner)
    if person is not None:
        deals = deals.filter(person=person)
    if organization is not None:
        deals = deals.filter(organization=organization)
    if overdue and no_next_step:
        deals = deals.filter(_overdue(today) | NO_NEXT_STEP)
    elif overdue:
        deals = deals.filter(_overdue(today))
    elif no_next_step:
        # The very condition of the deal_no_next_step index, so both databases use it.
        deals = deals.filter(NO_NEXT_STEP)
    deals = deals.order_by("-updated_at", "id")
    return deal_rows(deals) if rows_only else deals.select_related(*DEAL_RELATED)


def _overdue(today: dt.date | None) -> Q:
    return Q(status=DealStatus.OPEN, next_action_on__lt=today or timezone.localdate())


def pipeline_choices(*, workspace: Workspace) -> QuerySet[Pipeline]:
    """The pipelines as the deal list's filter offers them (defaults first): their names only,
    without the stages pipeline_list brings along."""
    return (
        Pipeline.objects.filter(workspace=workspace)
        .only("public_id", "name")
        .order_by("-is_default", "kind", "name", "id")
    )


def stage_choices(*, workspace: Workspace) -> QuerySet[Stage]:
    """Every pipeline's stages as the deal list's filter offers them ("Sales · Meeting set"),
    pipeline by pipeline, in order."""
    return (
        Stage.objects.filter(workspace=workspace)
        .select_related("pipeline")
        .only("public_id", "name", "pipeline__name")
        .order_by("pipeline__name", "pipeline_id", "position")
    )


def deal_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> Deal:
    """One deal with everything its page shows at the top, or NotFoundError."""
    return _get(
        Deal.objects.filter(workspace=workspace).select_related(
            *DEAL_RELATED, "referred_to", "pipeline__value_case_stage"
        ),
        public_id,
        _("Deal not found."),
    )


@dataclass(frozen=True, slots=True)
class BoardCard:
    """What a board card shows of a deal."""

    pk: int
    public_id: uuid.UUID
    title: str
    # The person's name, then the organisation's, whichever the deal has.
    customer_names: tuple[str, ...]
    amount: Decimal
    currency: str
    status: str
    next_action: str
    next_action_on: dt.date | None
    updated_at: dt.datetime


BOARD_CARD_FIELDS = (
    "pk",
    "public_id",
    "stage_id",
    "title",
    "person__name",
    "organization__name",
    "amount",
    "currency",
    "status",
    "next_action",
    "next_action_on",
    "updated_at",
)


def _card(row: dict[str, Any]) -> BoardCard:
    return BoardCard(
        pk=row["pk"],
        public_id=row["public_id"],
        title=row["title"],
        customer_names=tuple(
            name for name in (row["person__name"], row["organization__name"]) if name
        ),
        amount=row["amount"],
        currency=row["currency"],
        status=row["status"],
        next_action=row["next_action"],
        next_action_on=row["next_action_on"],
        updated_at=row["updated_at"],
    )


def board_card(*, deal: Deal) -> BoardCard:
    """The card of one deal (as a move sends it back), its person and organisation read."""
    return _card(
        {
            "pk": deal.pk,
            "public_id": deal.public_id,
            "title": deal.title,
            "person__name": deal.person.name if deal.person else None,
            "organization__name": deal.organization.name if deal.organization else None,
            "amount": deal.amount,
            "currency": deal.currency,
            "status": deal.status,
            "next_action": deal.next_action,
            "next_action_on": deal.next_action_on,
            "updated_at": deal.updated_at,
        }
    )


@dataclass(slots=True)
class BoardColumn:
    stage: Stage
    count: int
    # Sum of the column's deal amounts per currency (code → amount), biggest first.
    sums: dict[str, Decimal]
    deals: list[BoardCard]

    @property
    def more(self) -> int:
        """How many deals of the column are not shown."""
        return max(self.count - len(self.deals), 0)


def board_columns(
    *,
    workspace: Workspace,
    pipeline: Pipeline,
    per_column: int = BOARD_COLUMN_SIZE,
    statuses: Collection[str] = (DealStatus.OPEN,),
) -> list[BoardColumn]:
    """The board: one column per stage with the count and sums of its deals in `statuses`
    (the board shows open and won ones) and the `per_column` most recently changed of them.
    Three queries whatever the size: stages, totals (kept by the services, see StageTotal),
    and the cards."""
    # The stages prefetched with the pipeline (pipeline_list, pipeline_get), else read here.
    stages = list(pipeline.stages.all())
    counts: dict[int, int] = defaultdict(int)
    sums: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for total in (
        StageTotal.objects.filter(workspace=workspace, pipeline=pipeline, status__in=list(statuses))
        .order_by()
        .only("stage_id", "currency", "deal_count", "amount")
    ):
        counts[total.stage_id] += total.deal_count
        stage_sums = sums[total.stage_id]
        stage_sums[total.currency] = total.amount + stage_sums.get(total.currency, Decimal(0))
    cards: dict[int, list[BoardCard]] = defaultdict(list)
    if per_column > 0 and stages and statuses:
        latest = _latest_per_stage(workspace, pipeline, stages, list(statuses), per_column)
        for row in (
            Deal.objects.filter(pk__in=latest)
            .order_by("-updated_at", "id")
            .values(*BOARD_CARD_FIELDS)
        ):
            cards[row["stage_id"]].append(_card(row))
    return [
        BoardColumn(
            stage=stage,
            count=counts.get(stage.pk, 0),
            sums=dict(sorted(sums.get(stage.pk, {}).items(), key=lambda item: -item[1])),
            deals=cards.get(stage.pk, []),
        )
        for stage in stages
    ]


def board_column_cards(
    *,
    workspace: Workspace,
    pipeline: Pipeline,
    stage: Stage,
    statuses: Collection[str],
    offset: int,
    limit: int,
) -> list[BoardCard]:
    """A column's cards after the first `offset` ("More"), most recently changed first."""
    rows = (
        Deal.objects.filter(
            workspace=workspace, pipeline=pipeline, stage=stage, status__in=list(statuses)
        )
        .order_by("-updated_at", "id")
        .values(*BOARD_CARD_FIELDS)
    )
    return [_card(row) for row in rows[offset : offset + limit]]


def _latest_per_stage(
    workspace: Workspace, pipeline: Pipeline, stages: list[Stage], statuses: list[str], size: int
) -> RawSQL:
    """The keys of each stage's `size` most recently changed deals, in one statement: per
    stage, a range of the deal_stage_recent index read in order and cut at `size` (never a
    sort or a ranking of the whole pipeline), the ranges joined by UNION ALL.

    Written as SQL because the ORM compiled ten such subqueries on every board view (about a
    third of the board's database time); both databases take this form of it."""
    quote = connections[Deal.objects.db].ops.quote_name
    table = quote(Deal._meta.db_table)
    in_statuses = ", ".join(["%s"] * len(statuses))
    # Names quoted by the database's own rules; every value is a parameter.
    one_stage = " ".join(
        [
            f"SELECT {quote('id')} FROM (SELECT {quote('id')} FROM {table}",  # noqa: S608
            f"WHERE {quote('workspace_id')} = %s AND {quote('pipeline_id')} = %s",
            f"AND {quote('stage_id')} = %s AND {quote('status')} IN ({in_statuses})",
            f"ORDER BY {quote('updated_at')} DESC, {quote('id')} LIMIT %s) AS {quote('s%d')}",
        ]
    )
    parts: list[str] = []
    params: list[object] = []
    for number, stage in enumerate(stages):
        parts.append(one_stage.replace("%d", str(number)))
        params += [workspace.pk, pipeline.pk, stage.pk, *statuses, size]
    return RawSQL(" UNION ALL ".join(parts), params)  # noqa: S611 - values are parameters


def _in_any(key_lists: list[QuerySet[Deal, int]]) -> Q:
    """The deals whose key is in any of these (sliced) lists of keys, in one statement."""
    if connections[key_lists[0].db].features.supports_slicing_ordering_in_compound:
        # PostgreSQL: one list of keys (a UNION ALL) joined by primary key; for an OR of IN
        # lists its planner would read the whole table.
        return Q(pk__in=key_lists[0].union(*key_lists[1:], all=True))
    # SQLite (no LIMIT inside a UNION): an OR of IN lists, each looked up by rowid.
    condition = Q()
    for keys in key_lists:
        condition |= Q(pk__in=keys)
    return condition


def deal_stage_changes(*, deal: Deal) -> QuerySet[DealStageChange]:
    return DealStageChange.objects.filter(deal=deal).select_related("changed_by")


def deals_for_person(*, workspace: Workspace, person: Person) -> QuerySet[Deal]:
    return deal_list(workspace=workspace, person=person, rows_only=True)


def deals_for_organization(*, workspace: Workspace, organization: Organization) -> QuerySet[Deal]:
    return deal_list(workspace=workspace, organization=organization, rows_only=True)


def deals_needing_attention(
    *,
    workspace: Workspace,
    owner: User | None = None,
    today: dt.date | None = None,
    limit: int = ATTENTION_LIMIT,
) -> QuerySet[Deal]:
    """The first `limit` open deals with no next step or an overdue one (Today): those without
    a day first, then the oldest day first. Two ranges of the deal_next_step index, each cut at
    `limit`, so the cost does not grow with the workspace's deals."""
    today = today or timezone.localdate()
    open_deals = Deal.objects.filter(workspace=workspace, status=DealStatus.OPEN)
    if owner is not None:
        open_deals = open_deals.filter(owner=owner)
    undated = open_deals.filter(next_action_on__isnull=True).order_by("id")
    dated = open_deals.filter(
        Q(next_action_on__lt=today) | Q(next_action=""), next_action_on__isnull=False
    ).order_by("next_action_on", "id")
    firsts = [deals.values_list("id", flat=True)[:limit] for deals in (undated, dated)]
    return deal_rows(Deal.objects.filter(_in_any(firsts))).order_by(
        F("next_action_on").asc(nulls_first=True), "id"
    )[:limit]


# Promises, post-sale checks, tasks.


def promise_list(*, deal: Deal) -> QuerySet[Promise]:
    return (
        Promise.objects.filter(deal=deal).select_related("checked_by").order_by("created_at", "id")
    )


def promise_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> Promise:
    return _get(
        Promise.objects.filter(workspace=workspace).select_related(
            "deal", "deal__owner", "deal__person", "deal__workspace"
        ),
        public_id,
        _("Promise not found."),
    )


def post_sale_check_list(*, deal: Deal) -> QuerySet[PostSaleCheck]:
    return PostSaleCheck.objects.filter(deal=deal).order_by("due_on", "id")


def post_sale_check_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> PostSaleCheck:
    return _get(
        PostSaleCheck.objects.filter(workspace=workspace).select_related(
            "deal", "deal__owner", "deal__person", "deal__workspace"
        ),
        public_id,
        _("Post-sale check not found."),
    )


def post_sale_checks_due(
    *, workspace: Workspace, owner: User | None = None, today: dt.date | None = None
) -> QuerySet[PostSaleCheck]:
    """Post-sale checks not yet done whose day has come (Today)."""
    today = today or timezone.localdate()
    checks = PostSaleCheck.objects.filter(
        workspace=workspace, done_at__isnull=True, due_on__lte=today
    )
    if owner is not None:
        checks = checks.filter(deal__owner=owner)
    return checks.select_related("deal", "deal__person", "deal__organization").order_by(
        "due_on", "id"
    )


def task_list(
    *,
    workspace: Workspace,
    assignee: User | None = None,
    open_only: bool = True,
    kind: str | None = None,
    due_by: dt.date | None = None,
    deal: Deal | None = None,
) -> QuerySet[Task]:
    tasks = Task.objects.filter(workspace=workspace)
    if open_only:
        tasks = tasks.filter(done_at__isnull=True)
    if assignee is not None:
        tasks = tasks.filter(assignee=assignee)
    if kind:
        tasks = tasks.filter(kind=kind)
    if due_by is not None:
        tasks = tasks.filter(due_on__lte=due_by)
    if deal is not None:
        tasks = tasks.filter(deal=deal)
    return tasks.select_related("deal", "person", "promise", "assignee").order_by("due_on", "id")


def task_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> Task:
    return _get(
        Task.objects.filter(workspace=workspace).select_related("deal", "person", "promise"),
        public_id,
        _("Task not found."),
    )


def _at_risk_tasks(workspace: Workspace) -> QuerySet[Task]:
    return Task.objects.filter(
        workspace=workspace,
        kind=TaskKind.PROMISE_FOLLOW_UP,
        done_at__isnull=True,
        promise__status=PromiseStatus.BROKEN,
    )


def at_risk_person_ids(
    *, workspace: Workspace, person_ids: Collection[int] | None = None
) -> set[int]:
    """People at risk: a promise to them was broken and its follow-up is not done yet. One
    query, for a list of people (or the whole workspace)."""
    tasks = _at_risk_tasks(workspace).filter(deal__person__isnull=False)
    if person_ids is not None:
        tasks = tasks.filter(deal__person_id__in=list(person_ids))
    return set(tasks.values_list("deal__person_id", flat=True))


def at_risk_organization_ids(
    *, workspace: Workspace, organization_ids: Collection[int] | None = None
) -> set[int]:
    tasks = _at_risk_tasks(workspace).filter(deal__organization__isnull=False)
    if organization_ids is not None:
        tasks = tasks.filter(deal__organization_id__in=list(organization_ids))
    return set(tasks.values_list("deal__organization_id", flat=True))


def person_is_at_risk(*, workspace: Workspace, person: Person) -> bool:
    return bool(at_risk_person_ids(workspace=workspace, person_ids=[person.pk]))


def deal_is_at_risk(*, deal: Deal) -> bool:
    return _at_risk_tasks(deal.workspace).filter(deal=deal).exists()


# Deals whose customer can still be won back: open, or won and being delivered (promises are
# checked at delivery, so a broken one is usually on a won deal).
AT_RISK_STATUSES = (DealStatus.OPEN, DealStatus.WON)


def deals_at_risk(
    *, workspace: Workspace, owner: User | None = None, limit: int = ATTENTION_LIMIT
) -> QuerySet[Deal]:
    """The deals at risk (Today): a promise was broken and its follow-up is not done yet (as
    deal_is_at_risk), among the open and the won ones being delivered, of one owner or the
    whole workspace; the most recently changed first. One query, however many there are."""
    deals = Deal.objects.filter(
        workspace=workspace,
        status__in=AT_RISK_STATUSES,
        pk__in=_at_risk_tasks(workspace).values("deal_id"),
    )
    if owner is not None:
        deals = deals.filter(owner=owner)
    return deal_rows(deals.order_by("-updated_at", "id"))[:limit]


# Satisfaction.


def satisfaction_token(*, request: SatisfactionRequest) -> str:
    """The secret of the customer's public link (signed, so it cannot be forged or guessed).

    The same link every time it is shown: expiry and single use live on the request's row.
    """
    return _satisfaction_signer().sign(str(request.public_id))


def _satisfaction_signer() -> signing.Signer:
    return signing.Signer(salt=SATISFACTION_SALT)


def satisfaction_request_for_token(*, token: str) -> SatisfactionRequest:
    """The request a public link names, if it can still be answered. Raises NotFoundError for
    a forged or unknown token, SatisfactionExpiredError, or SatisfactionAnsweredError."""
    try:
        public_id = _satisfaction_signer().unsign(token)
    except signing.BadSignature as exc:
        raise NotFoundError(_("This survey link is not valid.")) from exc
    request = (
        SatisfactionRequest.objects.filter(
            public_id=as_uuid(public_id, not_found=_("This survey link is not valid."))
        )
        .select_related("deal", "deal__workspace")
        .first()
    )
    if request is None:
        raise NotFoundError(_("This survey link is not valid."))
    if request.answered_at is not None:
        raise SatisfactionAnsweredError(_("This survey was already answered. Thank you!"))
    if request.expires_at <= timezone.now():
        raise SatisfactionExpiredError(_("This survey link has expired. Thank you for your time."))
    return request


def satisfaction_request_by_token(*, token: str) -> SatisfactionRequest | None:
    """The request a link names whatever its state (answered, expired), or None for a forged
    or unknown token: the public pages read its language and whether it was answered."""
    try:
        public_id = _satisfaction_signer().unsign(token)
    except signing.BadSignature:
        return None
    try:
        wanted = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return SatisfactionRequest.objects.filter(public_id=wanted).first()


def satisfaction_request_list(*, deal: Deal) -> QuerySet[SatisfactionRequest]:
    return SatisfactionRequest.objects.filter(deal=deal).order_by("-created_at", "-id")


def satisfaction_latest_answer(*, deal: Deal) -> SatisfactionRequest | None:
    return (
        SatisfactionRequest.objects.filter(deal=deal, answered_at__isnull=False)
        .order_by("-answered_at", "-id")
        .first()
    )


# Advice.


def _customer_key(organization_id: int | None, person_id: int | None) -> tuple[str, int]:
    """A customer is the organisation when there is one, else the person."""
    if organization_id is not None:
        return ("organization", organization_id)
    return ("person", person_id or 0)


def _first_deals(workspace: Workspace, exclude: Deal | None = None) -> dict[str, list[Decimal]]:
    """Each customer's first won deal's amount, grouped by its currency. A customer is the
    organisation when there is one, else the person; of two deals closed at the same moment,
    the one made first (the lower id) came first.

    One statement per kind of customer (_first_won_sql): each customer's earliest closing,
    grouped along deal_first_won_organization or deal_first_won_person, joined back to the
    deals closed at that moment. Ranking the won deals one by one (a window function) took
    SQLite three times as long."""
    firsts: dict[tuple[str, int], tuple[int, str, Decimal]] = {}
    with connections[Deal.objects.db].cursor() as cursor:
        for customer in ("organization_id", "person_id"):
            cursor.execute(*_first_won_sql(workspace, customer, exclude))
            for customer_id, pk, currency, amount in cursor.fetchall():
                key = (customer, customer_id)
                if key not in firsts or pk < firsts[key][0]:
                    firsts[key] = (pk, currency, _money(amount))
    by_currency: dict[str, list[Decimal]] = defaultdict(list)
    for _pk, currency, amount in firsts.values():
        by_currency[currency].append(amount)
    return dict(by_currency)


def _first_won_sql(
    workspace: Workspace, customer: str, exclude: Deal | None
) -> tuple[str, list[int | str]]:
    """The statement listing, for each customer whose key is `customer` ("organization_id":
    organisations; "person_id": people without one), the won deals closed at its first closing:
    (customer, id, currency, amount). Written as SQL because the ORM cannot join a grouped
    subquery back to its table."""
    quote = connections[Deal.objects.db].ops.quote_name
    table, key = quote(Deal._meta.db_table), quote(customer)
    closed, pk = quote("closed_at"), quote("id")
    organization = "IS NOT NULL" if customer == "organization_id" else "IS NULL"
    excluded = exclude.pk if exclude is not None else None
    skip = f"AND {pk} <> %s" if excluded else ""
    won = (
        f"{quote('workspace_id')} = %s AND {quote('status')} = %s"
        f" AND {quote('organization_id')} {organization} {skip}"
    )
    # Names quoted by the database's own rules; every value is a parameter.
    sql = (
        f"SELECT {key}, {pk}, {quote('currency')}, {quote('amount')} FROM {table} "  # noqa: S608
        f"JOIN (SELECT {key} AS first_customer, MIN({closed}) AS first_closed FROM {table} "
        f"WHERE {won} GROUP BY {key}) firsts "
        f"ON {key} = firsts.first_customer AND {closed} = firsts.first_closed WHERE {won}"
    )
    values: list[int | str] = [workspace.pk, DealStatus.WON.value]
    if excluded:
        values.append(excluded)
    # The same conditions in the grouped subquery and on the deals joined to it.
    return sql, values * 2


def first_deal_amounts(
    *, workspace: Workspace, currency: str, exclude: Deal | None = None
) -> list[Decimal]:
    """The amount of each customer's first won deal in this currency."""
    return _first_deals(workspace, exclude).get(currency, [])


def _is_first_deal(
    *,
    workspace: Workspace,
    person: Person | None,
    organization: Organization | None,
    exclude: Deal | None,
) -> bool:
    """No earlier won deal with this customer (the organisation, else the person)."""
    won = Deal.objects.filter(workspace=workspace, status=DealStatus.WON)
    if exclude is not None and exclude.pk:
        won = won.exclude(pk=exclude.pk)
        if exclude.closed_at is not None:
            won = won.filter(closed_at__lt=exclude.closed_at)
    if organization is not None:
        won = won.filter(organization=organization)
    elif person is not None:
        won = won.filter(person=person, organization__isnull=True)
    else:
        return False
    return not won.exists()


def start_small_advice(
    *,
    workspace: Workspace,
    pipeline: Pipeline,
    amount: Decimal,
    currency: str,
    person: Person | None,
    organization: Organization | None,
    deal: Deal | None = None,
) -> Advice | None:
    """Advice when this would be the customer's first deal and it looks oversized (seed 004):
    above the pipeline's factor × the median of past first deals in the currency, or above the
    pipeline's threshold while there are fewer than five of them. Not a refusal."""
    if not _is_first_deal(
        workspace=workspace, person=person, organization=organization, exclude=deal
    ):
        return None
    threshold = pipeline.first_deal_threshold if currency == workspace.currency else None
    return first_deal_advice(
        Decimal(amount),
        first_deal_amounts(workspace=workspace, currency=currency, exclude=deal),
        threshold=threshold,
        factor=pipeline.first_deal_factor,
    )


@dataclass(frozen=True, slots=True)
class NextOfferRow:
    product: Product
    # How many customers bought it next after something this customer bought (0: catalogue).
    followers: int
    basis: str


def next_offers_eligible(*, deal: Deal) -> bool:
    """Next offers show for a delivered (or paid) deal whose customer is satisfied: answered
    8 or more, or has not answered yet but every post-sale check was positive."""
    if deal.status != DealStatus.WON:
        return False
    delivered = Stage.objects.filter(pipeline_id=deal.pipeline_id, role=StageRole.DELIVERED).first()
    if delivered is None or deal.stage.position < delivered.position:
        return False
    answer = satisfaction_latest_answer(deal=deal)
    if answer is not None:
        return (answer.score or 0) >= SATISFIED_SCORE
    checks = list(post_sale_check_list(deal=deal))
    return bool(checks) and all(
        check.done_at is not None and check.understood and check.working for check in checks
    )


def deal_next_offers(*, deal: Deal, limit: int = 3) -> list[NextOfferRow]:
    """What this customer may want next: what other customers most often bought after what
    this one bought; then active products not yet bought, cheapest first."""
    won = (
        Deal.objects.filter(
            workspace_id=deal.workspace_id, status=DealStatus.WON, product__isnull=False
        )
        .order_by("closed_at", "id")
        .values_list("organization_id", "person_id", "product_id")
    )
    histories: dict[tuple[str, int], list[int]] = defaultdict(list)
    for organization_id, person_id, product_id in won:
        histories[_customer_key(organization_id, person_id)].append(product_id)
    current = histories.get(_customer_key(deal.organization_id, deal.person_id), [])
    if deal.product_id is not None and deal.product_id not in current:
        current = [*current, deal.product_id]
    catalogue = list(
        Product.objects.filter(workspace_id=deal.workspace_id, active=True).values_list(
            "id", "price"
        )
    )
    offers = next_offers(histories.values(), current, limit=limit, catalogue=catalogue)
    products = Product.objects.in_bulk([offer.product for offer in offers])
    return [
        NextOfferRow(product=products[offer.product], followers=offer.followers, basis=offer.basis)
        for offer in offers
        if offer.product in products
    ]


@dataclass(frozen=True, slots=True)
class DealAdvice:
    start_small: Advice | None
    playbook: list[str]
    # Empty unless the customer is satisfied and the deal delivered (next_offers_eligible).
    next_offers: list[NextOfferRow] = field(default_factory=list)


def deal_advice(*, deal: Deal) -> DealAdvice:
    """Everything the deal page advises: start small (for an open first deal), the playbook for
    the customer's disposition, and next offers for a satisfied customer."""
    start_small = None
    if deal.status == DealStatus.OPEN:
        start_small = start_small_advice(
            workspace=deal.workspace,
            pipeline=deal.pipeline,
            amount=deal.amount,
            currency=deal.currency,
            person=deal.person,
            organization=deal.organization,
            deal=deal,
        )
    offers = deal_next_offers(deal=deal) if next_offers_eligible(deal=deal) else []
    return DealAdvice(
        start_small=start_small, playbook=playbook_for(deal.disposition), next_offers=offers
    )


# The report.


@dataclass(frozen=True, slots=True)
class StageValue:
    stage: Stage
    count: int
    sums: dict[str, Decimal]


@dataclass(frozen=True, slots=True)
class DealReport:
    # Disposition → won out of closed (won, lost or walked away).
    conversion: dict[str, Ratio]
    losses: LossOwnership
    # Lost deals per category ("customer", "company", "market", "own").
    loss_categories: dict[str, int]
    satisfaction: ScoreSummary
    # Open deals' value per stage of the pipeline, per currency.
    pipeline_value: list[StageValue]
    # Median of the customers' first won deals, per currency.
    first_deal_median: dict[str, Decimal]


def deal_report(
    *, workspace: Workspace, pipeline: Pipeline | None = None, owner: User | None = None
) -> DealReport:
    """The pipeline report: conversion by the customer's disposition (do "difficult" customers
    convert when someone stays engaged?), losses explained outward versus owned, satisfaction,
    open value per stage, and the first-deal median.

    Counted by the database in groups read from indexes, not deal by deal: the closed deals
    once for conversion and losses (deal_closed_report), the answers per score
    (satisfaction_scores), the open value per stage and currency (_open_value); only the first
    deals are listed (_first_deals)."""
    deals = Deal.objects.filter(workspace=workspace)
    if pipeline is not None:
        deals = deals.filter(pipeline=pipeline)
    if owner is not None:
        deals = deals.filter(owner=owner)
    closed_counts = list(
        deals.exclude(status=DealStatus.OPEN)
        .order_by()
        .values_list("status", "disposition", "loss_category")
        .annotate(count=Count("*"))
    )
    conversion = conversion_by_disposition(
        (disposition, status, count) for status, disposition, _loss, count in closed_counts
    )
    ordered_conversion = {
        disposition: conversion[disposition]
        for disposition in Disposition.values
        if disposition in conversion
    }
    loss_counts: Counter[str] = Counter()
    for status, _disposition, loss_category, count in closed_counts:
        if status == DealStatus.LOST:
            loss_counts[loss_category] += count
    losses = loss_ownership(loss_counts.elements(), OUTWARD_LOSS_CATEGORIES)
    # Answered: with a score (the satisfaction_answered_has_score constraint), as the
    # satisfaction_scores index reads them.
    answered = SatisfactionRequest.objects.filter(workspace=workspace, score__isnull=False)
    if pipeline is not None:
        answered = answered.filter(deal__pipeline=pipeline)
    if owner is not None:
        answered = answered.filter(deal__owner=owner)
    scores: Counter[int] = Counter(
        dict(answered.order_by().values_list("score").annotate(count=Count("*")))
    )
    satisfaction = score_summary(scores.elements())
    value_stages = Stage.objects.filter(workspace=workspace).select_related("pipeline")
    if pipeline is not None:
        value_stages = value_stages.filter(pipeline=pipeline)
    totals: dict[int, tuple[int, dict[str, Decimal]]] = {}
    for stage_id, currency, count, total in _open_value(workspace, pipeline, deals, owner):
        stage_count, sums = totals.get(stage_id, (0, {}))
        sums[currency] = _money(total)
        totals[stage_id] = (stage_count + count, sums)
    pipeline_value = [
        StageValue(
            stage=stage,
            count=totals.get(stage.pk, (0, {}))[0],
            sums=totals.get(stage.pk, (0, {}))[1],
        )
        for stage in value_stages.order_by("pipeline__name", "pipeline_id", "position")
    ]
    first_deal_median: dict[str, Decimal] = {}
    for currency, amounts in sorted(_first_deals(workspace).items()):
        median = median_amount(amounts)
        if median is not None:
            first_deal_median[currency] = median
    return DealReport(
        conversion=ordered_conversion,
        losses=losses,
        loss_categories={
            category: loss_counts.get(category, 0) for category in LossCategory.values if category
        },
        satisfaction=satisfaction,
        pipeline_value=pipeline_value,
        first_deal_median=first_deal_median,
    )


def _open_value(
    workspace: Workspace, pipeline: Pipeline | None, deals: QuerySet[Deal], owner: User | None
) -> QuerySet[Any, tuple[int, str, int, Decimal]]:
    """The open deals' count and sum per stage and currency: the board's totals (StageTotal,
    kept exact by the services) unless only one owner's deals are counted. In stage and
    currency order either way."""
    if owner is not None:
        return (
            deals.filter(status=DealStatus.OPEN)
            .values_list("stage_id", "currency")
            .annotate(count=Count("*"), total=Sum("amount"))
            .order_by("stage_id", "currency")
        )
    totals = StageTotal.objects.filter(workspace=workspace, status=DealStatus.OPEN)
    if pipeline is not None:
        totals = totals.filter(pipeline=pipeline)
    return totals.order_by("stage_id", "currency").values_list(
        "stage_id", "currency", "deal_count", "amount"
    )


def today_items(
    *, workspace: Workspace, owner: User | None = None, today: dt.date | None = None
) -> tuple[QuerySet[Deal], QuerySet[PostSaleCheck], QuerySet[Task]]:
    """The Today section: deals needing a next step, post-sale checks due, and open tasks due
    (promise follow-ups and next steps), for one member or the whole workspace."""
    today = today or timezone.localdate()
    return (
        deals_needing_attention(workspace=workspace, owner=owner, today=today),
        post_sale_checks_due(workspace=workspace, owner=owner, today=today),
        task_list(workspace=workspace, assignee=owner, due_by=today),
    )
