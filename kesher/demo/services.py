"""Load the demo workspace: the seeds' stories (the networking event, the jeep, the furniture
sellers, the adventure-trip club, the fashion company's printers, the coaching firm) as data,
with a pipeline of deals (kesher.demo.deals).

Everything is written through the domain services, so the demo looks exactly like data a user
would have entered, search index included. Dates are relative to the day of loading, so the
timeline always looks recent.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone, translation

from kesher.accounts.models import User
from kesher.accounts.services import user_create
from kesher.demo.deals import demo_deals_load
from kesher.demo.introductions import demo_introductions_load
from kesher.demo.selectors import demo_membership_get, demo_user_find
from kesher.introductions.services import suggestions_recompute
from kesher.network.models import Interaction, Need, NeedOfferStatus, Offer, TieKind
from kesher.network.selectors import tie_kind_list
from kesher.network.services import (
    InteractionData,
    interaction_log,
    need_create,
    offer_create,
    tie_create,
    tie_kind_create,
)
from kesher.people.models import Event, Group, Organization, Person
from kesher.people.services import (
    PersonData,
    event_create,
    group_create,
    organization_create,
    person_create,
    person_update,
)
from kesher.relationships.services import referral_create, rhythm_set, tie_strength_recompute
from kesher.workspaces.models import Membership, Role, Workspace
from kesher.workspaces.selectors import membership_get
from kesher.workspaces.services import invitation_accept, invitation_create, workspace_create

# The demo runs on the user's own machine only; one place to change the login it prints.
DEMO_EMAIL = "demo@kesher.local"
COACH_EMAIL = "coach@kesher.local"
DEMO_PASSWORD = "networking-first"  # noqa: S105
# A need or an offer: the data file lists both alike.
ItemT = TypeVar("ItemT", Need, Offer)
DATA_PATH = Path(__file__).with_name("data.json")

# Keys the data file uses for the two workspace members, in ties and interactions.
OWNER_KEY = "me"
COACH_KEY = "coach"


@dataclass(frozen=True, slots=True)
class DemoResult:
    workspace: Workspace
    user: User
    created: bool


def _person_data(
    spec: dict[str, Any],
    *,
    today: dt.date,
    organizations: dict[str, Organization],
    groups: dict[str, Group],
    events: dict[str, Event],
    people: dict[str, Person],
    emails: tuple[str, ...] = (),
) -> PersonData:
    met_days_ago = spec.get("met_days_ago")
    return PersonData(
        name=spec["name"],
        name_alt=spec.get("name_alt", ""),
        emails=[*emails, *spec.get("emails", [])],
        phones=spec.get("phones", []),
        organization=organizations[spec["organization"]] if "organization" in spec else None,
        title=spec.get("title", ""),
        language=spec.get("language", Person.Language.HEBREW),
        interests=spec.get("interests", []),
        groups=[groups[key] for key in spec.get("groups", [])],
        met_at=events[spec["met_at"]] if "met_at" in spec else None,
        met_on=today - dt.timedelta(days=met_days_ago) if met_days_ago is not None else None,
        referred_by=people[spec["referred_by"]] if "referred_by" in spec else None,
        source=spec.get("source", Person.Source.MANUAL),
        consent=spec.get("consent", Person.Consent.GRANTED),
        notes=spec.get("notes", ""),
    )


def _member_join(
    *, workspace: Workspace, owner: User, email: str, password: str, display_name: str, role: str
) -> Membership:
    """A second member joins the way real ones do: through an invitation link."""
    user = demo_user_find(email=email) or user_create(
        email=email, password=password, display_name=display_name
    )
    _invitation, secret = invitation_create(workspace=workspace, created_by=owner, role=role)
    return invitation_accept(secret=secret, user=user)


@transaction.atomic
def _needs_or_offers(
    specs: list[dict[str, Any]], create: Callable[..., ItemT], people: dict[str, Person]
) -> dict[str, tuple[ItemT, dict[str, Any]]]:
    """Create each need (or offer) of the data file; those with a key, by their key."""
    keyed: dict[str, tuple[ItemT, dict[str, Any]]] = {}
    for spec in specs:
        item = create(
            person=people[spec["person"]],
            text=spec["text"],
            tags=spec.get("tags", []),
            status=spec.get("status", NeedOfferStatus.OPEN),
        )
        if "key" in spec:
            keyed[spec["key"]] = (item, spec)
    return keyed


def demo_load(*, today: dt.date | None = None, password: str = DEMO_PASSWORD) -> DemoResult:
    """Create the demo workspace unless the demo user already owns one (then change nothing)."""
    existing = demo_membership_get(email=DEMO_EMAIL)
    if existing is not None:
        return DemoResult(workspace=existing.workspace, user=existing.user, created=False)

    data: dict[str, Any] = json.loads(DATA_PATH.read_text(encoding="utf-8"))
    # What the services write in the active language (stage names, the summaries of gives in
    # the ledger) is written in the workspace's, whatever language the terminal speaks.
    with translation.override(data["workspace"]["language"]):
        return _demo_build(data=data, today=today, password=password)


def _demo_build(*, data: dict[str, Any], today: dt.date | None, password: str) -> DemoResult:
    owner = demo_user_find(email=DEMO_EMAIL) or user_create(
        email=DEMO_EMAIL, password=password, display_name=data["owner"]["display_name"]
    )
    workspace = workspace_create(
        name=data["workspace"]["name"], owner=owner, language=data["workspace"]["language"]
    )
    today = today or timezone.localdate()
    tz = zoneinfo.ZoneInfo(workspace.time_zone)

    organizations = {
        spec["key"]: organization_create(
            workspace=workspace,
            name=spec["name"],
            website=spec.get("website", ""),
            notes=spec.get("notes", ""),
        )
        for spec in data["organizations"]
    }
    groups = {
        spec["key"]: group_create(
            workspace=workspace, name=spec["name"], description=spec["description"]
        )
        for spec in data["groups"]
    }
    events = {
        spec["key"]: event_create(
            workspace=workspace,
            name=spec["name"],
            date=today - dt.timedelta(days=spec["days_ago"]),
            location=spec.get("location", ""),
            notes=spec.get("notes", ""),
        )
        for spec in data["events"]
    }
    people: dict[str, Person] = {}

    def person_data(spec: dict[str, Any], emails: tuple[str, ...] = ()) -> PersonData:
        return _person_data(
            spec,
            today=today,
            organizations=organizations,
            groups=groups,
            events=events,
            people=people,
            emails=emails,
        )

    owner_membership = membership_get(user=owner, workspace=workspace)
    coach_membership = _member_join(
        workspace=workspace,
        owner=owner,
        email=COACH_EMAIL,
        password=password,
        display_name=data["coach"]["display_name"],
        role=Role.COACH,
    )
    for key, membership, spec in (
        (OWNER_KEY, owner_membership, data["owner"]["person"]),
        (COACH_KEY, coach_membership, data["coach"]["person"]),
    ):
        # workspace_create and invitation_accept always give the member a person.
        assert membership is not None and membership.person is not None
        people[key] = person_update(
            person=membership.person, data=person_data(spec, emails=(membership.user.email,))
        )
    for spec in data["people"]:
        people[spec["key"]] = person_create(workspace=workspace, data=person_data(spec))

    kinds: dict[str, TieKind] = {k.code: k for k in tie_kind_list(workspace=workspace) if k.code}
    for spec in data["tie_kinds"]:
        kinds[spec["key"]] = tie_kind_create(workspace=workspace, name=spec["name"])
    for spec in data["ties"]:
        tie_create(
            workspace=workspace,
            person=people[spec["a"]],
            other=people[spec["b"]],
            kind=kinds[spec["kind"]],
            since=today - dt.timedelta(days=spec["since_days_ago"]),
            trust=spec.get("trust"),
            notes=spec.get("notes", ""),
        )

    loggers = {OWNER_KEY: owner, COACH_KEY: coach_membership.user}
    for spec in data["interactions"]:
        hour, minute = (int(part) for part in spec["time"].split(":"))
        day = today - dt.timedelta(days=spec["days_ago"])
        interaction_log(
            workspace=workspace,
            data=InteractionData(
                occurred_at=dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz),
                channel=spec["channel"],
                participants=[people[key] for key in spec["participants"]],
                summary=spec["summary"],
                initiated_by=spec.get("initiated_by", Interaction.Initiator.ME),
                exchange=spec.get("exchange", Interaction.Exchange.NEUTRAL),
                exchange_kind=spec.get("exchange_kind", ""),
                event=events[spec["event"]] if "event" in spec else None,
            ),
            logged_by=loggers[spec.get("logged_by", OWNER_KEY)],
        )

    # Needs and offers with a key in the data file are the ones its introductions answer.
    needs = _needs_or_offers(data["needs"], need_create, people)
    offers = _needs_or_offers(data["offers"], offer_create, people)
    for spec in data["referrals"]:
        referral_create(
            workspace=workspace,
            referrer=people[spec["referrer"]],
            referred=people[spec["referred"]],
            to_member=owner,
            date=today - dt.timedelta(days=spec["days_ago"]),
            for_what=spec["for_what"],
            outcome=spec["outcome"],
            value=spec["value"],
        )
    for spec in data["rhythms"]:
        rhythm_set(
            workspace=workspace,
            user=owner,
            every=spec["every"],
            days=spec.get("days"),
            person=people[spec["person"]] if "person" in spec else None,
            tie_kind=kinds[spec["tie_kind"]] if "tie_kind" in spec else None,
        )
    demo_deals_load(
        workspace=workspace,
        owner=owner,
        data=data,
        people=people,
        organizations=organizations,
        today=today,
    )
    # Every tie scored as of the same moment (each was scored as it was logged too).
    tie_strength_recompute(workspace=workspace)
    # Today opens on the suggested introductions straight away; the jeep, the matcher's
    # suggestion months ago, is then accepted and carried through to its deal and its returns.
    suggestions_recompute(workspace=workspace)
    demo_introductions_load(
        workspace=workspace,
        owner=owner,
        data=data,
        people=people,
        needs=needs,
        offers=offers,
        today=today,
    )
    return DemoResult(workspace=workspace, user=owner, created=True)
