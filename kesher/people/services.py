"""Writes for people, organisations, groups, events and tags. Each runs in one transaction."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesher.core.text import quoted_list
from kesher.core.validation import clean_emails, clean_name, clean_phones, clean_text
from kesher.engine.text import normalize
from kesher.people.models import (
    Event,
    Group,
    Organization,
    Person,
    PersonEmail,
    PersonPhone,
    Tag,
)
from kesher.search import services as search_services
from kesher.search.models import SearchDocument
from kesher.workspaces.models import Workspace


@dataclass(frozen=True, slots=True)
class PersonData:
    """Everything a person form or API payload may set. Related objects are already resolved
    inside the same workspace by the caller (selectors by public id)."""

    name: str
    name_alt: str = ""
    emails: Sequence[str] = ()
    phones: Sequence[str] = ()
    organization: Organization | None = None
    title: str = ""
    language: str = Person.Language.HEBREW
    interests: Sequence[str] = ()
    groups: Sequence[Group] = ()
    met_at: Event | None = None
    met_on: dt.date | None = None
    referred_by: Person | None = None
    source: str = Person.Source.MANUAL
    consent: str = Person.Consent.UNKNOWN
    notes: str = ""


def _check_same_workspace(workspace: Workspace, *objects: object) -> None:
    for obj in objects:
        if obj is not None and getattr(obj, "workspace_id", workspace.pk) != workspace.pk:
            raise ValidationError(
                _("A linked record belongs to another workspace: choose one from this workspace.")
            )


def tags_resolve(*, workspace: Workspace, names: Iterable[str]) -> list[Tag]:
    """Find or create the workspace's tags for `names`, matching Hebrew/English spellings."""
    wanted: dict[str, str] = {}
    for raw in names:
        name = " ".join((raw or "").split())[:80]
        key = normalize(name)[:80]
        if key and key not in wanted:
            wanted[key] = name
    if not wanted:
        return []
    existing = {
        t.normalized: t for t in Tag.objects.filter(workspace=workspace, normalized__in=wanted)
    }
    missing = [
        Tag(workspace=workspace, name=name, normalized=key)
        for key, name in wanted.items()
        if key not in existing
    ]
    for tag in Tag.objects.bulk_create(missing):
        existing[tag.normalized] = tag
    refreshed = {
        t.normalized: t for t in Tag.objects.filter(workspace=workspace, normalized__in=wanted)
    }
    return [refreshed[key] for key in wanted]


def _validated(workspace: Workspace, data: PersonData) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, object] = {}
    checks: dict[str, Callable[[], object]] = {
        "name": lambda: clean_name(data.name),
        "name_alt": lambda: clean_name(data.name_alt, field="name_alt", required=False),
        "title": lambda: clean_name(data.title, field="title", required=False),
        "notes": lambda: clean_text(data.notes, field="notes"),
        "emails": lambda: clean_emails(data.emails),
        "phones": lambda: clean_phones(data.phones),
    }
    for key, check in checks.items():
        try:
            cleaned[key] = check()
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                errors.setdefault(field_name, []).extend(messages)
    if data.language not in Person.Language.values:
        errors["language"] = [_("Choose Hebrew or English.")]
    if data.source not in Person.Source.values:
        errors["source"] = [
            _("Unknown source: use one of %(choices)s.")
            % {"choices": quoted_list(Person.Source.values)}
        ]
    if data.consent not in Person.Consent.values:
        errors["consent"] = [
            _("Unknown consent value: use one of %(choices)s.")
            % {"choices": quoted_list(Person.Consent.values)}
        ]
    if errors:
        raise ValidationError(errors)
    _check_same_workspace(workspace, data.organization, data.met_at, data.referred_by, *data.groups)
    return cleaned


def _apply(person: Person, data: PersonData, cleaned: dict[str, object]) -> None:
    person.name = str(cleaned["name"])
    person.name_alt = str(cleaned["name_alt"])
    person.title = str(cleaned["title"])
    person.notes = str(cleaned["notes"])
    person.organization = data.organization
    person.language = data.language
    person.met_at = data.met_at
    person.met_on = data.met_on
    person.referred_by = data.referred_by
    person.source = data.source
    if data.consent != person.consent:
        person.consent_at = timezone.now() if data.consent != Person.Consent.UNKNOWN else None
    person.consent = data.consent


def _set_contacts(person: Person, emails: list[str], phones: list[str]) -> None:
    person.emails.all().delete()
    person.phones.all().delete()
    PersonEmail.objects.bulk_create(
        PersonEmail(workspace_id=person.workspace_id, person=person, email=email, is_primary=i == 0)
        for i, email in enumerate(emails)
    )
    PersonPhone.objects.bulk_create(
        PersonPhone(workspace_id=person.workspace_id, person=person, e164=phone) for phone in phones
    )


def _with_organization(
    workspace: Workspace, data: PersonData, organization_name: str | None
) -> PersonData:
    """`data` with its organisation found by name, or added if new, when a name is given (as
    typed in the person form). Inside the person's transaction: it is added only if the person
    is saved too."""
    if organization_name is None:
        return data
    organization = organization_get_or_create(workspace=workspace, name=organization_name)
    return dataclasses.replace(data, organization=organization)


@transaction.atomic
def person_create(
    *, workspace: Workspace, data: PersonData, organization_name: str | None = None
) -> Person:
    """A new person. `organization_name`, when given, takes the place of `data.organization`:
    the workspace's organisation of that name (any case), added if there is none; "" for none."""
    data = _with_organization(workspace, data, organization_name)
    cleaned = _validated(workspace, data)
    person = Person(workspace=workspace)
    _apply(person, data, cleaned)
    person.save()
    _set_contacts(person, cleaned["emails"], cleaned["phones"])  # type: ignore[arg-type]
    person.interests.set(tags_resolve(workspace=workspace, names=data.interests))
    person.groups.set(data.groups)
    search_services.search_index_person(person=person)
    return person


