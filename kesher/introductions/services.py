"""Writes for suggestions, introductions (the double-opt-in workflow), what came back, the
workspace's vocabulary, learning from feedback and match runs.

Suggestions themselves are computed in kesher.introductions.matchmaking (re-exported here):
`suggestions_recompute` for a whole workspace, `suggestions_refresh_for` for one need or offer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesher.accounts.models import User
from kesher.core.exceptions import ConflictError
from kesher.core.text import quoted_list
from kesher.core.validation import clean_text
from kesher.engine.bidi import isolate
from kesher.engine.matching import Feedback, LearnedPairs, MatchItem, Vocabulary
from kesher.introductions import selectors
from kesher.introductions.drafts import draft_messages, draft_subject
from kesher.introductions.matchmaking import suggestions_recompute, suggestions_refresh_for
from kesher.introductions.models import (
    TRANSITIONS,
    Introduction,
    IntroductionOutcome,
    IntroductionReturn,
    IntroductionStatus,
    LearnedPair,
    MatchRun,
    MatchRunStatus,
    ReturnKind,
    Suggestion,
    SuggestionKind,
    SuggestionStatus,
    WorkspaceConcept,
)
from kesher.introductions.tasks import match_run_task
from kesher.network.models import Interaction, Need, Offer
from kesher.network.services import InteractionData, interaction_log
from kesher.people.models import Person
from kesher.workspaces.models import Workspace

__all__ = [
    "IntroductionTransitionError",
    "concept_create",
    "concept_delete",
    "concept_update",
    "introduction_create",
    "introduction_propose",
    "introduction_record_outcome",
    "introduction_return_add",
    "introduction_transition",
    "introduction_update_messages",
    "match_run_start",
    "suggestion_accept",
    "suggestion_dismiss",
    "suggestion_snooze",
    "suggestions_recompute",
    "suggestions_refresh_for",
]

SNOOZE_DAYS = 7
MAX_MESSAGE_LENGTH = 5000
MAX_NOTE_LENGTH = 2000
CONCEPT_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
MAX_CONCEPT_TERMS = 100
MAX_TERM_LENGTH = 80
SIDES = ("a", "b")
RUN_ABANDONED_AFTER = dt.timedelta(hours=1)


class IntroductionTransitionError(ConflictError):
    """The introduction cannot move to the requested status from where it is."""

    code = "invalid_transition"

    def __init__(self, message: str, *, allowed: Sequence[str]) -> None:
        super().__init__(message)
        self.allowed = list(allowed)


def _status_label(status: str) -> str:
    return str(IntroductionStatus(status).label) if status in IntroductionStatus.values else status


def _transition_error(introduction: Introduction, to: str) -> IntroductionTransitionError:
    allowed = selectors.introduction_allowed_transitions(introduction)
    if allowed:
        message = _(
            "An introduction that is “%(current)s” cannot become “%(to)s”. "
            "Next it can become: %(allowed)s."
        ) % {
            "current": _status_label(introduction.status),
            "to": _status_label(to),
            "allowed": quoted_list(_status_label(status) for status in allowed),
        }
    else:
        message = _(
            "An introduction that is “%(current)s” is finished and cannot change any more."
        ) % {"current": _status_label(introduction.status)}
    return IntroductionTransitionError(message, allowed=allowed)


def _require(introduction: Introduction, to: str) -> None:
    if to not in TRANSITIONS.get(introduction.status, ()):
        raise _transition_error(introduction, to)


# Learning from the user's decisions.


def _learn(*, suggestion: Suggestion, accepted: bool) -> None:
    """Feed an accepted or dismissed need ↔ offer suggestion back to the workspace's learned
    pairs, so later rankings follow the user's judgement (see engine LearnedPairs.learn)."""
    if suggestion.kind != SuggestionKind.NEED_OFFER or not (suggestion.need and suggestion.offer):
        return
    workspace = suggestion.workspace
    need, offer = suggestion.need, suggestion.offer
    vocabulary = Vocabulary.load_default().extend(selectors.workspace_concepts(workspace=workspace))
    before = selectors.learned_pairs(workspace=workspace)
    feedback = Feedback(
        need=MatchItem(
            id=need.pk,
            text=need.text,
            tags=tuple(need.tags.values_list("name", flat=True)),
            person_id=need.person_id,
        ),
        offer=MatchItem(
            id=offer.pk,
            text=offer.text,
            tags=tuple(offer.tags.values_list("name", flat=True)),
            person_id=offer.person_id,
        ),
        accepted=accepted,
    )
    after = before.learn([feedback], vocabulary)
    _learned_store(workspace=workspace, before=before, after=after)


