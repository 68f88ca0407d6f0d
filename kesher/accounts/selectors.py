"""Reads for users' API tokens."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kesher.accounts.models import ApiToken, User
from kesher.core.exceptions import NotFoundError, as_uuid
from kesher.workspaces.models import Workspace


def api_token_list(*, user: User, workspace: Workspace) -> QuerySet[ApiToken]:
    """The user's tokens that still work in this workspace, newest first."""
    return ApiToken.objects.filter(
        user=user, workspace=workspace, revoked_at__isnull=True
    ).order_by("-created_at", "-id")


def api_token_get(*, user: User, workspace: Workspace, public_id: uuid.UUID | str) -> ApiToken:
    message = _("API token not found.")
    token = api_token_list(user=user, workspace=workspace).filter(
        public_id=as_uuid(public_id, not_found=message)
    )
    found = token.first()
    if found is None:
        raise NotFoundError(message)
    return found
