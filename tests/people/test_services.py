"""kesher/people/services.py: people, organisations, groups, events and tags."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kesher.people.models import Event, Group, Organization, Person, PersonEmail, PersonPhone, Tag
from kesher.people.services import (
    PersonData,
    event_create,
    event_delete,
    group_create,
    group_delete,
    organization_create,
    organization_delete,
    organization_get_or_create,
    person_archive,
    person_create,
    person_restore,
    person_update,
    tags_resolve,
)
from kesher.search.models import SearchDocument
from tests.factories import (
    EventFactory,
    GroupFactory,
    InteractionFactory,
    OrganizationFactory,
    PersonFactory,
)


def counts() -> tuple[int, int, int, int, int]:
    return (
        Person.objects.count(),
        PersonEmail.objects.count(),
        PersonPhone.objects.count(),
        Organization.objects.count(),
        Tag.objects.count(),
    )


def test_person_create_cleans_and_stores_everything(workspace):
    org = OrganizationFactory(workspace=workspace, name="Adventure Ltd")
    group = GroupFactory(workspace=workspace, name="Adventure trips")
    event = EventFactory(workspace=workspace, name="Networking evening")
    referrer = PersonFactory(workspace=workspace, name="Yossi")

    person = person_create(
        workspace=workspace,
        data=PersonData(
            name="  דני   כהן ",
            name_alt="Dani Cohen",
            emails=["Dani@Example.com", "", "dani@example.com", "dani@work.example.com"],
            phones=["052-345-6789", "+972 52 345 6789", "+44 20 7946 0958"],
            organization=org,
            title="CEO",
            language="en",
            interests=["Jeeps", "jeeps ", "Adventure trips"],
            groups=[group],
            met_at=event,
            met_on=dt.date(2024, 5, 1),
            referred_by=referrer,
            source=Person.Source.EVENT,
            consent=Person.Consent.GRANTED,
            notes="  Loves adventure trips.  ",
        ),
    )

    person.refresh_from_db()
    assert person.name == "דני כהן"
    assert person.name_alt == "Dani Cohen"
    assert [(e.email, e.is_primary) for e in person.emails.all()] == [
        ("dani@example.com", True),
        ("dani@work.example.com", False),
    ]
    assert [p.e164 for p in person.phones.all()] == ["+972523456789", "+442079460958"]
    assert person.organization == org
    assert person.title == "CEO"
    assert person.language == "en"
    assert sorted(t.name for t in person.interests.all()) == ["Adventure trips", "Jeeps"]
    assert list(person.groups.all()) == [group]
    assert person.met_at == event
    assert person.met_on == dt.date(2024, 5, 1)
    assert person.referred_by == referrer
    assert person.source == "event"
    assert person.consent == "granted"
    assert person.consent_at is not None
    assert person.notes == "Loves adventure trips."
    document = SearchDocument.objects.get(kind="person", object_id=person.public_id)
    assert document.title == "דני כהן (Dani Cohen)"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "A name is required: type at least one letter."),
        ({"name": "   \t "}, "name", "A name is required: type at least one letter."),
        ({"name": "x" * 201}, "name", "This is too long: at most 200 characters."),
        (
            {"emails": ["dani@example"]},
            "emails",
            "“dani@example” is not a valid email address: check it looks like name@example.com.",
        ),
        (
            {"phones": ["123"]},
            "phones",
            "“123” is not a valid phone number: write an Israeli number such as 052-345-6789, "
            "or an international one starting with + and the country code.",
        ),
        (
            {"notes": "x" * 10_001},
            "notes",
            "This text is too long (10001 characters): at most 10000.",
        ),
        ({"language": "fr"}, "language", "Choose Hebrew or English."),
        (
            {"source": "fax"},
            "source",
            "Unknown source: use one of “manual”, “event”, “referral”, “web_form”, “import”.",
        ),
        (
            {"consent": "maybe"},
            "consent",
            "Unknown consent value: use one of “unknown”, “granted”, “declined”.",
        ),
    ],
)
def test_person_create_refuses_bad_input_and_writes_nothing(workspace, changes, field, message):
    before = counts()
    data = PersonData(**{"name": "Dani", "emails": ["dani@example.com"], **changes})

    with pytest.raises(ValidationError) as caught:
        person_create(workspace=workspace, data=data)

    assert caught.value.message_dict == {field: [message]}
    assert counts() == before


def test_person_create_reports_every_bad_field_at_once(workspace):
    with pytest.raises(ValidationError) as caught:
        person_create(
            workspace=workspace, data=PersonData(name=" ", emails=["nope"], phones=["123"])
        )

    assert sorted(caught.value.message_dict) == ["emails", "name", "phones"]


def test_person_create_refuses_a_group_of_another_workspace(workspace, other_workspace):
    before = counts()
    foreign = GroupFactory(workspace=other_workspace)

    with pytest.raises(ValidationError) as caught:
        person_create(workspace=workspace, data=PersonData(name="Dani", groups=[foreign]))

    assert caught.value.messages == [
        "A linked record belongs to another workspace: choose one from this workspace."
    ]
    assert counts() == before


def test_person_update_replaces_contacts_and_tags(workspace):
    person = person_create(
        workspace=workspace,
        data=PersonData(
            name="Dani", emails=["a@example.com"], phones=["0523456789"], interests=["jeeps"]
        ),
    )

    person_update(
        person=person,
        data=PersonData(
            name="Dani Cohen",
            emails=["b@example.com", "a@example.com"],
            phones=[],
            interests=["basketball"],
        ),
    )

    person.refresh_from_db()
    assert person.name == "Dani Cohen"
    assert [(e.email, e.is_primary) for e in person.emails.all()] == [
        ("b@example.com", True),
        ("a@example.com", False),
    ]
    assert list(person.phones.all()) == []
    assert [t.name for t in person.interests.all()] == ["basketball"]


def test_person_update_with_bad_input_changes_nothing(workspace):
    person = person_create(
        workspace=workspace, data=PersonData(name="Dani", phones=["052-345-6789"])
    )

    with pytest.raises(ValidationError) as caught:
        person_update(person=person, data=PersonData(name="Dani", phones=["123"]))

    assert list(caught.value.message_dict) == ["phones"]
    person.refresh_from_db()
    assert [p.e164 for p in person.phones.all()] == ["+972523456789"]


def test_person_update_refuses_self_referral(workspace):
    person = PersonFactory(workspace=workspace, name="Dani")

    with pytest.raises(ValidationError) as caught:
        person_update(person=person, data=PersonData(name="Dani", referred_by=person))

    assert caught.value.message_dict == {
        "referred_by": [
            "A person cannot be referred by themselves: choose someone else, or leave it empty."
        ]
    }
    person.refresh_from_db()
    assert person.referred_by is None


def test_person_archive_and_restore(workspace):
    person = person_create(workspace=workspace, data=PersonData(name="Dani"))
    document = SearchDocument.objects.get(kind="person", object_id=person.public_id)

    person_archive(person=person)
    archived_at = Person.objects.get(pk=person.pk).archived_at
    person_archive(person=person)

    assert archived_at is not None
    assert Person.objects.get(pk=person.pk).archived_at == archived_at
    document.refresh_from_db()
    assert document.archived is True

    person_restore(person=person)

    assert Person.objects.get(pk=person.pk).archived_at is None
    document.refresh_from_db()
    assert document.archived is False


def test_tags_resolve_reuses_tags_across_spellings(workspace, other_workspace):
    first = tags_resolve(workspace=workspace, names=["Jeeps", "  ", "basketball"])
    again = tags_resolve(workspace=workspace, names=["JEEPS", "Basketball", "trips"])
    foreign = tags_resolve(workspace=other_workspace, names=["Jeeps"])

    assert [t.name for t in first] == ["Jeeps", "basketball"]
    assert [t.pk for t in again[:2]] == [t.pk for t in first]
    assert again[2].name == "trips"
    assert foreign[0].pk != first[0].pk
    assert Tag.objects.filter(workspace=workspace).count() == 3


def test_organization_get_or_create_matches_names_case_insensitively(workspace):
    existing = organization_create(workspace=workspace, name="Adventure Ltd")

    assert organization_get_or_create(workspace=workspace, name=" adventure LTD ") == existing
    assert organization_get_or_create(workspace=workspace, name="   ") is None
    created = organization_get_or_create(workspace=workspace, name="Jeep Club")
    assert created is not None
    assert created.name == "Jeep Club"
    assert Organization.objects.filter(workspace=workspace).count() == 2


def test_organization_get_or_create_never_reuses_another_workspaces(workspace, other_workspace):
    foreign = organization_create(workspace=other_workspace, name="Adventure Ltd")

    mine = organization_get_or_create(workspace=workspace, name="Adventure Ltd")

    assert mine is not None
    assert mine.pk != foreign.pk
    assert mine.workspace == workspace


def test_organization_create_refuses_an_empty_name(workspace):
    with pytest.raises(ValidationError) as caught:
        organization_create(workspace=workspace, name="  ")

    assert caught.value.message_dict == {"name": ["A name is required: type at least one letter."]}
    assert Organization.objects.count() == 0


def test_group_and_event_create(workspace):
    group = group_create(workspace=workspace, name=" Adventure  trips ", description="Jeeps")
    event = event_create(
        workspace=workspace, name="Networking evening", date=dt.date(2024, 5, 1), location="TLV"
    )

    assert (group.name, group.description) == ("Adventure trips", "Jeeps")
    assert (event.name, event.date, event.location) == (
        "Networking evening",
        dt.date(2024, 5, 1),
        "TLV",
    )


def test_group_and_event_create_refuse_empty_names(workspace):
    with pytest.raises(ValidationError):
        group_create(workspace=workspace, name="")
    with pytest.raises(ValidationError):
        event_create(workspace=workspace, name=" ")

    assert Group.objects.count() == 0
    assert Event.objects.count() == 0


# The organisation typed by name in the person form


def test_person_create_finds_or_adds_the_organisation_named(workspace):
    existing = organization_create(workspace=workspace, name="Adventure Ltd")

    dani = person_create(
        workspace=workspace, data=PersonData(name="Dani"), organization_name=" adventure LTD "
    )
    avi = person_create(
        workspace=workspace, data=PersonData(name="Avi"), organization_name="Jeep Club"
    )
    uri = person_create(
        workspace=workspace,
        data=PersonData(name="Uri", organization=existing),
        organization_name="",
    )

    assert dani.organization == existing
    assert avi.organization is not None
    assert (avi.organization.name, avi.organization.workspace) == ("Jeep Club", workspace)
    assert uri.organization is None
    assert sorted(Organization.objects.values_list("name", flat=True)) == [
        "Adventure Ltd",
        "Jeep Club",
    ]


def test_an_organisation_named_for_a_refused_person_is_not_added(workspace):
    dani = PersonFactory(workspace=workspace, name="Dani")

    with pytest.raises(ValidationError) as created:
        person_create(
            workspace=workspace,
            data=PersonData(name="Avi", emails=["not an email"]),
            organization_name="Jeep Club",
        )
    with pytest.raises(ValidationError) as updated:
        person_update(person=dani, data=PersonData(name=" "), organization_name="Adventure Ltd")

    assert list(created.value.message_dict) == ["emails"]
    assert list(updated.value.message_dict) == ["name"]
    assert Organization.objects.count() == 0
    dani.refresh_from_db()
    assert (dani.name, dani.organization) == ("Dani", None)


def test_person_update_moves_the_person_to_the_organisation_named(workspace):
    old = organization_create(workspace=workspace, name="Adventure Ltd")
    dani = person_create(workspace=workspace, data=PersonData(name="Dani", organization=old))

    person_update(person=dani, data=PersonData(name="Dani"), organization_name="Jeep Club")

    dani.refresh_from_db()
    assert dani.organization is not None
    assert dani.organization.name == "Jeep Club"
    assert Organization.objects.count() == 2


# Deleting organisations, groups and events


def test_organization_delete_keeps_its_people_without_it(workspace):
    org = organization_create(workspace=workspace, name="Adventure Ltd")
    other = organization_create(workspace=workspace, name="Jeep Club")
    dani = person_create(workspace=workspace, data=PersonData(name="Dani", organization=org))
    avi = person_create(workspace=workspace, data=PersonData(name="Avi", organization=other))
    stamp = Person.objects.get(pk=dani.pk).updated_at

    organization_delete(organization=org)

    dani.refresh_from_db()
    avi.refresh_from_db()
    assert (dani.organization, avi.organization) == (None, other)
    assert dani.updated_at > stamp
    assert list(Organization.objects.values_list("name", flat=True)) == ["Jeep Club"]
    assert not SearchDocument.objects.filter(
        kind=SearchDocument.Kind.ORGANIZATION, object_id=org.public_id
    ).exists()
    document = SearchDocument.objects.get(kind=SearchDocument.Kind.PERSON, person=dani)
    assert "adventure" not in set(document.terms.values_list("term", flat=True))
    assert document.snippet == ""


def test_group_delete_keeps_its_members_in_their_other_groups(workspace):
    trips = GroupFactory(workspace=workspace, name="Adventure trips")
    basketball = GroupFactory(workspace=workspace, name="Basketball")
    dani = person_create(
        workspace=workspace, data=PersonData(name="Dani", groups=[trips, basketball])
    )
    stamp = Person.objects.get(pk=dani.pk).updated_at

    group_delete(group=trips)

    dani.refresh_from_db()
    assert list(dani.groups.all()) == [basketball]
    assert dani.updated_at > stamp
    assert list(Group.objects.all()) == [basketball]


def test_event_delete_keeps_the_people_and_interactions_of_it(workspace):
    event = EventFactory(workspace=workspace, name="Networking evening")
    dani = person_create(workspace=workspace, data=PersonData(name="Dani", met_at=event))
    talk = InteractionFactory(workspace=workspace, event=event, participants=[dani])
    stamp = Person.objects.get(pk=dani.pk).updated_at

    event_delete(event=event)

    dani.refresh_from_db()
    talk.refresh_from_db()
    assert (dani.met_at, talk.event) == (None, None)
    assert dani.updated_at > stamp
    assert Event.objects.count() == 0