def _learned_store(*, workspace: Workspace, before: LearnedPairs, after: LearnedPairs) -> None:
    stored = {
        (row.need_feature, row.offer_feature): row
        for row in LearnedPair.objects.filter(workspace=workspace)
    }
    for pair in after:
        if before.get(pair.need_feature, pair.offer_feature) == pair:
            continue
        row = stored.get((pair.need_feature, pair.offer_feature)) or LearnedPair(
            workspace=workspace, need_feature=pair.need_feature, offer_feature=pair.offer_feature
        )
        row.weight = pair.weight
        row.accepted = pair.accepted
        row.rejected = pair.rejected
        row.need_term = pair.need_term[:200]
        row.offer_term = pair.offer_term[:200]
        row.save()


# Suggestions.


def _require_undecided(suggestion: Suggestion) -> None:
    if suggestion.status not in (SuggestionStatus.OPEN, SuggestionStatus.SNOOZED):
        raise ConflictError(
            _("This suggestion was already %(status)s; it cannot be changed any more.")
            % {"status": str(SuggestionStatus(suggestion.status).label).lower()},
            code="suggestion_decided",
        )


def _suggestions_close_for_pair(
    *, workspace: Workspace, person_a: Person, person_b: Person
) -> None:
    """Once two people are being introduced, their other open suggestions have no point."""
    Suggestion.objects.filter(
        workspace=workspace,
        status__in=(SuggestionStatus.OPEN, SuggestionStatus.SNOOZED),
    ).filter(
        Q(person_a=person_a, person_b=person_b) | Q(person_a=person_b, person_b=person_a)
    ).delete()


@transaction.atomic
def suggestion_accept(*, suggestion: Suggestion, user: User) -> Introduction:
    """Turn the suggestion into an introduction (status "suggested") with drafted messages, and
    learn from it."""
    _require_undecided(suggestion)
    workspace = suggestion.workspace
    live = selectors.introduction_live_for_pair(
        workspace=workspace, person_a=suggestion.person_a, person_b=suggestion.person_b
    )
    if live is not None:
        raise ConflictError(
            _(
                "%(a)s and %(b)s already have an introduction (%(status)s): open it instead of "
                "starting another."
            )
            % {
                "a": suggestion.person_a.name,
                "b": suggestion.person_b.name,
                "status": _status_label(live.status),
            },
            code="introduction_exists",
        )
    suggestion.status = SuggestionStatus.ACCEPTED
    suggestion.decided_at = timezone.now()
    suggestion.decided_by = user
    suggestion.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    _suggestions_close_for_pair(
        workspace=workspace, person_a=suggestion.person_a, person_b=suggestion.person_b
    )
    introduction = Introduction(
        workspace=workspace,
        person_a=suggestion.person_a,
        person_b=suggestion.person_b,
        need=suggestion.need,
        offer=suggestion.offer,
        suggestion=suggestion,
        made_by=user,
    )
    introduction.message_a, introduction.message_b = draft_messages(introduction=introduction)
    introduction.save()
    _learn(suggestion=suggestion, accepted=True)
    return introduction


@transaction.atomic
def suggestion_snooze(
    *, suggestion: Suggestion, user: User, until: dt.date | None = None
) -> Suggestion:
    """Hide the suggestion until `until` (a week from today by default)."""
    _require_undecided(suggestion)
    today = timezone.localdate()
    until = until or today + dt.timedelta(days=SNOOZE_DAYS)
    if until <= today:
        raise ValidationError({"until": _("Snooze until a day after today.")})
    suggestion.status = SuggestionStatus.SNOOZED
    suggestion.snoozed_until = until
    suggestion.decided_at = timezone.now()
    suggestion.decided_by = user
    suggestion.save(
        update_fields=["status", "snoozed_until", "decided_at", "decided_by", "updated_at"]
    )
    return suggestion


@transaction.atomic
def suggestion_dismiss(*, suggestion: Suggestion, user: User, reason: str = "") -> Suggestion:
    """Never show this pair again, and learn that it was not a good match."""
    _require_undecided(suggestion)
    suggestion.dismiss_reason = clean_text(reason, field="reason", limit=MAX_NOTE_LENGTH)
    suggestion.status = SuggestionStatus.DISMISSED
    suggestion.decided_at = timezone.now()
    suggestion.decided_by = user
    suggestion.save(
        update_fields=["status", "dismiss_reason", "decided_at", "decided_by", "updated_at"]
    )
    _learn(suggestion=suggestion, accepted=False)
    return suggestion


