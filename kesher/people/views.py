"""People pages: the list, the person page, add/edit/archive and quick capture.

The person page's network sections (needs, offers, ties, timeline) are built here too, by the
`*_section` functions, because the network views re-render the same sections after each
change made from the page.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kesher.core.exceptions import NotFoundError
from kesher.core.forms import add_service_errors
from kesher.core.views import paginate, workspace_view
from kesher.introductions import selectors as introduction_selectors
from kesher.network import selectors as network_selectors
from kesher.network import services as network_services
from kesher.network.models import Interaction, Need, NeedOfferStatus, Offer, Tie
from kesher.people import selectors, services
from kesher.people.forms import (
    MAX_PICKED_PEOPLE,
    PersonFilterForm,
    PersonForm,
    QuickCaptureForm,
)
from kesher.people.models import Person
from kesher.search import selectors as search_selectors
from kesher.search.models import SearchDocument
from kesher.workspaces.models import Workspace

# The person page opens on the latest interactions; "Show older" loads longer pages after them.
TIMELINE_FIRST_PAGE = 10
TIMELINE_PAGE_SIZE = 30
PERSON_SUGGESTIONS = 10


def is_partial(request: HttpRequest) -> bool:
    """An htmx request that wants a fragment rather than a whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted  # type: ignore[union-attr]


# The person page's sections


@dataclass(slots=True)
class Section:
    """One section of the person page: its rows, and the form open in it, if any (at the top
    for adding, in place of `editing` for editing)."""

    kind: str
    person: Person
    items: Sequence[Any]
    form: forms.Form | None = None
    form_action: str = ""
    editing: Any = None
    next_page: int | None = None
    error: str = ""
    # People offered in the form's picker before anything is searched.
    suggested: list[Person] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"{self.kind}s"

    @property
    def statuses(self) -> list[tuple[str, Any]]:
        return NeedOfferStatus.choices

    @property
    def form_template(self) -> str:
        kind = "need_offer" if self.kind in ("need", "offer") else self.kind
        return f"network/_{kind}_form.html"

    def url_name(self, action: str) -> str:
        return f"network:{self.kind}_{action}"

    @property
    def create_name(self) -> str:
        return self.url_name("create")

    @property
    def edit_name(self) -> str:
        return self.url_name("edit")

    @property
    def delete_name(self) -> str:
        return self.url_name("delete")

    @property
    def status_name(self) -> str:
        return self.url_name("status")

    @property
    def list_name(self) -> str:
        return self.url_name("list")


@dataclass(frozen=True, slots=True)
class TieRow:
    tie: Tie
    other: Person

    @property
    def stars(self) -> str:
        trust = self.tie.trust or 0
        return "★" * trust + "☆" * (5 - trust)


def needs_section(
    *,
    workspace: Workspace,
    person: Person,
    form: forms.Form | None = None,
    editing: Need | None = None,
) -> Section:
    needs = list(network_selectors.person_needs(workspace=workspace, person=person))
    return Section(kind="need", person=person, items=needs, form=form, editing=editing)


def offers_section(
    *,
    workspace: Workspace,
    person: Person,
    form: forms.Form | None = None,
    editing: Offer | None = None,
) -> Section:
    offers = list(network_selectors.person_offers(workspace=workspace, person=person))
    return Section(kind="offer", person=person, items=offers, form=form, editing=editing)


def ties_section(
    *,
    workspace: Workspace,
    person: Person,
    form: forms.Form | None = None,
    editing: Tie | None = None,
) -> Section:
    rows = [
        TieRow(tie=tie, other=tie.other(person))
        for tie in network_selectors.person_ties(workspace=workspace, person=person)
    ]
    return Section(kind="tie", person=person, items=rows, form=form, editing=editing)


