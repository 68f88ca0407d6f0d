"""Writes for ties, interactions, needs and offers, and the one-step quick capture."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kesher.accounts.models import User
from kesher.core.exceptions import ConflictError
from kesher.core.validation import clean_name, clean_text
from kesher.introductions.matchmaking import suggestions_refresh_for
from kesher.network.models import (
    Interaction,
    Need,
    NeedOfferStatus,
    Offer,
    Tie,
    TieKind,
)
from kesher.people.models import Event, Person
from kesher.people.services import PersonData, person_create, tags_resolve
from kesher.relationships import selectors as relationship_selectors
from kesher.relationships import services as relationship_services
from kesher.search import services as search_services
from kesher.workspaces.models import Workspace

DEFAULT_TIE_KINDS = ("friend", "colleague", "family", "customer", "supplier", "basketball", "team")


def _same_workspace(workspace: Workspace, *objects: object) -> None:
    for obj in objects:
        if obj is not None and getattr(obj, "workspace_id", None) != workspace.pk:
            raise ValidationError(
                _("A linked record belongs to another workspace: choose one from this workspace.")
            )


@transaction.atomic
def tie_kinds_ensure_defaults(*, workspace: Workspace) -> list[TieKind]:
    existing = set(TieKind.objects.filter(workspace=workspace).values_list("code", flat=True))
    TieKind.objects.bulk_create(
        TieKind(workspace=workspace, code=code, name=str(TieKind.BUILTIN_LABELS[code]))
        for code in DEFAULT_TIE_KINDS
        if code not in existing
    )
    return list(TieKind.objects.filter(workspace=workspace))


@transaction.atomic
def tie_kind_create(*, workspace: Workspace, name: str) -> TieKind:
    name = clean_name(name)
    if TieKind.objects.filter(workspace=workspace, name__iexact=name).exists():
        raise ValidationError(
            {
                "name": [
                    _(
                        "A tie kind with this name already exists: choose another name, or use "
                        "the existing kind."
                    )
                ]
            }
        )
    return TieKind.objects.create(workspace=workspace, name=name)


@transaction.atomic
def tie_kind_rename(*, kind: TieKind, name: str) -> TieKind:
    name = clean_name(name)
    clash = TieKind.objects.filter(workspace_id=kind.workspace_id, name__iexact=name)
    if clash.exclude(pk=kind.pk).exists():
        raise ValidationError(
            {
                "name": [
                    _(
                        "A tie kind with this name already exists: choose another name, or use "
                        "the existing kind."
                    )
                ]
            }
        )
    kind.name = name
    # A renamed built-in kind shows the workspace's own wording from now on.
    kind.code = ""
    kind.save()
    return kind


@transaction.atomic
def tie_kind_delete(*, kind: TieKind) -> None:
    """Delete a kind no tie uses; ConflictError (code "in_use") while some do."""
    count = kind.ties.count()
    if count:
        raise ConflictError(
            ngettext(
                "This kind is used by %(count)d tie: change its kind first.",
                "This kind is used by %(count)d ties: change their kind first.",
                count,
            )
            % {"count": count},
            code="in_use",
        )
    kind.delete()


def _check_trust(trust: int | None) -> None:
    if trust is not None and not 1 <= trust <= 5:
        raise ValidationError(
            {"trust": [_("Rate trust with a whole number from 1 (low) to 5 (high).")]}
        )


@transaction.atomic
def tie_create(
    *,
    workspace: Workspace,
    person: Person,
    other: Person,
    kind: TieKind,
    since: dt.date | None = None,
    trust: int | None = None,
    notes: str = "",
) -> Tie:
    _same_workspace(workspace, person, other, kind)
    if person.pk == other.pk:
        raise ValidationError(
            {"other": [_("A person cannot have a tie with themselves: choose someone else.")]}
        )
    _check_trust(trust)
    first, second = sorted((person, other), key=lambda p: p.pk)
    tie = Tie(
        workspace=workspace,
        person_a=first,
        person_b=second,
        kind=kind,
        since=since,
        trust=trust,
        notes=clean_text(notes, field="notes"),
    )
    try:
        with transaction.atomic():
            tie.save()
    except IntegrityError as exc:
        raise ValidationError(
            {
                "kind": [
                    _(
                        "These two people already have a tie of this kind: choose another kind, "
                        "or edit the existing tie."
                    )
                ]
            }
        ) from exc
    relationship_services.tie_strength_refresh(workspace=tie.workspace, tie_ids=[tie.pk])
    tie.refresh_from_db(fields=["strength"])
    return tie


@transaction.atomic
def tie_update(
    *,
    tie: Tie,
    kind: TieKind,
    since: dt.date | None = None,
    trust: int | None = None,
    notes: str = "",
) -> Tie:
    _same_workspace(tie.workspace, kind)
    _check_trust(trust)
    tie.kind = kind
    tie.since = since
    tie.trust = trust
    tie.notes = clean_text(notes, field="notes")
    try:
        with transaction.atomic():
            tie.save()
    except IntegrityError as exc:
        raise ValidationError(
            {
                "kind": [
                    _(
                        "These two people already have a tie of this kind: choose another kind, "
                        "or edit the existing tie."
                    )
                ]
            }
        ) from exc
    relationship_services.tie_strength_refresh(workspace=tie.workspace, tie_ids=[tie.pk])
    tie.refresh_from_db(fields=["strength"])
    return tie


@transaction.atomic
def tie_delete(*, tie: Tie) -> None:
    workspace = tie.workspace
    tie.delete()
    relationship_services.graph_changed(workspace=workspace)


@dataclass(frozen=True, slots=True)
class InteractionData:
    occurred_at: dt.datetime
    channel: str
    participants: Sequence[Person]
    summary: str = ""
    initiated_by: str = Interaction.Initiator.ME
    exchange: str = Interaction.Exchange.NEUTRAL
    exchange_kind: str = ""
    event: Event | None = None


def _validate_interaction(workspace: Workspace, data: InteractionData) -> str:
    errors: dict[str, list[str]] = {}
    if data.channel not in Interaction.Channel.values:
        errors["channel"] = [_("Choose a meeting, call, message, email or event.")]
    if not data.participants:
        errors["participants"] = [_("Choose at least one person who took part.")]
    if data.initiated_by not in Interaction.Initiator.values:
        errors["initiated_by"] = [_("Say who initiated it: you or them.")]
    if data.exchange not in Interaction.Exchange.values:
        errors["exchange"] = [_("Choose give, ask or neither.")]
    allowed = {
        Interaction.Exchange.GIVE: ("", *Interaction.GIVE_KINDS),
        Interaction.Exchange.ASK: ("", *Interaction.ASK_KINDS),
        Interaction.Exchange.NEUTRAL: ("",),
    }.get(data.exchange, ("",))  # type: ignore[call-overload]
    if data.exchange_kind not in allowed:
        errors["exchange_kind"] = [
            _(
                "A give is advice, information, an introduction or a recommendation; an ask is a "
                "pitch or a request."
            )
        ]
    if timezone.is_naive(data.occurred_at):
        errors["occurred_at"] = [_("The time needs a time zone, such as +03:00 or Z.")]
    try:
        summary = clean_text(data.summary, field="summary")
    except ValidationError as exc:
        errors.update(exc.message_dict)
        summary = ""
    if errors:
        raise ValidationError(errors)
    _same_workspace(workspace, data.event, *data.participants)
    return summary


@transaction.atomic
def interaction_log(
    *, workspace: Workspace, data: InteractionData, logged_by: User | None = None
) -> Interaction:
    summary = _validate_interaction(workspace, data)
    interaction = Interaction.objects.create(
        workspace=workspace,
        occurred_at=data.occurred_at,
        channel=data.channel,
        summary=summary,
        initiated_by=data.initiated_by,
        exchange=data.exchange,
        exchange_kind=data.exchange_kind,
        event=data.event,
        logged_by=logged_by,
    )
    interaction.participants.set(data.participants)
    search_services.search_index_interaction(interaction=interaction)
    relationship_services.tie_strength_refresh_for_interaction(interaction=interaction)
    return interaction


@transaction.atomic
def interaction_update(*, interaction: Interaction, data: InteractionData) -> Interaction:
    summary = _validate_interaction(interaction.workspace, data)
    previous_ties = relationship_selectors.interaction_tie_ids(interaction=interaction)
    interaction.occurred_at = data.occurred_at
    interaction.channel = data.channel
    interaction.summary = summary
    interaction.initiated_by = data.initiated_by
    interaction.exchange = data.exchange
    interaction.exchange_kind = data.exchange_kind
    interaction.event = data.event
    interaction.save()
    interaction.participants.set(data.participants)
    search_services.search_index_interaction(interaction=interaction)
    relationship_services.tie_strength_refresh_for_interaction(
        interaction=interaction, previous_tie_ids=previous_ties
    )
    return interaction


@transaction.atomic
def interaction_delete(*, interaction: Interaction) -> None:
    search_services.search_remove(kind="note", object_id=interaction.public_id)
    ties = relationship_selectors.interaction_tie_ids(interaction=interaction)
    workspace = interaction.workspace
    interaction.delete()
    relationship_services.tie_strength_refresh(workspace=workspace, tie_ids=ties)


def _validate_need_offer(text: str, status: str, expires_on: dt.date | None) -> str:
    errors: dict[str, list[str]] = {}
    try:
        text = clean_text(text, field="text", limit=2000, required=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if status not in NeedOfferStatus.values:
        errors["status"] = [_("Choose open, fulfilled or withdrawn.")]
    if errors:
        raise ValidationError(errors)
    return text


@transaction.atomic
def need_create(
    *,
    person: Person,
    text: str,
    tags: Sequence[str] = (),
    status: str = NeedOfferStatus.OPEN,
    expires_on: dt.date | None = None,
) -> Need:
    text = _validate_need_offer(text, status, expires_on)
    need = Need.objects.create(
        workspace_id=person.workspace_id,
        person=person,
        text=text,
        status=status,
        expires_on=expires_on,
    )
    need.tags.set(tags_resolve(workspace=person.workspace, names=tags))
    search_services.search_index_need(need=need)
    suggestions_refresh_for(need=need)
    return need


@transaction.atomic
def need_update(
    *,
    need: Need,
    text: str,
    tags: Sequence[str] = (),
    status: str = NeedOfferStatus.OPEN,
    expires_on: dt.date | None = None,
) -> Need:
    need.text = _validate_need_offer(text, status, expires_on)
    need.status = status
    need.expires_on = expires_on
    need.save()
    need.tags.set(tags_resolve(workspace=need.workspace, names=tags))
    search_services.search_index_need(need=need)
    suggestions_refresh_for(need=need)
    return need


@transaction.atomic
def need_delete(*, need: Need) -> None:
    search_services.search_remove(kind="need", object_id=need.public_id)
    need.delete()


@transaction.atomic
def offer_create(
    *,
    person: Person,
    text: str,
    tags: Sequence[str] = (),
    status: str = NeedOfferStatus.OPEN,
    expires_on: dt.date | None = None,
) -> Offer:
    text = _validate_need_offer(text, status, expires_on)
    offer = Offer.objects.create(
        workspace_id=person.workspace_id,
        person=person,
        text=text,
        status=status,
        expires_on=expires_on,
    )
    offer.tags.set(tags_resolve(workspace=person.workspace, names=tags))
    search_services.search_index_offer(offer=offer)
    suggestions_refresh_for(offer=offer)
    return offer


@transaction.atomic
def offer_update(
    *,
    offer: Offer,
    text: str,
    tags: Sequence[str] = (),
    status: str = NeedOfferStatus.OPEN,
    expires_on: dt.date | None = None,
) -> Offer:
    offer.text = _validate_need_offer(text, status, expires_on)
    offer.status = status
    offer.expires_on = expires_on
    offer.save()
    offer.tags.set(tags_resolve(workspace=offer.workspace, names=tags))
    search_services.search_index_offer(offer=offer)
    suggestions_refresh_for(offer=offer)
    return offer


@transaction.atomic
def offer_delete(*, offer: Offer) -> None:
    search_services.search_remove(kind="offer", object_id=offer.public_id)
    offer.delete()


@dataclass(frozen=True, slots=True)
class QuickCaptureResult:
    person: Person
    need: Need | None
    offer: Offer | None
    interaction: Interaction | None


@transaction.atomic
def person_quick_capture(
    *,
    workspace: Workspace,
    name: str,
    phone: str = "",
    email: str = "",
    note: str = "",
    need: str = "",
    offer: str = "",
    met_at: Event | None = None,
    logged_by: User | None = None,
) -> QuickCaptureResult:
    """Add someone met right now, with a note, a need and an offer, in one step.

    The note becomes the person's notes and an "event encounter" in their timeline.
    Nothing is saved unless all of it is valid.
    """
    errors: dict[str, list[str]] = {}
    person: Person | None = None
    try:
        person = person_create(
            workspace=workspace,
            data=PersonData(
                name=name,
                phones=[phone] if phone.strip() else [],
                emails=[email] if email.strip() else [],
                notes=note,
                met_at=met_at,
                met_on=timezone.localdate(),
                source=Person.Source.EVENT if met_at else Person.Source.MANUAL,
            ),
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    for key, value in (("need", need), ("offer", offer)):
        try:
            clean_text(value, field=key, limit=2000)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors or person is None:
        raise ValidationError(errors)
    created_need = need_create(person=person, text=need) if need.strip() else None
    created_offer = offer_create(person=person, text=offer) if offer.strip() else None
    interaction = None
    if note.strip() or met_at is not None:
        interaction = interaction_log(
            workspace=workspace,
            data=InteractionData(
                occurred_at=timezone.now(),
                channel=Interaction.Channel.EVENT if met_at else Interaction.Channel.MEETING,
                participants=[person],
                summary=note,
                initiated_by=Interaction.Initiator.ME,
                event=met_at,
            ),
            logged_by=logged_by,
        )
    return QuickCaptureResult(
        person=person, need=created_need, offer=created_offer, interaction=interaction
    )
