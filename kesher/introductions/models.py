"""Suggested introductions, the introduction workflow, what came back, and what the matcher learned.

The matcher itself lives in kesher.engine (no Django); these rows are its inputs it keeps per
workspace (learned pairs, vocabulary extensions) and its outputs (suggestions, match runs).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesher.core.models import WorkspaceScopedModel
from kesher.network.models import Interaction, Need, Offer
from kesher.people.models import Person


class SuggestionKind(models.TextChoices):
    NEED_OFFER = "need_offer", _("answers a need")
    SHARED_INTEREST = "shared_interest", _("common passion")


class SuggestionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SNOOZED = "snoozed", _("Snoozed")
    DISMISSED = "dismissed", _("Dismissed")
    ACCEPTED = "accepted", _("Accepted")


class Suggestion(WorkspaceScopedModel):
    """A pair of people worth introducing, found by the matcher, with its score and reasons."""

    kind = models.CharField(_("kind"), max_length=16, choices=SuggestionKind.choices)
    need = models.ForeignKey(
        Need,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("need"),
    )
    offer = models.ForeignKey(
        Offer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("offer"),
    )
    # For need_offer: person_a has the need, person_b the offer.
    person_a = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="suggestions_as_a", verbose_name=_("person")
    )
    person_b = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="suggestions_as_b",
        verbose_name=_("other person"),
    )
    score = models.FloatField(_("score"))
    # Engine reasons as data: [{"kind", "left", "right", "concept", "other_concept", "weight",
    # "count"}]; the UI phrases them in the reader's language (introductions.reasons).
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.OPEN,
    )
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True)
    dismiss_reason = models.TextField(_("reason for dismissing"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # No index: a large recompute writes hundreds of thousands of rows and each index costs
    # (the person foreign keys' own indexes serve a person's suggestions).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
        db_index=False,
    )

    class Meta:
        ordering = ["-score", "id"]
        indexes = [
            models.Index(
                fields=["workspace", "status", "-score"], name="suggestion_ws_status_score"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="need_offer", need__isnull=False, offer__isnull=False)
                    | models.Q(kind="shared_interest", need__isnull=True, offer__isnull=True)
                ),
                name="suggestion_kind_items",
            ),
            models.CheckConstraint(
                condition=~models.Q(person_a=models.F("person_b")),
                name="suggestion_distinct_people",
            ),
            models.UniqueConstraint(
                fields=["workspace", "need", "offer"],
                condition=models.Q(kind="need_offer"),
                name="suggestion_unique_need_offer",
            ),
            models.UniqueConstraint(
                fields=["workspace", "person_a", "person_b"],
                condition=models.Q(kind="shared_interest"),
                name="suggestion_unique_shared_pair",
            ),
        ]
        verbose_name = _("suggested introduction")
        verbose_name_plural = _("suggested introductions")

    def __str__(self) -> str:
        return f"{self.person_a} ↔ {self.person_b}"


class IntroductionStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted by both")
    CONNECTED = "connected", _("Connected")
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Declined")


# The workflow, one table for services, API and UI. "accepted" is reached from "proposed" once
# both sides said yes (each yes is recorded separately); "declined" is one side saying no.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    IntroductionStatus.SUGGESTED: (IntroductionStatus.PROPOSED, IntroductionStatus.DECLINED),
    IntroductionStatus.PROPOSED: (IntroductionStatus.ACCEPTED, IntroductionStatus.DECLINED),
    IntroductionStatus.ACCEPTED: (IntroductionStatus.CONNECTED, IntroductionStatus.DECLINED),
    IntroductionStatus.CONNECTED: (IntroductionStatus.CLOSED,),
    IntroductionStatus.CLOSED: (),
    IntroductionStatus.DECLINED: (),
}


class IntroductionOutcome(models.TextChoices):
    NONE = "", _("—")
    DEAL = "deal", _("A deal between them")
    NOTHING = "nothing", _("Nothing came of it")


class Introduction(WorkspaceScopedModel):
    """The user introducing two people, with a double opt-in: each side says yes separately."""

    person_a = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="introductions_as_a",
        verbose_name=_("person"),
    )
    person_b = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="introductions_as_b",
        verbose_name=_("other person"),
    )
    need = models.ForeignKey(
        Need,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="introductions",
        verbose_name=_("need"),
    )
    offer = models.ForeignKey(
        Offer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="introductions",
        verbose_name=_("offer"),
    )
    suggestion = models.OneToOneField(
        Suggestion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="introduction",
        verbose_name=_("suggestion"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=IntroductionStatus.choices,
        default=IntroductionStatus.SUGGESTED,
    )
    a_accepted_at = models.DateTimeField(_("first person said yes at"), null=True, blank=True)
    b_accepted_at = models.DateTimeField(_("second person said yes at"), null=True, blank=True)
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    connected_at = models.DateTimeField(_("connected at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    message_a = models.TextField(_("message to the first person"), blank=True)
    message_b = models.TextField(_("message to the second person"), blank=True)
    note = models.TextField(_("note"), blank=True)
    outcome = models.CharField(
        _("outcome"),
        max_length=16,
        choices=IntroductionOutcome.choices,
        blank=True,
        default=IntroductionOutcome.NONE,
    )
    outcome_value = models.DecimalField(
        _("value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    outcome_currency = models.CharField(_("currency"), max_length=3, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    give = models.ForeignKey(
        Interaction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("give-ledger entry"),
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "status"], name="introduction_ws_status"),
            models.Index(fields=["workspace", "person_a"], name="introduction_ws_a"),
            models.Index(fields=["workspace", "person_b"], name="introduction_ws_b"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(person_a=models.F("person_b")),
                name="introduction_distinct_people",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome_value__isnull=True) | models.Q(outcome_value__gte=0),
                name="introduction_outcome_value_positive",
            ),
        ]
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")

    def __str__(self) -> str:
        return f"{self.person_a} ↔ {self.person_b}"


class ReturnKind(models.TextChoices):
    REFERRAL = "referral", _("A referral")
    DEAL = "deal", _("A deal")
    OTHER = "other", _("Something else")


class IntroductionReturn(WorkspaceScopedModel):
    """Something that came back later from one of the two people, traced to the introduction."""

    introduction = models.ForeignKey(
        Introduction,
        on_delete=models.CASCADE,
        related_name="returns",
        verbose_name=_("introduction"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReturnKind.choices)
    from_person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("from")
    )
    referred_person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referred person"),
    )
    description = models.TextField(_("what came back"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    occurred_on = models.DateField(_("when"))

    class Meta:
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=0),
                name="introduction_return_value_positive",
            ),
        ]
        verbose_name = _("what came back")
        verbose_name_plural = _("what came back")

    def __str__(self) -> str:
        return self.description[:80]


class LearnedPair(WorkspaceScopedModel):
    """A need feature linked to an offer feature by the user's feedback (engine LearnedPair)."""

    need_feature = models.CharField(_("need feature"), max_length=200)
    offer_feature = models.CharField(_("offer feature"), max_length=200)
    weight = models.FloatField(_("weight"))
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    need_term = models.CharField(_("need term"), max_length=200, blank=True)
    offer_term = models.CharField(_("offer term"), max_length=200, blank=True)

    class Meta:
        ordering = ["need_feature", "offer_feature"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "need_feature", "offer_feature"],
                name="learnedpair_unique_features",
            ),
        ]
        verbose_name = _("learned pair")
        verbose_name_plural = _("learned pairs")

    def __str__(self) -> str:
        return f"{self.need_feature} → {self.offer_feature}"


