"""Workspace isolation across the whole API: a second workspace's token or session gets 404
for the first's objects, never sees them in lists, and cannot link to them."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from kesher.accounts.models import ApiToken
from kesher.accounts.services import api_token_create
from kesher.network.models import Interaction, Need, Offer, Tie, TieKind
from kesher.people.models import Event, Group, Organization, Person, Tag
from kesher.people.services import PersonData, person_archive, person_create
from kesher.workspaces.models import Membership
from kesher.workspaces.services import workspace_create
from tests.api.conftest import BASE, owner_of
from tests.factories import (
    PASSWORD,
    EventFactory,
    GroupFactory,
    InteractionFactory,
    NeedFactory,
    OfferFactory,
    OrganizationFactory,
    PersonFactory,
    TagFactory,
    TieFactory,
    TieKindFactory,
)

SOME_UUID = "6f1c1c5e-0b7a-4a55-9d0c-5d1f0a3e8b11"
INTERACTION = {
    "occurred_at": "2024-05-01T18:30:00+03:00",
    "channel": "call",
    "participants": [SOME_UUID],
}

# (method, path with the first workspace's object, body): every endpoint addressing one object.
OBJECT_ENDPOINTS = [
    ("get", "/people/{person}", None),
    ("put", "/people/{person}", {"name": "Taken"}),
    ("patch", "/people/{person}", {"name": "Taken"}),
    ("post", "/people/{person}/archive", None),
    ("post", "/people/{person}/restore", None),
    ("get", "/organizations/{organization}", None),
    ("put", "/organizations/{organization}", {"name": "Taken"}),
    ("patch", "/organizations/{organization}", {"name": "Taken"}),
    ("delete", "/organizations/{organization}", None),
    ("get", "/groups/{group}", None),
    ("put", "/groups/{group}", {"name": "Taken"}),
    ("patch", "/groups/{group}", {"name": "Taken"}),
    ("delete", "/groups/{group}", None),
    ("get", "/events/{event}", None),
    ("put", "/events/{event}", {"name": "Taken"}),
    ("patch", "/events/{event}", {"name": "Taken"}),
    ("delete", "/events/{event}", None),
    ("get", "/tie-kinds/{kind}", None),
    ("put", "/tie-kinds/{kind}", {"name": "Taken"}),
    ("patch", "/tie-kinds/{kind}", {"name": "Taken"}),
    ("delete", "/tie-kinds/{kind}", None),
    ("get", "/ties/{tie}", None),
    ("put", "/ties/{tie}", {"kind": SOME_UUID}),
    ("patch", "/ties/{tie}", {"trust": 1}),
    ("delete", "/ties/{tie}", None),
    ("get", "/interactions/{interaction}", None),
    ("put", "/interactions/{interaction}", INTERACTION),
    ("patch", "/interactions/{interaction}", {"summary": "Taken"}),
    ("delete", "/interactions/{interaction}", None),
    ("get", "/needs/{need}", None),
    ("put", "/needs/{need}", {"text": "Taken"}),
    ("patch", "/needs/{need}", {"text": "Taken"}),
    ("delete", "/needs/{need}", None),
    ("get", "/offers/{offer}", None),
    ("put", "/offers/{offer}", {"text": "Taken"}),
    ("patch", "/offers/{offer}", {"text": "Taken"}),
    ("delete", "/offers/{offer}", None),
    ("delete", "/tokens/{token}", None),
    ("delete", "/workspace/members/{user}", None),
]

LIST_ENDPOINTS = [
    ("/people", {}),
    ("/people", {"archived": "true"}),
    ("/organizations", {}),
    ("/groups", {}),
    ("/events", {}),
    ("/tags", {}),
    ("/tie-kinds", {}),
    ("/ties", {}),
    ("/interactions", {}),
    ("/needs", {}),
    ("/offers", {}),
    ("/tokens", {}),
    ("/workspace/members", {}),
    ("/search", {"q": "Secret"}),
]


@pytest.fixture
def first(user, workspace, token_secret):
    """One of everything in the first workspace, named so it would stand out."""
    org = OrganizationFactory(workspace=workspace, name="Secret Org")
    group = GroupFactory(workspace=workspace, name="Secret Group")
    event = EventFactory(workspace=workspace, name="Secret Event")
    person = person_create(
        workspace=workspace,
        data=PersonData(
            name="Secret Person",
            emails=["secret@example.com"],
            organization=org,
            groups=[group],
            met_at=event,
            interests=["secret tag"],
        ),
    )
    other_person = PersonFactory(workspace=workspace, name="Secret Friend")
    kind = TieKindFactory(workspace=workspace, name="Secret kind")
    archived = person_archive(person=PersonFactory(workspace=workspace, name="Secret Archived"))
    member = Membership.objects.get(workspace=workspace, user=user)
    return {
        "user": user,
        "member_person": member.person,
        "archived": archived,
        "person": person,
        "other_person": other_person,
        "organization": org,
        "group": group,
        "event": event,
        "tag": TagFactory(workspace=workspace, name="secret"),
        "kind": kind,
        "tie": TieFactory(workspace=workspace, person_a=person, person_b=other_person, kind=kind),
        "interaction": InteractionFactory(
            workspace=workspace, summary="Secret talk", participants=[person]
        ),
        "need": NeedFactory(workspace=workspace, person=person, text="Secret need"),
        "offer": OfferFactory(workspace=workspace, person=person, text="Secret offer"),
        "token": ApiToken.objects.get(user=user, workspace=workspace),
    }


def snapshot() -> tuple:
    """What the first workspace holds; a refused call must leave it exactly as it was."""
    return (
        sorted(Person.objects.values_list("name", "archived_at", "updated_at")),
        sorted(Organization.objects.values_list("name", "updated_at")),
        sorted(Group.objects.values_list("name", "updated_at")),
        sorted(Event.objects.values_list("name", "updated_at")),
        sorted(TieKind.objects.values_list("name", "code")),
        sorted(Tie.objects.values_list("id", "trust", "kind_id")),
        sorted(Interaction.objects.values_list("id", "summary", "updated_at")),
        sorted(Need.objects.values_list("id", "text", "updated_at")),
        sorted(Offer.objects.values_list("id", "text", "updated_at")),
        sorted(ApiToken.objects.values_list("id", "revoked_at")),
        Tag.objects.count(),
    )


@pytest.mark.parametrize(("method", "template", "body"), OBJECT_ENDPOINTS)
def test_other_workspace_token_gets_404_for_every_object(
    api, other_api, first, method, template, body
):
    path = template.format(**{key: obj.public_id for key, obj in first.items()})
    before = snapshot()

    response = other_api._send(method, path, body)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "Secret" not in response.content.decode()
    assert snapshot() == before
    if method == "get":
        # The same path works in its own workspace, so the 404 above is isolation, not a typo.
        assert api.get(path).status_code == 200


@pytest.mark.parametrize(("path", "params"), LIST_ENDPOINTS)
def test_other_workspace_never_sees_the_first_in_lists(api, other_api, first, path, params):
    response = other_api.get(path, params)

    assert response.status_code == 200
    body = response.json()
    body.pop("query", None)  # search echoes what was asked
    content = json.dumps(body, ensure_ascii=False)
    assert "Secret" not in content
    assert not any(str(obj.public_id) in content for obj in first.values())
    # And the first workspace does see its own (the check above is not vacuous).
    assert any(
        str(obj.public_id) in api.get(path, params).content.decode() for obj in first.values()
    )


def test_other_workspace_cannot_filter_by_the_firsts_objects(other_api, first):
    cases = [
        ("/people", "organization", first["organization"]),
        ("/people", "group", first["group"]),
        ("/people", "tag", first["tag"]),
        ("/people", "event", first["event"]),
        ("/ties", "person", first["person"]),
        ("/interactions", "person", first["person"]),
        ("/needs", "person", first["person"]),
        ("/offers", "person", first["person"]),
    ]
    for path, field, obj in cases:
        response = other_api.get(path, {field: obj.public_id})

        assert response.status_code == 422, (path, field)
        assert list(response.json()["errors"]) == [field]
        assert "Secret" not in response.content.decode()


def test_other_workspace_cannot_link_to_the_firsts_objects(other_api, other_workspace, first):
    own = PersonFactory(workspace=other_workspace, name="Own")
    own_kind = TieKind.objects.filter(workspace=other_workspace).first()
    before = snapshot()
    writes = [
        ("/people", {"name": "New", "organization": str(first["organization"].public_id)}),
        ("/people", {"name": "New", "groups": [str(first["group"].public_id)]}),
        ("/people", {"name": "New", "met_at": str(first["event"].public_id)}),
        ("/people", {"name": "New", "referred_by": str(first["person"].public_id)}),
        (
            "/ties",
            {
                "person": str(own.public_id),
                "other": str(first["person"].public_id),
                "kind": str(own_kind.public_id),
            },
        ),
        (
            "/ties",
            {
                "person": str(own.public_id),
                "other": str(own.public_id),
                "kind": str(first["kind"].public_id),
            },
        ),
        ("/interactions", {**INTERACTION, "participants": [str(first["person"].public_id)]}),
        (
            "/interactions",
            {
                **INTERACTION,
                "participants": [str(own.public_id)],
                "event": str(first["event"].public_id),
            },
        ),
        ("/needs", {"person": str(first["person"].public_id), "text": "Mine"}),
        ("/offers", {"person": str(first["person"].public_id), "text": "Mine"}),
        ("/capture", {"name": "New", "met_at": str(first["event"].public_id)}),
    ]
    for path, body in writes:
        response = other_api.post(path, body)

        assert response.status_code == 422, (path, body)
        assert "Secret" not in response.content.decode()
    assert snapshot() == before


def test_other_workspace_session_gets_404_too(other_workspace, first):
    client = Client(headers={"Accept-Language": "en"})
    assert client.login(email=owner_of(other_workspace).email, password=PASSWORD)

    response = client.get(f"{BASE}/people/{first['person'].public_id}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Person not found.", "code": "not_found"}


def test_a_users_token_for_one_workspace_does_not_reach_their_other_one(user, first):
    second = workspace_create(name="Second", owner=user)
    _token, secret = api_token_create(user=user, workspace=second, name="second")
    client = Client(headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"})

    response = client.get(f"{BASE}/people/{first['person'].public_id}")

    assert response.status_code == 404
