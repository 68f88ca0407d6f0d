from __future__ import annotations

import uuid

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kesher.accounts.models import User
from kesher.core.exceptions import NotFoundError, as_uuid
from kesher.network.models import TieKind
from kesher.workspaces.models import Invitation, Membership, Workspace


def workspaces_for_user(*, user: User) -> QuerySet[Workspace]:
    return Workspace.objects.filter(memberships__user=user).order_by("name", "id")


def membership_list_for_user(*, user: User) -> list[Membership]:
    """The user's memberships with their workspaces, by workspace name: the current workspace
    and the workspace menu of every page, in one query."""
    return list(
        Membership.objects.filter(user=user)
        .select_related("workspace")
        .order_by("workspace__name", "workspace_id")
    )


def workspace_get_for_user(*, user: User, public_id: uuid.UUID | str) -> Workspace:
    """One of the user's workspaces; any other (or a malformed id) is NotFoundError."""
    message = _("Workspace not found: choose one of your workspaces.")
    workspace = (
        workspaces_for_user(user=user)
        .filter(public_id=as_uuid(public_id, not_found=message))
        .first()
    )
    if workspace is None:
        raise NotFoundError(message)
    return workspace


def membership_get(*, user: User, workspace: Workspace) -> Membership | None:
    return (
        Membership.objects.select_related("person").filter(user=user, workspace=workspace).first()
    )


def membership_list(*, workspace: Workspace) -> QuerySet[Membership]:
    """The workspace's members with their users and their people, oldest member first."""
    return (
        Membership.objects.filter(workspace=workspace)
        .select_related("user", "person")
        .order_by("created_at", "id")
    )


def member_choices(*, workspace: Workspace) -> list[tuple[int, str]]:
    """(user id, name) of every member, by name: the choices of a "whose" filter."""
    return [
        (user_id, display_name or email)
        for user_id, display_name, email in Membership.objects.filter(workspace=workspace)
        .order_by("user__display_name", "user__email")
        .values_list("user_id", "user__display_name", "user__email")
    ]


def membership_get_by_user_id(*, workspace: Workspace, user_id: uuid.UUID | str) -> Membership:
    """The membership of the user with this public id in this workspace, or NotFoundError."""
    message = _("Member not found.")
    membership = (
        membership_list(workspace=workspace)
        .filter(user__public_id=as_uuid(user_id, not_found=message))
        .first()
    )
    if membership is None:
        raise NotFoundError(message)
    return membership


def member_user_get(
    *, workspace: Workspace, public_id: uuid.UUID | str | None = None, email: str | None = None
) -> User:
    """The member of this workspace with this user id or email, or NotFoundError."""
    members = User.objects.filter(memberships__workspace=workspace)
    if public_id is not None:
        members = members.filter(public_id=as_uuid(public_id, not_found=_("Member not found.")))
    if email is not None:
        members = members.filter(email__iexact=email)
    user = members.first()
    if user is None:
        raise NotFoundError(_("Choose a member of this workspace."))
    return user


def invitation_list_pending(*, workspace: Workspace) -> QuerySet[Invitation]:
    """Invitations whose links still work (neither used nor expired), newest first."""
    return (
        Invitation.objects.filter(
            workspace=workspace, accepted_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )


def invitation_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> Invitation:
    message = _("Invitation not found.")
    invitation = (
        Invitation.objects.select_related("workspace")
        .filter(workspace=workspace, public_id=as_uuid(public_id, not_found=message))
        .first()
    )
    if invitation is None:
        raise NotFoundError(message)
    return invitation


def tie_kinds_with_usage(*, workspace: Workspace) -> QuerySet[TieKind]:
    """The workspace's tie kinds for its settings page, each with how many ties use it."""
    return (
        TieKind.objects.filter(workspace=workspace)
        .annotate(ties_count=Count("ties"))
        .order_by("name", "id")
    )
