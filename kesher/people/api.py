"""/api/v1/ resources for people and their directory: organisations, groups, events, tags."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from kesher.api.auth import ApiRequest
from kesher.api.crud import Resource, crud_endpoints
from kesher.api.errors import error_responses, payload_ref, payload_ref_optional
from kesher.api.pagination import Page, PageParams, paginate
from kesher.api.schemas import (
    MAX_ITEMS,
    Email,
    Name,
    OptionalName,
    Phone,
    Ref,
    TagName,
    Text,
    partial_schema,
    ref,
)
from kesher.people import selectors, services
from kesher.people.models import Event, Group, Organization, Person, Tag
from kesher.people.services import PersonData
from kesher.workspaces.models import Workspace

router = Router()

READ_ERRORS = error_responses(404)
WRITE_ERRORS = error_responses(400, 403, 404, 422)
LIST_ERRORS = error_responses(422)
CREATE_ERRORS = error_responses(400, 403, 422)
DELETE_ERRORS = error_responses(403, 404)


# People


class PersonOut(Schema):
    id: uuid.UUID
    name: str
    name_alt: str
    emails: list[str] = Field(description="The first is the primary address.")
    phones: list[str] = Field(description="E.164, such as +972523456789.")
    organization: Ref | None
    title: str
    language: str
    interests: list[str] = Field(description="Tag names: interests and hobbies.")
    groups: list[Ref]
    met_at: Ref | None = Field(description="The event where they were met.")
    met_on: dt.date | None
    referred_by: Ref | None
    source: str
    consent: str
    consent_at: dt.datetime | None
    notes: str
    archived: bool
    archived_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, person: Person) -> PersonOut:
        return cls(
            id=person.public_id,
            name=person.name,
            name_alt=person.name_alt,
            emails=[e.email for e in person.emails.all()],
            phones=[p.e164 for p in person.phones.all()],
            organization=ref(person.organization),
            title=person.title,
            language=person.language,
            interests=[t.name for t in person.interests.all()],
            groups=[Ref(id=g.public_id, name=g.name) for g in person.groups.all()],
            met_at=ref(person.met_at),
            met_on=person.met_on,
            referred_by=ref(person.referred_by),
            source=person.source,
            consent=person.consent,
            consent_at=person.consent_at,
            notes=person.notes,
            archived=person.archived_at is not None,
            archived_at=person.archived_at,
            created_at=person.created_at,
            updated_at=person.updated_at,
        )


class PersonIn(Schema):
    name: Name
    name_alt: OptionalName = Field("", description="The name in the other script.")
    emails: list[Email] = Field([], max_length=MAX_ITEMS, description="The first is primary.")
    phones: list[Phone] = Field(
        [], max_length=MAX_ITEMS, description="Israeli numbers may be local (052-345-6789)."
    )
    organization: uuid.UUID | None = None
    title: OptionalName = ""
    language: Person.Language | None = Field(None, description="Defaults to the workspace's.")
    interests: list[TagName] = Field(
        [], max_length=MAX_ITEMS, description="Tag names; new ones are created."
    )
    groups: list[uuid.UUID] = Field([], max_length=MAX_ITEMS)
    met_at: uuid.UUID | None = Field(None, description="The event where they were met.")
    met_on: dt.date | None = None
    referred_by: uuid.UUID | None = None
    source: Person.Source = Person.Source.MANUAL
    consent: Person.Consent = Person.Consent.UNKNOWN
    notes: Text = ""


if TYPE_CHECKING:
    PersonPatch = PersonIn
else:
    PersonPatch = partial_schema(PersonIn)


class PersonFilters(Schema):
    archived: bool = Field(False, description="Archived people instead of active ones.")
    organization: uuid.UUID | None = None
    group: uuid.UUID | None = None
    tag: uuid.UUID | None = None
    event: uuid.UUID | None = Field(None, description="Met at this event.")
    updated_since: dt.datetime | None = Field(
        None, description="Only people changed at or after this time (for syncing)."
    )


def _person_data(workspace: Workspace, base: PersonData, values: dict[str, Any]) -> PersonData:
    """`base` with the payload's `values` applied, ids resolved inside the workspace."""
    refs = {
        "organization": selectors.organization_get,
        "met_at": selectors.event_get,
        "referred_by": selectors.person_get,
    }
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key in refs:
            value = payload_ref_optional(key, refs[key], workspace=workspace, public_id=value)
        elif key == "groups":
            value = [
                payload_ref(key, selectors.group_get, workspace=workspace, public_id=group_id)
                for group_id in value
            ]
        elif key == "language" and value is None:
            value = workspace.language
        changes[key] = value
    return dataclasses.replace(base, **changes)