# Introductions.


def _same_workspace(workspace: Workspace, *objects: object) -> None:
    for obj in objects:
        if obj is not None and getattr(obj, "workspace_id", None) != workspace.pk:
            raise ValidationError(
                _(
                    "Everything in an introduction must be in this workspace: choose its people, "
                    "need and offer from here."
                )
            )


@transaction.atomic
def introduction_create(
    *,
    workspace: Workspace,
    user: User,
    person_a: Person,
    person_b: Person,
    need: Need | None = None,
    offer: Offer | None = None,
    note: str = "",
) -> Introduction:
    """Introduce two people without a suggestion (person_a has the need, person_b the offer)."""
    _same_workspace(workspace, person_a, person_b, need, offer)
    errors: dict[str, list[str]] = {}
    if person_a.pk == person_b.pk:
        errors["person_b"] = [_("Choose two different people: nobody is introduced to themselves.")]
    if need is not None and need.person_id != person_a.pk:
        errors["need"] = [
            _("The need must be the first person's: choose one of their needs, or none.")
        ]
    if offer is not None and offer.person_id != person_b.pk:
        errors["offer"] = [
            _("The offer must be the second person's: choose one of their offers, or none.")
        ]
    try:
        note = clean_text(note, field="note", limit=MAX_NOTE_LENGTH)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    live = selectors.introduction_live_for_pair(
        workspace=workspace, person_a=person_a, person_b=person_b
    )
    if live is not None:
        raise ConflictError(
            _(
                "%(a)s and %(b)s already have an introduction (%(status)s): open it instead of "
                "starting another."
            )
            % {"a": person_a.name, "b": person_b.name, "status": _status_label(live.status)},
            code="introduction_exists",
        )
    _suggestions_close_for_pair(workspace=workspace, person_a=person_a, person_b=person_b)
    introduction = Introduction(
        workspace=workspace,
        person_a=person_a,
        person_b=person_b,
        need=need,
        offer=offer,
        note=note,
        made_by=user,
    )
    introduction.message_a, introduction.message_b = draft_messages(introduction=introduction)
    introduction.save()
    return introduction


@transaction.atomic
def introduction_update_messages(
    *, introduction: Introduction, message_a: str, message_b: str
) -> Introduction:
    """Edit the two drafts (until both people said yes: after that they have been sent)."""
    if introduction.status not in (IntroductionStatus.SUGGESTED, IntroductionStatus.PROPOSED):
        raise ConflictError(
            _("The messages can only be edited before both people said yes."),
            code="messages_locked",
        )
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for field, value in (("message_a", message_a), ("message_b", message_b)):
        try:
            cleaned[field] = clean_text(value, field=field, limit=MAX_MESSAGE_LENGTH, required=True)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    introduction.message_a = cleaned["message_a"]
    introduction.message_b = cleaned["message_b"]
    introduction.save(update_fields=["message_a", "message_b", "updated_at"])
    return introduction


def _send(*, introduction: Introduction) -> list[str]:
    """Email each person their message, when they have an address; returns who got one."""
    sent: list[str] = []
    for recipient, other, body in (
        (introduction.person_a, introduction.person_b, introduction.message_a),
        (introduction.person_b, introduction.person_a, introduction.message_b),
    ):
        address = recipient.emails.order_by("id").values_list("email", flat=True).first()
        if not address:
            continue
        EmailMessage(
            subject=draft_subject(recipient=recipient, other=other),
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
        ).send()
        sent.append(address)
    return sent


def _give_summary(introduction: Introduction) -> str:
    """The give's line in the ledger, in the workspace's language (it is stored), each name
    isolated when written the other way from that language."""
    with translation.override(introduction.workspace.language):
        rtl = translation.get_language_bidi()
        return _("Introduced %(a)s and %(b)s (asked both first).") % {
            "a": isolate(introduction.person_a.name, rtl=rtl),
            "b": isolate(introduction.person_b.name, rtl=rtl),
        }


