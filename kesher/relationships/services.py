"""Writes for the relationship graph: tie strengths (bulk and after each interaction), the
workspace's settings, keep-in-touch rhythms, calendar feeds, the weekly digest and referrals.

Network services call `tie_strength_refresh_for_interaction` and `tie_strength_refresh`
themselves when an interaction or a tie changes; nothing here imports network.services, so the
two never import each other in a loop.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesher.accounts.models import User
from kesher.accounts.services import token_digest
from kesher.core.exceptions import PermissionDeniedError
from kesher.core.money import CURRENCIES
from kesher.core.validation import clean_text
from kesher.engine import strength as strength_engine
from kesher.network.models import Interaction, Tie, TieKind
from kesher.people.models import Person
from kesher.relationships import selectors
from kesher.relationships.models import (
    CalendarFeed,
    Referral,
    ReferralOutcome,
    RelationshipSettings,
    Rhythm,
    RhythmEvery,
    TieStrength,
)
from kesher.workspaces.models import Membership, Role, Workspace

MAX_HALF_LIFE_DAYS = 3650
MAX_REFERRAL_TARGET = 1000
MAX_RHYTHM_DAYS = 730
BATCH = 2000


def _owner(workspace: Workspace, actor: User) -> None:
    role = (
        Membership.objects.filter(workspace=workspace, user=actor)
        .values_list("role", flat=True)
        .first()
    )
    if role != Role.OWNER:
        raise PermissionDeniedError(
            _("Only the workspace's owner can do this: ask them to do it for you.")
        )


@transaction.atomic
def relationship_settings_update(
    *, workspace: Workspace, actor: User, half_life_days: int, referral_target: int
) -> RelationshipSettings:
    """Change the strength half-life and the referral target; rescores every tie when the
    half-life changes (in the background when a worker runs, see tasks)."""
    _owner(workspace, actor)
    errors: dict[str, list[str]] = {}
    if not 1 <= half_life_days <= MAX_HALF_LIFE_DAYS:
        errors["half_life_days"] = [
            _("The half-life is a number of days from 1 to %(max)d.") % {"max": MAX_HALF_LIFE_DAYS}
        ]
    if not 1 <= referral_target <= MAX_REFERRAL_TARGET:
        errors["referral_target"] = [
            _("The target is a number of referrals from 1 to %(max)d.")
            % {"max": MAX_REFERRAL_TARGET}
        ]
    if errors:
        raise ValidationError(errors)
    current, _created = RelationshipSettings.objects.get_or_create(workspace=workspace)
    changed = current.half_life_days != half_life_days
    current.half_life_days = half_life_days
    current.referral_target = referral_target
    current.save()
    if changed:
        from kesher.relationships.tasks import tie_strength_recompute_task

        transaction.on_commit(lambda: tie_strength_recompute_task.enqueue(workspace.pk))
    return current


# Tie strength


def graph_changed(*, workspace: Workspace) -> None:
    """Mark the workspace's graph as changed, so every process reloads it at its next query."""
    if not RelationshipSettings.objects.filter(workspace=workspace).update(
        graph_version=F("graph_version") + 1
    ):
        RelationshipSettings.objects.get_or_create(
            workspace=workspace, defaults={"graph_version": 1}
        )


def _explanation_json(explanation: strength_engine.TieExplanation) -> dict[str, object]:
    data = dataclasses.asdict(explanation)
    data["score"] = round(explanation.score, 2)
    data["decay_per_day"] = round(explanation.decay_per_day, 4)
    data["components"] = [
        {key: round(value, 4) if isinstance(value, float) else value for key, value in c.items()}
        for c in data["components"]
    ]
    return data


def _store(workspace: Workspace, inputs: selectors.StrengthInputs, now: dt.datetime) -> int:
    result = strength_engine.compute_strength(
        inputs.interactions,
        inputs.ties,
        now=now,
        config=selectors.strength_config(workspace=workspace),
    )
    scores = np.round(result.score, 2)
    ids = inputs.tie_ids.tolist()
    for start in range(0, len(ids), BATCH):
        chunk = range(start, min(start + BATCH, len(ids)))
        TieStrength.objects.bulk_create(
            [
                TieStrength(
                    workspace=workspace,
                    tie_id=ids[i],
                    score=float(scores[i]),
                    decay_per_day=round(float(result.velocity[i]), 4),
                    explanation=_explanation_json(result.explain(i)),
                    computed_at=now,
                )
                for i in chunk
            ],
            update_conflicts=True,
            unique_fields=["tie"],
            update_fields=["score", "decay_per_day", "explanation", "computed_at"],
        )
        Tie.objects.bulk_update(
            [Tie(pk=ids[i], strength=float(scores[i])) for i in chunk], ["strength"]
        )
    graph_changed(workspace=workspace)
    return len(ids)


@transaction.atomic
def tie_strength_recompute(*, workspace: Workspace, now: dt.datetime | None = None) -> int:
    """Score every tie of the workspace from its whole interaction history; returns how many."""
    return _store(workspace, selectors.strength_inputs(workspace=workspace), now or timezone.now())


