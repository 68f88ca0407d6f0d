"""Changes made from the person page: needs, offers, ties and the interaction timeline.

Every form works as a plain page without JavaScript. Through htmx, a request gets back just the
section of the person page it changed (with the form still open when it needs correcting).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kesher.core.forms import add_service_errors
from kesher.core.views import workspace_view
from kesher.network import selectors, services
from kesher.network.forms import InteractionForm, NeedOfferForm, StatusForm, TieForm
from kesher.network.models import Interaction, Need, Offer, Tie
from kesher.network.services import InteractionData
from kesher.people import selectors as people_selectors
from kesher.people.models import Person
from kesher.people.views import (
    Section,
    is_partial,
    needs_section,
    offers_section,
    ties_section,
    timeline_section,
)
from kesher.workspaces.models import Workspace

SECTION_TEMPLATES = {
    "need": "network/_need_offer_section.html",
    "offer": "network/_need_offer_section.html",
    "tie": "network/_ties_section.html",
    "interaction": "network/_timeline_section.html",
}


def _changed(request: HttpRequest, section: Section, message: str) -> HttpResponse:
    """After a change: the refreshed section for htmx, otherwise back to the person page."""
    if is_partial(request):
        return render(request, SECTION_TEMPLATES[section.kind], {"section": section})
    messages.success(request, message)
    url = reverse("people:detail", args=[section.person.public_id])
    return redirect(f"{url}#{section.anchor}")


def _form(request: HttpRequest, section: Section, title: str) -> HttpResponse:
    """A form to fill in or to correct: inside its section for htmx, else a page of its own."""
    if is_partial(request):
        return render(request, SECTION_TEMPLATES[section.kind], {"section": section})
    return render(request, "network/form_page.html", {"section": section, "title": title})


def _person(workspace: Workspace, person_id: uuid.UUID) -> Person:
    return people_selectors.person_get(workspace=workspace, public_id=person_id)


# Needs and offers share their forms and views; `kind` comes from the URL pattern.


@dataclass(frozen=True, slots=True)
class _NeedOfferKind:
    get: Callable[..., Need | Offer]
    create: Callable[..., Need | Offer]
    update: Callable[..., Need | Offer]
    delete: Callable[..., None]
    section: Callable[..., Section]
    add_title: str
    edit_title: str


def _need_offer_kind(kind: str) -> _NeedOfferKind:
    if kind == "need":
        return _NeedOfferKind(
            get=selectors.need_get,
            create=services.need_create,
            update=lambda *, item, **kw: services.need_update(need=item, **kw),
            delete=lambda *, item: services.need_delete(need=item),
            section=needs_section,
            add_title=_("Add a need"),
            edit_title=_("Edit the need"),
        )
    return _NeedOfferKind(
        get=selectors.offer_get,
        create=services.offer_create,
        update=lambda *, item, **kw: services.offer_update(offer=item, **kw),
        delete=lambda *, item: services.offer_delete(offer=item),
        section=offers_section,
        add_title=_("Add an offer"),
        edit_title=_("Edit the offer"),
    )


@require_GET
@workspace_view
def need_offer_list(
    request: HttpRequest, workspace: Workspace, person_id: uuid.UUID, kind: str
) -> HttpResponse:
    person = _person(workspace, person_id)
    if not is_partial(request):
        return redirect(reverse("people:detail", args=[person.public_id]) + f"#{kind}s")
    section = _need_offer_kind(kind).section(workspace=workspace, person=person)
    return render(request, SECTION_TEMPLATES[kind], {"section": section})


@require_http_methods(["GET", "POST"])
@workspace_view
def need_offer_create(
    request: HttpRequest, workspace: Workspace, person_id: uuid.UUID, kind: str
) -> HttpResponse:
    ops = _need_offer_kind(kind)
    person = _person(workspace, person_id)
    form = NeedOfferForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            ops.create(person=person, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            section = ops.section(workspace=workspace, person=person)
            return _changed(request, section, _("Saved."))
    section = ops.section(workspace=workspace, person=person, form=form)
    section.form_action = reverse(section.create_name, args=[person.public_id])
    return _form(request, section, ops.add_title)


@require_http_methods(["GET", "POST"])
@workspace_view
def need_offer_edit(
    request: HttpRequest, workspace: Workspace, item_id: uuid.UUID, kind: str
) -> HttpResponse:
    ops = _need_offer_kind(kind)
    item = ops.get(workspace=workspace, public_id=item_id)
    form = NeedOfferForm.for_item(item, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            ops.update(item=item, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
            item = ops.get(workspace=workspace, public_id=item_id)
        else:
            section = ops.section(workspace=workspace, person=item.person)
            return _changed(request, section, _("Saved."))
    section = ops.section(workspace=workspace, person=item.person, form=form, editing=item)
    section.form_action = reverse(section.edit_name, args=[item.public_id])
    return _form(request, section, ops.edit_title)


@require_POST
@workspace_view
def need_offer_status(
    request: HttpRequest, workspace: Workspace, item_id: uuid.UUID, kind: str
) -> HttpResponse:
    ops = _need_offer_kind(kind)
    item = ops.get(workspace=workspace, public_id=item_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        section = ops.section(workspace=workspace, person=item.person)
        section.error = _("Choose open, fulfilled or withdrawn.")
        if is_partial(request):
            return render(request, SECTION_TEMPLATES[kind], {"section": section})
        messages.error(request, section.error)
        return redirect(reverse("people:detail", args=[item.person.public_id]) + f"#{kind}s")
    ops.update(
        item=item,
        text=item.text,
        tags=[tag.name for tag in item.tags.all()],
        status=form.cleaned_data["status"],
        expires_on=item.expires_on,
    )
    section = ops.section(workspace=workspace, person=item.person)
    return _changed(request, section, _("The status was changed."))


@require_POST
@workspace_view
def need_offer_delete(
    request: HttpRequest, workspace: Workspace, item_id: uuid.UUID, kind: str
) -> HttpResponse:
    ops = _need_offer_kind(kind)
    item = ops.get(workspace=workspace, public_id=item_id)
    person = item.person
    ops.delete(item=item)
    section = ops.section(workspace=workspace, person=person)
    return _changed(request, section, _("Deleted."))


# Ties


def _tie_of(workspace: Workspace, person: Person, tie_id: uuid.UUID) -> Tie:
    tie = selectors.tie_get(workspace=workspace, public_id=tie_id)
    if person.pk not in (tie.person_a_id, tie.person_b_id):
        raise Http404(_("Tie not found."))
    return tie


@require_GET
@workspace_view
def tie_list(request: HttpRequest, workspace: Workspace, person_id: uuid.UUID) -> HttpResponse:
    person = _person(workspace, person_id)
    if not is_partial(request):
        return redirect(reverse("people:detail", args=[person.public_id]) + "#ties")
    section = ties_section(workspace=workspace, person=person)
    return render(request, SECTION_TEMPLATES["tie"], {"section": section})


@require_http_methods(["GET", "POST"])
@workspace_view
def tie_create(request: HttpRequest, workspace: Workspace, person_id: uuid.UUID) -> HttpResponse:
    person = _person(workspace, person_id)
    form = TieForm(request.POST if request.method == "POST" else None, workspace=workspace)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.tie_create(
                workspace=workspace,
                person=person,
                other=data["other"],
                kind=data["kind"],
                since=data["since"],
                trust=data["trust"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            section = ties_section(workspace=workspace, person=person)
            return _changed(request, section, _("The tie was added."))
    section = ties_section(workspace=workspace, person=person, form=form)
    section.form_action = reverse("network:tie_create", args=[person.public_id])
    return _form(request, section, _("Add a tie"))


@require_http_methods(["GET", "POST"])
@workspace_view
def tie_edit(
    request: HttpRequest, workspace: Workspace, person_id: uuid.UUID, tie_id: uuid.UUID
) -> HttpResponse:
    person = _person(workspace, person_id)
    tie = _tie_of(workspace, person, tie_id)
    form = TieForm(request.POST if request.method == "POST" else None, workspace=workspace, tie=tie)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.tie_update(
                tie=tie,
                kind=data["kind"],
                since=data["since"],
                trust=data["trust"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            tie = _tie_of(workspace, person, tie_id)
        else:
            section = ties_section(workspace=workspace, person=person)
            return _changed(request, section, _("The tie was saved."))
    section = ties_section(workspace=workspace, person=person, form=form, editing=tie)
    section.form_action = reverse("network:tie_edit", args=[person.public_id, tie.public_id])
    return _form(request, section, _("Edit the tie"))


@require_POST
@workspace_view
def tie_delete(
    request: HttpRequest, workspace: Workspace, person_id: uuid.UUID, tie_id: uuid.UUID
) -> HttpResponse:
    person = _person(workspace, person_id)
    services.tie_delete(tie=_tie_of(workspace, person, tie_id))
    section = ties_section(workspace=workspace, person=person)
    return _changed(request, section, _("The tie was removed."))


# Interactions: the person's timeline


def _interaction_of(workspace: Workspace, person: Person, interaction_id: uuid.UUID) -> Interaction:
    interaction = selectors.interaction_get(workspace=workspace, public_id=interaction_id)
    if not any(p.pk == person.pk for p in interaction.participants.all()):
        raise Http404(_("Interaction not found."))
    return interaction


def _timeline_with_form(
    workspace: Workspace, person: Person, form: InteractionForm, **kwargs: Any
) -> Section:
    section = timeline_section(workspace=workspace, person=person, form=form, **kwargs)
    # The people this person is tied to are the likely other participants: offered unasked.
    section.suggested = [
        tie.other(person) for tie in selectors.tie_list(workspace=workspace, person=person)
    ]
    return section


@require_GET
@workspace_view
def interaction_list(
    request: HttpRequest, workspace: Workspace, person_id: uuid.UUID
) -> HttpResponse:
    person = _person(workspace, person_id)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    section = timeline_section(workspace=workspace, person=person, page=page)
    if not is_partial(request):
        return render(request, "network/timeline_page.html", {"section": section, "page": page})
    template = "network/_timeline_items.html" if page > 1 else SECTION_TEMPLATES["interaction"]
    return render(request, template, {"section": section})


def _interaction_data(form: InteractionForm) -> InteractionData:
    data = form.cleaned_data
    return InteractionData(
        occurred_at=data["occurred_at"],
        channel=data["channel"],
        participants=form.participants(),
        summary=data["summary"],
        initiated_by=data["initiated_by"],
        exchange=data["exchange"],
        exchange_kind=data["exchange_kind"],
        event=data["event"],
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def interaction_create(
    request: HttpRequest, workspace: Workspace, person_id: uuid.UUID
) -> HttpResponse:
    person = _person(workspace, person_id)
    form = InteractionForm(
        request.POST if request.method == "POST" else None, workspace=workspace, person=person
    )
    if form.is_bound and form.is_valid():
        try:
            services.interaction_log(
                workspace=workspace,
                data=_interaction_data(form),
                logged_by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            section = timeline_section(workspace=workspace, person=person)
            return _changed(request, section, _("The interaction was logged."))
    section = _timeline_with_form(workspace, person, form)
    section.form_action = reverse("network:interaction_create", args=[person.public_id])
    return _form(request, section, _("Log an interaction"))


@require_http_methods(["GET", "POST"])
@workspace_view
def interaction_edit(
    request: HttpRequest,
    workspace: Workspace,
    person_id: uuid.UUID,
    interaction_id: uuid.UUID,
) -> HttpResponse:
    person = _person(workspace, person_id)
    interaction = _interaction_of(workspace, person, interaction_id)
    form = InteractionForm(
        request.POST if request.method == "POST" else None,
        workspace=workspace,
        person=person,
        interaction=interaction,
    )
    if form.is_bound and form.is_valid():
        try:
            services.interaction_update(interaction=interaction, data=_interaction_data(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
            interaction = _interaction_of(workspace, person, interaction_id)
        else:
            section = timeline_section(workspace=workspace, person=person)
            return _changed(request, section, _("The interaction was saved."))
    section = _timeline_with_form(workspace, person, form, editing=interaction)
    section.form_action = reverse(
        "network:interaction_edit", args=[person.public_id, interaction.public_id]
    )
    return _form(request, section, _("Edit the interaction"))


@require_POST
@workspace_view
def interaction_delete(
    request: HttpRequest,
    workspace: Workspace,
    person_id: uuid.UUID,
    interaction_id: uuid.UUID,
) -> HttpResponse:
    person = _person(workspace, person_id)
    services.interaction_delete(interaction=_interaction_of(workspace, person, interaction_id))
    section = timeline_section(workspace=workspace, person=person)
    return _changed(request, section, _("The interaction was deleted."))
