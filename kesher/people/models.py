from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from kesher.core.models import WorkspaceScopedModel

NAME_LENGTH = 200


class Tag(WorkspaceScopedModel):
    """An interest, hobby or topic; shared by people, needs and offers of one workspace."""

    name = models.CharField(_("name"), max_length=80)
    normalized = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "normalized"], name="tag_unique_name"),
        ]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Organization(WorkspaceScopedModel):
    name = models.CharField(_("name"), max_length=NAME_LENGTH)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["workspace", "name"], name="org_ws_name")]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Group(WorkspaceScopedModel):
    """A community people belong to, such as an adventure-trip club or a basketball group."""

    name = models.CharField(_("name"), max_length=NAME_LENGTH)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        return self.name


class Event(WorkspaceScopedModel):
    """Where people were met: a networking evening, a conference, a trip."""

    name = models.CharField(_("name"), max_length=NAME_LENGTH)
    date = models.DateField(_("date"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=NAME_LENGTH, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-date", "name", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.name


class Person(WorkspaceScopedModel):
    class Source(models.TextChoices):
        MANUAL = "manual", _("Added by hand")
        EVENT = "event", _("Met at an event")
        REFERRAL = "referral", _("Referred")
        WEB_FORM = "web_form", _("Web form")
        IMPORT = "import", _("Import")

    class Consent(models.TextChoices):
        UNKNOWN = "unknown", _("Not asked")
        GRANTED = "granted", _("Agreed to be contacted")
        DECLINED = "declined", _("Declined contact")

    class Language(models.TextChoices):
        HEBREW = "he", _("Hebrew")
        ENGLISH = "en", _("English")

    name = models.CharField(_("name"), max_length=NAME_LENGTH)
    # The same person's name in the other script ("Dani Cohen" for "דני כהן"), searchable too.
    name_alt = models.CharField(_("name in another script"), max_length=NAME_LENGTH, blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=NAME_LENGTH, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.HEBREW
    )
    interests = models.ManyToManyField(
        Tag, blank=True, related_name="people", verbose_name=_("interests")
    )
    groups = models.ManyToManyField(
        Group, blank=True, related_name="members", verbose_name=_("groups")
    )
    met_at = models.ForeignKey(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people_met",
        verbose_name=_("met at"),
    )
    met_on = models.DateField(_("met on"), null=True, blank=True)
    referred_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("referred by"),
    )
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.MANUAL
    )
    consent = models.CharField(
        _("consent to contact"), max_length=16, choices=Consent.choices, default=Consent.UNKNOWN
    )
    consent_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            # The list's order. Partial: PostgreSQL reads an index in order only after equality
            # conditions, and `archived_at IS NULL` is not one.
            models.Index(
                fields=["workspace", "name", "id"],
                condition=models.Q(archived_at__isnull=True),
                name="person_ws_active_name",
            ),
            # Counts of active people, and the few archived ones, from the index alone.
            models.Index(fields=["workspace", "archived_at"], name="person_ws_archived"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="person_name_not_empty"),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class PersonEmail(WorkspaceScopedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="emails")
    email = models.EmailField(_("email"))
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint("person", Lower("email"), name="person_email_unique"),
        ]
        verbose_name = _("email")
        verbose_name_plural = _("emails")

    def __str__(self) -> str:
        return self.email


class PersonPhone(WorkspaceScopedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phones")
    e164 = models.CharField(_("phone"), max_length=20)
    label = models.CharField(_("label"), max_length=40, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "e164"], name="person_phone_unique"),
            models.CheckConstraint(condition=models.Q(e164__startswith="+"), name="phone_e164"),
        ]
        verbose_name = _("phone")
        verbose_name_plural = _("phones")

    def __str__(self) -> str:
        return self.e164
