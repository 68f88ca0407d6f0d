"""/api/v1/people, organizations, groups, events and tags (kesher/people/api.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesher.people.models import Event, Group, Organization, Person, PersonEmail, PersonPhone, Tag
from kesher.people.services import PersonData, person_archive, person_create
from kesher.workspaces.models import Membership
from tests.api.conftest import iso
from tests.factories import (
    EventFactory,
    GroupFactory,
    OrganizationFactory,
    PersonFactory,
    TagFactory,
)


def member_person(workspace) -> Person:
    person = Membership.objects.get(workspace=workspace).person
    assert person is not None
    return person


@pytest.fixture
def directory(workspace):
    return {
        "org": OrganizationFactory(workspace=workspace, name="Adventure Ltd"),
        "group": GroupFactory(workspace=workspace, name="Adventure trips"),
        "event": EventFactory(workspace=workspace, name="Networking evening"),
        "referrer": PersonFactory(workspace=workspace, name="Yossi"),
    }


def full_payload(directory) -> dict:
    return {
        "name": "  דני   כהן ",
        "name_alt": "Dani Cohen",
        "emails": ["Dani@Example.com", "dani@work.example.com"],
        "phones": ["052-345-6789"],
        "organization": str(directory["org"].public_id),
        "title": "CEO",
        "language": "en",
        "interests": ["Jeeps", "Adventure trips"],
        "groups": [str(directory["group"].public_id)],
        "met_at": str(directory["event"].public_id),
        "met_on": "2024-05-01",
        "referred_by": str(directory["referrer"].public_id),
        "source": "event",
        "consent": "granted",
        "notes": "Loves adventure trips.",
    }


def test_person_create_stores_and_returns_everything(api, workspace, directory):
    response = api.post("/people", full_payload(directory))

    assert response.status_code == 201
    person = Person.objects.get(workspace=workspace, name="דני כהן")
    assert response.json() == {
        "id": str(person.public_id),
        "name": "דני כהן",
        "name_alt": "Dani Cohen",
        "emails": ["dani@example.com", "dani@work.example.com"],
        "phones": ["+972523456789"],
        "organization": {"id": str(directory["org"].public_id), "name": "Adventure Ltd"},
        "title": "CEO",
        "language": "en",
        "interests": ["Adventure trips", "Jeeps"],
        "groups": [{"id": str(directory["group"].public_id), "name": "Adventure trips"}],
        "met_at": {"id": str(directory["event"].public_id), "name": "Networking evening"},
        "met_on": "2024-05-01",
        "referred_by": {"id": str(directory["referrer"].public_id), "name": "Yossi"},
        "source": "event",
        "consent": "granted",
        "consent_at": iso(person.consent_at),
        "notes": "Loves adventure trips.",
        "archived": False,
        "archived_at": None,
        "created_at": iso(person.created_at),
        "updated_at": iso(person.updated_at),
    }
    assert person.consent_at is not None
    assert list(person.emails.values_list("email", "is_primary")) == [
        ("dani@example.com", True),
        ("dani@work.example.com", False),
    ]


def test_person_create_with_only_a_name_uses_the_workspace_language(api, workspace):
    workspace.language = "en"
    workspace.save()

    response = api.post("/people", {"name": "Dana"})

    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["language"], body["emails"], body["groups"]) == (
        "Dana",
        "en",
        [],
        [],
    )
    assert (body["source"], body["consent"], body["organization"]) == ("manual", "unknown", None)


def test_person_get_returns_the_person(api, workspace, directory):
    person = person_create(
        workspace=workspace,
        data=PersonData(
            name="Dana",
            emails=["dana@example.com"],
            organization=directory["org"],
            groups=[directory["group"]],
            interests=["jeeps"],
        ),
    )

    response = api.get(f"/people/{person.public_id}")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(person.public_id)
    assert body["name"] == "Dana"
    assert body["emails"] == ["dana@example.com"]
    assert body["organization"] == {"id": str(directory["org"].public_id), "name": "Adventure Ltd"}
    assert body["groups"] == [{"id": str(directory["group"].public_id), "name": "Adventure trips"}]
    assert body["interests"] == ["jeeps"]


def test_person_list_shows_active_people_by_name_with_a_count(api, workspace):
    for name in ("Zohar", "Avi", "Miri"):
        PersonFactory(workspace=workspace, name=name)
    person_archive(person=PersonFactory(workspace=workspace, name="Archived"))

    response = api.get("/people")

    assert response.status_code == 200
    expected = sorted(["Avi", "Miri", "Zohar", member_person(workspace).name])
    assert [item["name"] for item in response.json()["items"]] == expected
    assert response.json()["count"] == 4


def test_person_list_pages_with_limit_and_offset(api, workspace):
    Person.objects.filter(workspace=workspace).delete()
    for name in ("A", "B", "C", "D", "E"):
        PersonFactory(workspace=workspace, name=name)

    response = api.get("/people", {"limit": 2, "offset": 2})

    assert response.status_code == 200
    assert [item["name"] for item in response.json()["items"]] == ["C", "D"]
    assert response.json()["count"] == 5


def test_person_list_page_size_is_capped(api, settings):
    response = api.get("/people", {"limit": settings.KESHER_API_PAGE_SIZE_MAX + 1})

    assert response.status_code == 422
    assert response.json()["errors"] == {"limit": ["This must be at most 200."]}


def test_person_list_archived_filter(api, workspace):
    archived = person_archive(person=PersonFactory(workspace=workspace, name="Gone"))

    response = api.get("/people", {"archived": "true"})

    assert [item["id"] for item in response.json()["items"]] == [str(archived.public_id)]
    assert response.json()["items"][0]["archived"] is True
    assert response.json()["items"][0]["archived_at"] == iso(archived.archived_at)


def test_person_list_filters_by_organization_group_tag_and_event(api, workspace, directory):
    in_org = PersonFactory(workspace=workspace, name="Org", organization=directory["org"])
    in_group = PersonFactory(workspace=workspace, name="Group")
    in_group.groups.add(directory["group"])
    tag = TagFactory(workspace=workspace, name="jeeps")
    tagged = PersonFactory(workspace=workspace, name="Tagged")
    tagged.interests.add(tag)
    met = PersonFactory(workspace=workspace, name="Met", met_at=directory["event"])

    def ids(**params):
        return [item["id"] for item in api.get("/people", params).json()["items"]]

    assert ids(organization=directory["org"].public_id) == [str(in_org.public_id)]
    assert ids(group=directory["group"].public_id) == [str(in_group.public_id)]
    assert ids(tag=tag.public_id) == [str(tagged.public_id)]
    assert ids(event=directory["event"].public_id) == [str(met.public_id)]


def test_person_list_updated_since_filter(api, workspace):
    old = PersonFactory(workspace=workspace, name="Old")
    Person.objects.filter(workspace=workspace).update(
        updated_at=timezone.now() - dt.timedelta(days=2)
    )
    fresh = PersonFactory(workspace=workspace, name="Fresh")
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()

    response = api.get("/people", {"updated_since": since})

    ids = [item["id"] for item in response.json()["items"]]
    assert ids == [str(fresh.public_id)]
    assert str(old.public_id) not in ids


def test_person_list_unknown_filter_id_is_invalid(api, workspace):
    response = api.get("/people", {"group": "6f1c1c5e-0b7a-4a55-9d0c-5d1f0a3e8b11"})

    assert response.status_code == 422
    assert response.json() == {
        "detail": "group: Group not found.",
        "code": "invalid",
        "errors": {"group": ["Group not found."]},
    }


def test_person_list_query_count_does_not_grow_with_page_size(api, workspace, directory):
    for i in range(50):
        person_create(
            workspace=workspace,
            data=PersonData(
                name=f"Person {i:02d}",
                emails=[f"p{i}@example.com"],
                phones=[f"052-345-67{i:02d}"],
                organization=directory["org"],
                interests=["jeeps", f"tag {i}"],
                groups=[directory["group"]],
                met_at=directory["event"],
                referred_by=directory["referrer"],
            ),
        )
    # The first call records the token's use; later ones within a minute do not.
    api.get("/me")

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api.get("/people", {"limit": limit})
        assert len(response.json()["items"]) == limit
        return len(captured)

    assert queries(5) == queries(50)


def test_person_replace_clears_what_is_left_out(api, workspace, directory):
    person = person_create(
        workspace=workspace,
        data=PersonData(
            name="Dana",
            title="CTO",
            emails=["dana@example.com"],
            phones=["052-345-6789"],
            groups=[directory["group"]],
            interests=["jeeps"],
        ),
    )

    response = api.put(f"/people/{person.public_id}", {"name": "Dana Levi", "title": "CEO"})

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["title"]) == ("Dana Levi", "CEO")
    assert (body["emails"], body["phones"], body["groups"], body["interests"]) == ([], [], [], [])
    person.refresh_from_db()
    assert person.name == "Dana Levi"
    assert person.emails.count() == 0


def test_person_patch_changes_only_what_is_sent(api, workspace, directory):
    person = person_create(
        workspace=workspace,
        data=PersonData(
            name="Dana",
            emails=["dana@example.com"],
            phones=["052-345-6789"],
            groups=[directory["group"]],
            interests=["jeeps"],
            organization=directory["org"],
        ),
    )

    response = api.patch(
        f"/people/{person.public_id}", {"title": "CEO", "phones": ["+1 212 555 0100"]}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "CEO"
    assert body["phones"] == ["+12125550100"]
    assert body["emails"] == ["dana@example.com"]
    assert body["interests"] == ["jeeps"]
    assert body["groups"] == [{"id": str(directory["group"].public_id), "name": "Adventure trips"}]
    assert body["organization"] == {"id": str(directory["org"].public_id), "name": "Adventure Ltd"}


def test_person_patch_can_clear_a_link_with_null(api, workspace, directory):
    person = PersonFactory(workspace=workspace, organization=directory["org"])

    response = api.patch(f"/people/{person.public_id}", {"organization": None})

    assert response.status_code == 200
    assert response.json()["organization"] is None
    person.refresh_from_db()
    assert person.organization is None


def test_person_patch_refuses_null_for_a_required_field(api, workspace):
    person = PersonFactory(workspace=workspace, name="Dana")

    response = api.patch(f"/people/{person.public_id}", {"name": None})

    assert response.status_code == 422
    assert response.json()["errors"] == {"name": ["This must be text."]}
    person.refresh_from_db()
    assert person.name == "Dana"


def test_person_cannot_refer_themselves(api, workspace):
    person = PersonFactory(workspace=workspace, name="Dana")

    response = api.patch(f"/people/{person.public_id}", {"referred_by": str(person.public_id)})

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "referred_by": [
            "A person cannot be referred by themselves: choose someone else, or leave it empty."
        ]
    }


def test_person_archive_and_restore(api, workspace):
    person = PersonFactory(workspace=workspace, name="Dana")

    archived = api.post(f"/people/{person.public_id}/archive")
    person.refresh_from_db()

    assert archived.status_code == 200
    assert archived.json()["archived"] is True
    assert archived.json()["archived_at"] == iso(person.archived_at)
    assert str(person.public_id) not in [i["id"] for i in api.get("/people").json()["items"]]

    restored = api.post(f"/people/{person.public_id}/restore")
    person.refresh_from_db()

    assert restored.status_code == 200
    assert (restored.json()["archived"], restored.json()["archived_at"]) == (False, None)
    assert person.archived_at is None


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Person, PersonEmail, PersonPhone, Tag, Organization, Group, Event)
    )


UNKNOWN = "6f1c1c5e-0b7a-4a55-9d0c-5d1f0a3e8b11"


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({"name": ""}, {"name": ["This field cannot be empty."]}),
        ({"name": "   \t "}, {"name": ["This field cannot be empty."]}),
        ({}, {"name": ["This field is required."]}),
        ({"name": "x" * 201}, {"name": ["This is too long: at most 200 characters."]}),
        (
            {"name": "Dana", "notes": "x" * 10_001},
            {"notes": ["This is too long: at most 10000 characters."]},
        ),
        (
            {"name": "Dana", "emails": ["dana.example.com"]},
            {
                "emails": [
                    "“dana.example.com” is not a valid email address: check it looks like "
                    "name@example.com."
                ]
            },
        ),
        (
            {"name": "Dana", "phones": ["123"]},
            {
                "phones": [
                    "“123” is not a valid phone number: write an Israeli number such as "
                    "052-345-6789, or an international one starting with + and the country code."
                ]
            },
        ),
        ({"name": "Dana", "organization": UNKNOWN}, {"organization": ["Organisation not found."]}),
        ({"name": "Dana", "groups": [UNKNOWN]}, {"groups": ["Group not found."]}),
        ({"name": "Dana", "met_at": UNKNOWN}, {"met_at": ["Event not found."]}),
        ({"name": "Dana", "referred_by": UNKNOWN}, {"referred_by": ["Person not found."]}),
        (
            {"name": "Dana", "organization": "nope"},
            {
                "organization": [
                    "This must be an id in UUID form, such as 3f8e1c2a-5b7d-4e9f-a1b2-c3d4e5f6a7b8."
                ]
            },
        ),
        (
            {"name": "Dana", "interests": ["x" * 81]},
            {"interests.0": ["This is too long: at most 80 characters."]},
        ),
    ],
)
def test_person_create_bad_input_writes_nothing(api, workspace, payload, errors):
    before = counts()

    response = api.post("/people", {**payload, "interests": payload.get("interests", ["new"])})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"] == errors
    assert counts() == before


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize(
    "payload",
    [
        {"name": " "},
        {"name": "Dana", "phones": ["123"]},
        {"name": "Dana", "emails": ["@"]},
        {"name": "Dana", "notes": "x" * 10_001},
    ],
)
def test_person_update_bad_input_changes_nothing(api, workspace, method, payload):
    person = person_create(
        workspace=workspace, data=PersonData(name="Dana", phones=["052-345-6789"], notes="Hi")
    )
    updated_at = person.updated_at

    response = getattr(api, method)(f"/people/{person.public_id}", payload)

    assert response.status_code == 422
    person.refresh_from_db()
    assert (person.name, person.notes, person.updated_at) == ("Dana", "Hi", updated_at)
    assert list(person.phones.values_list("e164", flat=True)) == ["+972523456789"]


@pytest.mark.parametrize("method", ["get", "put", "patch"])
def test_person_unknown_id_is_not_found(api, method):
    response = getattr(api, method)(
        f"/people/{UNKNOWN}", None if method == "get" else {"name": "X"}
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "Person not found.", "code": "not_found"}


@pytest.mark.parametrize("action", ["archive", "restore"])
def test_person_archive_unknown_or_malformed_id_is_not_found(api, action):
    assert api.post(f"/people/{UNKNOWN}/{action}").status_code == 404
    assert api.post(f"/people/12345/{action}").status_code == 404


# Organisations, groups, events, tags


def test_organization_crud(api, workspace):
    created = api.post(
        "/organizations", {"name": " Adventure Ltd ", "website": "https://adventure.example"}
    )

    assert created.status_code == 201
    org = Organization.objects.get(workspace=workspace)
    expected = {
        "id": str(org.public_id),
        "name": "Adventure Ltd",
        "website": "https://adventure.example",
        "notes": "",
        "created_at": iso(org.created_at),
        "updated_at": iso(org.updated_at),
    }
    assert created.json() == expected
    assert api.get(f"/organizations/{org.public_id}").json() == expected
    assert api.get("/organizations").json() == {"items": [expected], "count": 1}

    patched = api.patch(f"/organizations/{org.public_id}", {"notes": "Furniture buyer"})
    assert patched.status_code == 200
    assert (patched.json()["name"], patched.json()["notes"]) == ("Adventure Ltd", "Furniture buyer")

    replaced = api.put(f"/organizations/{org.public_id}", {"name": "Adventure Group"})
    assert replaced.status_code == 200
    org.refresh_from_db()
    assert (org.name, org.website, org.notes) == ("Adventure Group", "", "")


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({"name": " "}, {"name": ["This field cannot be empty."]}),
        ({"name": "Acme", "website": "not a url"}, {"website": ["Enter a valid URL."]}),
        (
            {"name": "Acme", "notes": "x" * 10_001},
            {"notes": ["This is too long: at most 10000 characters."]},
        ),
    ],
)
def test_organization_bad_input_writes_nothing(api, workspace, payload, errors):
    before = counts()

    response = api.post("/organizations", payload)

    assert response.status_code == 422
    assert response.json()["errors"] == errors
    assert counts() == before


def test_group_crud(api, workspace):
    created = api.post("/groups", {"name": "Adventure trips", "description": "Jeep club"})

    assert created.status_code == 201
    group = Group.objects.get(workspace=workspace)
    expected = {
        "id": str(group.public_id),
        "name": "Adventure trips",
        "description": "Jeep club",
        "created_at": iso(group.created_at),
        "updated_at": iso(group.updated_at),
    }
    assert created.json() == expected
    assert api.get(f"/groups/{group.public_id}").json() == expected
    assert api.get("/groups").json() == {"items": [expected], "count": 1}

    patched = api.patch(f"/groups/{group.public_id}", {"name": "Basketball"})
    assert (patched.status_code, patched.json()["description"]) == (200, "Jeep club")

    replaced = api.put(f"/groups/{group.public_id}", {"name": "Basketball"})
    assert (replaced.status_code, replaced.json()["description"]) == (200, "")
    assert api.put(f"/groups/{group.public_id}", {"name": ""}).status_code == 422
    group.refresh_from_db()
    assert group.name == "Basketball"


def test_event_crud(api, workspace):
    created = api.post(
        "/events",
        {"name": "Networking evening", "date": "2024-05-01", "location": "Tel Aviv"},
    )

    assert created.status_code == 201
    event = Event.objects.get(workspace=workspace)
    expected = {
        "id": str(event.public_id),
        "name": "Networking evening",
        "date": "2024-05-01",
        "location": "Tel Aviv",
        "notes": "",
        "created_at": iso(event.created_at),
        "updated_at": iso(event.updated_at),
    }
    assert created.json() == expected
    assert api.get(f"/events/{event.public_id}").json() == expected
    assert api.get("/events").json() == {"items": [expected], "count": 1}

    patched = api.patch(f"/events/{event.public_id}", {"date": None})
    assert patched.status_code == 200
    assert (patched.json()["date"], patched.json()["location"]) == (None, "Tel Aviv")

    replaced = api.put(f"/events/{event.public_id}", {"name": "Conference"})
    assert (replaced.json()["name"], replaced.json()["location"]) == ("Conference", "")
    assert api.post("/events", {"name": "X", "date": "2024-13-01"}).status_code == 422
    assert Event.objects.count() == 1


def test_deleting_an_organization_group_or_event_keeps_its_people(api, workspace):
    org = OrganizationFactory(workspace=workspace, name="Adventure Ltd")
    group = GroupFactory(workspace=workspace, name="Jeep club")
    event = EventFactory(workspace=workspace, name="Networking evening")
    dani = person_create(
        workspace=workspace,
        data=PersonData(name="Dani", organization=org, groups=[group], met_at=event),
    )

    for path in (
        f"/organizations/{org.public_id}",
        f"/groups/{group.public_id}",
        f"/events/{event.public_id}",
    ):
        response = api.delete(path)
        assert (response.status_code, response.content) == (204, b"")
        assert api.get(path).status_code == 404
        assert api.delete(path).status_code == 404

    person = api.get(f"/people/{dani.public_id}").json()
    assert (person["name"], person["organization"], person["groups"], person["met_at"]) == (
        "Dani",
        None,
        [],
        None,
    )
    assert (Organization.objects.count(), Group.objects.count(), Event.objects.count()) == (0, 0, 0)


def test_tag_list(api, workspace):
    jeeps = TagFactory(workspace=workspace, name="jeeps")
    hiking = TagFactory(workspace=workspace, name="hiking")

    response = api.get("/tags")

    assert response.json() == {
        "items": [
            {"id": str(hiking.public_id), "name": "hiking"},
            {"id": str(jeeps.public_id), "name": "jeeps"},
        ],
        "count": 2,
    }
