"""Pages for matchmaking: suggestions (on Today and the person page), the introductions and their
double-opt-in workflow, the give ledger and the workspace's vocabulary.

Every action is a plain form POST followed by a redirect, so it all works without JavaScript.
Through htmx, the suggestion actions swap just their card, and the recompute button shows a
progress bar that asks for the run's progress every second until it ends.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from kesher.core import selectors as core_selectors
from kesher.core.exceptions import ConflictError, DomainError
from kesher.core.forms import add_service_errors
from kesher.core.views import (
    current_membership,
    current_user,
    get_or_404,
    owner_required,
    paginate,
    safe_next,
    workspace_view,
)
from kesher.engine.match_analysis import CONCEPT_PREFIX, Analyzer
from kesher.engine.matching import Vocabulary
from kesher.introductions import selectors, services
from kesher.introductions.forms import (
    ConceptForm,
    DismissForm,
    IntroductionFilterForm,
    LookupForm,
    MessagesForm,
    OutcomeForm,
    ReturnForm,
    SnoozeForm,
    TransitionForm,
)
from kesher.introductions.models import (
    Introduction,
    IntroductionStatus,
    MatchRun,
    MatchRunStatus,
    Suggestion,
    WorkspaceConcept,
)
from kesher.introductions.services import IntroductionTransitionError
from kesher.network.models import Interaction
from kesher.people.models import Person
from kesher.people.views import is_partial
from kesher.workspaces.models import Role, Workspace

SUGGESTIONS_PAGE_SIZE = 20
INTRODUCTIONS_PAGE_SIZE = 30
# The event the suggestion lists listen for to reload once a recompute has finished.
SUGGESTIONS_CHANGED = "suggestions-changed"
RECOMPUTE_ROLES = (Role.OWNER, Role.MEMBER)


def can_recompute(request: HttpRequest) -> bool:
    """Owners and members start recomputes; a coach looks on."""
    return current_membership(request).role in RECOMPUTE_ROLES


def _home(request: HttpRequest) -> str:
    return safe_next(request, reverse("core:home"))


def _show_errors(request: HttpRequest, exc: DomainError | ValidationError) -> None:
    for message in _messages_of(exc):
        messages.error(request, message)


def _messages_of(exc: DomainError | ValidationError) -> list[str]:
    if isinstance(exc, ValidationError):
        return [str(message) for message in exc.messages]
    return [exc.message]


# Suggestions.


@require_GET
@workspace_view
def suggestion_list(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    page = paginate(
        request, selectors.suggestion_list(workspace=workspace), per_page=SUGGESTIONS_PAGE_SIZE
    )
    context = {
        "page_obj": page,
        "suggestions": page.object_list,
        "run": selectors.match_run_latest(workspace=workspace),
        "can_recompute": can_recompute(request),
        "next": request.get_full_path(),
    }
    if is_partial(request):
        return render(request, "introductions/_suggestion_list.html", context)
    return render(request, "introductions/suggestions.html", context)


@require_GET
@workspace_view
def suggestion_list_today(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """The Today page's suggestions, reloaded after a recompute."""
    suggestions = selectors.suggestion_list(workspace=workspace, limit=core_selectors.SUGGESTIONS)
    context = {"suggestions": list(suggestions), "next": reverse("core:home")}
    return render(request, "introductions/_suggestion_list.html", context)


def _suggestion_decided(request: HttpRequest, suggestion: Suggestion, notice: str) -> HttpResponse:
    if is_partial(request):
        return render(
            request,
            "introductions/_suggestion_done.html",
            {"suggestion": suggestion, "notice": notice},
        )
    messages.success(request, notice)
    return redirect(_home(request))


def _suggestion_failed(
    request: HttpRequest, suggestion: Suggestion, exc: DomainError | ValidationError
) -> HttpResponse:
    """The card again, saying what went wrong (htmx swaps only 2xx answers in)."""
    if is_partial(request):
        context = {
            "suggestion": suggestion,
            "suggestion_error": " ".join(_messages_of(exc)),
            "next": safe_next(request, reverse("core:home")),
        }
        return render(request, "introductions/_suggestion.html", context)
    _show_errors(request, exc)
    return redirect(_home(request))


