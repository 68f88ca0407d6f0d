"""The value-based pipeline: pipelines and their stages, deals with their value case, fit check
and reviews, promises made at sale, post-sale checks, satisfaction requests, and tasks.

The rules (moving, closing, checking) live in kesher.deals.services; the arithmetic (start-small
advice, next offers, report figures) in kesher.engine.deals.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kesher.core.models import TimeStampedModel, WorkspaceScopedModel
from kesher.people.models import Organization, Person


class PipelineKind(models.TextChoices):
    SALES = "sales", _("Sales")
    RECRUITING = "recruiting", _("Recruiting")


class StageRole(models.TextChoices):
    NONE = "", _("—")
    WON = "won", _("Won (closed)")
    DELIVERED = "delivered", _("Delivered")
    PAID = "paid", _("Paid")


class Pipeline(WorkspaceScopedModel):
    """A workspace's sequence of stages; sales and recruiting are the same machinery (seed 001)."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=16, choices=PipelineKind.choices, default=PipelineKind.SALES
    )
    is_default = models.BooleanField(_("default"), default=False)
    # Moving a deal to this stage or a later one needs the four value-case answers (seed 002).
    value_case_stage = models.ForeignKey(
        "Stage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("value case required from"),
    )
    # Days after closing won when the post-sale checks fall due, comma separated ("7,30,90").
    post_sale_days = models.CharField(_("post-sale check days"), max_length=60, default="7,30,90")
    # Start small (seed 004): a first deal above factor × the median of past first deals is
    # oversized; with fewer than five past first deals, above the threshold (when set).
    first_deal_factor = models.DecimalField(
        _("oversized first deal factor"), max_digits=4, decimal_places=2, default=2
    )
    first_deal_threshold = models.DecimalField(
        _("oversized first deal threshold"), null=True, blank=True, max_digits=14, decimal_places=2
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="pipeline_unique_name"),
            models.UniqueConstraint(
                fields=["workspace", "kind"],
                condition=models.Q(is_default=True),
                name="pipeline_one_default_per_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["sales", "recruiting"]), name="pipeline_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(first_deal_factor__gt=1), name="pipeline_first_deal_factor"
            ),
            models.CheckConstraint(
                condition=models.Q(first_deal_threshold__isnull=True)
                | models.Q(first_deal_threshold__gt=0),
                name="pipeline_first_deal_threshold_positive",
            ),
        ]
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")

    def __str__(self) -> str:
        return self.name


class Stage(WorkspaceScopedModel):
    pipeline = models.ForeignKey(
        Pipeline, on_delete=models.CASCADE, related_name="stages", verbose_name=_("pipeline")
    )
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"))
    role = models.CharField(
        _("role"), max_length=16, choices=StageRole.choices, blank=True, default=StageRole.NONE
    )

    class Meta:
        ordering = ["pipeline", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "position"], name="stage_unique_position"),
            models.UniqueConstraint(fields=["pipeline", "name"], name="stage_unique_name"),
            models.UniqueConstraint(
                fields=["pipeline", "role"],
                condition=~models.Q(role=""),
                name="stage_unique_role",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["", "won", "delivered", "paid"]), name="stage_role"
            ),
        ]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")

    def __str__(self) -> str:
        return self.name


class Product(WorkspaceScopedModel):
    """Something the workspace offers; optional on a deal, the basis of next-offer advice."""

    name = models.CharField(_("name"), max_length=200)
    price = models.DecimalField(_("price"), null=True, blank=True, max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="product_unique_name"),
            models.CheckConstraint(
                condition=models.Q(price__isnull=True) | models.Q(price__gte=0),
                name="product_price_positive",
            ),
        ]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.name


class DealStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("deal status", "Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    WALKED_AWAY = "walked_away", _("Walked away")


class Disposition(models.TextChoices):
    """The customer's disposition in this deal (seed 003): each has a playbook."""

    OPEN = "open", _("Open")
    SCEPTICAL = "sceptical", _("Sceptical")
    ANTAGONISTIC = "antagonistic", _("Antagonistic")
    UNINTERESTED = "uninterested", _("Uninterested")
    PRICE_FOCUSED = "price_focused", _("Price-focused")
    NOT_LISTENING = "not_listening", _("Not listening")


class LossCategory(models.TextChoices):
    NONE = "", _("—")
    CUSTOMER = "customer", _("The customer")
    COMPANY = "company", _("Our company")
    MARKET = "market", _("The market")
    OWN = "own", _("My own doing")


# A loss explained by the customer, the company or the market is put outside the seller
# (seed 003).
OUTWARD_LOSS_CATEGORIES = (LossCategory.CUSTOMER, LossCategory.COMPANY, LossCategory.MARKET)
# The four questions a customer asks (seed 002), in the order they are asked.
VALUE_CASE_FIELDS = ("value_value", "value_why_us", "value_why_now", "value_alternative")
# Open deals without a next step (or its day): the list's filter and the condition of its index,
# spelled once so the database sees the query's condition is the index's own.
NO_NEXT_STEP = models.Q(status="open") & (
    models.Q(next_action="") | models.Q(next_action_on__isnull=True)
)
# The fit check of seed 001.
FIT_FIELDS = ("fit_need_real", "fit_can_deliver", "fit_decision_maker", "fit_budget")


class Deal(WorkspaceScopedModel):
    pipeline = models.ForeignKey(
        Pipeline, on_delete=models.PROTECT, related_name="deals", verbose_name=_("pipeline")
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="deals", verbose_name=_("stage")
    )
    title = models.CharField(pgettext_lazy("deal", "title"), max_length=200)
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("person"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("organisation"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("product"),
    )
    amount = models.DecimalField(_("amount"), default=0, max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    expected_close = models.DateField(_("expected close"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DealStatus.choices, default=DealStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Stay engaged until the end (seed 003): the services refuse an open deal without a next
    # step; no database constraint, so rows from imports or the admin can still lack one and
    # show up under "no next step".
    next_action = models.CharField(_("next step"), max_length=300, blank=True)
    next_action_on = models.DateField(_("next step on"), null=True, blank=True)
    disposition = models.CharField(
        _("customer's disposition"),
        max_length=16,
        choices=Disposition.choices,
        default=Disposition.OPEN,
    )
    value_value = models.TextField(_("What value do we bring?"), blank=True)
    value_why_us = models.TextField(_("Why should they choose us?"), blank=True)
    value_why_now = models.TextField(_("Why now?"), blank=True)
    value_alternative = models.TextField(
        _("What is the alternative (a competitor, or doing nothing)?"), blank=True
    )
    fit_need_real = models.BooleanField(_("The need is real"), null=True, blank=True)
    fit_can_deliver = models.BooleanField(_("We can deliver it well"), null=True, blank=True)
    fit_decision_maker = models.BooleanField(
        _("We are talking with who decides"), null=True, blank=True
    )
    fit_budget = models.BooleanField(_("There is a budget"), null=True, blank=True)
    walk_away_reason = models.TextField(_("why we walked away"), blank=True)
    referred_to = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referred to"),
    )
    loss_category = models.CharField(
        _("the loss came from"),
        max_length=16,
        choices=LossCategory.choices,
        blank=True,
        default=LossCategory.NONE,
    )
    loss_reason = models.TextField(_("why it was lost"), blank=True)
    loss_lesson = models.TextField(_("what I will do differently"), blank=True)

    class Meta:
        ordering = ["-updated_at", "id"]
        indexes = [
            # The deal list, newest first: a page is a walk along this index, whatever the page.
            models.Index(fields=["workspace", "-updated_at", "id"], name="deal_recent"),
            # A board column's latest cards and the list of one stage: a range of this index,
            # already in order; the status is read from the index to skip closed deals.
            models.Index(
                fields=["workspace", "pipeline", "stage", "-updated_at", "id", "status"],
                name="deal_stage_recent",
            ),
            # The board's and the report's count and sums per stage and currency, grouped in
            # index order and read from the index alone; also the count of a pipeline's list.
            models.Index(
                fields=["workspace", "pipeline", "status", "stage", "currency", "amount"],
                name="deal_stage_totals",
            ),
            # Overdue next steps, oldest first (Today, the list's filter and its count).
            models.Index(
                fields=["workspace", "status", "next_action_on", "id"], name="deal_next_step"
            ),
            # Open deals without a next step: few, found and counted without reading the rest.
            # The status (always open here) is among the fields too: SQLite's planner, counting
            # the equalities an index serves, would otherwise count by deal_next_step. So is the
            # next step itself, which the condition names: SQLite reads from an index alone
            # only a query whose every column the index holds.
            models.Index(
                fields=[
                    "workspace",
                    "status",
                    "-updated_at",
                    "id",
                    "next_action_on",
                    "next_action",
                ],
                condition=NO_NEXT_STEP,
                name="deal_no_next_step",
            ),
            # Each customer's first won deal (start-small advice, the report's median): the won
            # deals per organisation, and per person without one, in closing order, with the
            # amount, so ranking them reads neither the table nor a sort. The status is among
            # the fields though always "won" here: SQLite reads only the columns an index has.
            models.Index(
                fields=[
                    "workspace",
                    "status",
                    "organization",
                    "closed_at",
                    "id",
                    "currency",
                    "amount",
                ],
                condition=models.Q(status="won"),
                name="deal_first_won_organization",
            ),
            models.Index(
                fields=[
                    "workspace",
                    "status",
                    "organization",
                    "person",
                    "closed_at",
                    "id",
                    "currency",
                    "amount",
                ],
                condition=models.Q(status="won"),
                name="deal_first_won_person",
            ),
            # The report's conversion and losses: the closed deals counted per status,
            # disposition and loss category, in the index's order, from the index alone.
            models.Index(
                fields=["workspace", "status", "disposition", "loss_category", "pipeline"],
                condition=~models.Q(status="open"),
                name="deal_closed_report",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(organization__isnull=False),
                name="deal_has_customer",
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="deal_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "won", "lost", "walked_away"]),
                name="deal_status",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open", closed_at__isnull=True)
                | (~models.Q(status="open") & models.Q(closed_at__isnull=False)),
                name="deal_closed_at_matches_status",
            ),
            # A lost deal gets its review (seed 003).
            models.CheckConstraint(
                condition=~models.Q(status="lost")
                | (
                    ~models.Q(loss_category="")
                    & ~models.Q(loss_reason="")
                    & ~models.Q(loss_lesson="")
                ),
                name="deal_lost_has_review",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="walked_away") | ~models.Q(walk_away_reason=""),
                name="deal_walked_away_has_reason",
            ),
        ]
        verbose_name = _("deal")
        verbose_name_plural = _("deals")

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status != DealStatus.OPEN

    @property
    def value_case_missing(self) -> list[str]:
        """The value-case fields still blank, in the order the customer asks them."""
        return [field for field in VALUE_CASE_FIELDS if not getattr(self, field).strip()]


class StageTotal(TimeStampedModel):
    """How many deals sit in a stage, and their sum, per status and currency.

    The board's column heads read these few rows instead of counting and summing the whole
    pipeline on every view (at 100k deals that was half the board's time). The deal services
    recompute a stage's rows from its deals whenever a deal enters, leaves or changes in it,
    so the rows are exact, not a running tally that could drift."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="+")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="totals")
    status = models.CharField(max_length=16, choices=DealStatus.choices)
    currency = models.CharField(max_length=3)
    deal_count = models.PositiveIntegerField()
    # A sum of up to a billion deals of max_digits=14.
    amount = models.DecimalField(max_digits=23, decimal_places=2)

    class Meta:
        ordering = ["pipeline", "stage", "status", "currency"]
        indexes = [
            models.Index(fields=["workspace", "pipeline", "status"], name="stagetotal_board"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "status", "currency"], name="stagetotal_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(deal_count__gt=0), name="stagetotal_count_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage_id} {self.status} {self.currency}: {self.deal_count}"


class DealStageChange(WorkspaceScopedModel):
    """One step of a deal's history. The stage names are kept, so the history survives a stage
    being renamed or deleted."""

    deal = models.ForeignKey(
        Deal, on_delete=models.CASCADE, related_name="stage_changes", verbose_name=_("deal")
    )
    from_stage = models.ForeignKey(
        Stage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from stage"),
    )
    to_stage = models.ForeignKey(
        Stage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to stage"),
    )
    from_stage_name = models.CharField(_("from stage"), max_length=80, blank=True)
    to_stage_name = models.CharField(_("to stage"), max_length=80)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.from_stage_name} → {self.to_stage_name}"


class PromiseKind(models.TextChoices):
    SPEC = "spec", _("Specification")
    VOLUME = "volume", _("Volume or capacity")
    DATE = "date", _("Delivery date")
    SERVICE_LEVEL = "service_level", _("Service level")
    OTHER = "other", _("Other")


class PromiseStatus(models.TextChoices):
    PENDING = "pending", _("Not checked yet")
    KEPT = "kept", _("Kept")
    BROKEN = "broken", _("Broken")


class Promise(WorkspaceScopedModel):
    """What was promised at sale, checked at delivery (seed 004: printers that print half the
    promised volume make a dissatisfied one-time customer)."""

    deal = models.ForeignKey(
        Deal, on_delete=models.CASCADE, related_name="promises", verbose_name=_("deal")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PromiseKind.choices)
    text = models.TextField(_("what was promised"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=PromiseStatus.choices, default=PromiseStatus.PENDING
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="pending", checked_at__isnull=True)
                | (~models.Q(status="pending") & models.Q(checked_at__isnull=False)),
                name="promise_checked_at_matches_status",
            ),
            models.CheckConstraint(condition=~models.Q(text=""), name="promise_text_not_empty"),
        ]
        verbose_name = _("promise")
        verbose_name_plural = _("promises")

    def __str__(self) -> str:
        return self.text[:80]


class TaskKind(models.TextChoices):
    PROMISE_FOLLOW_UP = "promise_follow_up", _("Make good a broken promise")
    POST_SALE_CHECK = "post_sale_check", _("Post-sale check")
    NEXT_STEP = "next_step", _("Next step")


class Task(WorkspaceScopedModel):
    """A to-do of the workspace, optionally about a deal, a person or a promise."""

    kind = models.CharField(_("kind"), max_length=24, choices=TaskKind.choices)
    title = models.CharField(pgettext_lazy("task", "title"), max_length=300)
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    deal = models.ForeignKey(
        Deal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("deal"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("person"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignee"),
    )
    promise = models.ForeignKey(
        Promise,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("promise"),
    )

    class Meta:
        ordering = ["due_on", "id"]
        # Today's tasks due, in order: the id too, so the first few are read in index order.
        indexes = [
            models.Index(fields=["workspace", "done_at", "due_on", "id"], name="task_ws_open_due")
        ]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return self.title


class PostSaleCheck(WorkspaceScopedModel):
    """After closing won: does the customer understand what they got and its value, and is it
    working (seed 002: service makes sure the customer understood what they got)."""

    deal = models.ForeignKey(
        Deal, on_delete=models.CASCADE, related_name="post_sale_checks", verbose_name=_("deal")
    )
    offset_days = models.PositiveSmallIntegerField(_("days after closing"))
    due_on = models.DateField(_("due on"))
    understood = models.BooleanField(
        _("The customer understands what they got and its value"), null=True, blank=True
    )
    working = models.BooleanField(_("It is working"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            # Today's checks due, in order (the id too: no sort of every check due). Partial on
            # the checks not done: PostgreSQL reads an index in order only after equalities,
            # and "done_at IS NULL" is not one; with it in the key, it sorted every open check.
            models.Index(
                fields=["workspace", "due_on", "id"],
                condition=models.Q(done_at__isnull=True),
                name="postsalecheck_open_due",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "offset_days"], name="postsalecheck_unique_offset"
            ),
        ]
        verbose_name = _("post-sale check")
        verbose_name_plural = _("post-sale checks")

    def __str__(self) -> str:
        return f"{self.deal} +{self.offset_days}"


class SatisfactionRequest(WorkspaceScopedModel):
    """A single-use public link asking the customer how satisfied they are (0–10)."""

    deal = models.ForeignKey(
        Deal,
        on_delete=models.CASCADE,
        related_name="satisfaction_requests",
        verbose_name=_("deal"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The report's satisfaction: the answers (the requests with a score, see
            # satisfaction_answered_has_score) counted per score from the index alone.
            models.Index(
                fields=["workspace", "score", "deal"],
                condition=models.Q(score__isnull=False),
                name="satisfaction_scores",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=10),
                name="satisfaction_score_range",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True, answered_at__isnull=True)
                | models.Q(score__isnull=False, answered_at__isnull=False),
                name="satisfaction_answered_has_score",
            ),
        ]
        verbose_name = _("satisfaction request")
        verbose_name_plural = _("satisfaction requests")

    def __str__(self) -> str:
        return f"{self.deal} ({self.score if self.score is not None else '—'})"