@transaction.atomic
def tie_strength_refresh(
    *, workspace: Workspace, tie_ids: Iterable[int], now: dt.datetime | None = None
) -> int:
    """Rescore some ties (after an interaction or a tie changed); the same score the bulk
    recompute gives them."""
    wanted = sorted(set(tie_ids))
    if not wanted:
        return 0
    inputs = selectors.strength_inputs(workspace=workspace, tie_ids=wanted)
    return _store(workspace, inputs, now or timezone.now())


@transaction.atomic
def tie_strength_refresh_for_interaction(
    *, interaction: Interaction, previous_tie_ids: Sequence[int] = ()
) -> int:
    """Rescore the ties an interaction counts for, and those it counted for before an edit."""
    tie_ids = {*selectors.interaction_tie_ids(interaction=interaction), *previous_tie_ids}
    return tie_strength_refresh(workspace=interaction.workspace, tie_ids=tie_ids)


# Keep in touch


def _check_rhythm(every: str, days: int | None) -> int | None:
    if every not in RhythmEvery.values:
        raise ValidationError(
            {"every": [_("Choose every week, every month, every quarter or a number of days.")]}
        )
    if every != RhythmEvery.CUSTOM:
        return None
    if days is None or not 1 <= days <= MAX_RHYTHM_DAYS:
        raise ValidationError(
            {"days": [_("Give a number of days from 1 to %(max)d.") % {"max": MAX_RHYTHM_DAYS}]}
        )
    return days


def _member(workspace: Workspace, user: User) -> None:
    if not Membership.objects.filter(workspace=workspace, user=user).exists():
        raise ValidationError(
            _("Only members of this workspace can set rhythms in it: ask its owner to invite you.")
        )


@transaction.atomic
def rhythm_set(
    *,
    workspace: Workspace,
    user: User,
    every: str,
    days: int | None = None,
    person: Person | None = None,
    tie_kind: TieKind | None = None,
) -> Rhythm:
    """Set a member's rhythm for one person or for one kind of tie (replacing the old one).
    The clock starts today until the next touch is logged."""
    _member(workspace, user)
    days = _check_rhythm(every, days)
    if (person is None) == (tie_kind is None):
        raise ValidationError(
            _("A rhythm is for one person or for one kind of tie: choose exactly one of them.")
        )
    target = person or tie_kind
    if getattr(target, "workspace_id", None) != workspace.pk:
        raise ValidationError(
            _("A linked record belongs to another workspace: choose one from this workspace.")
        )
    rhythm, _created = Rhythm.objects.update_or_create(
        workspace=workspace,
        user=user,
        person=person,
        tie_kind=tie_kind,
        defaults={"every": every, "days": days, "started_on": timezone.localdate()},
    )
    return rhythm


@transaction.atomic
def rhythm_clear(
    *,
    workspace: Workspace,
    user: User,
    person: Person | None = None,
    tie_kind: TieKind | None = None,
) -> None:
    Rhythm.objects.filter(workspace=workspace, user=user, person=person, tie_kind=tie_kind).delete()


@transaction.atomic
def calendar_feed_regenerate(*, workspace: Workspace, user: User) -> tuple[CalendarFeed, str]:
    """A new secret calendar address for the member (the old one stops working); the secret
    is returned once and only its digest is kept."""
    _member(workspace, user)
    secret = secrets.token_urlsafe(32)
    CalendarFeed.objects.filter(workspace=workspace, user=user).delete()
    feed = CalendarFeed.objects.create(workspace=workspace, user=user, digest=token_digest(secret))
    return feed, secret


@transaction.atomic
def calendar_feed_delete(*, workspace: Workspace, user: User) -> None:
    CalendarFeed.objects.filter(workspace=workspace, user=user).delete()


def digest_send(
    *, workspace: Workspace, user: User, today: dt.date | None = None, base_url: str = ""
) -> bool:
    """One email listing who the member is due to contact this week, grouped, and the strong
    ties they are losing touch with; nothing is sent when there is nobody. True when sent."""
    with timezone.override(workspace.time_zone), translation.override(workspace.language):
        state = selectors.keep_in_touch(workspace=workspace, user_id=user.pk, today=today)
        if not state:
            return False
        context = {"state": state, "workspace": workspace, "user": user, "base_url": base_url}
        subject = _("Keep in touch this week — %(workspace)s") % {"workspace": workspace.name}
        body = render_to_string("relationships/digest.txt", context)
        html = render_to_string("relationships/digest.html", context)
    send_mail(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        html_message=html,
    )
    return True


def digests_send(
    *, today: dt.date | None = None, workspace: Workspace | None = None, base_url: str = ""
) -> int:
    """The weekly digest for every active member of every workspace (or of one); how many
    emails went out."""
    memberships = Membership.objects.select_related("workspace", "user").filter(
        user__is_active=True
    )
    if workspace is not None:
        memberships = memberships.filter(workspace=workspace)
    sent = 0
    for membership in memberships.order_by("workspace_id", "user_id"):
        sent += digest_send(
            workspace=membership.workspace, user=membership.user, today=today, base_url=base_url
        )
    return sent