@require_POST
@workspace_view
def suggestion_accept(
    request: HttpRequest, workspace: Workspace, suggestion_id: uuid.UUID
) -> HttpResponse:
    suggestion = selectors.suggestion_get(workspace=workspace, public_id=suggestion_id)
    try:
        introduction = services.suggestion_accept(suggestion=suggestion, user=current_user(request))
    except (ConflictError, ValidationError) as exc:
        return _suggestion_failed(request, suggestion, exc)
    url = reverse("introductions:detail", args=[introduction.public_id])
    messages.success(request, _("Introduction started: read the two messages, then send them."))
    if is_partial(request):
        return HttpResponseClientRedirect(url)
    return redirect(url)


@require_POST
@workspace_view
def suggestion_snooze(
    request: HttpRequest, workspace: Workspace, suggestion_id: uuid.UUID
) -> HttpResponse:
    suggestion = selectors.suggestion_get(workspace=workspace, public_id=suggestion_id)
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        return _suggestion_failed(request, suggestion, ValidationError(list(form.errors["until"])))
    try:
        suggestion = services.suggestion_snooze(
            suggestion=suggestion, user=current_user(request), until=form.cleaned_data["until"]
        )
    except (ConflictError, ValidationError) as exc:
        return _suggestion_failed(request, suggestion, exc)
    assert suggestion.snoozed_until is not None
    notice = _("Snoozed until %(date)s: %(a)s and %(b)s will be suggested again then.") % {
        "date": formats.date_format(suggestion.snoozed_until, "j F"),
        "a": suggestion.person_a.name,
        "b": suggestion.person_b.name,
    }
    return _suggestion_decided(request, suggestion, notice)


@require_POST
@workspace_view
def suggestion_dismiss(
    request: HttpRequest, workspace: Workspace, suggestion_id: uuid.UUID
) -> HttpResponse:
    suggestion = selectors.suggestion_get(workspace=workspace, public_id=suggestion_id)
    form = DismissForm(request.POST)
    if not form.is_valid():
        return _suggestion_failed(request, suggestion, ValidationError(list(form.errors["reason"])))
    try:
        suggestion = services.suggestion_dismiss(
            suggestion=suggestion, user=current_user(request), reason=form.cleaned_data["reason"]
        )
    except (ConflictError, ValidationError) as exc:
        return _suggestion_failed(request, suggestion, exc)
    notice = _("Dismissed: %(a)s and %(b)s will not be suggested again. Kesher learns from it.") % {
        "a": suggestion.person_a.name,
        "b": suggestion.person_b.name,
    }
    return _suggestion_decided(request, suggestion, notice)


# Recomputing.


def _run_progress(request: HttpRequest, run: MatchRun) -> HttpResponse:
    # An answer to the button or to polling: the run ended just now, not "0 minutes ago".
    response = render(request, "introductions/_run_progress.html", {"run": run, "fresh": True})
    if run.status in (MatchRunStatus.DONE, MatchRunStatus.FAILED):
        trigger_client_event(response, SUGGESTIONS_CHANGED)
    return response