@transaction.atomic
def person_update(
    *, person: Person, data: PersonData, organization_name: str | None = None
) -> Person:
    """Replace the person's fields with `data`; `organization_name` as in person_create."""
    if data.referred_by is not None and data.referred_by.pk == person.pk:
        raise ValidationError(
            {
                "referred_by": [
                    _(
                        "A person cannot be referred by themselves: choose someone else, or leave "
                        "it empty."
                    )
                ]
            }
        )
    data = _with_organization(person.workspace, data, organization_name)
    cleaned = _validated(person.workspace, data)
    names = (person.name, person.name_alt)
    _apply(person, data, cleaned)
    person.save()
    _set_contacts(person, cleaned["emails"], cleaned["phones"])  # type: ignore[arg-type]
    person.interests.set(tags_resolve(workspace=person.workspace, names=data.interests))
    person.groups.set(data.groups)
    search_services.search_index_person(person=person)
    if (person.name, person.name_alt) != names:
        # Their deals are found by their names, and show them.
        search_services.search_refresh_deals(workspace=person.workspace, deals=person.deals.all())
    return person


@transaction.atomic
def person_archive(*, person: Person) -> Person:
    if person.archived_at is None:
        person.archived_at = timezone.now()
        person.save(update_fields=["archived_at", "updated_at"])
        search_services.search_set_archived(person=person, archived=True)
    return person


@transaction.atomic
def person_restore(*, person: Person) -> Person:
    if person.archived_at is not None:
        person.archived_at = None
        person.save(update_fields=["archived_at", "updated_at"])
        search_services.search_set_archived(person=person, archived=False)
    return person


@transaction.atomic
def organization_create(
    *, workspace: Workspace, name: str, website: str = "", notes: str = ""
) -> Organization:
    org = Organization(workspace=workspace)
    return organization_update(organization=org, name=name, website=website, notes=notes)


@transaction.atomic
def organization_update(
    *, organization: Organization, name: str, website: str = "", notes: str = ""
) -> Organization:
    former_name = organization.name
    organization.name = clean_name(name)
    organization.website = clean_text(website, field="website", limit=200)
    organization.notes = clean_text(notes, field="notes")
    organization.full_clean(exclude=["workspace"])
    organization.save()
    search_services.search_index_organization(organization=organization)
    if former_name and organization.name != former_name:
        # Its deals are found by its name, and show it.
        search_services.search_refresh_deals(
            workspace=organization.workspace, deals=organization.deals.all()
        )
    return organization


@transaction.atomic
def organization_get_or_create(*, workspace: Workspace, name: str) -> Organization | None:
    name = clean_name(name, field="organization", required=False)
    if not name:
        return None
    existing = Organization.objects.filter(workspace=workspace, name__iexact=name).first()
    return existing or organization_create(workspace=workspace, name=name)


@transaction.atomic
def organization_delete(*, organization: Organization) -> None:
    """Delete an organisation. Its people stay, without an organisation: their `updated_at`
    moves (API clients syncing by it see the change) and search forgets the name on them."""
    people = list(
        Person.objects.filter(organization=organization).prefetch_related(
            "emails", "phones", "interests"
        )
    )
    Person.objects.filter(organization=organization).update(
        organization=None, updated_at=timezone.now()
    )
    search_services.search_remove(
        kind=SearchDocument.Kind.ORGANIZATION, object_id=organization.public_id
    )
    # Its deals (those with a person too) stay, without it: search forgets the name on them.
    deals = list(organization.deals.values_list("pk", flat=True))
    organization.delete()
    for person in people:
        person.organization = None
        search_services.search_index_person(person=person)
    search_services.search_refresh_deals(workspace=organization.workspace, deals=deals)


@transaction.atomic
def group_create(*, workspace: Workspace, name: str, description: str = "") -> Group:
    return group_update(group=Group(workspace=workspace), name=name, description=description)


@transaction.atomic
def group_update(*, group: Group, name: str, description: str = "") -> Group:
    group.name = clean_name(name)
    group.description = clean_text(description, field="description")
    group.save()
    return group


@transaction.atomic
def group_delete(*, group: Group) -> None:
    """Delete a group. Its members stay, in their other groups; their `updated_at` moves."""
    Person.objects.filter(groups=group).update(updated_at=timezone.now())
    group.delete()


@transaction.atomic
def event_create(
    *,
    workspace: Workspace,
    name: str,
    date: dt.date | None = None,
    location: str = "",
    notes: str = "",
) -> Event:
    return event_update(
        event=Event(workspace=workspace), name=name, date=date, location=location, notes=notes
    )


@transaction.atomic
def event_update(
    *, event: Event, name: str, date: dt.date | None = None, location: str = "", notes: str = ""
) -> Event:
    event.name = clean_name(name)
    event.date = date
    event.location = clean_name(location, field="location", required=False)
    event.notes = clean_text(notes, field="notes")
    event.save()
    return event


@transaction.atomic
def event_delete(*, event: Event) -> None:
    """Delete an event. The people met there and the interactions logged at it stay, without
    the event; their `updated_at` moves."""
    now = timezone.now()
    Person.objects.filter(met_at=event).update(met_at=None, updated_at=now)
    event.interactions.update(event=None, updated_at=now)
    event.delete()
