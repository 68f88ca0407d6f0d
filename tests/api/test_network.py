"""/api/v1/ tie kinds, ties, interactions, needs, offers and quick capture
(kesher/network/api.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from kesher.network.models import Interaction, Need, Offer, Tie, TieKind
from kesher.people.models import Person, PersonPhone, Tag
from tests.api.conftest import iso
from tests.factories import (
    EventFactory,
    InteractionFactory,
    NeedFactory,
    OfferFactory,
    PersonFactory,
    TieFactory,
)

UNKNOWN = "6f1c1c5e-0b7a-4a55-9d0c-5d1f0a3e8b11"


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Person, PersonPhone, Tag, TieKind, Tie, Interaction, Need, Offer)
    )


@pytest.fixture
def dana(workspace):
    return PersonFactory(workspace=workspace, name="Dana")


@pytest.fixture
def yossi(workspace):
    return PersonFactory(workspace=workspace, name="Yossi")


# Tie kinds


def test_tie_kind_list_has_the_built_in_kinds_in_the_request_language(api, workspace):
    response = api.get("/tie-kinds", {"limit": 20})

    assert response.status_code == 200
    names = {item["code"]: item["name"] for item in response.json()["items"]}
    assert names == {
        "basketball": "Plays basketball with",
        "colleague": "Colleague",
        "customer": "Customer",
        "family": "Family",
        "friend": "Friend",
        "supplier": "Supplier",
        "team": "Teammate",
    }
    assert response.json()["count"] == 7


def test_tie_kind_create_get_rename_and_delete(api, workspace):
    created = api.post("/tie-kinds", {"name": " Hiking buddy "})

    assert created.status_code == 201
    kind = TieKind.objects.get(workspace=workspace, name="Hiking buddy")
    expected = {"id": str(kind.public_id), "code": "", "name": "Hiking buddy"}
    assert created.json() == expected
    assert api.get(f"/tie-kinds/{kind.public_id}").json() == expected

    renamed = api.put(f"/tie-kinds/{kind.public_id}", {"name": "Trek buddy"})
    assert renamed.json() == {**expected, "name": "Trek buddy"}
    patched = api.patch(f"/tie-kinds/{kind.public_id}", {"name": "Trail buddy"})
    assert patched.json() == {**expected, "name": "Trail buddy"}

    deleted = api.delete(f"/tie-kinds/{kind.public_id}")
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert not TieKind.objects.filter(pk=kind.pk).exists()


def test_renaming_a_built_in_kind_makes_it_the_workspaces_own(api, workspace):
    friend = TieKind.objects.get(workspace=workspace, code="friend")

    response = api.patch(f"/tie-kinds/{friend.public_id}", {"name": "Buddy"})

    assert response.json() == {"id": str(friend.public_id), "code": "", "name": "Buddy"}


def test_tie_kind_in_use_cannot_be_deleted(api, workspace):
    tie = TieFactory(workspace=workspace)

    response = api.delete(f"/tie-kinds/{tie.kind.public_id}")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "This kind is used by 1 tie: change its kind first.",
        "code": "in_use",
    }
    assert TieKind.objects.filter(pk=tie.kind_id).exists()


@pytest.mark.parametrize(
    ("name", "errors"),
    [
        ("", {"name": ["This field cannot be empty."]}),
        ("  ", {"name": ["This field cannot be empty."]}),
        ("x" * 81, {"name": ["This is too long: at most 80 characters."]}),
        (
            "friend ",
            {
                "name": [
                    "A tie kind with this name already exists: choose another name, or use the "
                    "existing kind."
                ]
            },
        ),
    ],
)
def test_tie_kind_bad_name_writes_nothing(api, workspace, name, errors):
    before = counts()

    response = api.post("/tie-kinds", {"name": name})

    assert response.status_code == 422
    assert response.json()["errors"] == errors
    assert counts() == before


# Ties


def test_tie_create_stores_the_pair_once_and_returns_it(api, workspace, dana, yossi):
    kind = TieKind.objects.get(workspace=workspace, code="basketball")

    response = api.post(
        "/ties",
        {
            "person": str(yossi.public_id),
            "other": str(dana.public_id),
            "kind": str(kind.public_id),
            "since": "2015-09-01",
            "trust": 4,
            "notes": "Thursday games",
        },
    )

    assert response.status_code == 201
    tie = Tie.objects.get(workspace=workspace)
    assert (tie.person_a_id, tie.person_b_id) == (dana.pk, yossi.pk)
    assert response.json() == {
        "id": str(tie.public_id),
        "person_a": {"id": str(dana.public_id), "name": "Dana"},
        "person_b": {"id": str(yossi.public_id), "name": "Yossi"},
        "kind": {"id": str(kind.public_id), "name": "Plays basketball with"},
        "since": "2015-09-01",
        "trust": 4,
        # Scored as the tie is made: from its trust and how long they have known each other.
        "strength": tie.strength,
        "notes": "Thursday games",
        "created_at": iso(tie.created_at),
        "updated_at": iso(tie.updated_at),
    }


def test_tie_list_filters_by_person(api, workspace, dana, yossi):
    with_dana = TieFactory(workspace=workspace, person_a=dana, person_b=yossi)
    TieFactory(workspace=workspace)

    everyone = api.get("/ties").json()
    of_dana = api.get("/ties", {"person": str(dana.public_id)}).json()

    assert everyone["count"] == 2
    assert [item["id"] for item in of_dana["items"]] == [str(with_dana.public_id)]
    assert of_dana["count"] == 1


def test_tie_get_update_and_delete(api, workspace, dana, yossi):
    tie = TieFactory(workspace=workspace, person_a=dana, person_b=yossi, trust=2, notes="Old")
    family = TieKind.objects.get(workspace=workspace, code="family")

    assert api.get(f"/ties/{tie.public_id}").json()["notes"] == "Old"

    patched = api.patch(f"/ties/{tie.public_id}", {"trust": 5})
    assert patched.status_code == 200
    assert (patched.json()["trust"], patched.json()["notes"]) == (5, "Old")
    assert patched.json()["kind"] == {"id": str(tie.kind.public_id), "name": tie.kind.name}

    replaced = api.put(f"/ties/{tie.public_id}", {"kind": str(family.public_id)})
    assert replaced.status_code == 200
    assert replaced.json()["kind"] == {"id": str(family.public_id), "name": "Family"}
    assert (replaced.json()["trust"], replaced.json()["notes"]) == (None, "")

    assert api.delete(f"/ties/{tie.public_id}").status_code == 204
    assert not Tie.objects.filter(pk=tie.pk).exists()


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        (
            {"other": "self"},
            {"other": ["A person cannot have a tie with themselves: choose someone else."]},
        ),
        ({"trust": 6}, {"trust": ["This must be at most 5."]}),
        ({"trust": 0}, {"trust": ["This must be at least 1."]}),
        ({"other": UNKNOWN}, {"other": ["Person not found."]}),
        ({"kind": UNKNOWN}, {"kind": ["Tie kind not found."]}),
        ({"notes": "x" * 10_001}, {"notes": ["This is too long: at most 10000 characters."]}),
        ({"since": "01/05/2024"}, {"since": ["This must be a date written as YYYY-MM-DD."]}),
    ],
)
def test_tie_create_bad_input_writes_nothing(api, workspace, dana, yossi, change, errors):
    kind = TieKind.objects.get(workspace=workspace, code="friend")
    payload = {
        "person": str(dana.public_id),
        "other": str(yossi.public_id),
        "kind": str(kind.public_id),
    }
    payload.update(change)
    if payload["other"] == "self":
        payload["other"] = payload["person"]
    before = counts()

    response = api.post("/ties", payload)

    assert response.status_code == 422
    assert response.json()["errors"] == errors
    assert counts() == before


def test_tie_create_twice_with_the_same_kind_is_refused(api, workspace, dana, yossi):
    kind = TieKind.objects.get(workspace=workspace, code="friend")
    payload = {
        "person": str(dana.public_id),
        "other": str(yossi.public_id),
        "kind": str(kind.public_id),
    }
    assert api.post("/ties", payload).status_code == 201

    response = api.post(
        "/ties", {**payload, "person": payload["other"], "other": payload["person"]}
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "kind": [
            "These two people already have a tie of this kind: choose another kind, or edit the "
            "existing tie."
        ]
    }
    assert Tie.objects.count() == 1


# Interactions


def test_interaction_create_returns_it(api, user, workspace, dana, yossi):
    event = EventFactory(workspace=workspace, name="Networking evening")

    response = api.post(
        "/interactions",
        {
            "occurred_at": "2024-05-01T18:30:00+03:00",
            "channel": "event",
            "participants": [str(dana.public_id), str(yossi.public_id)],
            "summary": "Introduced Dana to Yossi: he sells the jeep she wants.",
            "initiated_by": "me",
            "exchange": "give",
            "exchange_kind": "introduction",
            "event": str(event.public_id),
        },
    )

    assert response.status_code == 201
    interaction = Interaction.objects.get(workspace=workspace)
    assert interaction.logged_by == user
    assert response.json() == {
        "id": str(interaction.public_id),
        "occurred_at": "2024-05-01T15:30:00Z",
        "channel": "event",
        "participants": [
            {"id": str(dana.public_id), "name": "Dana"},
            {"id": str(yossi.public_id), "name": "Yossi"},
        ],
        "summary": "Introduced Dana to Yossi: he sells the jeep she wants.",
        "initiated_by": "me",
        "exchange": "give",
        "exchange_kind": "introduction",
        "event": {"id": str(event.public_id), "name": "Networking evening"},
        "created_at": iso(interaction.created_at),
        "updated_at": iso(interaction.updated_at),
    }


def at(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def test_interaction_list_filters(api, workspace, dana, yossi):
    late_may_1 = InteractionFactory(
        workspace=workspace,
        occurred_at=at("2024-05-01T23:30:00+03:00"),
        channel="call",
        exchange="ask",
        participants=[dana],
    )
    early_may_2 = InteractionFactory(
        workspace=workspace,
        occurred_at=at("2024-05-02T00:30:00+03:00"),
        channel="meeting",
        exchange="give",
        participants=[dana, yossi],
    )
    june = InteractionFactory(
        workspace=workspace,
        occurred_at=at("2024-06-10T12:00:00+03:00"),
        channel="call",
        participants=[yossi],
    )

    def ids(**params):
        response = api.get("/interactions", params)
        assert response.status_code == 200
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [str(june.public_id), str(early_may_2.public_id), str(late_may_1.public_id)]
    assert ids(person=dana.public_id) == [str(early_may_2.public_id), str(late_may_1.public_id)]
    assert ids(channel="call") == [str(june.public_id), str(late_may_1.public_id)]
    assert ids(exchange="give") == [str(early_may_2.public_id)]
    # Days are the workspace's (Asia/Jerusalem), not UTC's.
    assert ids(date_from="2024-05-02", date_to="2024-05-31") == [str(early_may_2.public_id)]
    assert ids(date_to="2024-05-01") == [str(late_may_1.public_id)]
    assert ids(date_from="2024-06-10", date_to="2024-06-10") == [str(june.public_id)]


def test_interaction_list_bad_filter_is_a_422(api):
    response = api.get("/interactions", {"channel": "fax", "date_from": "May"})

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "channel": ["Choose one of: 'meeting', 'call', 'message', 'email' or 'event'."],
        "date_from": ["This must be a date written as YYYY-MM-DD."],
    }


def test_interaction_get_update_and_delete(api, workspace, dana, yossi):
    interaction = InteractionFactory(workspace=workspace, summary="Coffee", participants=[dana])

    assert api.get(f"/interactions/{interaction.public_id}").json()["summary"] == "Coffee"

    patched = api.patch(
        f"/interactions/{interaction.public_id}",
        {"participants": [str(yossi.public_id)], "exchange": "ask", "exchange_kind": "pitch"},
    )
    assert patched.status_code == 200
    body = patched.json()
    assert body["participants"] == [{"id": str(yossi.public_id), "name": "Yossi"}]
    assert (body["summary"], body["exchange"], body["exchange_kind"]) == ("Coffee", "ask", "pitch")

    replaced = api.put(
        f"/interactions/{interaction.public_id}",
        {
            "occurred_at": "2024-05-01T10:00:00Z",
            "channel": "email",
            "participants": [str(dana.public_id)],
        },
    )
    assert replaced.status_code == 200
    body = replaced.json()
    assert (body["occurred_at"], body["channel"], body["summary"], body["exchange"]) == (
        "2024-05-01T10:00:00Z",
        "email",
        "",
        "neutral",
    )

    assert api.delete(f"/interactions/{interaction.public_id}").status_code == 204
    assert not Interaction.objects.filter(pk=interaction.pk).exists()


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        (
            {"occurred_at": "2024-05-01T18:30:00"},
            {"occurred_at": ["The time needs a time zone, such as +03:00 or Z."]},
        ),
        ({"participants": []}, {"participants": ["Too few items: at least 1."]}),
        ({"participants": [UNKNOWN]}, {"participants": ["Person not found."]}),
        (
            {"exchange": "give", "exchange_kind": "pitch"},
            {
                "exchange_kind": [
                    "A give is advice, information, an introduction or a recommendation; an "
                    "ask is a pitch or a request."
                ]
            },
        ),
        ({"summary": "x" * 10_001}, {"summary": ["This is too long: at most 10000 characters."]}),
        ({"event": UNKNOWN}, {"event": ["Event not found."]}),
    ],
)
def test_interaction_create_bad_input_writes_nothing(api, workspace, dana, change, errors):
    payload = {
        "occurred_at": "2024-05-01T18:30:00+03:00",
        "channel": "meeting",
        "participants": [str(dana.public_id)],
    }
    before = counts()

    response = api.post("/interactions", {**payload, **change})

    assert response.status_code == 422
    assert response.json()["errors"] == errors
    assert counts() == before


# Needs and offers


@pytest.mark.parametrize(("path", "model"), [("/needs", Need), ("/offers", Offer)])
def test_need_and_offer_create_returns_it(api, workspace, dana, path, model):
    response = api.post(
        path,
        {
            "person": str(dana.public_id),
            "text": "  A 4x4 jeep in good condition ",
            "tags": ["jeeps", "cars"],
            "expires_on": "2024-12-31",
        },
    )

    assert response.status_code == 201
    item = model.objects.get(workspace=workspace)
    assert response.json() == {
        "id": str(item.public_id),
        "person": {"id": str(dana.public_id), "name": "Dana"},
        "text": "A 4x4 jeep in good condition",
        "tags": ["cars", "jeeps"],
        "status": "open",
        "expires_on": "2024-12-31",
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
    }


@pytest.mark.parametrize(("path", "factory"), [("/needs", NeedFactory), ("/offers", OfferFactory)])
def test_need_and_offer_list_filters_by_person_and_status(
    api, workspace, dana, yossi, path, factory
):
    open_of_dana = factory(workspace=workspace, person=dana)
    fulfilled_of_dana = factory(workspace=workspace, person=dana, status="fulfilled")
    of_yossi = factory(workspace=workspace, person=yossi)

    def ids(**params):
        return [item["id"] for item in api.get(path, params).json()["items"]]

    assert ids() == [
        str(of_yossi.public_id),
        str(fulfilled_of_dana.public_id),
        str(open_of_dana.public_id),
    ]
    assert ids(person=dana.public_id) == [
        str(fulfilled_of_dana.public_id),
        str(open_of_dana.public_id),
    ]
    assert ids(status="open") == [str(of_yossi.public_id), str(open_of_dana.public_id)]
    assert ids(person=dana.public_id, status="fulfilled") == [str(fulfilled_of_dana.public_id)]


@pytest.mark.parametrize(("path", "factory"), [("/needs", NeedFactory), ("/offers", OfferFactory)])
def test_need_and_offer_get_update_and_delete(api, workspace, dana, path, factory):
    item = factory(workspace=workspace, person=dana, text="A jeep")
    url = f"{path}/{item.public_id}"

    assert api.get(url).json()["text"] == "A jeep"

    patched = api.patch(url, {"status": "fulfilled", "tags": ["jeeps"]})
    assert patched.status_code == 200
    assert (patched.json()["text"], patched.json()["status"], patched.json()["tags"]) == (
        "A jeep",
        "fulfilled",
        ["jeeps"],
    )

    replaced = api.put(url, {"text": "A red jeep"})
    assert replaced.status_code == 200
    assert (replaced.json()["text"], replaced.json()["status"], replaced.json()["tags"]) == (
        "A red jeep",
        "open",
        [],
    )

    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404


@pytest.mark.parametrize("path", ["/needs", "/offers"])
@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"text": ""}, {"text": ["This field cannot be empty."]}),
        ({"text": " \n "}, {"text": ["This field cannot be empty."]}),
        ({"text": "x" * 2001}, {"text": ["This is too long: at most 2000 characters."]}),
        ({"status": "done"}, {"status": ["Choose one of: 'open', 'fulfilled' or 'withdrawn'."]}),
        ({"person": UNKNOWN}, {"person": ["Person not found."]}),
        ({"tags": ["x" * 81]}, {"tags.0": ["This is too long: at most 80 characters."]}),
    ],
)
def test_need_and_offer_bad_input_writes_nothing(api, workspace, dana, path, change, errors):
    before = counts()

    response = api.post(path, {"person": str(dana.public_id), "text": "A jeep", **change})

    assert response.status_code == 422
    assert response.json()["errors"] == errors
    assert counts() == before


@pytest.mark.parametrize(("path", "factory"), [("/needs", NeedFactory), ("/offers", OfferFactory)])
def test_need_and_offer_bad_update_changes_nothing(api, workspace, dana, path, factory):
    item = factory(workspace=workspace, person=dana, text="A jeep")

    response = api.put(f"{path}/{item.public_id}", {"text": "x" * 2001})

    assert response.status_code == 422
    item.refresh_from_db()
    assert item.text == "A jeep"


# Quick capture


def test_capture_adds_a_person_with_a_need_an_offer_and_a_note(api, user, workspace):
    event = EventFactory(workspace=workspace, name="Networking evening")

    response = api.post(
        "/capture",
        {
            "name": "משה לוי",
            "phone": "052-345-6789",
            "email": "moshe@example.com",
            "note": "Loves adventure trips",
            "need": "A specific jeep",
            "offer": "Office furniture",
            "met_at": str(event.public_id),
        },
    )

    assert response.status_code == 201
    person = Person.objects.get(workspace=workspace, name="משה לוי")
    need = Need.objects.get(person=person)
    offer = Offer.objects.get(person=person)
    interaction = Interaction.objects.get(participants=person)
    body = response.json()
    assert body["person"]["id"] == str(person.public_id)
    assert body["person"]["phones"] == ["+972523456789"]
    assert body["person"]["emails"] == ["moshe@example.com"]
    assert body["person"]["notes"] == "Loves adventure trips"
    assert body["person"]["met_at"] == {"id": str(event.public_id), "name": "Networking evening"}
    assert body["person"]["source"] == "event"
    assert (body["need"]["id"], body["need"]["text"]) == (str(need.public_id), "A specific jeep")
    assert (body["offer"]["id"], body["offer"]["text"]) == (
        str(offer.public_id),
        "Office furniture",
    )
    assert body["interaction"]["id"] == str(interaction.public_id)
    assert (body["interaction"]["channel"], body["interaction"]["summary"]) == (
        "event",
        "Loves adventure trips",
    )
    assert interaction.logged_by == user


def test_capture_with_only_a_name(api, workspace):
    response = api.post("/capture", {"name": "Dana"})

    assert response.status_code == 201
    body = response.json()
    assert (body["person"]["name"], body["need"], body["offer"], body["interaction"]) == (
        "Dana",
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({"name": " "}, {"name": ["This field cannot be empty."]}),
        (
            {"name": "Dana", "phone": "123"},
            {
                "phones": [
                    "“123” is not a valid phone number: write an Israeli number such as "
                    "052-345-6789, or an international one starting with + and the country code."
                ]
            },
        ),
        (
            {"name": "Dana", "email": "dana@"},
            {
                "emails": [
                    "“dana@” is not a valid email address: check it looks like name@example.com."
                ]
            },
        ),
        (
            {"name": "Dana", "need": "x" * 2001},
            {"need": ["This is too long: at most 2000 characters."]},
        ),
        ({"name": "Dana", "met_at": UNKNOWN}, {"met_at": ["Event not found."]}),
    ],
)
def test_capture_bad_input_writes_nothing(api, workspace, payload, errors):
    before = counts()

    response = api.post("/capture", {"need": "A jeep", "offer": "Chairs", "note": "Hi", **payload})

    assert response.status_code == 422
    assert response.json()["errors"] == errors
    assert counts() == before
