"""Workspace pages: create, switch, settings, members and invitations, tie kinds."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kesher.core.exceptions import ConflictError, DomainError, PermissionDeniedError
from kesher.core.forms import add_service_errors
from kesher.core.views import (
    current_membership,
    current_user,
    get_or_404,
    owner_required,
    workspace_view,
)
from kesher.network import selectors as network_selectors
from kesher.network import services as network_services
from kesher.workspaces import selectors, services
from kesher.workspaces.forms import (
    InvitationForm,
    TieKindForm,
    WorkspaceCreateForm,
    WorkspaceSettingsForm,
)
from kesher.workspaces.middleware import SESSION_KEY
from kesher.workspaces.models import Role, Workspace


def _choose(request: HttpRequest, workspace: Workspace) -> None:
    request.session[SESSION_KEY] = str(workspace.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def workspace_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    language = (get_language() or "he")[:2]
    form = WorkspaceCreateForm(request.POST or None, initial={"language": language})
    if request.method == "POST" and form.is_valid():
        try:
            workspace = services.workspace_create(
                name=form.cleaned_data["name"],
                owner=user,
                language=form.cleaned_data["language"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _choose(request, workspace)
            messages.success(
                request,
                _("Workspace “%(name)s” is ready: add the first people you know.")
                % {"name": workspace.name},
            )
            return redirect("core:home")
    first = not selectors.workspaces_for_user(user=user).exists()
    return render(request, "workspaces/create.html", {"form": form, "first": first})


@login_required
@require_POST
def workspace_switch(request: HttpRequest) -> HttpResponse:
    workspace = get_or_404(
        selectors.workspace_get_for_user,
        user=current_user(request),
        public_id=request.POST.get("workspace", ""),
    )
    _choose(request, workspace)
    messages.info(request, _("You are now in “%(name)s”.") % {"name": workspace.name})
    # The page the user was on may show the old workspace's object: start from home.
    return redirect("core:home")


@workspace_view
@require_http_methods(["GET", "POST"])
def workspace_settings(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    owner_required(request)
    form = WorkspaceSettingsForm(request.POST or None, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        try:
            services.workspace_update_settings(
                workspace=workspace, actor=current_user(request), **form.cleaned_data
            )
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("workspaces:settings")
    return render(request, "workspaces/settings.html", {"form": form})


def _members_page(
    request: HttpRequest,
    workspace: Workspace,
    *,
    form: InvitationForm | None = None,
    link: str = "",
    role: str = "",
) -> HttpResponse:
    is_owner = current_membership(request).role == Role.OWNER
    members = list(selectors.membership_list(workspace=workspace))
    context = {
        "members": members,
        # The service refuses to let the only owner go; the page says so before they try.
        "sole_owner": is_owner and sum(1 for member in members if member.role == Role.OWNER) == 1,
        "invitations": selectors.invitation_list_pending(workspace=workspace) if is_owner else [],
        "is_owner": is_owner,
        "form": form or InvitationForm(),
        "invitation_link": link,
        "invitation_role": Role(role).label if role else "",
    }
    return render(request, "workspaces/members.html", context)


@workspace_view
def member_list(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    return _members_page(request, workspace)


@workspace_view
@require_POST
def invitation_create(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """Shows the new link in the response, once: only its digest is stored."""
    owner_required(request)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _members_page(request, workspace, form=form)
    try:
        invitation, secret = services.invitation_create(
            workspace=workspace, created_by=current_user(request), role=form.cleaned_data["role"]
        )
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _members_page(request, workspace, form=form)
    link = request.build_absolute_uri(reverse("workspaces:join", args=[secret]))
    return _members_page(request, workspace, link=link, role=invitation.role)


@workspace_view
@require_POST
def member_remove(request: HttpRequest, workspace: Workspace, user_id: uuid.UUID) -> HttpResponse:
    owner_required(request)
    membership = get_or_404(
        selectors.membership_get_by_user_id, workspace=workspace, user_id=user_id
    )
    actor = current_user(request)
    try:
        services.membership_remove(workspace=workspace, actor=actor, user=membership.user)
    except ConflictError as exc:
        messages.error(request, exc.message)
        return redirect("workspaces:members")
    if membership.user == actor:
        messages.success(request, _("You left “%(name)s”.") % {"name": workspace.name})
        return redirect("core:home")
    messages.success(
        request,
        _("%(name)s was removed from the workspace; they stay in your network as a contact.")
        % {"name": membership.user.display_name or membership.user.email},
    )
    return redirect("workspaces:members")


@workspace_view
@require_POST
def invitation_cancel(
    request: HttpRequest, workspace: Workspace, invitation_id: uuid.UUID
) -> HttpResponse:
    owner_required(request)
    invitation = get_or_404(selectors.invitation_get, workspace=workspace, public_id=invitation_id)
    try:
        services.invitation_cancel(invitation=invitation, actor=current_user(request))
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Invitation cancelled: its link no longer works."))
    return redirect("workspaces:members")


@require_http_methods(["GET", "POST"])
def invitation_join(request: HttpRequest, secret: str) -> HttpResponse:
    """The page an invitation link opens: who invites to what, and an Accept button for a
    logged-in user (others log in or sign up first and come back here)."""
    try:
        invitation = services.invitation_find(secret=secret)
    except DomainError as exc:
        return render(
            request, "workspaces/join_invalid.html", {"message": exc.message}, status=exc.status
        )
    workspace = invitation.workspace
    here = reverse("workspaces:join", args=[secret])
    already = request.user.is_authenticated and (
        selectors.membership_get(user=current_user(request), workspace=workspace) is not None
    )
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': here})}")
        try:
            services.invitation_accept(secret=secret, user=current_user(request))
        except DomainError as exc:
            return render(
                request,
                "workspaces/join_invalid.html",
                {"message": exc.message},
                status=exc.status,
            )
        _choose(request, workspace)
        messages.success(request, _("Welcome to “%(name)s”!") % {"name": workspace.name})
        return redirect("core:home")
    context = {
        "invitation": invitation,
        "workspace": workspace,
        "role": Role(invitation.role).label,
        "already_member": already,
        "next": here,
    }
    return render(request, "workspaces/join.html", context)


def _tie_kinds_page(
    request: HttpRequest,
    workspace: Workspace,
    *,
    form: TieKindForm | None = None,
    renamed: uuid.UUID | None = None,
    rename_errors: list[str] | None = None,
) -> HttpResponse:
    context = {
        "kinds": selectors.tie_kinds_with_usage(workspace=workspace),
        "is_owner": current_membership(request).role == Role.OWNER,
        "form": form or TieKindForm(),
        "renamed": renamed,
        "rename_errors": rename_errors or [],
    }
    return render(request, "workspaces/tie_kinds.html", context)


@workspace_view
@require_http_methods(["GET", "POST"])
def tie_kind_list(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """Everyone sees the kinds; the owner adds, renames and deletes them."""
    if request.method == "GET":
        return _tie_kinds_page(request, workspace)
    owner_required(request)
    form = TieKindForm(request.POST)
    if form.is_valid():
        try:
            kind = network_services.tie_kind_create(
                workspace=workspace, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Tie kind “%(name)s” added.") % {"name": kind.label})
            return redirect("workspaces:tie_kinds")
    return _tie_kinds_page(request, workspace, form=form)


@workspace_view
@require_POST
def tie_kind_rename(request: HttpRequest, workspace: Workspace, kind_id: uuid.UUID) -> HttpResponse:
    owner_required(request)
    kind = get_or_404(network_selectors.tie_kind_get, workspace=workspace, public_id=kind_id)
    form = TieKindForm(request.POST)
    if form.is_valid():
        try:
            network_services.tie_kind_rename(kind=kind, name=form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Tie kind renamed."))
            return redirect("workspaces:tie_kinds")
    errors = [str(message) for field_errors in form.errors.values() for message in field_errors]
    return _tie_kinds_page(request, workspace, renamed=kind.public_id, rename_errors=errors)


@workspace_view
@require_POST
def tie_kind_delete(request: HttpRequest, workspace: Workspace, kind_id: uuid.UUID) -> HttpResponse:
    owner_required(request)
    kind = get_or_404(network_selectors.tie_kind_get, workspace=workspace, public_id=kind_id)
    label = kind.label
    try:
        network_services.tie_kind_delete(kind=kind)
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Tie kind “%(name)s” deleted.") % {"name": label})
    return redirect("workspaces:tie_kinds")