@require_POST
@workspace_view
def recompute(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    if not can_recompute(request):
        raise PermissionDenied(
            _("Only the workspace's owner and members can recompute suggestions: ask one of them.")
        )
    run = services.match_run_start(workspace=workspace, user=current_user(request))
    if is_partial(request):
        return _run_progress(request, run)
    if run.status == MatchRunStatus.DONE:
        messages.success(request, _("Suggestions recomputed."))
    else:
        messages.info(request, _("Recomputing suggestions: this page shows them when done."))
    return redirect(_home(request))


@require_GET
@workspace_view
def match_run(request: HttpRequest, workspace: Workspace, run_id: uuid.UUID) -> HttpResponse:
    run = selectors.match_run_get(workspace=workspace, public_id=run_id)
    if not is_partial(request):
        return redirect("core:home")
    return _run_progress(request, run)


# Introductions.


@require_GET
@workspace_view
def introduction_list(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = IntroductionFilterForm(request.GET)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    counts = dict(
        selectors.introduction_list(workspace=workspace)
        .order_by()
        .values_list("status")
        .annotate(count=Count("id"))
        .values_list("status", "count")
    )
    page = paginate(
        request,
        selectors.introduction_list(workspace=workspace, status=status or None),
        per_page=INTRODUCTIONS_PAGE_SIZE,
    )
    context = {
        "page_obj": page,
        "status": status,
        "total": sum(counts.values()),
        "statuses": [
            (value, label, counts.get(value, 0)) for value, label in IntroductionStatus.choices
        ],
    }
    return render(request, "introductions/list.html", context)


@dataclass(frozen=True, slots=True)
class Step:
    """One stage of an introduction's road: done (with its date), still ahead, or the end."""

    label: str
    at: datetime | None
    state: str


@dataclass(frozen=True, slots=True)
class Draft:
    side: str
    person: Person
    email: str
    field: forms.BoundField | None = None
    text: str = ""


def _steps(introduction: Introduction) -> list[Step]:
    a, b = introduction.person_a.name, introduction.person_b.name
    road = [
        (_("Suggested"), introduction.created_at),
        (_("Proposed to both"), introduction.proposed_at),
        (_("%(name)s said yes") % {"name": a}, introduction.a_accepted_at),
        (_("%(name)s said yes") % {"name": b}, introduction.b_accepted_at),
        (_("Connected"), introduction.connected_at),
        (_("Outcome recorded"), introduction.closed_at),
    ]
    declined = introduction.status == IntroductionStatus.DECLINED
    steps = [
        Step(label=label, at=at, state="done" if at else "pending")
        for label, at in road
        # A declined introduction stops where it stopped: no road ahead.
        if at or not declined
    ]
    if declined:
        steps.append(Step(label=_("Declined"), at=introduction.declined_at, state="declined"))
    return steps


def _first_email(person: Person) -> str:
    emails = sorted(person.emails.all(), key=lambda email: email.pk)
    return emails[0].email if emails else ""


def _detail(
    request: HttpRequest,
    workspace: Workspace,
    introduction: Introduction,
    *,
    messages_form: MessagesForm | None = None,
    outcome_form: OutcomeForm | None = None,
    return_form: ReturnForm | None = None,
    transition_error: str = "",
    status: int = 200,
) -> HttpResponse:
    a, b = introduction.person_a, introduction.person_b
    editable = introduction.status in (IntroductionStatus.SUGGESTED, IntroductionStatus.PROPOSED)
    messages_form = messages_form or MessagesForm(
        initial={"message_a": introduction.message_a, "message_b": introduction.message_b}
    )
    emails = {"a": _first_email(a), "b": _first_email(b)}
    drafts = [
        Draft(
            side=side,
            person=person,
            email=emails[side],
            field=messages_form[f"message_{side}"] if editable else None,
            text=text,
        )
        for side, person, text in (
            ("a", a, introduction.message_a),
            ("b", b, introduction.message_b),
        )
    ]
    allowed = selectors.introduction_allowed_transitions(introduction)
    can_add_return = introduction.status not in (
        IntroductionStatus.SUGGESTED,
        IntroductionStatus.DECLINED,
    )
    context = {
        "introduction": introduction,
        "allowed": allowed,
        "allowed_labels": [str(IntroductionStatus(value).label) for value in allowed],
        "steps": _steps(introduction),
        "editable": editable,
        "drafts": drafts,
        "has_email": any(emails.values()),
        "messages_form": messages_form,
        "outcome_form": outcome_form or OutcomeForm(workspace=workspace),
        "return_form": return_form or return_form_for(workspace, introduction),
        "can_add_return": can_add_return,
        "candidates": (
            selectors.introduction_candidate_returns(introduction=introduction)
            if can_add_return
            else []
        ),
        "transition_error": transition_error,
    }
    return render(request, "introductions/detail.html", context, status=status)


def return_form_for(
    workspace: Workspace, introduction: Introduction, data: Any = None
) -> ReturnForm:
    # Its own ids: the outcome form on the same page has a value and a currency too.
    return ReturnForm(data, workspace=workspace, introduction=introduction, auto_id="return_%s")


def _introduction(workspace: Workspace, introduction_id: uuid.UUID) -> Introduction:
    return selectors.introduction_get(workspace=workspace, public_id=introduction_id)


def _to_detail(introduction: Introduction, anchor: str = "") -> HttpResponse:
    url = reverse("introductions:detail", args=[introduction.public_id])
    return redirect(f"{url}#{anchor}" if anchor else url)


@require_GET
@workspace_view
def introduction_detail(
    request: HttpRequest, workspace: Workspace, introduction_id: uuid.UUID
) -> HttpResponse:
    return _detail(request, workspace, _introduction(workspace, introduction_id))


def _save_messages(
    request: HttpRequest, workspace: Workspace, introduction: Introduction, form: MessagesForm
) -> HttpResponse | None:
    """Saves the drafts sent with the form; the page with what to correct when they are wrong."""
    if not form.is_valid():
        return _detail(request, workspace, introduction, messages_form=form)
    try:
        services.introduction_update_messages(introduction=introduction, **form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        fresh = _introduction(workspace, introduction.public_id)
        return _detail(request, workspace, fresh, messages_form=form)
    except ConflictError as exc:
        return _detail(request, workspace, introduction, transition_error=exc.message, status=409)
    return None


@require_POST
@workspace_view
def introduction_messages(
    request: HttpRequest, workspace: Workspace, introduction_id: uuid.UUID
) -> HttpResponse:
    introduction = _introduction(workspace, introduction_id)
    failed = _save_messages(request, workspace, introduction, MessagesForm(request.POST))
    if failed is not None:
        return failed
    messages.success(request, _("The messages were saved."))
    return _to_detail(introduction, "drafts")


@require_POST
@workspace_view
def introduction_propose(
    request: HttpRequest, workspace: Workspace, introduction_id: uuid.UUID
) -> HttpResponse:
    """Mark as proposed, emailing the messages when asked; drafts sent along are saved first."""
    introduction = _introduction(workspace, introduction_id)
    send_email = request.POST.get("send_email") == "on"
    with transaction.atomic():
        if "message_a" in request.POST or "message_b" in request.POST:
            failed = _save_messages(request, workspace, introduction, MessagesForm(request.POST))
            if failed is not None:
                return failed
        try:
            introduction = services.introduction_propose(
                introduction=introduction, user=current_user(request), send_email=send_email
            )
        except IntroductionTransitionError as exc:
            return _detail(
                request, workspace, introduction, transition_error=exc.message, status=409
            )
    emailed = [
        email
        for email in (_first_email(introduction.person_a), _first_email(introduction.person_b))
        if email
    ]
    if send_email and emailed:
        messages.success(
            request,
            _("Proposed: the messages were emailed to %(emails)s. Record each answer here.")
            % {"emails": ", ".join(emailed)},
        )
    else:
        messages.success(request, _("Proposed. Record each answer here as it comes."))
    return _to_detail(introduction)


TRANSITION_DONE = {
    IntroductionStatus.DECLINED: gettext_lazy(
        "Marked as declined: the two will not be suggested again."
    ),
    IntroductionStatus.CONNECTED: gettext_lazy(
        "Connected. When you know how it went, record the outcome."
    ),
}


@require_POST
@workspace_view
def introduction_transition(
    request: HttpRequest, workspace: Workspace, introduction_id: uuid.UUID
) -> HttpResponse:
    introduction = _introduction(workspace, introduction_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        message = _("Choose one of the steps offered on this page.")
        return _detail(request, workspace, introduction, transition_error=message, status=400)
    to, side = form.cleaned_data["to"], form.cleaned_data["side"] or None
    try:
        introduction = services.introduction_transition(
            introduction=introduction, to=to, user=current_user(request), side=side
        )
    except IntroductionTransitionError as exc:
        return _detail(request, workspace, introduction, transition_error=exc.message, status=409)
    except ValidationError as exc:
        message = " ".join(_messages_of(exc))
        return _detail(request, workspace, introduction, transition_error=message, status=400)
    if to == IntroductionStatus.ACCEPTED:
        person = introduction.person_a if side == "a" else introduction.person_b
        if introduction.status == IntroductionStatus.ACCEPTED:
            done = _("Both said yes: time to connect them.")
        else:
            done = _("%(name)s said yes. Waiting for the other side.") % {"name": person.name}
    else:
        done = str(TRANSITION_DONE.get(to, _("Saved.")))
    messages.success(request, done)
    return _to_detail(introduction)


@require_POST
@workspace_view
def introduction_outcome(
    request: HttpRequest, workspace: Workspace, introduction_id: uuid.UUID
) -> HttpResponse:
    introduction = _introduction(workspace, introduction_id)
    form = OutcomeForm(request.POST, workspace=workspace)
    if form.is_valid():
        data = form.cleaned_data
        try:
            introduction = services.introduction_record_outcome(
                introduction=introduction,
                user=current_user(request),
                outcome=data["outcome"],
                value=data["value"],
                currency=data["currency"],
                note=data["note"],
            )
        except IntroductionTransitionError as exc:
            return _detail(
                request, workspace, introduction, transition_error=exc.message, status=409
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The outcome was recorded. Well done for giving first."))
            return _to_detail(introduction)
    fresh = _introduction(workspace, introduction_id)
    return _detail(request, workspace, fresh, outcome_form=form)


@require_POST
@workspace_view
def introduction_return_add(
    request: HttpRequest, workspace: Workspace, introduction_id: uuid.UUID
) -> HttpResponse:
    introduction = _introduction(workspace, introduction_id)
    form = return_form_for(workspace, introduction, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.introduction_return_add(
                introduction=introduction,
                from_person=form.from_person,
                kind=data["kind"],
                description=data["description"],
                value=data["value"],
                currency=data["currency"],
                occurred_on=data["occurred_on"],
                referred_person=data["referred_person"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, rename={"from_person": "from_side"})
        else:
            messages.success(request, _("Recorded, and traced to this introduction."))
            return _to_detail(introduction, "returns")
    return _detail(request, workspace, introduction, return_form=form)


# The give ledger.


def _totals(values: dict[str, Decimal]) -> list[tuple[str, Decimal]]:
    return sorted(values.items())


@require_GET
@workspace_view
def ledger(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    found = selectors.give_ledger(workspace=workspace)
    kinds = dict(Interaction.ExchangeKind.choices)
    gives_by_kind = sorted(
        (
            (str(kinds.get(kind) or _("Other")) if kind else str(_("Other")), count)
            for kind, count in found.gives_by_kind.items()
        ),
        key=lambda row: -row[1],
    )
    context = {
        "ledger": found,
        "gives_by_kind": gives_by_kind,
        "by_status": [
            (value, label, found.introductions_by_status.get(value, 0))
            for value, label in IntroductionStatus.choices
        ],
        "deal_totals": _totals(found.deal_value_by_currency),
        "return_totals": _totals(found.return_value_by_currency),
    }
    return render(request, "introductions/ledger.html", context)


# The vocabulary.


@dataclass(frozen=True, slots=True)
class LookupMatch:
    concept: str
    label: str
    shown: str
    domain: str
    own: bool
    terms: list[str]


@dataclass(frozen=True, slots=True)
class Lookup:
    query: str
    matches: list[LookupMatch]


# Enough of a concept's other terms to recognise it without listing all of them.
LOOKUP_TERMS = 8


def _vocabulary(workspace: Workspace) -> Vocabulary:
    return Vocabulary.load_default().extend(selectors.workspace_concepts(workspace=workspace))


def lookup(*, workspace: Workspace, query: str, language: str) -> Lookup:
    """The concepts the matcher reads in `query`, as it reads a need or an offer."""
    query = query.strip()
    if not query:
        return Lookup(query="", matches=[])
    vocabulary = _vocabulary(workspace)
    own = set(selectors.concept_list(workspace=workspace).values_list("key", flat=True))
    analysis = Analyzer(vocabulary).analyze(query)
    found: list[LookupMatch] = []
    for feature, evidence in analysis.features.items():
        if not feature.startswith(CONCEPT_PREFIX):
            continue
        concept = vocabulary[feature[len(CONCEPT_PREFIX) :]]
        terms = [term for term in concept.terms if term != evidence.term][:LOOKUP_TERMS]
        found.append(
            LookupMatch(
                concept=concept.id,
                label=concept.label(language),
                shown=evidence.shown,
                domain=concept.domain,
                own=concept.id in own,
                terms=terms,
            )
        )
    return Lookup(query=query, matches=found)


def _vocabulary_page(
    request: HttpRequest,
    workspace: Workspace,
    *,
    form: ConceptForm | None = None,
    editing: WorkspaceConcept | None = None,
    edit_form: ConceptForm | None = None,
    status: int = 200,
) -> HttpResponse:
    builtin = Vocabulary.load_default()
    query = LookupForm(request.GET)
    context = {
        "concepts": list(selectors.concept_list(workspace=workspace)),
        "can_edit": current_membership(request).role == Role.OWNER,
        "form": form or ConceptForm(),
        "editing": editing,
        "edit_form": edit_form,
        "builtin_concepts": len(builtin),
        "builtin_terms": builtin.term_count,
        "lookup": _lookup_for(request, workspace, query),
    }
    return render(request, "introductions/vocabulary.html", context, status=status)


def _lookup_for(request: HttpRequest, workspace: Workspace, form: LookupForm) -> Lookup | None:
    if not form.is_valid() or not form.cleaned_data["q"]:
        return None
    language = getattr(request, "LANGUAGE_CODE", "he")
    return lookup(workspace=workspace, query=form.cleaned_data["q"], language=language)


def _save_concept(form: ConceptForm, save: Any) -> WorkspaceConcept | None:
    try:
        concept: WorkspaceConcept = save(**form.service_kwargs())
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    return concept


@require_http_methods(["GET", "POST"])
@workspace_view
def vocabulary(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """Everyone sees the vocabulary and looks words up; the owner adds, edits and deletes."""
    if request.method == "GET":
        return _vocabulary_page(request, workspace)
    owner_required(request)
    form = ConceptForm(request.POST)
    if form.is_valid():
        concept = _save_concept(
            form, lambda **kwargs: services.concept_create(workspace=workspace, **kwargs)
        )
        if concept is not None:
            messages.success(
                request,
                _("Concept “%(key)s” added: it counts from the next match.") % {"key": concept.key},
            )
            return redirect("introductions:vocabulary")
    return _vocabulary_page(request, workspace, form=form)


@require_http_methods(["GET", "POST"])
@workspace_view
def concept_edit(request: HttpRequest, workspace: Workspace, concept_id: uuid.UUID) -> HttpResponse:
    owner_required(request)
    concept = get_or_404(selectors.concept_get, workspace=workspace, public_id=concept_id)
    if request.method == "GET":
        form = ConceptForm.for_concept(concept)
        return _vocabulary_page(request, workspace, editing=concept, edit_form=form)
    form = ConceptForm.for_concept(concept, request.POST)
    if form.is_valid():
        saved = _save_concept(
            form, lambda **kwargs: services.concept_update(concept=concept, **kwargs)
        )
        if saved is not None:
            messages.success(request, _("Concept “%(key)s” saved.") % {"key": saved.key})
            return redirect("introductions:vocabulary")
        concept = get_or_404(selectors.concept_get, workspace=workspace, public_id=concept_id)
    return _vocabulary_page(request, workspace, editing=concept, edit_form=form)


@require_POST
@workspace_view
def concept_delete(
    request: HttpRequest, workspace: Workspace, concept_id: uuid.UUID
) -> HttpResponse:
    owner_required(request)
    concept = get_or_404(selectors.concept_get, workspace=workspace, public_id=concept_id)
    key = concept.key
    try:
        services.concept_delete(concept=concept)
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Concept “%(key)s” deleted.") % {"key": key})
    return redirect("introductions:vocabulary")


@require_GET
@workspace_view
def vocabulary_lookup(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    if not is_partial(request):
        url = reverse("introductions:vocabulary")
        query = request.GET.get("q", "")
        return redirect(f"{url}?{request.GET.urlencode()}" if query else url)
    found = _lookup_for(request, workspace, LookupForm(request.GET))
    return render(request, "introductions/_lookup.html", {"lookup": found})