def _current_data(person: Person) -> PersonData:
    return PersonData(
        name=person.name,
        name_alt=person.name_alt,
        emails=[e.email for e in person.emails.all()],
        phones=[p.e164 for p in person.phones.all()],
        organization=person.organization,
        title=person.title,
        language=person.language,
        interests=[t.name for t in person.interests.all()],
        groups=list(person.groups.all()),
        met_at=person.met_at,
        met_on=person.met_on,
        referred_by=person.referred_by,
        source=person.source,
        consent=person.consent,
        notes=person.notes,
    )


def _person_out(request: ApiRequest, person: Person) -> PersonOut:
    # Re-read after a write: the services replace emails, phones and tags behind the instance.
    return PersonOut.of(
        selectors.person_get(workspace=request.auth.workspace, public_id=person.public_id)
    )


@router.get(
    "/people", response={200: Page[PersonOut], **LIST_ERRORS}, tags=["people"], summary="People"
)
def person_list(
    request: ApiRequest, filters: Query[PersonFilters], page: Query[PageParams]
) -> Page[PersonOut]:
    workspace = request.auth.workspace
    people = selectors.person_list_full(
        workspace=workspace,
        archived=filters.archived,
        organization=payload_ref_optional(
            "organization",
            selectors.organization_get,
            workspace=workspace,
            public_id=filters.organization,
        ),
        group=payload_ref_optional(
            "group", selectors.group_get, workspace=workspace, public_id=filters.group
        ),
        tag=payload_ref_optional(
            "tag", selectors.tag_get, workspace=workspace, public_id=filters.tag
        ),
        event=payload_ref_optional(
            "event", selectors.event_get, workspace=workspace, public_id=filters.event
        ),
        updated_since=filters.updated_since,
    )
    return paginate(people, page, PersonOut.of)


@router.post(
    "/people", response={201: PersonOut, **CREATE_ERRORS}, tags=["people"], summary="Add a person"
)
def person_create(request: ApiRequest, payload: PersonIn) -> Status[PersonOut]:
    workspace = request.auth.workspace
    data = _person_data(workspace, PersonData(name=""), payload.model_dump())
    person = services.person_create(workspace=workspace, data=data)
    return Status(201, _person_out(request, person))


@router.get("/people/{person_id}", response={200: PersonOut, **READ_ERRORS}, tags=["people"])
def person_get(request: ApiRequest, person_id: uuid.UUID) -> PersonOut:
    return PersonOut.of(selectors.person_get(workspace=request.auth.workspace, public_id=person_id))


@router.put(
    "/people/{person_id}",
    response={200: PersonOut, **WRITE_ERRORS},
    tags=["people"],
    summary="Replace a person (fields left out are cleared)",
)
def person_replace(request: ApiRequest, person_id: uuid.UUID, payload: PersonIn) -> PersonOut:
    workspace = request.auth.workspace
    person = selectors.person_get(workspace=workspace, public_id=person_id)
    data = _person_data(workspace, PersonData(name=""), payload.model_dump())
    return _person_out(request, services.person_update(person=person, data=data))


@router.patch(
    "/people/{person_id}",
    response={200: PersonOut, **WRITE_ERRORS},
    tags=["people"],
    summary="Change some of a person's fields",
)
def person_patch(request: ApiRequest, person_id: uuid.UUID, payload: PersonPatch) -> PersonOut:
    workspace = request.auth.workspace
    person = selectors.person_get(workspace=workspace, public_id=person_id)
    values = payload.model_dump(include=payload.model_fields_set)
    data = _person_data(workspace, _current_data(person), values)
    return _person_out(request, services.person_update(person=person, data=data))


@router.post(
    "/people/{person_id}/archive",
    response={200: PersonOut, **WRITE_ERRORS},
    tags=["people"],
    summary="Archive a person (restorable)",
)
def person_archive(request: ApiRequest, person_id: uuid.UUID) -> PersonOut:
    person = selectors.person_get(workspace=request.auth.workspace, public_id=person_id)
    return _person_out(request, services.person_archive(person=person))


@router.post(
    "/people/{person_id}/restore",
    response={200: PersonOut, **WRITE_ERRORS},
    tags=["people"],
    summary="Restore an archived person",
)
def person_restore(request: ApiRequest, person_id: uuid.UUID) -> PersonOut:
    person = selectors.person_get(workspace=request.auth.workspace, public_id=person_id)
    return _person_out(request, services.person_restore(person=person))


