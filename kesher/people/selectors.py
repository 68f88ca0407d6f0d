"""Reads for people and their directory objects. Every query is scoped to one workspace."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TypeVar

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from kesher.core.exceptions import NotFoundError, as_uuid
from kesher.people.models import Event, Group, Organization, Person, PersonEmail, PersonPhone, Tag
from kesher.workspaces.models import Workspace


def _people(
    *,
    workspace: Workspace,
    archived: bool,
    organization: Organization | None,
    group: Group | None,
    tag: Tag | None,
    event: Event | None,
) -> QuerySet[Person]:
    people = Person.objects.filter(workspace=workspace, archived_at__isnull=not archived)
    if organization is not None:
        people = people.filter(organization=organization)
    if group is not None:
        people = people.filter(groups=group)
    if tag is not None:
        people = people.filter(interests=tag)
    if event is not None:
        people = people.filter(met_at=event)
    return people.order_by("name", "id")


def person_list(
    *,
    workspace: Workspace,
    archived: bool = False,
    organization: Organization | None = None,
    group: Group | None = None,
    tag: Tag | None = None,
    event: Event | None = None,
) -> QuerySet[Person]:
    """People for list pages and the API, with what a row shows loaded in bulk."""
    people = _people(
        workspace=workspace,
        archived=archived,
        organization=organization,
        group=group,
        tag=tag,
        event=event,
    )
    return people.select_related("organization").prefetch_related(
        Prefetch("emails", queryset=PersonEmail.objects.order_by("-is_primary", "id")),
        Prefetch("phones", queryset=PersonPhone.objects.order_by("id")),
        "interests",
    )


def person_rows(
    *,
    workspace: Workspace,
    archived: bool = False,
    organization: Organization | None = None,
    group: Group | None = None,
    tag: Tag | None = None,
    event: Event | None = None,
) -> QuerySet[Person]:
    """person_list for the people page, with only the columns a row shows, and each person's
    emails (primary first), phones and interests in the lists `email_list`, `phone_list` and
    `interest_list`. A prefetch into a plain list skips building a related manager and a
    queryset per person and relation, which costs more than the queries themselves."""
    people = _people(
        workspace=workspace,
        archived=archived,
        organization=organization,
        group=group,
        tag=tag,
        event=event,
    )
    return (
        people.select_related("organization")
        .only("public_id", "name", "name_alt", "title", "organization__name")
        .prefetch_related(
            Prefetch(
                "emails",
                queryset=PersonEmail.objects.only("person_id", "email").order_by(
                    "-is_primary", "id"
                ),
                to_attr="email_list",
            ),
            Prefetch(
                "phones",
                queryset=PersonPhone.objects.only("person_id", "e164").order_by("id"),
                to_attr="phone_list",
            ),
            Prefetch(
                "interests",
                queryset=Tag.objects.only("name").order_by("name"),
                to_attr="interest_list",
            ),
        )
    )


def person_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> Person:
    """One person of this workspace with everything the person page shows, or NotFoundError."""
    people = (
        Person.objects.filter(
            workspace=workspace, public_id=as_uuid(public_id, not_found=_("Not found."))
        )
        .select_related("organization", "met_at", "referred_by", "membership__user")
        .prefetch_related("emails", "phones", "interests", "groups")
    )
    # get() rather than first(): the public id is unique, and without first()'s ORDER BY the
    # compiler skips matching the ordering against each of the ~70 selected columns.
    try:
        return people.get()
    except Person.DoesNotExist:
        raise NotFoundError(_("Person not found.")) from None


def person_page_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> Person:
    """person_get for the person page: only the columns the page shows, of the person, their
    organisation, the event they were met at, their referrer, and of their emails, phones,
    interests, groups and the people they referred (`referrals`). Django compiles every
    selected column of every query; the full rows cost several times the page's own work."""
    people = (
        Person.objects.filter(
            workspace=workspace, public_id=as_uuid(public_id, not_found=_("Not found."))
        )
        .select_related("organization", "met_at", "referred_by")
        .only(
            "public_id",
            "workspace",
            "name",
            "name_alt",
            "title",
            "language",
            "met_on",
            "consent",
            "consent_at",
            "notes",
            "archived_at",
            "organization__public_id",
            "organization__name",
            "met_at__public_id",
            "met_at__name",
            "referred_by__public_id",
            "referred_by__name",
        )
        .prefetch_related(
            Prefetch("emails", queryset=PersonEmail.objects.only("person_id", "email")),
            Prefetch("phones", queryset=PersonPhone.objects.only("person_id", "e164")),
            Prefetch("interests", queryset=Tag.objects.only("public_id", "name")),
            Prefetch("groups", queryset=Group.objects.only("public_id", "name")),
            Prefetch(
                "referrals", queryset=Person.objects.only("public_id", "name", "referred_by_id")
            ),
        )
    )
    try:
        return people.get()
    except Person.DoesNotExist:
        raise NotFoundError(_("Person not found.")) from None


M = TypeVar("M", Organization, Group, Event, Tag)


def _get(model: type[M], workspace: Workspace, public_id: uuid.UUID | str, message: str) -> M:
    obj = model._default_manager.filter(
        workspace=workspace, public_id=as_uuid(public_id, not_found=message)
    ).first()
    if obj is None:
        raise NotFoundError(message)
    return obj


def organization_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> Organization:
    return _get(Organization, workspace, public_id, _("Organisation not found."))


def group_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> Group:
    return _get(Group, workspace, public_id, _("Group not found."))


def event_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> Event:
    return _get(Event, workspace, public_id, _("Event not found."))


def tag_get(*, workspace: Workspace, public_id: uuid.UUID | str) -> Tag:
    return _get(Tag, workspace, public_id, _("Tag not found."))


def organization_list(*, workspace: Workspace) -> QuerySet[Organization]:
    return (
        Organization.objects.filter(workspace=workspace)
        .annotate(people_count=Count("people"))
        .order_by("name", "id")
    )


def group_list(*, workspace: Workspace) -> QuerySet[Group]:
    return (
        Group.objects.filter(workspace=workspace)
        .annotate(members_count=Count("members"))
        .order_by("name", "id")
    )


def event_list(*, workspace: Workspace) -> QuerySet[Event]:
    return (
        Event.objects.filter(workspace=workspace)
        .annotate(people_count=Count("people_met"))
        .order_by("-date", "name", "id")
    )


def tag_list(*, workspace: Workspace) -> QuerySet[Tag]:
    return Tag.objects.filter(workspace=workspace).order_by("name")


def person_list_full(
    *,
    workspace: Workspace,
    archived: bool = False,
    organization: Organization | None = None,
    group: Group | None = None,
    tag: Tag | None = None,
    event: Event | None = None,
    updated_since: dt.datetime | None = None,
) -> QuerySet[Person]:
    """person_list with everything the API's person resource shows (groups, the event and the
    referrer) loaded in bulk, and the sync filter `updated_since`."""
    people = person_list(
        workspace=workspace,
        archived=archived,
        organization=organization,
        group=group,
        tag=tag,
        event=event,
    )
    if updated_since is not None:
        people = people.filter(updated_at__gte=updated_since)
    return people.select_related("met_at", "referred_by").prefetch_related("groups")
