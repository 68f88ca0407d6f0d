"""Reads the demo loader needs to stay idempotent."""

from __future__ import annotations

from kesher.accounts.models import User
from kesher.introductions.models import Suggestion, SuggestionStatus
from kesher.network.models import Need, Offer
from kesher.workspaces.models import Membership, Role, Workspace


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


def demo_suggestion_find(
    *, workspace: Workspace, need: Need | None, offer: Offer | None
) -> Suggestion | None:
    """The matcher's open suggestion answering `need` with `offer`, if it made one."""
    if need is None or offer is None:
        return None
    return (
        Suggestion.objects.select_related("person_a", "person_b", "need", "offer")
        .filter(workspace=workspace, need=need, offer=offer, status=SuggestionStatus.OPEN)
        .first()
    )
