"""Workspaces, memberships and invitations."""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesher.accounts.models import ApiToken, User
from kesher.accounts.services import token_digest
from kesher.core.exceptions import ConflictError, NotFoundError, PermissionDeniedError
from kesher.core.money import CURRENCIES
from kesher.core.validation import clean_name
from kesher.network.services import tie_kinds_ensure_defaults
from kesher.people.models import Person
from kesher.people.services import PersonData, person_create
from kesher.workspaces.models import Invitation, Membership, Role, Workspace

INVITATION_LIFETIME = dt.timedelta(days=14)


def _member_person(*, workspace: Workspace, user: User) -> Person:
    return person_create(
        workspace=workspace,
        data=PersonData(
            name=user.display_name or user.email.split("@")[0],
            emails=[user.email],
            language=workspace.language,
            consent=Person.Consent.GRANTED,
        ),
    )


@transaction.atomic
def workspace_create(*, name: str, owner: User, language: str = "he") -> Workspace:
    """A new workspace with its owner as a member (and as a person in its network)."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": [_("Choose Hebrew or English.")]})
    workspace = Workspace.objects.create(name=clean_name(name), language=language)
    tie_kinds_ensure_defaults(workspace=workspace)
    Membership.objects.create(
        workspace=workspace,
        user=owner,
        role=Role.OWNER,
        person=_member_person(workspace=workspace, user=owner),
    )
    return workspace


def require_role(*, workspace: Workspace, user: User, roles: tuple[str, ...]) -> Membership:
    membership = Membership.objects.filter(workspace=workspace, user=user).first()
    if membership is None:
        raise NotFoundError(_("Workspace not found."))
    if membership.role not in roles:
        raise PermissionDeniedError(
            _("Only the workspace's owner can do this: ask them to do it for you.")
        )
    return membership


@transaction.atomic
def workspace_update_settings(
    *,
    workspace: Workspace,
    actor: User,
    name: str,
    time_zone: str,
    currency: str,
    week_start: int,
    language: str,
) -> Workspace:
    require_role(workspace=workspace, user=actor, roles=(Role.OWNER,))
    errors: dict[str, list[str]] = {}
    if time_zone not in zoneinfo.available_timezones():
        errors["time_zone"] = [_("Unknown time zone: use a name such as Asia/Jerusalem.")]
    if currency not in CURRENCIES:
        errors["currency"] = [_("Choose one of: %(list)s.") % {"list": ", ".join(CURRENCIES)}]
    if week_start not in Workspace.WeekStart.values:
        errors["week_start"] = [_("Weeks start on Sunday, Monday or Saturday.")]
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose Hebrew or English.")]
    if errors:
        raise ValidationError(errors)
    workspace.name = clean_name(name)
    workspace.time_zone = time_zone
    workspace.currency = currency
    workspace.week_start = week_start
    workspace.language = language
    workspace.save()
    return workspace


@transaction.atomic
def invitation_create(
    *, workspace: Workspace, created_by: User, role: str = Role.MEMBER
) -> tuple[Invitation, str]:
    """An invitation link's secret token (shown once) and its record."""
    require_role(workspace=workspace, user=created_by, roles=(Role.OWNER,))
    if role not in Role.values:
        raise ValidationError({"role": [_("Choose owner, coach or member.")]})
    secret = secrets.token_urlsafe(24)
    invitation = Invitation.objects.create(
        workspace=workspace,
        role=role,
        digest=token_digest(secret),
        created_by=created_by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    return invitation, secret


def invitation_find(*, secret: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("workspace").filter(digest=token_digest(secret)).first()
    )
    if invitation is None:
        raise NotFoundError(_("This invitation link is not valid: ask for a new one."))
    if invitation.accepted_at is not None:
        raise ConflictError(_("This invitation has already been used: ask for a new one."))
    if invitation.expires_at <= timezone.now():
        raise ConflictError(_("This invitation has expired: ask for a new one."))
    return invitation


@transaction.atomic
def invitation_accept(*, secret: str, user: User) -> Membership:
    invitation = invitation_find(secret=secret)
    # Lock against two people accepting the same link at once.
    Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    workspace = invitation.workspace
    existing = Membership.objects.filter(workspace=workspace, user=user).first()
    if existing is not None:
        raise ConflictError(_("You are already a member of this workspace."))
    membership = Membership.objects.create(
        workspace=workspace,
        user=user,
        role=invitation.role,
        person=_member_person(workspace=workspace, user=user),
    )
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at", "updated_at"])
    return membership


@transaction.atomic
def membership_remove(*, workspace: Workspace, actor: User, user: User) -> None:
    """Remove `user` from the workspace (the owner's decision; an owner may leave too). They
    stay in the network as a contact; their API tokens for the workspace are revoked. The only
    owner cannot be removed: the workspace would have no one to run it."""
    require_role(workspace=workspace, user=actor, roles=(Role.OWNER,))
    # Locked, so two owners removing each other at once cannot leave none.
    owners = list(
        Membership.objects.select_for_update().filter(workspace=workspace, role=Role.OWNER)
    )
    membership = Membership.objects.filter(workspace=workspace, user=user).first()
    if membership is None:
        raise NotFoundError(_("Member not found."))
    if membership.role == Role.OWNER and len(owners) == 1:
        raise ConflictError(
            _(
                "The workspace's only owner cannot be removed: invite another owner first, "
                "and remove this one once they have joined."
            ),
            code="last_owner",
        )
    ApiToken.objects.filter(workspace=workspace, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    membership.delete()


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, actor: User) -> None:
    """Cancel an invitation not used yet (owner only): its link stops working at once."""
    require_role(workspace=invitation.workspace, user=actor, roles=(Role.OWNER,))
    if invitation.accepted_at is not None:
        raise ConflictError(
            _("This invitation has already been used: remove the member instead."),
            code="accepted",
        )
    invitation.delete()