def timeline_section(
    *,
    workspace: Workspace,
    person: Person,
    form: forms.Form | None = None,
    editing: Interaction | None = None,
    page: int = 1,
) -> Section:
    if page == 1:
        start, size = 0, TIMELINE_FIRST_PAGE
    else:
        start, size = TIMELINE_FIRST_PAGE + (page - 2) * TIMELINE_PAGE_SIZE, TIMELINE_PAGE_SIZE
    # One row more than a page tells whether there is an older page, without a count.
    found = list(
        network_selectors.person_timeline(workspace=workspace, person=person)[
            start : start + size + 1
        ]
    )
    return Section(
        kind="interaction",
        person=person,
        items=found[:size],
        form=form,
        editing=editing,
        next_page=page + 1 if len(found) > size else None,
    )


def person_sections(*, workspace: Workspace, person: Person) -> dict[str, Section]:
    return {
        "needs": needs_section(workspace=workspace, person=person),
        "offers": offers_section(workspace=workspace, person=person),
        "ties": ties_section(workspace=workspace, person=person),
        "timeline": timeline_section(workspace=workspace, person=person),
    }


# Pages


@dataclass(frozen=True, slots=True)
class ActiveFilter:
    param: str
    label: str
    value: str


@require_GET
@workspace_view
def person_list(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    archived = request.GET.get("archived") == "1"
    lookups = {
        "organization": (selectors.organization_get, _("Organisation")),
        "group": (selectors.group_get, _("Group")),
        "tag": (selectors.tag_get, _("Interest")),
        "event": (selectors.event_get, _("Met at")),
    }
    chosen: dict[str, Any] = {}
    active: list[ActiveFilter] = []
    for param, (get, label) in lookups.items():
        public_id = request.GET.get(param)
        if not public_id:
            continue
        try:
            # A stale or foreign id filters nothing rather than failing the whole list.
            obj = get(workspace=workspace, public_id=public_id)
        except NotFoundError:
            continue
        chosen[param] = obj
        active.append(ActiveFilter(param=param, label=str(label), value=str(obj)))
    people = selectors.person_rows(workspace=workspace, archived=archived, **chosen)
    page = paginate(request, people, count_limit=settings.KESHER_LIST_COUNT_LIMIT)
    context = {"page_obj": page, "archived": archived, "active_filters": active}
    template = "people/_list_results.html" if is_partial(request) else "people/list.html"
    return render(request, template, context)


@require_GET
@workspace_view
def person_filters(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """The filter form, loaded when the list's filter panel is opened: its choices need a
    query per kind, which the list itself should not pay for."""
    initial: dict[str, Any] = {
        key: request.GET.get(key) for key in ("organization", "group", "tag", "event")
    }
    initial["archived"] = request.GET.get("archived") == "1"
    form = PersonFilterForm(workspace=workspace, initial=initial)
    template = "people/_filters.html" if is_partial(request) else "people/filters.html"
    return render(request, template, {"form": form})


@require_GET
@workspace_view
def person_detail(request: HttpRequest, workspace: Workspace, person_id: uuid.UUID) -> HttpResponse:
    person = selectors.person_page_get(workspace=workspace, public_id=person_id)
    context = {
        "person": person,
        **person_sections(workspace=workspace, person=person),
        # Their open suggested introductions (either side) and the introductions they are in.
        "person_suggestions": list(
            introduction_selectors.person_suggestions(
                workspace=workspace, person=person, limit=PERSON_SUGGESTIONS
            )
        ),
        "person_introductions": list(
            introduction_selectors.person_introductions(workspace=workspace, person=person)
        ),
    }
    return render(request, "people/detail.html", context)


def _save_person(form: PersonForm) -> Person | None:
    data, organization = form.person_data(), form.cleaned_data["organization"]
    try:
        if form.person is None:
            return services.person_create(
                workspace=form.workspace, data=data, organization_name=organization
            )
        return services.person_update(person=form.person, data=data, organization_name=organization)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


@require_http_methods(["GET", "POST"])
@workspace_view
def person_create(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = PersonForm(request.POST if request.method == "POST" else None, workspace=workspace)
    if form.is_bound and form.is_valid():
        person = _save_person(form)
        if person is not None:
            messages.success(request, _("%(name)s was added.") % {"name": person.name})
            return redirect("people:detail", person.public_id)
    return render(request, "people/form.html", {"form": form, "person": None})


@require_http_methods(["GET", "POST"])
@workspace_view
def person_edit(request: HttpRequest, workspace: Workspace, person_id: uuid.UUID) -> HttpResponse:
    person = selectors.person_get(workspace=workspace, public_id=person_id)
    form = PersonForm(
        request.POST if request.method == "POST" else None, workspace=workspace, person=person
    )
    if form.is_bound and form.is_valid():
        saved = _save_person(form)
        if saved is not None:
            messages.success(request, _("The changes were saved."))
            return redirect("people:detail", saved.public_id)
        # The failed save may have left the instance half-changed; show the stored one.
        person = selectors.person_get(workspace=workspace, public_id=person_id)
    return render(request, "people/form.html", {"form": form, "person": person})


@require_POST
@workspace_view
def person_archive(
    request: HttpRequest, workspace: Workspace, person_id: uuid.UUID
) -> HttpResponse:
    person = selectors.person_get(workspace=workspace, public_id=person_id)
    services.person_archive(person=person)
    messages.success(
        request,
        _("%(name)s was archived: hidden from lists and search until restored.")
        % {"name": person.name},
    )
    return redirect("people:detail", person.public_id)


@require_POST
@workspace_view
def person_restore(
    request: HttpRequest, workspace: Workspace, person_id: uuid.UUID
) -> HttpResponse:
    person = selectors.person_get(workspace=workspace, public_id=person_id)
    services.person_restore(person=person)
    messages.success(request, _("%(name)s was restored.") % {"name": person.name})
    return redirect("people:detail", person.public_id)


@require_http_methods(["GET", "POST"])
@workspace_view
def quick_capture(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = QuickCaptureForm(request.POST if request.method == "POST" else None, workspace=workspace)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            result = network_services.person_quick_capture(
                workspace=workspace,
                name=data["name"],
                phone=data["phone"],
                email=data["email"],
                note=data["note"],
                need=data["need"],
                offer=data["offer"],
                met_at=data["met_at"],
                logged_by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            add_service_errors(form, exc, rename=QuickCaptureForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": result.person.name})
            return redirect("people:detail", result.person.public_id)
    return render(request, "people/quick_capture.html", {"form": form})


@dataclass(frozen=True, slots=True)
class PickOption:
    public_id: uuid.UUID
    name: str
    detail: str = ""


@require_GET
@workspace_view
def person_pick(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """The choices of a person picker (people/_picker.html): the people already chosen, then
    the people whose names match what is typed."""
    field_name = request.GET.get("field", "")
    if not field_name.isidentifier():
        raise Http404(_("Unknown field."))
    multiple = request.GET.get("multiple") == "1"
    excluded = request.GET.get("exclude", "")
    chosen: list[Person] = []
    for public_id in dict.fromkeys(request.GET.getlist(field_name)[:MAX_PICKED_PEOPLE]):
        try:
            chosen.append(selectors.person_get(workspace=workspace, public_id=public_id))
        except NotFoundError:
            continue
    chosen_ids = {str(p.public_id) for p in chosen}
    query = request.GET.get("q", "")
    matches = [
        PickOption(public_id=hit.target_id, name=hit.title, detail=hit.snippet)
        for hit in search_selectors.search(workspace=workspace, query=query).hits
        if hit.kind == SearchDocument.Kind.PERSON
        and hit.target_id is not None
        and str(hit.target_id) not in chosen_ids
        and str(hit.target_id) != excluded
    ]
    context = {
        "field_name": field_name,
        "multiple": multiple,
        "chosen": chosen,
        "matches": matches,
        "query": query,
    }
    return render(request, "people/_pick_options.html", context)