@transaction.atomic
def introduction_propose(
    *, introduction: Introduction, user: User, send_email: bool = False
) -> Introduction:
    """Ask both people (suggested → proposed): recorded as a give in the ledger, and the two
    messages emailed when asked and the person has an address."""
    _require(introduction, IntroductionStatus.PROPOSED)
    now = timezone.now()
    introduction.give = interaction_log(
        workspace=introduction.workspace,
        data=InteractionData(
            occurred_at=now,
            channel=Interaction.Channel.MESSAGE,
            participants=[introduction.person_a, introduction.person_b],
            summary=_give_summary(introduction),
            initiated_by=Interaction.Initiator.ME,
            exchange=Interaction.Exchange.GIVE,
            exchange_kind=Interaction.ExchangeKind.INTRODUCTION,
        ),
        logged_by=user,
    )
    introduction.status = IntroductionStatus.PROPOSED
    introduction.proposed_at = now
    introduction.save(update_fields=["give", "status", "proposed_at", "updated_at"])
    if send_email:
        _send(introduction=introduction)
    return introduction


@transaction.atomic
def introduction_transition(
    *, introduction: Introduction, to: str, user: User, side: str | None = None
) -> Introduction:
    """Move the introduction along its workflow (models.TRANSITIONS).

    `to="accepted"` records one side's yes (`side` "a" or "b"); the introduction becomes
    accepted once both said yes. Anything not allowed from the current status raises
    IntroductionTransitionError with the allowed next statuses.
    """
    if to not in IntroductionStatus.values:
        raise ValidationError(
            {
                "to": _("Unknown status “%(to)s”: use one of %(statuses)s.")
                % {"to": to, "statuses": ", ".join(IntroductionStatus.values)}
            }
        )
    _require(introduction, to)
    now = timezone.now()
    if to == IntroductionStatus.PROPOSED:
        return introduction_propose(introduction=introduction, user=user)
    if to == IntroductionStatus.ACCEPTED:
        if side not in SIDES:
            raise ValidationError(
                {
                    "side": _("Say who said yes: side “a” (%(a)s) or “b” (%(b)s).")
                    % {"a": introduction.person_a.name, "b": introduction.person_b.name}
                }
            )
        if side == "a" and introduction.a_accepted_at is None:
            introduction.a_accepted_at = now
        if side == "b" and introduction.b_accepted_at is None:
            introduction.b_accepted_at = now
        if introduction.a_accepted_at and introduction.b_accepted_at:
            introduction.status = IntroductionStatus.ACCEPTED
            introduction.accepted_at = now
    elif to == IntroductionStatus.CONNECTED:
        introduction.status = IntroductionStatus.CONNECTED
        introduction.connected_at = now
    elif to == IntroductionStatus.CLOSED:
        introduction.status = IntroductionStatus.CLOSED
        introduction.closed_at = now
    elif to == IntroductionStatus.DECLINED:
        introduction.status = IntroductionStatus.DECLINED
        introduction.declined_at = now
    introduction.save()
    return introduction


def _clean_money(
    value: Decimal | str | int | float | None, currency: str, *, field: str, default_currency: str
) -> tuple[Decimal | None, str]:
    if value is None or value == "":
        return None, (currency or "").strip().upper()
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("Give the value as a number, e.g. 120000.")}) from exc
    if amount < 0 or amount >= Decimal("10000000000"):
        raise ValidationError({field: _("The value must be between 0 and 9,999,999,999.99.")})
    code = (currency or default_currency).strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValidationError(
            {"currency": _("Give the currency as a three-letter code, e.g. ILS or USD.")}
        )
    return amount, code


@transaction.atomic
def introduction_record_outcome(
    *,
    introduction: Introduction,
    user: User,
    outcome: str,
    value: Decimal | str | int | float | None = None,
    currency: str = "",
    note: str = "",
) -> Introduction:
    """Close a connected introduction with what came of it: a deal between them (with its value)
    or nothing. The user gets nothing from their deal: Kesher counts trust, not commission."""
    _require(introduction, IntroductionStatus.CLOSED)
    valid = [choice for choice in IntroductionOutcome.values if choice]
    if outcome not in valid:
        raise ValidationError(
            {"outcome": _("Choose the outcome: %(choices)s.") % {"choices": quoted_list(valid)}}
        )
    if outcome == IntroductionOutcome.NOTHING and value not in (None, ""):
        raise ValidationError(
            {
                "value": _(
                    "Nothing came of it, so there is no value to record: leave the value empty."
                )
            }
        )
    amount, code = _clean_money(
        value, currency, field="value", default_currency=introduction.workspace.currency
    )
    introduction.outcome = outcome
    introduction.outcome_value = amount
    introduction.outcome_currency = code if amount is not None else ""
    introduction.outcome_note = clean_text(note, field="note", limit=MAX_NOTE_LENGTH)
    introduction.status = IntroductionStatus.CLOSED
    introduction.closed_at = timezone.now()
    introduction.save()
    return introduction


