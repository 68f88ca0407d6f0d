"""Pages of the value-based pipeline: the board, the list, the deal page with its forms, the
pipeline settings, the reports, and the customer's public satisfaction page.

Every action is a plain form POST followed by a redirect, so it all works without JavaScript.
Through htmx, a move from the board swaps just its card (with the column heads, out of band), and
the next step is edited in place. The services decide; a refusal is shown where it happened and
changes nothing.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kesher.core.exceptions import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from kesher.core.forms import add_service_errors
from kesher.core.templatetags.core_tags import ROW_SLOT, money
from kesher.core.views import current_membership, current_user, paginate, workspace_view
from kesher.deals import selectors, services
from kesher.deals.exceptions import (
    SatisfactionAnsweredError,
    SatisfactionExpiredError,
    ValueCaseMissingError,
)
from kesher.deals.forms import (
    AdviceQueryForm,
    CloseLostForm,
    DealFilterForm,
    DealForm,
    FitForm,
    MoveForm,
    NextActionForm,
    PipelineForm,
    PostSaleCheckForm,
    PromiseCheckForm,
    PromiseForm,
    SatisfactionForm,
    StageForm,
    StageMoveForm,
    ValueCaseForm,
    WalkAwayForm,
)
from kesher.deals.models import (
    FIT_FIELDS,
    VALUE_CASE_FIELDS,
    Deal,
    DealStatus,
    Disposition,
    Pipeline,
    PipelineKind,
    PromiseStatus,
    Stage,
    StageRole,
)
from kesher.engine.bidi import isolate
from kesher.people import selectors as people_selectors
from kesher.people.views import is_partial
from kesher.search import selectors as search_selectors
from kesher.search.models import SearchDocument
from kesher.workspaces import selectors as workspace_selectors
from kesher.workspaces.models import Role, Workspace

LIST_PAGE_SIZE = 30
# The list can reach 100k deals: counted up to this many, like the people list.
LIST_COUNT_LIMIT = 10_000
WRITE_ROLES = (Role.OWNER, Role.MEMBER)
# Shown on the board: lost and walked-away deals have left the pipeline.
BOARD_STATUSES = (DealStatus.OPEN, DealStatus.WON)


def can_write(request: HttpRequest) -> bool:
    """Owners and members change deals; a coach reads only (the services refuse them too)."""
    return current_membership(request).role in WRITE_ROLES


def _write_or_403(request: HttpRequest) -> None:
    if not can_write(request):
        raise PermissionDenied(
            _("Coaches can see the deals but not change them: ask the owner or a member.")
        )


def _isolating(sentence: str, **names: str) -> SafeString:
    """A translated sentence with user-typed names in it, each name in its own <bdi> (as the
    templates' `isolated` filter does), so a Hebrew name in an English message, or the other
    way round, does not pull the words and the full stop around it out of place."""
    isolated = {key: format_html("<bdi>{}</bdi>", name) for key, name in names.items()}
    return mark_safe(conditional_escape(sentence) % isolated)  # noqa: S308 - parts are escaped


def _messages_of(exc: DomainError | ValidationError) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(message) for message in exc.messages)
    return exc.message


def _deal(workspace: Workspace, deal_id: uuid.UUID) -> Deal:
    return selectors.deal_get(workspace=workspace, public_id=deal_id)


def _to_deal(deal: Deal, anchor: str = "") -> HttpResponse:
    url = reverse("deals:detail", args=[deal.public_id])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _isolated(text: str) -> str:
    """A name for a plain-text message (an announcement, a flash message): isolated when it
    is written the other way from the page's language."""
    return isolate(text, rtl=translation.get_language_bidi())


# The board.


@dataclass(frozen=True, slots=True)
class Total:
    currency: str
    amount: Decimal


@dataclass(slots=True)
class Column:
    stage: Stage
    count: int
    totals: list[Total]
    deals: list[selectors.BoardCard]

    @property
    def has_more(self) -> bool:
        return self.count > len(self.deals)

    @property
    def next_offset(self) -> int:
        return len(self.deals)


def _board_columns(workspace: Workspace, pipeline: Pipeline) -> list[Column]:
    """The board's columns with open and won deals (won deals sit in the closing stages)."""
    columns = selectors.board_columns(
        workspace=workspace, pipeline=pipeline, statuses=BOARD_STATUSES
    )
    return [
        Column(
            stage=column.stage,
            count=column.count,
            totals=[Total(currency, amount) for currency, amount in column.sums.items()],
            deals=column.deals,
        )
        for column in columns
    ]


def _pipelines(workspace: Workspace) -> list[Pipeline]:
    """The workspace's pipelines; its default sales pipeline is made on first use."""
    pipelines = list(selectors.pipeline_list(workspace=workspace))
    if not any(p.is_default and p.kind == PipelineKind.SALES for p in pipelines):
        services.pipeline_default(workspace=workspace)
        pipelines = list(selectors.pipeline_list(workspace=workspace))
    return pipelines


def _chosen_pipeline(request: HttpRequest, pipelines: list[Pipeline]) -> Pipeline | None:
    """The pipeline asked for by ?pipeline=, else the default sales pipeline."""
    wanted = request.GET.get("pipeline", "")
    for pipeline in pipelines:
        if str(pipeline.public_id) == wanted:
            return pipeline
    defaults = [p for p in pipelines if p.is_default and p.kind == PipelineKind.SALES]
    chosen = defaults or pipelines
    return chosen[0] if chosen else None


def _board_context(
    request: HttpRequest,
    workspace: Workspace,
    pipeline: Pipeline,
    stages: list[Stage] | None = None,
) -> dict[str, Any]:
    return {
        "pipeline": pipeline,
        "stages": list(pipeline.stages.all()) if stages is None else stages,
        "today": timezone.localdate(),
        "can_write": can_write(request),
        "row_slot": ROW_SLOT,
    }


@require_GET
@workspace_view
def board(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    pipelines = _pipelines(workspace)
    pipeline = _chosen_pipeline(request, pipelines)
    context: dict[str, Any] = {
        "pipelines": pipelines,
        "pipeline": pipeline,
        "can_write": can_write(request),
    }
    if pipeline is not None:
        columns = _board_columns(workspace, pipeline)
        stages = [column.stage for column in columns]
        context |= _board_context(request, workspace, pipeline, stages) | {"columns": columns}
    return render(request, "deals/board.html", context)


@require_GET
@workspace_view
def board_column(
    request: HttpRequest, workspace: Workspace, pipeline_id: uuid.UUID, stage_id: uuid.UUID
) -> HttpResponse:
    """The next cards of one column ("more"); without htmx, the list of that stage."""
    pipeline = selectors.pipeline_get(workspace=workspace, public_id=pipeline_id)
    stage = selectors.stage_get(workspace=workspace, public_id=stage_id)
    if stage.pipeline_id != pipeline.pk:
        raise Http404(_("Stage not found."))
    if not is_partial(request):
        url = reverse("deals:list")
        return redirect(f"{url}?pipeline={pipeline.public_id}&stage={stage.public_id}")
    try:
        offset = max(int(request.GET.get("offset", "0")), 0)
    except ValueError:
        offset = 0
    size = selectors.BOARD_COLUMN_SIZE
    deals = selectors.board_column_cards(
        workspace=workspace,
        pipeline=pipeline,
        stage=stage,
        statuses=BOARD_STATUSES,
        offset=offset,
        limit=size + 1,
    )
    context = _board_context(request, workspace, pipeline) | {
        "deals": deals[:size],
        "stage": stage,
        "has_more": len(deals) > size,
        "next_offset": offset + size,
    }
    return render(request, "deals/_column_cards.html", context)


def _moved_card(
    request: HttpRequest, workspace: Workspace, deal: Deal, move_error: str = ""
) -> HttpResponse:
    """The card as it now stands (in its real stage), with the board's column heads out of band
    and the outcome announced to screen readers."""
    deal = _deal(workspace, deal.public_id)
    context = _board_context(request, workspace, deal.pipeline) | {
        "deal": deal,
        "moved_deals": [selectors.board_card(deal=deal)],
        "move_error": move_error,
        "columns": _board_columns(workspace, deal.pipeline),
        "announcement": move_error
        or _("“%(title)s” moved to %(stage)s.")
        % {"title": _isolated(deal.title), "stage": _isolated(deal.stage.name)},
    }
    return render(request, "deals/_moved.html", context)


@require_POST
@workspace_view
def deal_move(request: HttpRequest, workspace: Workspace, deal_id: uuid.UUID) -> HttpResponse:
    """Move from the board (htmx: the card comes back, in place) or from the deal page."""
    deal = _deal(workspace, deal_id)
    form = MoveForm(request.POST)
    error = ""
    missing: list[str] = []
    stage: Stage | None = None
    if form.is_valid():
        try:
            stage = selectors.stage_get(workspace=workspace, public_id=form.cleaned_data["stage"])
        except NotFoundError:
            error = _("Choose one of this deal's pipeline stages.")
    else:
        error = _("Choose a stage to move the deal to.")
    if stage is not None:
        try:
            _call(request, services.deal_move, deal=deal, stage=stage)
        except ValueCaseMissingError as exc:
            error, missing = exc.message, exc.missing
        except (ConflictError, ValidationError) as exc:
            error = _messages_of(exc)
    if is_partial(request):
        return _moved_card(request, workspace, deal, error)
    if error:
        fresh = _deal(workspace, deal_id)
        return _detail(
            request, workspace, fresh, move_error=error, move_missing=missing, status=409
        )
    assert stage is not None
    messages.success(request, _("Moved to %(stage)s.") % {"stage": _isolated(stage.name)})
    if request.POST.get("from") == "board":
        return redirect(f"{reverse('deals:board')}?pipeline={deal.pipeline.public_id}")
    return _to_deal(deal)


# The list.


@require_GET
@workspace_view
def deal_list(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = DealFilterForm(
        request.GET,
        pipelines=selectors.pipeline_choices(workspace=workspace),
        stages=selectors.stage_choices(workspace=workspace),
        owners=workspace_selectors.member_choices(workspace=workspace),
    )
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "pipeline": data["pipeline"],
            "stage": data["stage"],
            "status": data["status"] or None,
            # One of the workspace's members: the form's choices are theirs alone.
            "owner": data["owner"],
            "overdue": data["overdue"],
            "no_next_step": data["no_next_step"],
        }
    deals = selectors.deal_list(workspace=workspace, rows_only=True, **filters)
    page = paginate(request, deals, per_page=LIST_PAGE_SIZE, count_limit=LIST_COUNT_LIMIT)
    context = {
        "filter_form": form,
        "page_obj": page,
        "today": timezone.localdate(),
        "can_write": can_write(request),
    }
    return render(request, "deals/list.html", context)


# Creating and editing.


def _deal_form(
    request: HttpRequest, workspace: Workspace, deal: Deal | None = None, data: Any = None
) -> DealForm:
    initial: dict[str, Any] = {}
    if deal is not None:
        initial = {
            "title": deal.title,
            "person": deal.person,
            "organization": deal.organization,
            "amount": deal.amount,
            "currency": deal.currency,
            "expected_close": deal.expected_close,
            "next_action": deal.next_action,
            "next_action_on": deal.next_action_on,
            "product": deal.product.public_id if deal.product else None,
            "disposition": deal.disposition,
        }
    else:
        pipelines = _pipelines(workspace)
        chosen = _chosen_pipeline(request, pipelines)
        initial["pipeline"] = chosen.public_id if chosen else None
        for name, getter in (
            ("person", people_selectors.person_get),
            ("organization", people_selectors.organization_get),
        ):
            wanted = request.GET.get(name)
            if wanted:
                with contextlib.suppress(NotFoundError):
                    initial[name] = getter(workspace=workspace, public_id=wanted)
    return DealForm(
        data,
        workspace=workspace,
        pipelines=selectors.pipeline_list(workspace=workspace),
        products=selectors.product_list(workspace=workspace, active=True),
        editing=deal is not None,
        initial=initial,
    )


def _form_page(
    request: HttpRequest, form: DealForm, deal: Deal | None = None, status: int = 200
) -> HttpResponse:
    return render(request, "deals/form.html", {"form": form, "deal": deal}, status=status)


def _service_fields(form: DealForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        name: data[name]
        for name in (
            "title",
            "person",
            "organization",
            "amount",
            "currency",
            "expected_close",
            "next_action",
            "next_action_on",
            "product",
            "disposition",
        )
    }


@require_http_methods(["GET", "POST"])
@workspace_view
def deal_create(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    _write_or_403(request)
    if request.method == "GET":
        return _form_page(request, _deal_form(request, workspace))
    form = _deal_form(request, workspace, data=request.POST)
    if form.is_valid():
        try:
            deal = services.deal_create(
                workspace=workspace,
                actor=current_user(request),
                pipeline=form.cleaned_data["pipeline"],
                **_service_fields(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Deal created."))
            _advise(request, workspace, deal)
            return _to_deal(deal)
    return _form_page(request, form, status=400)


def _advise(request: HttpRequest, workspace: Workspace, deal: Deal) -> None:
    """Start small: shown once the deal is saved (advice, not a refusal)."""
    advice = selectors.deal_advice(deal=deal).start_small
    if advice is not None:
        messages.warning(
            request,
            _(
                "%(amount)s is large for a first deal with this customer: consider a smaller "
                "first step, around %(suggested)s."
            )
            % {
                "amount": money(advice.amount, deal.currency),
                "suggested": money(advice.suggested, deal.currency),
            },
        )


@require_GET
@workspace_view
def advice_preview(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """Start small while the amount is typed on the deal form (htmx): the advice for the
    customer, amount and currency chosen so far, or nothing. Nothing is saved. A customer, or a
    deal, of another workspace is not found."""
    form = AdviceQueryForm(request.GET)
    if not form.is_valid():
        return HttpResponse("")
    data = form.cleaned_data
    deal = _deal(workspace, data["deal"]) if data["deal"] else None
    person = (
        people_selectors.person_get(workspace=workspace, public_id=data["person"])
        if data["person"]
        else None
    )
    organization = (
        people_selectors.organization_get(workspace=workspace, public_id=data["organization"])
        if data["organization"]
        else None
    )
    if deal is not None and deal.status != DealStatus.OPEN:
        return HttpResponse("")
    pipeline = (
        deal.pipeline if deal is not None else _chosen_pipeline(request, _pipelines(workspace))
    )
    if pipeline is None:
        return HttpResponse("")
    advice = selectors.start_small_advice(
        workspace=workspace,
        pipeline=pipeline,
        amount=data["amount"],
        currency=data["currency"],
        person=person,
        organization=organization,
        deal=deal,
    )
    if advice is None:
        return HttpResponse("")
    context = {"advice": advice, "currency": data["currency"]}
    return render(request, "deals/_advice.html", context)


@require_http_methods(["GET", "POST"])
@workspace_view
def deal_edit(request: HttpRequest, workspace: Workspace, deal_id: uuid.UUID) -> HttpResponse:
    _write_or_403(request)
    deal = _deal(workspace, deal_id)
    if request.method == "GET":
        return _form_page(request, _deal_form(request, workspace, deal), deal)
    form = _deal_form(request, workspace, deal, data=request.POST)
    if form.is_valid():
        try:
            services.deal_update(
                deal=deal, actor=current_user(request), owner=deal.owner, **_service_fields(form)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Deal saved."))
            return _to_deal(deal)
    return _form_page(request, form, _deal(workspace, deal_id), status=400)


@require_GET
@workspace_view
def organization_pick(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """The choices of the organisation picker: the one chosen, then names matching the query."""
    field_name = request.GET.get("field", "")
    if not field_name.isidentifier():
        raise Http404(_("Unknown field."))
    chosen = []
    wanted = request.GET.get(field_name, "")
    if wanted:
        with contextlib.suppress(NotFoundError):
            chosen.append(people_selectors.organization_get(workspace=workspace, public_id=wanted))
    query = request.GET.get("q", "")
    chosen_ids = {str(org.public_id) for org in chosen}
    matches = [
        {"public_id": hit.target_id, "name": hit.title}
        for hit in search_selectors.search(workspace=workspace, query=query).hits
        if hit.kind == SearchDocument.Kind.ORGANIZATION
        and hit.target_id is not None
        and str(hit.target_id) not in chosen_ids
    ]
    context = {"field_name": field_name, "chosen": chosen, "matches": matches, "query": query}
    return render(request, "deals/_organization_options.html", context)


# The deal page.


def _delivery(deal: Deal, stages: list[Stage]) -> dict[str, Any]:
    """Where a won deal stands on its way through delivery and payment, and the stage it moves
    on to next (a won deal never goes back, so the page offers no other move)."""
    if deal.status != DealStatus.WON:
        return {"next_stage": None, "delivered": False, "paid": False}
    position = deal.stage.position
    reached = {stage.role for stage in stages if stage.position <= position}
    later = [stage for stage in stages if stage.position > position]
    return {
        "next_stage": later[0] if later else None,
        "delivered": StageRole.DELIVERED in reached,
        "paid": StageRole.PAID in reached,
    }


def _detail(
    request: HttpRequest,
    workspace: Workspace,
    deal: Deal,
    *,
    status: int = 200,
    **forms_and_errors: Any,
) -> HttpResponse:
    advice = selectors.deal_advice(deal=deal)
    satisfaction = selectors.satisfaction_request_list(deal=deal).first()
    now = timezone.now()
    satisfaction_open = (
        satisfaction is not None
        and satisfaction.answered_at is None
        and satisfaction.expires_at > now
    )
    fit_form = FitForm(initial=FitForm.initial_for(deal))
    stages = list(selectors.stage_list(pipeline=deal.pipeline))
    promises = list(selectors.promise_list(deal=deal))
    context: dict[str, Any] = {
        "deal": deal,
        "stages": stages,
        **_delivery(deal, stages),
        "history": list(selectors.deal_stage_changes(deal=deal)),
        "today": timezone.localdate(),
        "can_write": can_write(request),
        "at_risk": selectors.deal_is_at_risk(deal=deal),
        "advice": advice.start_small,
        "currency": deal.currency,
        "playbook": advice.playbook,
        "next_offers": advice.next_offers,
        "promises": promises,
        "pending_promises": any(promise.status == PromiseStatus.PENDING for promise in promises),
        "post_sale_checks": list(selectors.post_sale_check_list(deal=deal)),
        "satisfaction": satisfaction,
        "satisfaction_open": satisfaction_open,
        "satisfaction_expired": satisfaction is not None
        and satisfaction.answered_at is None
        and satisfaction.expires_at <= now,
        "satisfaction_url": (
            request.build_absolute_uri(
                reverse(
                    "deals:satisfaction",
                    args=[selectors.satisfaction_token(request=satisfaction)],
                )
            )
            if satisfaction_open and satisfaction is not None
            else ""
        ),
        "next_form": NextActionForm(
            initial={"next_action": deal.next_action, "next_action_on": deal.next_action_on}
        ),
        "value_form": ValueCaseForm(
            initial={field: getattr(deal, field) for field in VALUE_CASE_FIELDS}
        ),
        "fit_form": fit_form,
        "fit_doubts": any(getattr(deal, field) is False for field in FIT_FIELDS),
        "promise_form": PromiseForm(),
        "fresh_post_sale_form": PostSaleCheckForm(),
        "lost_form": CloseLostForm(),
        "walk_form": WalkAwayForm(workspace=workspace),
        "reopen_form": NextActionForm(
            initial={"next_action": deal.next_action, "next_action_on": deal.next_action_on}
        ),
    }
    context.update(forms_and_errors)
    return render(request, "deals/detail.html", context, status=status)


@require_GET
@workspace_view
def deal_detail(request: HttpRequest, workspace: Workspace, deal_id: uuid.UUID) -> HttpResponse:
    return _detail(request, workspace, _deal(workspace, deal_id))


def _refused(
    request: HttpRequest, workspace: Workspace, deal_id: uuid.UUID, **forms: Any
) -> HttpResponse:
    """The deal page again (fresh from the database: nothing was saved), with the form that
    was refused and its messages."""
    return _detail(request, workspace, _deal(workspace, deal_id), status=400, **forms)


def _call(request: HttpRequest, service: Any, **kwargs: Any) -> Any:
    """A service call on behalf of the user; a coach's refusal is the friendly 403 page."""
    try:
        return service(actor=current_user(request), **kwargs)
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc


def _conflict(request: HttpRequest, deal: Deal, exc: ConflictError) -> HttpResponse:
    messages.error(request, exc.message)
    return _to_deal(deal)


@require_POST
@workspace_view
def next_action(request: HttpRequest, workspace: Workspace, deal_id: uuid.UUID) -> HttpResponse:
    """The next step, edited in place (htmx swaps the section) or by a plain post."""
    deal = _deal(workspace, deal_id)
    form = NextActionForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            _call(
                request,
                services.deal_update,
                deal=deal,
                title=deal.title,
                person=deal.person,
                organization=deal.organization,
                amount=deal.amount,
                currency=deal.currency,
                expected_close=deal.expected_close,
                next_action=form.cleaned_data["next_action"],
                next_action_on=form.cleaned_data["next_action_on"],
                product=deal.product,
                disposition=deal.disposition,
                owner=deal.owner,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            saved = True
    if is_partial(request):
        fresh = _deal(workspace, deal_id)
        context = {
            "deal": fresh,
            "stages": list(selectors.stage_list(pipeline=fresh.pipeline)),
            "today": timezone.localdate(),
            "can_write": can_write(request),
            "next_form": form
            if not saved
            else NextActionForm(
                initial={"next_action": fresh.next_action, "next_action_on": fresh.next_action_on}
            ),
            "next_saved": saved,
        }
        return render(request, "deals/_next_step.html", context)
    if saved:
        messages.success(request, _("Next step saved."))
        return _to_deal(deal, "next-step")
    return _refused(request, workspace, deal_id, next_form=form)


def _deal_action(
    request: HttpRequest,
    workspace: Workspace,
    deal: Deal,
    act: Callable[[dict[str, Any]], object],
    *,
    done: str | Callable[[dict[str, Any]], None],
    form: Form | None = None,
    form_name: str = "",
    anchor: str = "",
    **page: Any,
) -> HttpResponse:
    """An action of the deal page, posted: `act` calls the service with the form's cleaned data
    (with nothing when the action has no form), then back to the deal page with `done` said (or
    `done(data)` saying it).

    A refusal changes nothing and is shown where it happened: a missing value case above the
    stages (409); a conflict as a message on the deal page; bad input on its form, shown again
    on the page as `form_name` with `page` (without a form, as a message)."""
    if form is not None and not form.is_valid():
        return _refused(request, workspace, deal.public_id, **{form_name: form}, **page)
    data = form.cleaned_data if form is not None else {}
    try:
        act(data)
    except ValueCaseMissingError as exc:
        fresh = _deal(workspace, deal.public_id)
        return _detail(
            request, workspace, fresh, move_error=exc.message, move_missing=exc.missing, status=409
        )
    except ConflictError as exc:
        return _conflict(request, deal, exc)
    except ValidationError as exc:
        if form is None:
            messages.error(request, _messages_of(exc))
            return _to_deal(deal)
        add_service_errors(form, exc)
        return _refused(request, workspace, deal.public_id, **{form_name: form}, **page)
    if callable(done):
        done(data)
    else:
        messages.success(request, done)
    return _to_deal(deal, anchor)


@require_POST
@workspace_view
def value_case(request: HttpRequest, workspace: Workspace, deal_id: uuid.UUID) -> HttpResponse:
    deal = _deal(workspace, deal_id)
    return _deal_action(
        request,
        workspace,
        deal,
        lambda data: _call(request, services.deal_value_case_update, deal=deal, **data),
        form=ValueCaseForm(request.POST),
        form_name="value_form",
        done=_("The value case was saved."),
        anchor="value-case",
    )


@require_POST
@workspace_view
def fit(request: HttpRequest, workspace: Workspace, deal_id: uuid.UUID) -> HttpResponse:
    deal = _deal(workspace, deal_id)
    return _deal_action(
        request,
        workspace,
        deal,
        lambda data: _call(request, services.deal_fit_update, deal=deal, **data),
        form=FitForm(request.POST),
        form_name="fit_form",
        done=_("The fit check was saved."),
        anchor="fit",
    )


@require_POST
@workspace_view
def close_won(request: HttpRequest, workspace: Workspace, deal_id: uuid.UUID) -> HttpResponse:
    deal = _deal(workspace, deal_id)
    return _deal_action(
        request,
        workspace,
        deal,
        lambda data: _call(request, services.deal_close_won, deal=deal),
        done=_("Won. Post-sale checks are planned, and the customer's satisfaction link is ready."),
    )


@require_POST
@workspace_view
def close_lost(request: HttpRequest, workspace: Workspace, deal_id: uuid.UUID) -> HttpResponse:
    deal = _deal(workspace, deal_id)
    return _deal_action(
        request,
        workspace,
        deal,
        lambda data: _call(request, services.deal_close_lost, deal=deal, **data),
        form=CloseLostForm(request.POST),
        form_name="lost_form",
        done=_("Closed lost, with its review. The lesson stays with you."),
    )


@require_POST
@workspace_view
def walk_away(request: HttpRequest, workspace: Workspace, deal_id: uuid.UUID) -> HttpResponse:
    deal = _deal(workspace, deal_id)
    return _deal_action(
        request,
        workspace,
        deal,
        lambda data: _call(
            request,
            services.deal_walk_away,
            deal=deal,
            reason=data["reason"],
            referred_to=data["referred_to"],
        ),
        form=WalkAwayForm(request.POST, workspace=workspace),
        form_name="walk_form",
        done=_("You walked away, and the reason is recorded."),
    )


@require_POST
@workspace_view
def reopen(request: HttpRequest, workspace: Workspace, deal_id: uuid.UUID) -> HttpResponse:
    deal = _deal(workspace, deal_id)
    return _deal_action(
        request,
        workspace,
        deal,
        lambda data: _call(
            request,
            services.deal_reopen,
            deal=deal,
            next_action=data["next_action"],
            next_action_on=data["next_action_on"],
        ),
        form=NextActionForm(request.POST),
        form_name="reopen_form",
        done=_("The deal is open again."),
    )


@require_POST
@workspace_view
def promise_add(request: HttpRequest, workspace: Workspace, deal_id: uuid.UUID) -> HttpResponse:
    deal = _deal(workspace, deal_id)
    return _deal_action(
        request,
        workspace,
        deal,
        lambda data: _call(request, services.promise_create, deal=deal, **data),
        form=PromiseForm(request.POST),
        form_name="promise_form",
        done=_("Promise recorded: check it at delivery."),
        anchor="promises",
    )


@require_POST
@workspace_view
def promise_check(
    request: HttpRequest, workspace: Workspace, promise_id: uuid.UUID
) -> HttpResponse:
    promise = selectors.promise_get(workspace=workspace, public_id=promise_id)

    def checked(data: dict[str, Any]) -> None:
        if data["kept"]:
            messages.success(request, _("Marked as kept."))
        else:
            messages.warning(
                request, _("Marked as broken: a follow-up to make it good is on your Today page.")
            )

    return _deal_action(
        request,
        workspace,
        promise.deal,
        lambda data: _call(request, services.promise_check, promise=promise, **data),
        form=PromiseCheckForm(request.POST),
        form_name="check_form",
        done=checked,
        anchor="promises",
        check_promise_id=promise.public_id,
    )


@require_POST
@workspace_view
def post_sale_check(
    request: HttpRequest, workspace: Workspace, check_id: uuid.UUID
) -> HttpResponse:
    check = selectors.post_sale_check_get(workspace=workspace, public_id=check_id)
    return _deal_action(
        request,
        workspace,
        check.deal,
        lambda data: _call(request, services.post_sale_check_record, check=check, **data),
        form=PostSaleCheckForm(request.POST),
        form_name="post_sale_form",
        done=_("Post-sale check recorded."),
        anchor="post-sale",
        check_form_id=check.public_id,
    )


@require_POST
@workspace_view
def satisfaction_new(
    request: HttpRequest, workspace: Workspace, deal_id: uuid.UUID
) -> HttpResponse:
    deal = _deal(workspace, deal_id)
    return _deal_action(
        request,
        workspace,
        deal,
        lambda data: _call(request, services.satisfaction_request_create, deal=deal),
        done=_("A new satisfaction link is ready: copy it and send it."),
        anchor="satisfaction",
    )


@require_POST
@workspace_view
def task_done(request: HttpRequest, workspace: Workspace, task_id: uuid.UUID) -> HttpResponse:
    task = selectors.task_get(workspace=workspace, public_id=task_id)
    _call(request, services.task_complete, task=task)
    messages.success(request, _isolating(_("Done: “%(title)s”."), title=task.title))
    return redirect("core:home")


# Reports.


@dataclass(frozen=True, slots=True)
class ConversionRow:
    disposition: str
    label: str
    ratio: Any


@dataclass(frozen=True, slots=True)
class StageValueRow:
    pipeline: str
    stage: str
    # The stage's open deals, whatever their amounts.
    count: int
    # Its non-zero sums, one per currency; none when no deal has an amount (candidates of a
    # recruiting pipeline), which reads "no amounts" rather than "0 ₪".
    totals: list[Total]


@require_GET
@workspace_view
def reports(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    found = selectors.deal_report(workspace=workspace)
    labels = dict(Disposition.choices)
    report = {
        "conversion": [
            ConversionRow(disposition=key, label=str(labels[key]), ratio=ratio)
            for key, ratio in found.conversion.items()
        ],
        "losses": found.losses,
        "satisfaction": found.satisfaction,
        "value_by_stage": [
            StageValueRow(
                pipeline=row.stage.pipeline.name,
                stage=row.stage.name,
                count=row.count,
                totals=[
                    Total(currency=currency, amount=amount)
                    for currency, amount in sorted(row.sums.items())
                    if amount
                ],
            )
            for row in found.pipeline_value
            if row.count
        ],
        "first_deal_median": [
            Total(currency=currency, amount=amount)
            for currency, amount in sorted(found.first_deal_median.items())
        ],
    }
    return render(request, "deals/reports.html", {"report": report})


# Pipelines (a tab of the workspace settings).


def _pipelines_page(
    request: HttpRequest,
    workspace: Workspace,
    pipeline: Pipeline | None = None,
    *,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    pipelines = _pipelines(workspace)
    if pipeline is None:
        pipeline = _chosen_pipeline(request, pipelines)
    else:
        pipeline = selectors.pipeline_get(workspace=workspace, public_id=pipeline.public_id)
    context: dict[str, Any] = {
        "pipelines": pipelines,
        "pipeline": pipeline,
        "stages": list(selectors.stage_list(pipeline=pipeline)) if pipeline else [],
        "roles": StageRole.choices,
        "can_write": can_write(request),
        "pipeline_form": PipelineForm(pipeline=pipeline) if pipeline else None,
        "stage_form": StageForm(),
        "new_pipeline_form": PipelineForm(auto_id="new_%s"),
        "active": "pipelines",
    }
    context.update(forms)
    return render(request, "deals/pipelines.html", context, status=status)


def _to_pipeline(pipeline: Pipeline) -> HttpResponse:
    return redirect(f"{reverse('deals:pipelines')}?pipeline={pipeline.public_id}")


@require_GET
@workspace_view
def pipelines(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    return _pipelines_page(request, workspace)


@require_POST
@workspace_view
def pipeline_create(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    _write_or_403(request)
    form = PipelineForm(request.POST, auto_id="new_%s")
    if form.is_valid():
        try:
            pipeline = _call(
                request,
                services.pipeline_create,
                workspace=workspace,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                is_default=form.cleaned_data["is_default"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Pipeline created."))
            return _to_pipeline(pipeline)
    return _pipelines_page(request, workspace, new_pipeline_form=form, status=400)


@require_POST
@workspace_view
def pipeline_update(
    request: HttpRequest, workspace: Workspace, pipeline_id: uuid.UUID
) -> HttpResponse:
    _write_or_403(request)
    pipeline = selectors.pipeline_get(workspace=workspace, public_id=pipeline_id)
    form = PipelineForm(request.POST, pipeline=pipeline)
    if form.is_valid():
        try:
            _call(request, services.pipeline_update, pipeline=pipeline, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Pipeline saved."))
            return _to_pipeline(pipeline)
    fresh = selectors.pipeline_get(workspace=workspace, public_id=pipeline_id)
    return _pipelines_page(request, workspace, fresh, pipeline_form=form, status=400)


@require_POST
@workspace_view
def pipeline_delete(
    request: HttpRequest, workspace: Workspace, pipeline_id: uuid.UUID
) -> HttpResponse:
    _write_or_403(request)
    pipeline = selectors.pipeline_get(workspace=workspace, public_id=pipeline_id)
    try:
        _call(request, services.pipeline_delete, pipeline=pipeline)
    except ConflictError as exc:
        messages.error(request, exc.message)
        return _to_pipeline(pipeline)
    messages.success(request, _("Pipeline deleted."))
    return redirect("deals:pipelines")


@require_POST
@workspace_view
def stage_create(
    request: HttpRequest, workspace: Workspace, pipeline_id: uuid.UUID
) -> HttpResponse:
    _write_or_403(request)
    pipeline = selectors.pipeline_get(workspace=workspace, public_id=pipeline_id)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            _call(request, services.stage_create, pipeline=pipeline, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Stage added."))
            return _to_pipeline(pipeline)
    return _pipelines_page(request, workspace, pipeline, stage_form=form, status=400)


def _stage_page_error(
    request: HttpRequest, workspace: Workspace, stage: Stage, exc: DomainError | ValidationError
) -> HttpResponse:
    return _pipelines_page(
        request, workspace, stage.pipeline, stage_error=_messages_of(exc), status=400
    )


@require_POST
@workspace_view
def stage_update(request: HttpRequest, workspace: Workspace, stage_id: uuid.UUID) -> HttpResponse:
    _write_or_403(request)
    stage = selectors.stage_get(workspace=workspace, public_id=stage_id)
    form = StageForm(request.POST)
    if not form.is_valid():
        return _stage_page_error(
            request, workspace, stage, ValidationError(list(form.errors["name"]))
        )
    try:
        _call(request, services.stage_update, stage=stage, **form.cleaned_data)
    except ValidationError as exc:
        return _stage_page_error(request, workspace, stage, exc)
    messages.success(request, _("Stage saved."))
    return _to_pipeline(stage.pipeline)


@require_POST
@workspace_view
def stage_move(request: HttpRequest, workspace: Workspace, stage_id: uuid.UUID) -> HttpResponse:
    _write_or_403(request)
    stage = selectors.stage_get(workspace=workspace, public_id=stage_id)
    form = StageMoveForm(request.POST)
    if form.is_valid():
        _call(request, services.stage_move, stage=stage, position=form.cleaned_data["position"])
    return _to_pipeline(stage.pipeline)


@require_POST
@workspace_view
def stage_delete(request: HttpRequest, workspace: Workspace, stage_id: uuid.UUID) -> HttpResponse:
    _write_or_403(request)
    stage = selectors.stage_get(workspace=workspace, public_id=stage_id)
    try:
        _call(request, services.stage_delete, stage=stage)
    except ConflictError as exc:
        return _stage_page_error(request, workspace, stage, exc)
    messages.success(request, _("Stage deleted."))
    return _to_pipeline(stage.pipeline)


# The customer's public satisfaction page: no login, in the customer's language.


def _public_done(
    request: HttpRequest, state: str, heading: str, text: str, status: int
) -> HttpResponse:
    context = {"state": state, "heading": heading, "text": text}
    return render(request, "deals/satisfaction_done.html", context, status=status)


@require_http_methods(["GET", "POST"])
def satisfaction(request: HttpRequest, token: str) -> HttpResponse:
    """Every page of the link, even "already answered", speaks the customer's language."""
    found = selectors.satisfaction_request_by_token(token=token)
    if found is None:
        raise Http404(_("This survey link is not valid."))
    with translation.override(found.language):
        return _satisfaction(request, token)


def _satisfaction(request: HttpRequest, token: str) -> HttpResponse:
    try:
        found = selectors.satisfaction_request_for_token(token=token)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except SatisfactionAnsweredError:
        return _already_answered(request, token)
    except SatisfactionExpiredError:
        return _expired(request)
    form = SatisfactionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.satisfaction_answer(token=token, **form.cleaned_data)
        except SatisfactionAnsweredError:
            return _already_answered(request, token)
        except SatisfactionExpiredError:
            return _expired(request)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("deals:satisfaction_thanks", token=token)
    context = {"form": form, "title": found.deal.title, "company": found.deal.workspace.name}
    return render(
        request,
        "deals/satisfaction.html",
        context,
        status=400 if form.is_bound else 200,
    )


def _thanks(request: HttpRequest, *, status: int = 200) -> HttpResponse:
    return _public_done(
        request,
        "answered",
        _("Thank you!"),
        _("Your answer was received. It helps us serve you better."),
        status,
    )


def _already_answered(request: HttpRequest, token: str) -> HttpResponse:
    """The link opened again after its answer (it works once): the customer is told when they
    answered, on the workspace's calendar, rather than thanked as if for a new answer."""
    found = selectors.satisfaction_request_by_token(token=token)
    if found is None or found.answered_at is None:
        return _thanks(request, status=410)
    with timezone.override(found.workspace.time_zone):
        day = formats.date_format(timezone.localtime(found.answered_at), "DATE_FORMAT")
    return _public_done(
        request,
        "already_answered",
        _("Already answered"),
        _("You already answered on %(date)s. Thank you!") % {"date": day},
        410,
    )


def _expired(request: HttpRequest) -> HttpResponse:
    return _public_done(
        request,
        "expired",
        _("This link has expired"),
        _(
            "The survey is closed. Thank you for your time: if you would like to tell us "
            "something, just reply to our message."
        ),
        410,
    )


@require_GET
def satisfaction_thanks(request: HttpRequest, token: str) -> HttpResponse:
    found = selectors.satisfaction_request_by_token(token=token)
    if found is None:
        raise Http404(_("This survey link is not valid."))
    if found.answered_at is None:
        return redirect("deals:satisfaction", token=token)
    with translation.override(found.language):
        return _thanks(request)
