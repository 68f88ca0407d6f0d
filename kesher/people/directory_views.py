"""Pages for organisations, groups and events: list, add, edit, delete, and a page per record
listing the people linked to it (who work there, the members, who was met there).

The three kinds work alike, so each page is built once from a `DirectoryKind` describing the
kind's selectors, services, form and wording.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_stubs_ext import StrOrPromise

from kesher.core.forms import add_service_errors
from kesher.core.views import get_or_404, paginate, workspace_view
from kesher.people import selectors, services
from kesher.people.directory_forms import EventForm, GroupForm, OrganizationForm
from kesher.people.models import Event, Group, Organization, Person
from kesher.workspaces.models import Workspace

Record = Organization | Group | Event


@dataclass(frozen=True)
class DirectoryKind:
    key: str  # "organization": URL names are directory:<key>_list, _create, _detail, _edit
    list_selector: Callable[..., Any]
    get_selector: Callable[..., Record]
    create: Callable[..., Record]
    update: Callable[..., Record]
    delete: Callable[..., None]
    form: type[forms.Form]
    initial: Callable[[Any], dict[str, object]]
    people: Callable[[Workspace, Any], QuerySet[Person]]
    title: StrOrPromise
    new_title: StrOrPromise
    edit_title: StrOrPromise
    people_title: StrOrPromise
    saved: StrOrPromise
    delete_confirm: StrOrPromise
    deleted: StrOrPromise

    def url(self, action: str) -> str:
        return f"directory:{self.key}_{action}"

    # URL names for templates, which cannot call url().
    @property
    def url_list(self) -> str:
        return self.url("list")

    @property
    def url_create(self) -> str:
        return self.url("create")

    @property
    def url_detail(self) -> str:
        return self.url("detail")

    @property
    def url_edit(self) -> str:
        return self.url("edit")

    @property
    def url_delete(self) -> str:
        return self.url("delete")


ORGANIZATION = DirectoryKind(
    key="organization",
    list_selector=selectors.organization_list,
    get_selector=selectors.organization_get,
    create=services.organization_create,
    update=services.organization_update,
    delete=services.organization_delete,
    form=OrganizationForm,
    initial=OrganizationForm.initial_for,
    people=lambda workspace, record: selectors.person_list(
        workspace=workspace, organization=record
    ),
    title=_("Organisations"),
    new_title=_("New organisation"),
    edit_title=_("Edit organisation"),
    people_title=_("People who work there"),
    saved=_("Organisation “%(name)s” saved."),
    delete_confirm=_("Delete this organisation? The people who work there are kept, without it."),
    deleted=_("Organisation “%(name)s” deleted; the people who worked there are kept."),
)
GROUP = DirectoryKind(
    key="group",
    list_selector=selectors.group_list,
    get_selector=selectors.group_get,
    create=services.group_create,
    update=services.group_update,
    delete=services.group_delete,
    form=GroupForm,
    initial=GroupForm.initial_for,
    people=lambda workspace, record: selectors.person_list(workspace=workspace, group=record),
    title=_("Groups"),
    new_title=_("New group"),
    edit_title=_("Edit group"),
    people_title=_("Members"),
    saved=_("Group “%(name)s” saved."),
    delete_confirm=_("Delete this group? Its members are kept, in their other groups."),
    deleted=_("Group “%(name)s” deleted; its members are kept."),
)
EVENT = DirectoryKind(
    key="event",
    list_selector=selectors.event_list,
    get_selector=selectors.event_get,
    create=services.event_create,
    update=services.event_update,
    delete=services.event_delete,
    form=EventForm,
    initial=EventForm.initial_for,
    people=lambda workspace, record: selectors.person_list(workspace=workspace, event=record),
    title=_("Events"),
    new_title=_("New event"),
    edit_title=_("Edit event"),
    people_title=_("People met there"),
    saved=_("Event “%(name)s” saved."),
    delete_confirm=_(
        "Delete this event? The people met there and the interactions logged at it are kept."
    ),
    deleted=_("Event “%(name)s” deleted; the people met there are kept."),
)


def list_view(kind: DirectoryKind) -> Callable[..., HttpResponse]:
    @workspace_view
    @require_GET
    def view(request: HttpRequest, workspace: Workspace) -> HttpResponse:
        page = paginate(request, kind.list_selector(workspace=workspace))
        return render(
            request,
            f"directory/{kind.key}_list.html",
            {"kind": kind, "page_obj": page, "records": page.object_list},
        )

    return view


def detail_view(kind: DirectoryKind) -> Callable[..., HttpResponse]:
    @workspace_view
    @require_GET
    def view(request: HttpRequest, workspace: Workspace, public_id: uuid.UUID) -> HttpResponse:
        record = get_or_404(kind.get_selector, workspace=workspace, public_id=public_id)
        page = paginate(request, kind.people(workspace, record))
        context = {"kind": kind, "record": record, "page_obj": page, "people": page.object_list}
        return render(request, f"directory/{kind.key}_detail.html", context)

    return view


def form_view(kind: DirectoryKind, *, editing: bool) -> Callable[..., HttpResponse]:
    """The add page, or with `editing` the edit page of one record."""

    @workspace_view
    @require_http_methods(["GET", "POST"])
    def view(
        request: HttpRequest, workspace: Workspace, public_id: uuid.UUID | None = None
    ) -> HttpResponse:
        record = None
        initial = None
        if editing:
            record = get_or_404(kind.get_selector, workspace=workspace, public_id=public_id)
            initial = kind.initial(record)
        form = kind.form(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                if record is None:
                    saved = kind.create(workspace=workspace, **form.cleaned_data)
                else:
                    saved = kind.update(**{kind.key: record}, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, str(kind.saved) % {"name": saved.name})
                return redirect(kind.url("detail"), saved.public_id)
        context = {
            "kind": kind,
            "record": record,
            "form": form,
            "heading": kind.edit_title if editing else kind.new_title,
        }
        return render(request, "directory/form.html", context)

    return view


def delete_view(kind: DirectoryKind) -> Callable[..., HttpResponse]:
    """Delete one record (anyone who may edit it may); the people linked to it stay."""

    @workspace_view
    @require_POST
    def view(request: HttpRequest, workspace: Workspace, public_id: uuid.UUID) -> HttpResponse:
        record = get_or_404(kind.get_selector, workspace=workspace, public_id=public_id)
        name = record.name
        kind.delete(**{kind.key: record})
        messages.success(request, str(kind.deleted) % {"name": name})
        return redirect(kind.url("list"))

    return view


organization_list = list_view(ORGANIZATION)
organization_detail = detail_view(ORGANIZATION)
organization_create = form_view(ORGANIZATION, editing=False)
organization_edit = form_view(ORGANIZATION, editing=True)
organization_delete = delete_view(ORGANIZATION)
group_list = list_view(GROUP)
group_detail = detail_view(GROUP)
group_create = form_view(GROUP, editing=False)
group_edit = form_view(GROUP, editing=True)
group_delete = delete_view(GROUP)
event_list = list_view(EVENT)
event_detail = detail_view(EVENT)
event_create = form_view(EVENT, editing=False)
event_edit = form_view(EVENT, editing=True)
event_delete = delete_view(EVENT)
