"""Reads for ties, interactions, needs and offers."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from typing import TypeVar

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from kesher.core.exceptions import NotFoundError, as_uuid
from kesher.network.models import Interaction, Need, Offer, Tie, TieKind
from kesher.people.models import Person, Tag
from kesher.workspaces.models import Workspace

NeedOrOffer = TypeVar("NeedOrOffer", Need, Offer)


def tie_kind_list(*, workspace: Workspace) -> QuerySet[TieKind]:
    return TieKind.objects.filter(workspace=workspace).order_by("name", "id")


def tie_kind_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> TieKind:
    kind = TieKind.objects.filter(
        workspace=workspace, public_id=as_uuid(public_id, not_found=_("Not found."))
    ).first()
    if kind is None:
        raise NotFoundError(_("Tie kind not found."))
    return kind


def _of_workspace(workspace: Workspace, person: Person) -> Person:
    """`person`, checked to be of this workspace.

    A person's rows are then found through the person alone, on the person's own indexes: with
    a `workspace_id = ?` condition as well, SQLite (which has no statistics until ANALYZE runs)
    takes the workspace's index as the selective one and walks every row of the workspace.
    The rows of a person are always of the person's workspace.
    """
    if person.workspace_id != workspace.pk:
        raise NotFoundError(_("Person not found."))
    return person


def tie_list(*, workspace: Workspace, person: Person | None = None) -> QuerySet[Tie]:
    if person is None:
        ties = Tie.objects.filter(workspace=workspace)
    else:
        person = _of_workspace(workspace, person)
        ties = Tie.objects.filter(Q(person_a=person) | Q(person_b=person))
    # strength_detail: the strength's explanation, shown beside each tie.
    return ties.select_related("person_a", "person_b", "kind", "strength_detail").order_by(
        "-created_at", "id"
    )


def tie_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> Tie:
    tie = (
        Tie.objects.filter(
            workspace=workspace, public_id=as_uuid(public_id, not_found=_("Not found."))
        )
        .select_related("person_a", "person_b", "kind")
        .first()
    )
    if tie is None:
        raise NotFoundError(_("Tie not found."))
    return tie


def interaction_list(
    *, workspace: Workspace, person: Person | None = None
) -> QuerySet[Interaction]:
    """Interactions newest first: a person's timeline when `person` is given."""
    if person is None:
        interactions = Interaction.objects.filter(workspace=workspace)
    else:
        interactions = Interaction.objects.filter(participants=_of_workspace(workspace, person))
    return (
        interactions.select_related("event")
        .prefetch_related("participants")
        .order_by("-occurred_at", "-id")
    )


def person_timeline(*, workspace: Workspace, person: Person) -> QuerySet[Interaction]:
    """A person's interactions newest first, as their page shows them: only the columns shown,
    with the event's name and, in the list `others`, the other participants (their names and
    ids). A prefetch into a plain list skips building a related manager and a queryset per
    interaction."""
    person = _of_workspace(workspace, person)
    others = Person.objects.exclude(pk=person.pk).only("public_id", "name")
    return (
        Interaction.objects.filter(participants=person)
        .select_related("event")
        .only(
            "public_id",
            "occurred_at",
            "channel",
            "initiated_by",
            "exchange",
            "exchange_kind",
            "summary",
            "event__name",
        )
        .prefetch_related(Prefetch("participants", queryset=others, to_attr="others"))
        .order_by("-occurred_at", "-id")
    )


def person_ties(*, workspace: Workspace, person: Person) -> QuerySet[Tie]:
    """tie_list of one person for their page: only the columns shown, of the tie, both people
    (the page shows the other one's name; the strength's explanation names both), the kind
    and the strength's explanation."""
    person = _of_workspace(workspace, person)
    return (
        Tie.objects.filter(Q(person_a=person) | Q(person_b=person))
        .select_related("person_a", "person_b", "kind", "strength_detail")
        .only(
            "public_id",
            "person_a",
            "person_b",
            "kind",
            "since",
            "trust",
            "strength",
            "notes",
            "person_a__public_id",
            "person_a__name",
            "person_b__public_id",
            "person_b__name",
            "kind__code",
            "kind__name",
            "strength_detail__explanation",
        )
        .order_by("-created_at", "id")
    )


def _person_needs_or_offers(model: type[NeedOrOffer], person: Person) -> QuerySet[NeedOrOffer]:
    tags = Prefetch("tags", queryset=Tag.objects.only("name"))
    return (
        model._default_manager.filter(person=person)
        .only("public_id", "text", "status", "expires_on")
        .prefetch_related(tags)
        .order_by("-created_at", "-id")
    )


def person_needs(*, workspace: Workspace, person: Person) -> QuerySet[Need]:
    """need_list of one person for their page: only the columns shown, and the tags' names."""
    return _person_needs_or_offers(Need, _of_workspace(workspace, person))


def person_offers(*, workspace: Workspace, person: Person) -> QuerySet[Offer]:
    """offer_list of one person for their page: only the columns shown, and the tags' names."""
    return _person_needs_or_offers(Offer, _of_workspace(workspace, person))


def interaction_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> Interaction:
    interaction = (
        Interaction.objects.filter(
            workspace=workspace, public_id=as_uuid(public_id, not_found=_("Not found."))
        )
        .select_related("event")
        .prefetch_related("participants")
        .first()
    )
    if interaction is None:
        raise NotFoundError(_("Interaction not found."))
    return interaction


def need_list(
    *, workspace: Workspace, person: Person | None = None, status: str | None = None
) -> QuerySet[Need]:
    if person is None:
        needs = Need.objects.filter(workspace=workspace)
    else:
        needs = Need.objects.filter(person=_of_workspace(workspace, person))
    if status:
        needs = needs.filter(status=status)
    return needs.select_related("person").prefetch_related("tags").order_by("-created_at", "-id")


def offer_list(
    *, workspace: Workspace, person: Person | None = None, status: str | None = None
) -> QuerySet[Offer]:
    if person is None:
        offers = Offer.objects.filter(workspace=workspace)
    else:
        offers = Offer.objects.filter(person=_of_workspace(workspace, person))
    if status:
        offers = offers.filter(status=status)
    return offers.select_related("person").prefetch_related("tags").order_by("-created_at", "-id")


def need_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> Need:
    need = (
        Need.objects.filter(
            workspace=workspace, public_id=as_uuid(public_id, not_found=_("Not found."))
        )
        .select_related("person")
        .prefetch_related("tags")
        .first()
    )
    if need is None:
        raise NotFoundError(_("Need not found."))
    return need


def offer_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> Offer:
    offer = (
        Offer.objects.filter(
            workspace=workspace, public_id=as_uuid(public_id, not_found=_("Not found."))
        )
        .select_related("person")
        .prefetch_related("tags")
        .first()
    )
    if offer is None:
        raise NotFoundError(_("Offer not found."))
    return offer


def interaction_list_filtered(
    *,
    workspace: Workspace,
    person: Person | None = None,
    channel: str | None = None,
    exchange: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Interaction]:
    """interaction_list narrowed by channel, give/ask and dates. The dates are whole days in the
    workspace's time zone, both included, so "today" means the user's today."""
    interactions = interaction_list(workspace=workspace, person=person)
    if channel:
        interactions = interactions.filter(channel=channel)
    if exchange:
        interactions = interactions.filter(exchange=exchange)
    tz = zoneinfo.ZoneInfo(workspace.time_zone)
    if date_from is not None:
        start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
        interactions = interactions.filter(occurred_at__gte=start)
    if date_to is not None and date_to < dt.date.max:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        interactions = interactions.filter(occurred_at__lt=end)
    return interactions
