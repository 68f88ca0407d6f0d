"""Reads for the home page: what the "Today" dashboard shows, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from kesher.introductions import selectors as introduction_selectors
from kesher.introductions.models import MatchRun, Suggestion
from kesher.network import selectors as network_selectors
from kesher.network.models import Interaction, Need, NeedOfferStatus, Offer
from kesher.people.models import Person
from kesher.relationships import selectors as relationship_selectors
from kesher.workspaces.models import Workspace

RECENT = 10
# The best few suggested introductions; the suggestions page lists them all.
SUGGESTIONS = 10


@dataclass(frozen=True, slots=True)
class Today:
    people_count: int
    open_needs_count: int
    open_offers_count: int
    recent_interactions: list[Interaction]
    recent_people: list[Person]
    open_needs: list[Need]
    open_offers: list[Offer]
    suggestions: list[Suggestion]
    suggestions_count: int
    match_run: MatchRun | None
    # The member's own keep-in-touch list (None when no member is asking).
    keep_in_touch: relationship_selectors.KeepInTouch | None = None


def today(*, workspace: Workspace, user_id: int | None = None) -> Today:
    """The workspace's counts, latest activity and best suggested introductions. Needs and offers
    of archived people are left out: the person is no longer worked with."""
    people = Person.objects.filter(workspace=workspace, archived_at__isnull=True)
    needs = network_selectors.need_list(workspace=workspace, status=NeedOfferStatus.OPEN).filter(
        person__archived_at__isnull=True
    )
    offers = network_selectors.offer_list(workspace=workspace, status=NeedOfferStatus.OPEN).filter(
        person__archived_at__isnull=True
    )
    suggestions = introduction_selectors.suggestion_list(workspace=workspace)
    return Today(
        people_count=people.count(),
        open_needs_count=needs.count(),
        open_offers_count=offers.count(),
        recent_interactions=list(network_selectors.interaction_list(workspace=workspace)[:RECENT]),
        recent_people=list(
            people.select_related("organization").order_by("-created_at", "-id")[:RECENT]
        ),
        open_needs=list(needs[:RECENT]),
        open_offers=list(offers[:RECENT]),
        suggestions=list(suggestions[:SUGGESTIONS]),
        suggestions_count=suggestions.count(),
        match_run=introduction_selectors.match_run_latest(workspace=workspace),
        keep_in_touch=(
            relationship_selectors.keep_in_touch(workspace=workspace, user_id=user_id)
            if user_id is not None
            else None
        ),
    )
