"""Pages for the relationship graph: strengths, keep in touch, warm paths, who a person knows,
the neighbourhood graph, referrals, settings, and the secret calendar feed. Thin: each parses
its input, calls a selector or a service, and renders."""

from __future__ import annotations

import csv
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kesher.core.exceptions import NotFoundError
from kesher.core.views import (
    current_user,
    current_workspace,
    get_or_404,
    owner_required,
    paginate,
    safe_next,
    workspace_view,
)
from kesher.engine.icalendar import CalendarEvent, render_calendar
from kesher.people import selectors as people_selectors
from kesher.people.models import Person
from kesher.relationships import selectors, services, svg
from kesher.relationships.forms import KindRhythmForm, ReferralForm, RhythmForm, SettingsForm
from kesher.relationships.phrasing import explanation_text
from kesher.relationships.tasks import tie_strength_recompute_task
from kesher.workspaces.models import Workspace

# The calendar carries reminders this far ahead.
CALENDAR_HORIZON_DAYS = 60


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# Tie strength


@workspace_view
def strength_list(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    page = paginate(request, selectors.tie_strength_list(workspace=workspace))
    return render(request, "relationships/strengths.html", {"page": page})


@login_required
def strength_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every tie's score and why, for a spreadsheet: no black box. Streamed, so a workspace
    of a million ties exports without holding them all."""
    workspace = current_workspace(request)
    if workspace is None:
        raise Http404
    header = [
        "tie_id",
        "person_a_id",
        "person_a",
        "person_b_id",
        "person_b",
        "kind",
        "strength",
        "explanation",
        "recency",
        "frequency",
        "reciprocity",
        "channel",
        "duration",
        "gives",
        "trust",
        "computed_at",
    ]

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    ties = selectors.tie_strength_list(workspace=workspace)

    def rows() -> Any:
        yield "\ufeff" + writer.writerow(header)
        for tie in ties.iterator(chunk_size=2000):
            detail = getattr(tie, "strength_detail", None)
            data = detail.explanation if detail else {}
            points = {c["name"]: round(c["points"], 2) for c in data.get("components", [])}
            yield writer.writerow(
                [
                    tie.public_id,
                    tie.person_a.public_id,
                    tie.person_a.name,
                    tie.person_b.public_id,
                    tie.person_b.name,
                    tie.kind.label,
                    "" if detail is None else detail.score,
                    explanation_text(data, name_a=tie.person_a.name, name_b=tie.person_b.name),
                    *(points.get(name, "") for name in header[8:15]),
                    detail.computed_at.isoformat() if detail else "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tie-strengths.csv"'
    return response


@require_POST
@workspace_view
def strength_recompute(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    tie_strength_recompute_task.enqueue(workspace.pk)
    messages.success(request, _("Recomputing every tie's strength in the background."))
    return redirect("relationships:strengths")


# Keep in touch


@workspace_view
def keep_in_touch(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = KindRhythmForm(workspace=workspace)
    return _keep_in_touch_page(request, workspace, form)


def _keep_in_touch_page(
    request: HttpRequest, workspace: Workspace, form: KindRhythmForm, secret: str = ""
) -> HttpResponse:
    user = current_user(request)
    context = {
        "state": selectors.keep_in_touch(workspace=workspace, user_id=user.pk),
        "rhythms": selectors.rhythm_list(workspace=workspace, user_id=user.pk),
        "form": form,
        "feed_exists": selectors.calendar_feed_exists(workspace=workspace, user_id=user.pk),
        "feed_url": (
            request.build_absolute_uri(reverse("relationships:calendar_feed", args=[secret]))
            if secret
            else ""
        ),
    }
    return render(request, "relationships/keep_in_touch.html", context)


@require_POST
@workspace_view
def rhythm_kind_set(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = KindRhythmForm(request.POST, workspace=workspace)
    if form.is_valid():
        try:
            services.rhythm_set(
                workspace=workspace,
                user=current_user(request),
                every=form.cleaned_data["every"],
                days=form.cleaned_data["days"],
                tie_kind=form.cleaned_data["tie_kind"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Rhythm saved."))
            return redirect("relationships:keep_in_touch")
    return _keep_in_touch_page(request, workspace, form)


@require_POST
@workspace_view
def rhythm_person_set(
    request: HttpRequest, workspace: Workspace, person_id: uuid.UUID
) -> HttpResponse:
    person = get_or_404(people_selectors.person_get, workspace=workspace, public_id=person_id)
    form = RhythmForm(request.POST)
    fallback = reverse("people:detail", args=[person.public_id])
    if form.is_valid():
        try:
            services.rhythm_set(
                workspace=workspace,
                user=current_user(request),
                every=form.cleaned_data["every"],
                days=form.cleaned_data["days"],
                person=person,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Rhythm saved."))
            return redirect(safe_next(request, fallback))
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect(safe_next(request, fallback))


@require_POST
@workspace_view
def rhythm_clear(request: HttpRequest, workspace: Workspace, rhythm_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    rhythm = (
        selectors.rhythm_list(workspace=workspace, user_id=user.pk)
        .filter(public_id=rhythm_id)
        .first()
    )
    if rhythm is None:
        raise Http404
    services.rhythm_clear(
        workspace=workspace, user=user, person=rhythm.person, tie_kind=rhythm.tie_kind
    )
    messages.success(request, _("Rhythm removed."))
    return redirect(safe_next(request, reverse("relationships:keep_in_touch")))


@require_POST
@workspace_view
def calendar_regenerate(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    _feed, secret = services.calendar_feed_regenerate(
        workspace=workspace, user=current_user(request)
    )
    messages.success(request, _("A new calendar address is ready; the old one no longer works."))
    return _keep_in_touch_page(request, workspace, KindRhythmForm(workspace=workspace), secret)


@require_GET
def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The member's reminders as iCalendar, for any calendar app: no login, the unguessable
    address is the key, and only that member's reminders in that workspace are in it."""
    try:
        feed = selectors.calendar_feed_find(secret=secret)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    workspace = feed.workspace
    with timezone.override(workspace.time_zone), translation.override(workspace.language):
        today = timezone.localdate()
        state = selectors.keep_in_touch(
            workspace=workspace,
            user_id=feed.user_id,
            today=today,
            horizon_days=CALENDAR_HORIZON_DAYS,
            losing_limit=0,
        )
        events = []
        for item in [*state.overdue, *state.due_today, *state.upcoming]:
            url = request.build_absolute_uri(reverse("people:detail", args=[item.person.public_id]))
            events.append(
                CalendarEvent(
                    uid=f"keep-in-touch-{item.person.public_id}@kesher",
                    # An overdue reminder stays on today until the touch is logged.
                    day=max(item.due.due, today),
                    summary=_("Keep in touch: %(name)s") % {"name": item.person.name},
                    description=(
                        _("Last contact: %(date)s") % {"date": item.due.last_touch.isoformat()}
                        if item.due.last_touch
                        else _("No contact logged yet.")
                    ),
                    url=url,
                    categories=("Kesher",),
                )
            )
        body = render_calendar(
            events,
            name=_("Kesher — keep in touch (%(workspace)s)") % {"workspace": workspace.name},
            stamp=timezone.now(),
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


# Warm paths, who they know, the graph


@workspace_view
def reach_person(request: HttpRequest, workspace: Workspace, person_id: uuid.UUID) -> HttpResponse:
    person = get_or_404(people_selectors.person_get, workspace=workspace, public_id=person_id)
    user = current_user(request)
    paths = selectors.warm_paths(workspace=workspace, user_id=user.pk, person=person)
    context = {
        "target_name": person.name,
        "person": person,
        "paths": paths,
        "chain": selectors.referral_chain(workspace=workspace, person=person),
    }
    return render(request, "relationships/reach.html", context)


@workspace_view
def reach_organization(
    request: HttpRequest, workspace: Workspace, organization_id: uuid.UUID
) -> HttpResponse:
    organization = get_or_404(
        people_selectors.organization_get, workspace=workspace, public_id=organization_id
    )
    user = current_user(request)
    paths = selectors.warm_paths(workspace=workspace, user_id=user.pk, organization=organization)
    context = {"target_name": organization.name, "organization": organization, "paths": paths}
    return render(request, "relationships/reach.html", context)


@workspace_view
def who_they_know(request: HttpRequest, workspace: Workspace, person_id: uuid.UUID) -> HttpResponse:
    person = get_or_404(people_selectors.person_get, workspace=workspace, public_id=person_id)
    known = selectors.who_they_know(workspace=workspace, person=person)
    return render(request, "relationships/who_they_know.html", {"person": person, "known": known})


@workspace_view
def neighbourhood(request: HttpRequest, workspace: Workspace, person_id: uuid.UUID) -> HttpResponse:
    person = get_or_404(people_selectors.person_get, workspace=workspace, public_id=person_id)
    found = selectors.neighbourhood(workspace=workspace, person=person)
    markup = svg.render(
        found.neighbourhood,
        found.people,
        url_of=lambda p: reverse("people:detail", args=[p.public_id]),
    )
    ordered = [
        (node, found.people[node.node])
        for node in found.neighbourhood.nodes
        if node.node in found.people and node.node != person.pk
    ]
    context = {"person": person, "svg": markup, "nodes": ordered, "found": found.neighbourhood}
    return render(request, "relationships/graph.html", context)


# Referrals


@workspace_view
def referral_list(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = ReferralForm(workspace=workspace)
    return _referral_page(request, workspace, form)


def _referral_page(request: HttpRequest, workspace: Workspace, form: ReferralForm) -> HttpResponse:
    context = {
        "page": paginate(request, selectors.referral_list(workspace=workspace)),
        "stats": selectors.referral_stats_list(workspace=workspace),
        "target": selectors.relationship_settings_get(workspace=workspace).referral_target,
        "currency": workspace.currency,
        "form": form,
    }
    return render(request, "relationships/referrals.html", context)


@workspace_view
def referral_create(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    if request.method != "POST":
        initial: dict[str, Person] = {}
        referred_id = request.GET.get("referred")
        if referred_id:
            referred = get_or_404(
                people_selectors.person_get, workspace=workspace, public_id=referred_id
            )
            initial["referred"] = referred
            # The person's "referred by" is the natural default for who referred them.
            if referred.referred_by is not None:
                initial["referrer"] = referred.referred_by
        form = ReferralForm(workspace=workspace, initial=initial)
        return render(request, "relationships/referral_form.html", {"form": form})
    form = ReferralForm(request.POST, workspace=workspace)
    if form.is_valid():
        try:
            with transaction.atomic():
                referral = services.referral_create(workspace=workspace, **form.service_kwargs())
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Referral recorded."))
            return redirect(
                safe_next(request, reverse("people:detail", args=[referral.referred.public_id]))
            )
    return render(request, "relationships/referral_form.html", {"form": form}, status=400)


@workspace_view
def referral_edit(
    request: HttpRequest, workspace: Workspace, referral_id: uuid.UUID
) -> HttpResponse:
    referral = get_or_404(selectors.referral_get, workspace=workspace, public_id=referral_id)
    if request.method != "POST":
        form = ReferralForm.for_referral(referral, workspace=workspace)
        return render(
            request, "relationships/referral_form.html", {"form": form, "referral": referral}
        )
    form = ReferralForm(request.POST, workspace=workspace)
    if form.is_valid():
        try:
            services.referral_update(referral=referral, **form.service_kwargs())
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Referral saved."))
            return redirect("relationships:referrals")
    return render(
        request,
        "relationships/referral_form.html",
        {"form": form, "referral": referral},
        status=400,
    )


@require_POST
@workspace_view
def referral_delete(
    request: HttpRequest, workspace: Workspace, referral_id: uuid.UUID
) -> HttpResponse:
    referral = get_or_404(selectors.referral_get, workspace=workspace, public_id=referral_id)
    services.referral_delete(referral=referral)
    messages.success(request, _("Referral removed."))
    return redirect(safe_next(request, reverse("relationships:referrals")))


# Settings


@workspace_view
def settings_page(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    owner_required(request)
    current = selectors.relationship_settings_get(workspace=workspace)
    if request.method != "POST":
        form = SettingsForm(
            initial={
                "half_life_days": current.half_life_days,
                "referral_target": current.referral_target,
            }
        )
        return render(request, "relationships/settings.html", {"form": form, "active": "graph"})
    form = SettingsForm(request.POST)
    if form.is_valid():
        try:
            services.relationship_settings_update(
                workspace=workspace, actor=current_user(request), **form.cleaned_data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("relationships:settings")
    return render(
        request, "relationships/settings.html", {"form": form, "active": "graph"}, status=400
    )