# Referrals


def _decimal(value: Decimal | int | str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"value": [_("Give the value as a number, e.g. 12500.")]}) from exc
    if not amount.is_finite() or amount < 0:
        raise ValidationError(
            {"value": [_("The value cannot be negative: give 0 when no business came of it.")]}
        )
    if amount >= Decimal(10) ** 12:
        raise ValidationError(
            {"value": [_("The value is too large: it must be below 1,000,000,000,000.")]}
        )
    return amount.quantize(Decimal("0.01"))


def _validated_referral(
    workspace: Workspace,
    *,
    referrer: Person,
    referred: Person,
    to_member: User | None,
    for_what: str,
    outcome: str,
    value: Decimal | int | str,
    currency: str,
    note: str,
) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    for person in (referrer, referred):
        if person.workspace_id != workspace.pk:
            raise ValidationError(
                _("A linked record belongs to another workspace: choose one from this workspace.")
            )
    if referrer.pk == referred.pk:
        errors["referred"] = [_("A person cannot refer themselves: choose someone else.")]
    if (
        to_member is not None
        and not Membership.objects.filter(workspace=workspace, user=to_member).exists()
    ):
        errors["to_member"] = [_("Choose a member of this workspace.")]
    if outcome not in ReferralOutcome.values:
        errors["outcome"] = [_("Choose pending, won, lost or none.")]
    if currency not in CURRENCIES:
        errors["currency"] = [_("Choose one of: %(list)s.") % {"list": ", ".join(CURRENCIES)}]
    cleaned: dict[str, object] = {}
    try:
        cleaned["value"] = _decimal(value)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    for name, text, limit in (("for_what", for_what, 200), ("note", note, None)):
        try:
            cleaned[name] = (
                clean_text(text, field=name, limit=limit) if limit else clean_text(text, field=name)
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _link_referred_by(referred: Person, referrer: Person) -> None:
    """Person.referred_by names whoever first brought the person in: set it when empty."""
    if referred.referred_by_id is None:
        referred.referred_by = referrer
        if referred.source == Person.Source.MANUAL:
            referred.source = Person.Source.REFERRAL
        referred.save(update_fields=["referred_by", "source", "updated_at"])


def _unlink_referred_by(referred: Person, referrer_id: int) -> None:
    """After a referral goes, "referred by" follows the earliest referral left (or is cleared
    when none is left and it named this referrer)."""
    if referred.referred_by_id != referrer_id:
        return
    earliest = (
        Referral.objects.filter(referred=referred)
        .order_by("date", "id")
        .values_list("referrer_id", flat=True)
        .first()
    )
    referred.referred_by_id = earliest
    referred.save(update_fields=["referred_by", "updated_at"])


@transaction.atomic
def referral_create(
    *,
    workspace: Workspace,
    referrer: Person,
    referred: Person,
    date: dt.date,
    to_member: User | None = None,
    for_what: str = "",
    outcome: str = ReferralOutcome.PENDING,
    value: Decimal | int | str = Decimal(0),
    currency: str = "",
    note: str = "",
) -> Referral:
    currency = currency or workspace.currency
    cleaned = _validated_referral(
        workspace,
        referrer=referrer,
        referred=referred,
        to_member=to_member,
        for_what=for_what,
        outcome=outcome,
        value=value,
        currency=currency,
        note=note,
    )
    referral = Referral.objects.create(
        workspace=workspace,
        referrer=referrer,
        referred=referred,
        to_member=to_member,
        date=date,
        outcome=outcome,
        currency=currency,
        **cleaned,
    )
    _link_referred_by(referred, referrer)
    return referral


@transaction.atomic
def referral_update(
    *,
    referral: Referral,
    referrer: Person,
    referred: Person,
    date: dt.date,
    to_member: User | None = None,
    for_what: str = "",
    outcome: str = ReferralOutcome.PENDING,
    value: Decimal | int | str = Decimal(0),
    currency: str = "",
    note: str = "",
) -> Referral:
    workspace = referral.workspace
    currency = currency or workspace.currency
    cleaned = _validated_referral(
        workspace,
        referrer=referrer,
        referred=referred,
        to_member=to_member,
        for_what=for_what,
        outcome=outcome,
        value=value,
        currency=currency,
        note=note,
    )
    old_referrer, old_referred = referral.referrer_id, referral.referred
    referral.referrer = referrer
    referral.referred = referred
    referral.to_member = to_member
    referral.date = date
    referral.outcome = outcome
    referral.currency = currency
    for name, value_ in cleaned.items():
        setattr(referral, name, value_)
    referral.save()
    if (old_referrer, old_referred.pk) != (referrer.pk, referred.pk):
        _unlink_referred_by(old_referred, old_referrer)
    _link_referred_by(Person.objects.get(pk=referred.pk), referrer)
    return referral


@transaction.atomic
def referral_delete(*, referral: Referral) -> None:
    referred, referrer_id = referral.referred, referral.referrer_id
    referral.delete()
    _unlink_referred_by(referred, referrer_id)
