from __future__ import annotations

from django.db.models import QuerySet

from kesher.accounts.models import User
from kesher.workspaces.models import Membership, Workspace


def workspaces_for_user(*, user: User) -> QuerySet[Workspace]:
    return Workspace.objects.filter(memberships__user=user).order_by("name", "id")


def membership_get(*, user: User, workspace: Workspace) -> Membership | None:
    return (
        Membership.objects.select_related("person")
        .filter(user=user, workspace=workspace)
        .first()
    )