# Organisations


class OrganizationOut(Schema):
    id: uuid.UUID
    name: str
    website: str
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, org: Organization) -> OrganizationOut:
        return cls(
            id=org.public_id,
            name=org.name,
            website=org.website,
            notes=org.notes,
            created_at=org.created_at,
            updated_at=org.updated_at,
        )


class OrganizationIn(Schema):
    name: Name
    website: str = Field("", max_length=200, description="A full address: https://…")
    notes: Text = ""


if TYPE_CHECKING:
    OrganizationPatch = OrganizationIn
else:
    OrganizationPatch = partial_schema(OrganizationIn)


# Groups


class GroupOut(Schema):
    id: uuid.UUID
    name: str
    description: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, group: Group) -> GroupOut:
        return cls(
            id=group.public_id,
            name=group.name,
            description=group.description,
            created_at=group.created_at,
            updated_at=group.updated_at,
        )


class GroupIn(Schema):
    name: Name
    description: Text = ""


if TYPE_CHECKING:
    GroupPatch = GroupIn
else:
    GroupPatch = partial_schema(GroupIn)


# Events


class EventOut(Schema):
    id: uuid.UUID
    name: str
    date: dt.date | None
    location: str
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, event: Event) -> EventOut:
        return cls(
            id=event.public_id,
            name=event.name,
            date=event.date,
            location=event.location,
            notes=event.notes,
            created_at=event.created_at,
            updated_at=event.updated_at,
        )


class EventIn(Schema):
    name: Name
    date: dt.date | None = None
    location: OptionalName = ""
    notes: Text = ""


if TYPE_CHECKING:
    EventPatch = EventIn
else:
    EventPatch = partial_schema(EventIn)


crud_endpoints(
    router,
    __name__,
    Resource(
        name="organization",
        path="/organizations",
        tag="organizations",
        out=OrganizationOut,
        build=OrganizationOut.of,
        payload=OrganizationIn,
        change=OrganizationIn,
        patch=OrganizationPatch,
        get=selectors.organization_get,
        items=lambda request, _: selectors.organization_list(workspace=request.auth.workspace),
        create=lambda request, payload: services.organization_create(
            workspace=request.auth.workspace, **payload.model_dump()
        ),
        update=lambda org, values: services.organization_update(organization=org, **values),
        delete=lambda org: services.organization_delete(organization=org),
        summaries={
            "delete": "Delete an organisation; the people who work there are kept, without it"
        },
    ),
)
crud_endpoints(
    router,
    __name__,
    Resource(
        name="group",
        path="/groups",
        tag="groups",
        out=GroupOut,
        build=GroupOut.of,
        payload=GroupIn,
        change=GroupIn,
        patch=GroupPatch,
        get=selectors.group_get,
        items=lambda request, _: selectors.group_list(workspace=request.auth.workspace),
        create=lambda request, payload: services.group_create(
            workspace=request.auth.workspace, **payload.model_dump()
        ),
        update=lambda group, values: services.group_update(group=group, **values),
        delete=lambda group: services.group_delete(group=group),
        summaries={"delete": "Delete a group; its members are kept"},
    ),
)
crud_endpoints(
    router,
    __name__,
    Resource(
        name="event",
        path="/events",
        tag="events",
        out=EventOut,
        build=EventOut.of,
        payload=EventIn,
        change=EventIn,
        patch=EventPatch,
        get=selectors.event_get,
        items=lambda request, _: selectors.event_list(workspace=request.auth.workspace),
        create=lambda request, payload: services.event_create(
            workspace=request.auth.workspace, **payload.model_dump()
        ),
        update=lambda event, values: services.event_update(event=event, **values),
        delete=lambda event: services.event_delete(event=event),
        summaries={
            "delete": "Delete an event; the people met there and its interactions are kept, "
            "without it"
        },
    ),
)


# Tags


class TagOut(Schema):
    id: uuid.UUID
    name: str

    @classmethod
    def of(cls, tag: Tag) -> TagOut:
        return cls(id=tag.public_id, name=tag.name)


@router.get(
    "/tags",
    response={200: Page[TagOut], **LIST_ERRORS},
    tags=["tags"],
    summary="Tags (interests, hobbies, topics); created by naming them on people, needs, offers",
)
def tag_list(request: ApiRequest, page: Query[PageParams]) -> Page[TagOut]:
    return paginate(selectors.tag_list(workspace=request.auth.workspace), page, TagOut.of)
