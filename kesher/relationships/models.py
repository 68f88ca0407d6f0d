"""The graph side of the network: tie strengths and their explanations, keep-in-touch rhythms,
calendar feeds, referrals, and the workspace's settings for them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesher.core.models import WorkspaceScopedModel
from kesher.network.models import Tie, TieKind
from kesher.people.models import Person

DEFAULT_HALF_LIFE_DAYS = 90
DEFAULT_REFERRAL_TARGET = 6


class RelationshipSettings(models.Model):
    """A workspace's numbers for the graph; a workspace without a row uses the defaults."""

    workspace = models.OneToOneField(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="relationship_settings"
    )
    half_life_days = models.PositiveSmallIntegerField(
        _("strength half-life (days)"), default=DEFAULT_HALF_LIFE_DAYS
    )
    referral_target = models.PositiveSmallIntegerField(
        _("quality referrals expected from a loyal customer"), default=DEFAULT_REFERRAL_TARGET
    )
    # Bumped by every service that adds, edits, removes or rescores a tie: the key of each
    # process's cached graph (see selectors.graph_get).
    graph_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("relationship settings")
        verbose_name_plural = _("relationship settings")

    def __str__(self) -> str:
        return str(self.workspace)


class TieStrength(models.Model):
    """The computed strength of one tie and the data explaining it (see engine.strength).

    Kept beside the tie (whose `strength` column carries the score too, for the graph and the
    API) so that a whole workspace is rewritten in bulk without touching the ties' own rows.
    """

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    tie = models.OneToOneField(Tie, on_delete=models.CASCADE, related_name="strength_detail")
    score = models.FloatField(_("strength"))
    # Points a day the score loses over the coming weeks without contact.
    decay_per_day = models.FloatField(default=0.0)
    explanation = models.JSONField(default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        indexes = [models.Index(fields=["workspace", "-score"], name="tiestrength_ws_score")]
        verbose_name = _("tie strength")
        verbose_name_plural = _("tie strengths")

    def __str__(self) -> str:
        return f"{self.tie_id}: {self.score:.1f}"


class RhythmEvery(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every quarter")
    CUSTOM = "custom", _("Every few days (choose)")


class Rhythm(WorkspaceScopedModel):
    """How often a member wants to be in touch with one person, or with everyone tied to them
    by one kind of tie. A person's own rhythm wins over the kinds' (engine.rhythm)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="rhythms"
    )
    tie_kind = models.ForeignKey(
        TieKind, on_delete=models.CASCADE, null=True, blank=True, related_name="rhythms"
    )
    every = models.CharField(_("rhythm"), max_length=16, choices=RhythmEvery.choices)
    days = models.PositiveSmallIntegerField(_("every how many days"), null=True, blank=True)
    started_on = models.DateField(_("started on"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(person__isnull=False, tie_kind__isnull=True)
                    | models.Q(person__isnull=True, tie_kind__isnull=False)
                ),
                name="rhythm_person_or_kind",
            ),
            models.UniqueConstraint(
                fields=["workspace", "user", "person"],
                condition=models.Q(person__isnull=False),
                name="rhythm_unique_person",
            ),
            models.UniqueConstraint(
                fields=["workspace", "user", "tie_kind"],
                condition=models.Q(tie_kind__isnull=False),
                name="rhythm_unique_kind",
            ),
        ]
        verbose_name = _("keep-in-touch rhythm")
        verbose_name_plural = _("keep-in-touch rhythms")

    def __str__(self) -> str:
        return f"{self.person or self.tie_kind}: {self.every}"


class CalendarFeed(models.Model):
    """A member's secret iCalendar address for one workspace; only its digest is stored."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="calendarfeed_unique_user")
        ]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.workspace_id}"


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    WON = "won", _("Won business")
    LOST = "lost", _("Lost / not a fit")
    NONE = "none", _("No business expected")


class Referral(WorkspaceScopedModel):
    """`referrer` brought `referred` to the team (to `to_member`, when one member got it)."""

    referrer = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="referrals_given", verbose_name=_("referrer")
    )
    referred = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="referrals_received",
        verbose_name=_("referred person"),
    )
    to_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referred to (team member)"),
    )
    for_what = models.CharField(_("for what"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    outcome = models.CharField(
        _("outcome"),
        max_length=16,
        choices=ReferralOutcome.choices,
        default=ReferralOutcome.PENDING,
    )
    value = models.DecimalField(
        _("value of business"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    currency = models.CharField(_("currency"), max_length=3, default="ILS")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["workspace", "date"], name="referral_ws_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(referrer=models.F("referred")), name="referral_not_self"
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="referral_value_gte_0"),
        ]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.referrer} → {self.referred}"