@transaction.atomic
def introduction_return_add(
    *,
    introduction: Introduction,
    from_person: Person,
    kind: str,
    description: str,
    value: Decimal | str | int | float | None = None,
    currency: str = "",
    occurred_on: dt.date,
    referred_person: Person | None = None,
) -> IntroductionReturn:
    """Trace something that came back (a referral, a deal) to the introduction before it."""
    workspace = introduction.workspace
    _same_workspace(workspace, from_person, referred_person)
    errors: dict[str, list[str]] = {}
    if kind not in ReturnKind.values:
        errors["kind"] = [
            _("Choose what came back: %(choices)s.") % {"choices": quoted_list(ReturnKind.values)}
        ]
    if from_person.pk not in (introduction.person_a_id, introduction.person_b_id):
        errors["from_person"] = [
            _(
                "What comes back from an introduction comes from one of its two people: choose "
                "one of them."
            )
        ]
    if introduction.status in (IntroductionStatus.SUGGESTED, IntroductionStatus.DECLINED):
        errors["introduction"] = [
            _("Only an introduction that was made can have something come back from it.")
        ]
    if referred_person is not None and kind != ReturnKind.REFERRAL:
        errors["referred_person"] = [
            _("Only a referral names a referred person: leave it empty, or choose “A referral”.")
        ]
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = [_("Give the day it happened: it cannot be in the future.")]
    try:
        description = clean_text(
            description, field="description", limit=MAX_NOTE_LENGTH, required=True
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    amount, code = _clean_money(value, currency, field="value", default_currency=workspace.currency)
    return IntroductionReturn.objects.create(
        workspace=workspace,
        introduction=introduction,
        kind=kind,
        from_person=from_person,
        referred_person=referred_person,
        description=description,
        value=amount,
        currency=code if amount is not None else "",
        occurred_on=occurred_on,
    )


# The workspace's vocabulary.


def _clean_terms(values: Sequence[str] | None, *, field: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str) or not all(isinstance(value, str) for value in values):
        raise ValidationError({field: _("Give the terms as a list of words or phrases.")})
    terms = list(dict.fromkeys(value.strip() for value in values if value.strip()))
    if len(terms) > MAX_CONCEPT_TERMS:
        raise ValidationError(
            {
                field: _("At most %(count)d terms per language: remove the ones you need least.")
                % {"count": MAX_CONCEPT_TERMS}
            }
        )
    if any(len(term) > MAX_TERM_LENGTH for term in terms):
        raise ValidationError(
            {
                field: _("A term can be at most %(count)d characters long: shorten it.")
                % {"count": MAX_TERM_LENGTH}
            }
        )
    return terms


def _known_concepts(*, workspace: Workspace, exclude: WorkspaceConcept | None) -> set[str]:
    own = selectors.concept_list(workspace=workspace)
    if exclude is not None:
        own = own.exclude(pk=exclude.pk)
    return {concept.id for concept in Vocabulary.load_default()} | set(
        own.values_list("key", flat=True)
    )


def _concept_validate(
    *,
    workspace: Workspace,
    concept: WorkspaceConcept,
    key: str,
    label_he: str,
    label_en: str,
    terms_he: Sequence[str] | None,
    terms_en: Sequence[str] | None,
    related: Sequence[str] | None,
    broader: str,
) -> None:
    errors: dict[str, list[str]] = {}
    key = (key or "").strip().lower()
    if not CONCEPT_KEY.fullmatch(key):
        errors["key"] = [
            _(
                "The key is a short id of lowercase Latin letters, digits, “-” or “_” "
                "(e.g. “solar-panels”)."
            )
        ]
    elif (
        selectors.concept_list(workspace=workspace)
        .filter(key=key)
        .exclude(pk=concept.pk or -1)
        .exists()
    ):
        errors["key"] = [
            _("This workspace already has a concept “%(key)s”: edit it, or choose another key.")
            % {"key": key}
        ]
    clean: dict[str, list[str]] = {}
    for field, values in (("terms_he", terms_he), ("terms_en", terms_en)):
        try:
            clean[field] = _clean_terms(values, field=field)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            clean[field] = []
    labels = {"label_he": (label_he or "").strip(), "label_en": (label_en or "").strip()}
    for field, label in labels.items():
        if len(label) > 120:
            errors[field] = [_("A label can be at most 120 characters long: shorten it.")]
    if not (clean["terms_he"] or clean["terms_en"] or labels["label_he"] or labels["label_en"]):
        errors["terms_he"] = [
            _("Give the concept at least one term, in Hebrew or in English, that people write.")
        ]
    known = _known_concepts(workspace=workspace, exclude=concept if concept.pk else None)
    known.add(key)
    if related is not None and (
        isinstance(related, str) or not all(isinstance(value, str) for value in related)
    ):
        errors["related"] = [_("Give related concepts as a list of concept ids.")]
        related_ids: list[str] = []
    else:
        related_ids = list(dict.fromkeys(value.strip() for value in related or () if value.strip()))
    unknown = [value for value in related_ids if value not in known or value == key]
    if unknown:
        errors["related"] = [
            _("Unknown related concepts: %(ids)s. Use ids of existing concepts.")
            % {"ids": ", ".join(unknown)}
        ]
    broader = (broader or "").strip()
    if broader and (broader not in known or broader == key):
        errors["broader"] = [
            _("Unknown broader concept “%(id)s”. Use the id of an existing concept.")
            % {"id": broader}
        ]
    if errors:
        raise ValidationError(errors)
    concept.key = key
    concept.label_he = labels["label_he"]
    concept.label_en = labels["label_en"]
    concept.terms_he = clean["terms_he"]
    concept.terms_en = clean["terms_en"]
    concept.related = related_ids
    concept.broader = broader


@transaction.atomic
def concept_create(
    *,
    workspace: Workspace,
    key: str,
    label_he: str = "",
    label_en: str = "",
    terms_he: Sequence[str] | None = None,
    terms_en: Sequence[str] | None = None,
    related: Sequence[str] | None = None,
    broader: str = "",
) -> WorkspaceConcept:
    """Add a concept to the workspace's vocabulary (a built-in key adds terms to that concept).
    Takes effect at the next match: the vocabulary's version changes, so matchers refit."""
    return concept_update(
        concept=WorkspaceConcept(workspace=workspace),
        key=key,
        label_he=label_he,
        label_en=label_en,
        terms_he=terms_he,
        terms_en=terms_en,
        related=related,
        broader=broader,
    )


@transaction.atomic
def concept_update(
    *,
    concept: WorkspaceConcept,
    key: str,
    label_he: str = "",
    label_en: str = "",
    terms_he: Sequence[str] | None = None,
    terms_en: Sequence[str] | None = None,
    related: Sequence[str] | None = None,
    broader: str = "",
) -> WorkspaceConcept:
    _concept_validate(
        workspace=concept.workspace,
        concept=concept,
        key=key,
        label_he=label_he,
        label_en=label_en,
        terms_he=terms_he,
        terms_en=terms_en,
        related=related,
        broader=broader,
    )
    concept.save()
    return concept


@transaction.atomic
def concept_delete(*, concept: WorkspaceConcept) -> None:
    """Remove a concept, unless another of the workspace's concepts points to it."""
    users = sorted(
        other.key
        for other in selectors.concept_list(workspace=concept.workspace).exclude(pk=concept.pk)
        if other.broader == concept.key or concept.key in other.related
    )
    if users:
        raise ConflictError(
            _("Other concepts point to “%(key)s” (%(users)s): change them first.")
            % {"key": concept.key, "users": ", ".join(users)},
            code="concept_in_use",
        )
    concept.delete()


# Match runs.


@transaction.atomic
def match_run_start(*, workspace: Workspace, user: User | None) -> MatchRun:
    """Queue a full recompute of the workspace's suggestions for the worker (one at a time: an
    unfinished run is returned instead of starting another)."""
    unfinished = MatchRun.objects.select_for_update().filter(
        workspace=workspace, status__in=(MatchRunStatus.QUEUED, MatchRunStatus.RUNNING)
    )
    # A run this old was lost (the worker stopped or was never started): let a new one go.
    unfinished.filter(created_at__lt=timezone.now() - RUN_ABANDONED_AFTER).update(
        status=MatchRunStatus.FAILED,
        finished_at=timezone.now(),
        error=_("Abandoned: no worker finished it. Is `kesher worker` running?"),
    )
    current = unfinished.order_by("-created_at").first()
    if current is not None:
        return current
    run = MatchRun.objects.create(workspace=workspace, requested_by=user)
    match_run_task.enqueue(run_id=run.pk)
    run.refresh_from_db()
    return run
