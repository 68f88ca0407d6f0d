from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesher.core.models import WorkspaceScopedModel
from kesher.people.models import Event, Person, Tag


class TieKind(WorkspaceScopedModel):
    """A kind of tie. Built-in kinds carry a `code` and a translated label; workspaces add more."""

    BUILTIN_LABELS = {
        "friend": _("Friend"),
        "colleague": _("Colleague"),
        "family": _("Family"),
        "customer": _("Customer"),
        "supplier": _("Supplier"),
        "basketball": _("Plays basketball with"),
        "team": _("Teammate"),
    }

    code = models.CharField(max_length=32, blank=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="tiekind_unique_name"),
        ]
        verbose_name = _("tie kind")
        verbose_name_plural = _("tie kinds")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.code in self.BUILTIN_LABELS:
            return str(self.BUILTIN_LABELS[self.code])
        return self.name


class Tie(WorkspaceScopedModel):
    """An undirected tie; stored once with person_a.id < person_b.id."""

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ties_as_a")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ties_as_b")
    kind = models.ForeignKey(
        TieKind, on_delete=models.PROTECT, related_name="ties", verbose_name=_("kind")
    )
    since = models.DateField(_("since"), null=True, blank=True)
    trust = models.PositiveSmallIntegerField(_("trust (1-5)"), null=True, blank=True)
    strength = models.FloatField(_("strength"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [
            models.Index(fields=["workspace", "person_a"], name="tie_ws_a"),
            models.Index(fields=["workspace", "person_b"], name="tie_ws_b"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")), name="tie_ordered_pair"
            ),
            models.CheckConstraint(
                condition=models.Q(trust__isnull=True) | models.Q(trust__gte=1, trust__lte=5),
                name="tie_trust_range",
            ),
            models.UniqueConstraint(
                fields=["person_a", "person_b", "kind"], name="tie_unique_kind"
            ),
        ]
        verbose_name = _("tie")
        verbose_name_plural = _("ties")

    def __str__(self) -> str:
        return f"{self.person_a} — {self.person_b}"

    def other(self, person: Person) -> Person:
        return self.person_b if person.pk == self.person_a_id else self.person_a


class Interaction(WorkspaceScopedModel):
    class Channel(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        CALL = "call", _("Call")
        MESSAGE = "message", _("Message")
        EMAIL = "email", _("Email")
        EVENT = "event", _("Met at an event")

    class Exchange(models.TextChoices):
        NEUTRAL = "neutral", _("Neither")
        GIVE = "give", _("Give (I helped)")
        ASK = "ask", _("Ask (I pitched or requested)")

    class ExchangeKind(models.TextChoices):
        NONE = "", _("—")
        ADVICE = "advice", _("Advice")
        INFORMATION = "information", _("Information")
        INTRODUCTION = "introduction", _("Introduction")
        RECOMMENDATION = "recommendation", _("Recommended someone else")
        PITCH = "pitch", _("Pitch")
        REQUEST = "request", _("Request")

    GIVE_KINDS = ("advice", "information", "introduction", "recommendation")
    ASK_KINDS = ("pitch", "request")

    class Initiator(models.TextChoices):
        ME = "me", _("I did")
        THEM = "them", _("They did")

    occurred_at = models.DateTimeField(_("when"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    summary = models.TextField(_("summary"), blank=True)
    initiated_by = models.CharField(
        _("initiated by"), max_length=8, choices=Initiator.choices, default=Initiator.ME
    )
    exchange = models.CharField(
        _("give or ask"), max_length=8, choices=Exchange.choices, default=Exchange.NEUTRAL
    )
    exchange_kind = models.CharField(
        _("what kind"), max_length=16, choices=ExchangeKind.choices, blank=True, default=""
    )
    participants = models.ManyToManyField(
        Person, related_name="interactions", verbose_name=_("participants")
    )
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="interactions"
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-occurred_at"], name="interaction_ws_when")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    exchange="give",
                    exchange_kind__in=[
                        "",
                        "advice",
                        "information",
                        "introduction",
                        "recommendation",
                    ],
                )
                | models.Q(exchange="ask", exchange_kind__in=["", "pitch", "request"])
                | models.Q(exchange="neutral", exchange_kind=""),
                name="interaction_exchange_kind",
            ),
        ]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.occurred_at:%Y-%m-%d}"


class NeedOfferStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FULFILLED = "fulfilled", _("Fulfilled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class NeedOfferBase(WorkspaceScopedModel):
    text = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=16, choices=NeedOfferStatus.choices, default=NeedOfferStatus.OPEN
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.text[:80]


class Need(NeedOfferBase):
    """Something a person is looking for: "a specific jeep", "an accountant for my firm"."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="needs")
    tags = models.ManyToManyField(Tag, blank=True, related_name="needs", verbose_name=_("tags"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "status"], name="need_ws_status")]
        verbose_name = _("need")
        verbose_name_plural = _("needs")


class Offer(NeedOfferBase):
    """Something a person can give: "selling his jeep", "office furniture"."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="offers")
    tags = models.ManyToManyField(Tag, blank=True, related_name="offers", verbose_name=_("tags"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "status"], name="offer_ws_status")]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
