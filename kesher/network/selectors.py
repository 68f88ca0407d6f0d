"""Reads for ties, interactions, needs and offers."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kesher.core.exceptions import NotFoundError, as_uuid
from kesher.network.models import Interaction, Need, Offer, Tie, TieKind
from kesher.people.models import Person
from kesher.workspaces.models import Workspace


def tie_kind_list(*, workspace: Workspace) -> QuerySet[TieKind]:
    return TieKind.objects.filter(workspace=workspace).order_by("name", "id")


def tie_kind_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> TieKind:
    kind = TieKind.objects.filter(
        workspace=workspace, public_id=as_uuid(public_id, not_found=_("Not found."))
    ).first()
    if kind is None:
        raise NotFoundError(_("Tie kind not found."))
    return kind


def tie_list(*, workspace: Workspace, person: Person | None = None) -> QuerySet[Tie]:
    ties = Tie.objects.filter(workspace=workspace)
    if person is not None:
        ties = ties.filter(Q(person_a=person) | Q(person_b=person))
    return ties.select_related("person_a", "person_b", "kind").order_by("-created_at", "id")


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
    interactions = Interaction.objects.filter(workspace=workspace)
    if person is not None:
        interactions = interactions.filter(participants=person)
    return (
        interactions.select_related("event", "logged_by")
        .prefetch_related("participants")
        .order_by("-occurred_at", "-id")
    )


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
    needs = Need.objects.filter(workspace=workspace)
    if person is not None:
        needs = needs.filter(person=person)
    if status:
        needs = needs.filter(status=status)
    return needs.select_related("person").prefetch_related("tags").order_by("-created_at", "-id")


def offer_list(
    *, workspace: Workspace, person: Person | None = None, status: str | None = None
) -> QuerySet[Offer]:
    offers = Offer.objects.filter(workspace=workspace)
    if person is not None:
        offers = offers.filter(person=person)
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
