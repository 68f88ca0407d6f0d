"""Reads the demo loader needs to stay idempotent."""

from __future__ import annotations

from kesher.accounts.models import User
from kesher.workspaces.models import Membership, Role


def demo_user_find(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first()


def demo_membership_get(*, email: str) -> Membership | None:
    """The demo user's own workspace, if it has been loaded already."""
    return (
        Membership.objects.select_related("workspace", "user", "person")
        .filter(user__email__iexact=email, role=Role.OWNER)
        .order_by("created_at", "id")
        .first()
    )
