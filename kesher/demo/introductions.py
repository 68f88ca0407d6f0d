"""The demo's introductions (seed 000): the jeep — Avi Rosen, met at the networking event, and
Dror from Tuesday basketball, who was selling exactly the jeep Avi wanted — carried from the
matcher's suggestion through both yeses to a deal between the two, with what came back to the
user months later (the order of 10 executive chairs, the referral of the new office-mover);
and two more introductions still connected.

Everything goes through the introduction services, so the give ledger, the person pages and
Today count them the way they count a user's own; only the dates are moved into the past
afterwards, as for the deals (kesher.demo.deals).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from kesher.accounts.models import User
from kesher.demo.selectors import demo_suggestion_find
from kesher.introductions import services as introduction_services
from kesher.introductions.models import Introduction, IntroductionStatus, Suggestion
from kesher.network.models import Interaction, Need, NeedOfferStatus, Offer
from kesher.network.services import need_update, offer_update
from kesher.people.models import Person
from kesher.workspaces.models import Workspace

# The hour of the day each step is dated at, in the workspace's time zone.
PROPOSED_AT = dt.time(10, 0)
ACCEPTED_AT = dt.time(13, 0)
CONNECTED_AT = dt.time(18, 0)
CLOSED_AT = dt.time(11, 0)


class DemoDataError(Exception):
    """The data file asks for something the demo cannot build (a bug in data.json)."""


def demo_introductions_load(
    *,
    workspace: Workspace,
    owner: User,
    data: dict[str, Any],
    people: dict[str, Person],
    needs: dict[str, tuple[Need, dict[str, Any]]],
    offers: dict[str, tuple[Offer, dict[str, Any]]],
    today: dt.date,
) -> list[Introduction]:
    """Make the data file's introductions, after the matcher has run (the jeep one is its
    suggestion, accepted)."""
    tz = zoneinfo.ZoneInfo(workspace.time_zone)

    def at(days_ago: int, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(today - dt.timedelta(days=days_ago), time, tzinfo=tz)

    made = []
    for spec in data["introductions"]:
        need = needs[spec["need"]][0] if "need" in spec else None
        offer = offers[spec["offer"]][0] if "offer" in spec else None
        if spec.get("from_suggestion"):
            suggestion = demo_suggestion_find(workspace=workspace, need=need, offer=offer)
            if suggestion is None:
                raise DemoDataError(f"The matcher did not suggest {spec['a']} ↔ {spec['b']}.")
            introduction = introduction_services.suggestion_accept(
                suggestion=suggestion, user=owner
            )
        else:
            introduction = introduction_services.introduction_create(
                workspace=workspace,
                user=owner,
                person_a=people[spec["a"]],
                person_b=people[spec["b"]],
                need=need,
                offer=offer,
                note=spec.get("note", ""),
            )
        introduction_services.introduction_propose(introduction=introduction, user=owner)
        for side in ("a", "b"):
            introduction_services.introduction_transition(
                introduction=introduction, to=IntroductionStatus.ACCEPTED, user=owner, side=side
            )
        introduction_services.introduction_transition(
            introduction=introduction, to=IntroductionStatus.CONNECTED, user=owner
        )
        outcome = spec.get("outcome")
        if outcome is not None:
            introduction_services.introduction_record_outcome(
                introduction=introduction,
                user=owner,
                outcome=outcome["kind"],
                value=outcome.get("value"),
                note=outcome.get("note", ""),
            )
        for ret in spec.get("returns", []):
            introduction_services.introduction_return_add(
                introduction=introduction,
                from_person=people[ret["from"]],
                kind=ret["kind"],
                description=ret["description"],
                value=ret.get("value"),
                occurred_on=today - dt.timedelta(days=ret["days_ago"]),
                referred_person=people[ret["referred"]] if "referred" in ret else None,
            )
        if spec.get("fulfils"):
            # The jeep was bought: the need and the offer behind it are done.
            (need, need_spec), (offer, offer_spec) = needs[spec["need"]], offers[spec["offer"]]
            need_update(
                need=need,
                text=need.text,
                tags=need_spec.get("tags", []),
                status=NeedOfferStatus.FULFILLED,
            )
            offer_update(
                offer=offer,
                text=offer.text,
                tags=offer_spec.get("tags", []),
                status=NeedOfferStatus.FULFILLED,
            )
        _backdate(
            introduction,
            proposed_at=at(spec["proposed_days_ago"], PROPOSED_AT),
            accepted_at=at(spec["accepted_days_ago"], ACCEPTED_AT),
            connected_at=at(spec["connected_days_ago"], CONNECTED_AT),
            closed_at=at(outcome["days_ago"], CLOSED_AT) if outcome is not None else None,
        )
        made.append(introduction)
    return made


def _backdate(
    introduction: Introduction,
    *,
    proposed_at: dt.datetime,
    accepted_at: dt.datetime,
    connected_at: dt.datetime,
    closed_at: dt.datetime | None,
) -> None:
    """Move the introduction's steps, its give in the ledger and the suggestion it came from
    to the days the data file gives."""
    Introduction.objects.filter(pk=introduction.pk).update(
        created_at=proposed_at,
        proposed_at=proposed_at,
        a_accepted_at=accepted_at,
        b_accepted_at=accepted_at,
        accepted_at=accepted_at,
        connected_at=connected_at,
        closed_at=closed_at,
    )
    if introduction.give_id is not None:
        Interaction.objects.filter(pk=introduction.give_id).update(occurred_at=proposed_at)
    if introduction.suggestion_id is not None:
        Suggestion.objects.filter(pk=introduction.suggestion_id).update(decided_at=proposed_at)
    introduction.refresh_from_db()