class WorkspaceConcept(WorkspaceScopedModel):
    """A workspace's own concept, added to the built-in vocabulary (engine Concept)."""

    key = models.SlugField(_("key"), max_length=80)
    label_he = models.CharField(_("Hebrew label"), max_length=120, blank=True)
    label_en = models.CharField(_("English label"), max_length=120, blank=True)
    terms_he = models.JSONField(_("Hebrew terms"), default=list, blank=True)
    terms_en = models.JSONField(_("English terms"), default=list, blank=True)
    related = models.JSONField(_("related concepts"), default=list, blank=True)
    broader = models.CharField(_("broader concept"), max_length=80, blank=True)

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "key"], name="workspaceconcept_unique_key"
            ),
        ]
        verbose_name = _("vocabulary concept")
        verbose_name_plural = _("vocabulary concepts")

    def __str__(self) -> str:
        return self.label_he or self.label_en or self.key


class MatchRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class MatchRun(WorkspaceScopedModel):
    """One background recompute of a workspace's suggestions, with its progress."""

    status = models.CharField(
        _("status"), max_length=16, choices=MatchRunStatus.choices, default=MatchRunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    needs = models.PositiveIntegerField(_("needs"), default=0)
    offers = models.PositiveIntegerField(_("offers"), default=0)
    suggestions = models.PositiveIntegerField(_("suggestions"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-created_at"], name="matchrun_ws_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="matchrun_progress_range"
            ),
        ]
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.progress}%"
