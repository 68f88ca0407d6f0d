"""Needs, offers, ties and the timeline on the person page (kesher/network/views.py)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from kesher.network.models import Interaction, Need, Offer, Tie, TieKind
from kesher.network.services import need_create, offer_create
from kesher.workspaces.models import Membership
from tests.factories import (
    EventFactory,
    InteractionFactory,
    NeedFactory,
    OfferFactory,
    PersonFactory,
    TieFactory,
)
from tests.people.conftest import HTMX

JERUSALEM = zoneinfo.ZoneInfo("Asia/Jerusalem")
MODELS = {"need": Need, "offer": Offer}
FACTORIES = {"need": NeedFactory, "offer": OfferFactory}


def kind(workspace, code="friend") -> TieKind:
    return TieKind.objects.get(workspace=workspace, code=code)


def counts() -> dict[str, int]:
    return {
        "needs": Need.objects.count(),
        "offers": Offer.objects.count(),
        "ties": Tie.objects.count(),
        "interactions": Interaction.objects.count(),
    }


@pytest.fixture
def dani(workspace):
    return PersonFactory(workspace=workspace, name="Dani")


def detail(person) -> str:
    return reverse("people:detail", args=[person.public_id])


# Needs and offers


@pytest.mark.parametrize("item_kind", ["need", "offer"])
def test_need_offer_form_as_a_page_and_as_a_fragment(web, dani, item_kind):
    url = reverse(f"network:{item_kind}_create", args=[dani.public_id])

    page = web.get(url).content.decode()
    fragment = web.get(url, headers=HTMX).content.decode()

    assert "<html" in page
    assert f'action="{url}"' in page
    assert "hx-post" not in page
    assert "<html" not in fragment
    assert f'id="{item_kind}s"' in fragment
    assert f'hx-post="{url}"' in fragment


@pytest.mark.parametrize("item_kind", ["need", "offer"])
def test_need_offer_create_through_htmx(web, dani, item_kind):
    response = web.post(
        reverse(f"network:{item_kind}_create", args=[dani.public_id]),
        {
            "text": " A used jeep ",
            "tags": "jeeps, cars",
            "status": "open",
            "expires_on": "2030-01-31",
        },
        headers=HTMX,
    )

    item = MODELS[item_kind].objects.get()
    assert response.status_code == 200
    assert (item.person, item.text, item.status, item.expires_on) == (
        dani,
        "A used jeep",
        "open",
        dt.date(2030, 1, 31),
    )
    assert sorted(t.name for t in item.tags.all()) == ["cars", "jeeps"]
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert "A used jeep" in fragment
    assert "until 31 January 2030" in fragment
    assert '<form class="inline-form"' not in fragment


@pytest.mark.parametrize("item_kind", ["need", "offer"])
def test_need_offer_create_without_javascript_goes_back_to_the_person(web, dani, item_kind):
    response = web.post(
        reverse(f"network:{item_kind}_create", args=[dani.public_id]),
        {"text": "A used jeep", "status": "open"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{detail(dani)}#{item_kind}s"
    assert MODELS[item_kind].objects.get().text == "A used jeep"


@pytest.mark.parametrize("item_kind", ["need", "offer"])
@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"text": "   "}, "text", "Describe it in a few words."),
        (
            {"text": "x" * 2001},
            "text",
            "This text is too long (2001 characters): at most 2000.",
        ),
        ({"text": "A jeep", "status": "sold"}, "status", None),
        ({"text": "A jeep", "expires_on": "soon"}, "expires_on", "Enter a valid date."),
    ],
)
def test_need_offer_create_with_bad_input_writes_nothing(
    web, dani, item_kind, values, field, message
):
    response = web.post(
        reverse(f"network:{item_kind}_create", args=[dani.public_id]),
        {"status": "open", **values},
        headers=HTMX,
    )

    assert response.status_code == 200
    errors = response.context["section"].form.errors
    assert list(errors) == [field]
    if message is not None:
        assert errors[field] == [message]
    assert counts()[f"{item_kind}s"] == 0


@pytest.mark.parametrize("item_kind", ["need", "offer"])
def test_need_offer_edit(web, workspace, dani, item_kind):
    create = {"need": need_create, "offer": offer_create}[item_kind]
    item = create(person=dani, text="A jeep", tags=["cars"])
    url = reverse(f"network:{item_kind}_edit", args=[item.public_id])

    form = web.get(url, headers=HTMX).context["section"].form
    response = web.post(
        url, {"text": "A red jeep", "tags": "", "status": "withdrawn"}, headers=HTMX
    )

    assert (form["text"].value(), form["tags"].value()) == ("A jeep", "cars")
    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.text, item.status, list(item.tags.all())) == ("A red jeep", "withdrawn", [])


@pytest.mark.parametrize("item_kind", ["need", "offer"])
def test_need_offer_edit_with_bad_input_changes_nothing(web, dani, item_kind):
    item = FACTORIES[item_kind](workspace=dani.workspace, person=dani, text="A jeep")

    response = web.post(
        reverse(f"network:{item_kind}_edit", args=[item.public_id]),
        {"text": "", "status": "open"},
        headers=HTMX,
    )

    assert response.context["section"].form.errors["text"] == ["Describe it in a few words."]
    assert response.context["section"].editing == item
    item.refresh_from_db()
    assert item.text == "A jeep"


@pytest.mark.parametrize("item_kind", ["need", "offer"])
def test_need_offer_status_change(web, dani, item_kind):
    create = {"need": need_create, "offer": offer_create}[item_kind]
    item = create(person=dani, text="A jeep", tags=["cars"], expires_on=dt.date(2030, 1, 1))

    response = web.post(
        reverse(f"network:{item_kind}_status", args=[item.public_id]),
        {"status": "fulfilled"},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert '<span class="badge badge-fulfilled">Fulfilled</span>' in response.content.decode()
    item.refresh_from_db()
    assert (item.status, item.text, item.expires_on) == ("fulfilled", "A jeep", dt.date(2030, 1, 1))
    assert [t.name for t in item.tags.all()] == ["cars"]


@pytest.mark.parametrize("item_kind", ["need", "offer"])
def test_need_offer_status_change_refuses_unknown_statuses(web, dani, item_kind):
    item = FACTORIES[item_kind](workspace=dani.workspace, person=dani)

    fragment = web.post(
        reverse(f"network:{item_kind}_status", args=[item.public_id]),
        {"status": "sold"},
        headers=HTMX,
    )
    page = web.post(
        reverse(f"network:{item_kind}_status", args=[item.public_id]),
        {"status": "sold"},
        follow=True,
    )

    assert "Choose open, fulfilled or withdrawn." in fragment.content.decode()
    assert "Choose open, fulfilled or withdrawn." in page.content.decode()
    item.refresh_from_db()
    assert item.status == "open"


@pytest.mark.parametrize("item_kind", ["need", "offer"])
def test_need_offer_delete(web, dani, item_kind):
    item = FACTORIES[item_kind](workspace=dani.workspace, person=dani, text="A jeep")
    url = reverse(f"network:{item_kind}_delete", args=[item.public_id])

    refused = web.get(url)
    response = web.post(url, headers=HTMX)

    assert refused.status_code == 405
    assert response.status_code == 200
    assert "A jeep" not in response.content.decode()
    assert counts()[f"{item_kind}s"] == 0


# Ties


def test_tie_create(web, workspace, dani):
    yossi = PersonFactory(workspace=workspace, name="Yossi")

    response = web.post(
        reverse("network:tie_create", args=[dani.public_id]),
        {
            "other": str(yossi.public_id),
            "kind": str(kind(workspace, "basketball").public_id),
            "since": "2015-09-01",
            "trust": "4",
            "notes": "Tuesday games",
        },
        headers=HTMX,
    )

    tie = Tie.objects.get()
    assert response.status_code == 200
    assert {tie.person_a, tie.person_b} == {dani, yossi}
    assert (tie.kind.code, tie.since, tie.trust, tie.notes) == (
        "basketball",
        dt.date(2015, 9, 1),
        4,
        "Tuesday games",
    )
    fragment = response.content.decode()
    assert "Yossi" in fragment
    assert "Plays basketball with" in fragment
    assert "Trust 4 of 5" in fragment
    assert "since September 2015" in fragment


def test_tie_create_without_javascript(web, workspace, dani):
    yossi = PersonFactory(workspace=workspace, name="Yossi")

    response = web.post(
        reverse("network:tie_create", args=[dani.public_id]),
        {"other": str(yossi.public_id), "kind": str(kind(workspace).public_id)},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{detail(dani)}#ties"
    assert Tie.objects.count() == 1


def test_tie_create_refuses_bad_input(web, workspace, other_workspace, dani):
    yossi = PersonFactory(workspace=workspace, name="Yossi")
    TieFactory(workspace=workspace, person_a=dani, person_b=yossi, kind=kind(workspace))
    foreign = PersonFactory(workspace=other_workspace, name="Foreign Farouk")
    friend = str(kind(workspace).public_id)
    url = reverse("network:tie_create", args=[dani.public_id])
    cases = [
        ({"other": str(dani.public_id), "kind": friend}, "other"),
        ({"other": str(yossi.public_id), "kind": friend}, "kind"),
        ({"kind": friend}, "other"),
        ({"other": str(foreign.public_id), "kind": friend}, "other"),
        ({"other": str(yossi.public_id), "kind": friend, "trust": "9"}, "trust"),
    ]
    messages = []

    for values, field in cases:
        response = web.post(url, values, headers=HTMX)
        assert response.status_code == 200
        errors = response.context["section"].form.errors
        assert list(errors) == [field]
        messages.append(errors[field][0])

    assert messages[:4] == [
        "A person cannot have a tie with themselves: choose someone else.",
        "These two people already have a tie of this kind: choose another kind, or edit the "
        "existing tie.",
        "Choose the other person: search by name.",
        "That person was not found: search again and choose from the list.",
    ]
    assert Tie.objects.count() == 1


def test_tie_edit_and_delete(web, workspace, dani):
    yossi = PersonFactory(workspace=workspace, name="Yossi")
    tie = TieFactory(workspace=workspace, person_a=dani, person_b=yossi, kind=kind(workspace))
    edit = reverse("network:tie_edit", args=[yossi.public_id, tie.public_id])

    form = web.get(edit, headers=HTMX).context["section"].form
    edited = web.post(
        edit, {"kind": str(kind(workspace, "family").public_id), "trust": "5"}, headers=HTMX
    )

    assert "other" not in form.fields
    assert edited.status_code == 200
    tie.refresh_from_db()
    assert (tie.kind.code, tie.trust) == ("family", 5)
    assert "Dani" in edited.content.decode()

    deleted = web.post(
        reverse("network:tie_delete", args=[dani.public_id, tie.public_id]), headers=HTMX
    )

    assert deleted.status_code == 200
    assert Tie.objects.count() == 0


def test_tie_is_not_found_through_a_person_outside_it(web, workspace, dani):
    tie = TieFactory(workspace=workspace)

    response = web.post(reverse("network:tie_delete", args=[dani.public_id, tie.public_id]))

    assert response.status_code == 404
    assert Tie.objects.count() == 1


# The timeline


def interaction_form(**changes):
    return {
        "occurred_at": "2024-05-01T10:30",
        "channel": "call",
        "summary": "Told him about the jeep",
        "initiated_by": "me",
        "exchange": "give",
        "exchange_kind": "introduction",
        **changes,
    }


def test_interaction_form_starts_now_and_suggests_tied_people(web, workspace, dani):
    yossi = PersonFactory(workspace=workspace, name="Yossi")
    TieFactory(workspace=workspace, person_a=dani, person_b=yossi)

    response = web.get(reverse("network:interaction_create", args=[dani.public_id]), headers=HTMX)

    section = response.context["section"]
    assert section.suggested == [yossi]
    assert section.form["channel"].value() == "meeting"
    # "Now" as the workspace's clock shows it, to the minute.
    assert str(section.form.initial["occurred_at"].tzinfo) == "Asia/Jerusalem"
    assert section.form.initial["occurred_at"].second == 0
    fragment = response.content.decode()
    assert 'type="datetime-local"' in fragment
    assert f'value="{yossi.public_id}"' in fragment


def test_interaction_create(web, workspace, user, dani):
    yossi = PersonFactory(workspace=workspace, name="Yossi")
    event = EventFactory(workspace=workspace, name="Networking evening")

    response = web.post(
        reverse("network:interaction_create", args=[dani.public_id]),
        interaction_form(participants=[str(yossi.public_id)], event=str(event.public_id)),
        headers=HTMX,
    )

    interaction = Interaction.objects.get()
    assert response.status_code == 200
    assert interaction.occurred_at == dt.datetime(2024, 5, 1, 10, 30, tzinfo=JERUSALEM)
    assert (
        interaction.channel,
        interaction.summary,
        interaction.initiated_by,
        interaction.exchange,
        interaction.exchange_kind,
        interaction.event,
        interaction.logged_by,
    ) == ("call", "Told him about the jeep", "me", "give", "introduction", event, user)
    assert sorted(p.name for p in interaction.participants.all()) == ["Dani", "Yossi"]
    fragment = response.content.decode()
    assert "Told him about the jeep" in fragment
    assert "1 May 2024, 10:30" in fragment
    assert "Introduction" in fragment
    assert "at <bdi>Networking evening</bdi>" in fragment


def test_interaction_create_without_javascript(web, dani):
    response = web.post(
        reverse("network:interaction_create", args=[dani.public_id]), interaction_form()
    )

    assert response.status_code == 302
    assert response["Location"] == f"{detail(dani)}#interactions"
    assert list(Interaction.objects.get().participants.all()) == [dani]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"exchange": "give", "exchange_kind": "pitch"},
            "exchange_kind",
            "A give is advice, information, an introduction or a recommendation; an ask is a "
            "pitch or a request.",
        ),
        (
            {"exchange": "neutral", "exchange_kind": "advice"},
            "exchange_kind",
            "A give is advice, information, an introduction or a recommendation; an ask is a "
            "pitch or a request.",
        ),
        ({"occurred_at": ""}, "occurred_at", "This field is required."),
        (
            {"summary": "x" * 10_001},
            "summary",
            "This text is too long (10001 characters): at most 10000.",
        ),
        (
            {"participants": ["00000000-0000-0000-0000-000000000000"]},
            "participants",
            "That person was not found: search again and choose from the list.",
        ),
    ],
)
def test_interaction_create_with_bad_input_writes_nothing(web, dani, changes, field, message):
    response = web.post(
        reverse("network:interaction_create", args=[dani.public_id]),
        interaction_form(**changes),
        headers=HTMX,
    )

    assert response.status_code == 200
    assert response.context["section"].form.errors[field] == [message]
    assert Interaction.objects.count() == 0


def test_interaction_edit_and_delete(web, workspace, dani):
    yossi = PersonFactory(workspace=workspace, name="Yossi")
    interaction = InteractionFactory(
        workspace=workspace, channel="meeting", summary="Coffee", participants=[dani, yossi]
    )
    edit = reverse("network:interaction_edit", args=[dani.public_id, interaction.public_id])

    form = web.get(edit, headers=HTMX).context["section"].form
    edited = web.post(
        edit, interaction_form(summary="Lunch", exchange="ask", exchange_kind="pitch"), headers=HTMX
    )

    assert form.picked["participants"] == [yossi]
    assert edited.status_code == 200
    interaction.refresh_from_db()
    assert (interaction.summary, interaction.exchange_kind) == ("Lunch", "pitch")
    assert list(interaction.participants.all()) == [dani]

    deleted = web.post(
        reverse("network:interaction_delete", args=[dani.public_id, interaction.public_id]),
        headers=HTMX,
    )

    assert deleted.status_code == 200
    assert Interaction.objects.count() == 0


def test_interaction_edit_with_bad_input_changes_nothing(web, workspace, dani):
    interaction = InteractionFactory(workspace=workspace, summary="Coffee", participants=[dani])

    response = web.post(
        reverse("network:interaction_edit", args=[dani.public_id, interaction.public_id]),
        interaction_form(summary="Lunch", channel="fax"),
        headers=HTMX,
    )

    assert list(response.context["section"].form.errors) == ["channel"]
    interaction.refresh_from_db()
    assert interaction.summary == "Coffee"


def test_interaction_is_not_found_through_a_person_not_in_it(web, workspace, dani):
    interaction = InteractionFactory(
        workspace=workspace, participants=[PersonFactory(workspace=workspace)]
    )

    response = web.get(
        reverse("network:interaction_edit", args=[dani.public_id, interaction.public_id])
    )

    assert response.status_code == 404


def test_timeline_pages_older_interactions(web, workspace, dani):
    start = dt.datetime(2024, 1, 1, 12, 0, tzinfo=dt.UTC)
    for n in range(45):
        InteractionFactory(
            workspace=workspace,
            summary=f"Talk {n:02d}",
            occurred_at=start + dt.timedelta(days=n),
            participants=[dani],
        )
    url = reverse("network:interaction_list", args=[dani.public_id])

    first = web.get(detail(dani)).context["timeline"]
    older = web.get(url, {"page": "2"}, headers=HTMX)
    oldest = web.get(url, {"page": "3"}, headers=HTMX)
    page = web.get(url, {"page": "2"})
    refreshed = web.get(url, headers=HTMX)

    # The person page opens on the latest 10; older pages hold 30.
    assert [i.summary for i in first.items] == [f"Talk {n:02d}" for n in range(44, 34, -1)]
    assert first.next_page == 2
    assert [i.summary for i in older.context["section"].items] == [
        f"Talk {n:02d}" for n in range(34, 4, -1)
    ]
    assert older.context["section"].next_page == 3
    assert [i.summary for i in oldest.context["section"].items] == [
        f"Talk {n:02d}" for n in range(4, -1, -1)
    ]
    assert oldest.context["section"].next_page is None
    assert "<html" not in older.content.decode()
    assert 'class="timeline-item' in older.content.decode()
    assert "<html" in page.content.decode()
    assert 'id="interactions"' in refreshed.content.decode()


def test_section_refresh_without_javascript_goes_to_the_person(web, dani):
    for name in ("network:need_list", "network:offer_list", "network:tie_list"):
        response = web.get(reverse(name, args=[dani.public_id]))
        assert response.status_code == 302
        assert response["Location"].startswith(detail(dani))


# Isolation: another workspace's user gets 404 on every route, and nothing changes.


def network_routes():
    person = ("person",)
    return [
        ("get", "network:tie_list", person),
        ("get", "network:tie_create", person),
        ("post", "network:tie_create", person),
        ("get", "network:tie_edit", ("person", "tie")),
        ("post", "network:tie_edit", ("person", "tie")),
        ("post", "network:tie_delete", ("person", "tie")),
        ("get", "network:interaction_list", person),
        ("get", "network:interaction_create", person),
        ("post", "network:interaction_create", person),
        ("get", "network:interaction_edit", ("person", "interaction")),
        ("post", "network:interaction_edit", ("person", "interaction")),
        ("post", "network:interaction_delete", ("person", "interaction")),
        *[
            route
            for item_kind in ("need", "offer")
            for route in [
                ("get", f"network:{item_kind}_list", person),
                ("get", f"network:{item_kind}_create", person),
                ("post", f"network:{item_kind}_create", person),
                ("get", f"network:{item_kind}_edit", (item_kind,)),
                ("post", f"network:{item_kind}_edit", (item_kind,)),
                ("post", f"network:{item_kind}_status", (item_kind,)),
                ("post", f"network:{item_kind}_delete", (item_kind,)),
            ]
        ],
    ]


@pytest.mark.parametrize(("method", "name", "objects"), network_routes())
@pytest.mark.parametrize("htmx", [False, True])
def test_another_workspace_gets_404_on_every_network_route(
    other_web, workspace, other_workspace, method, name, objects, htmx
):
    dani = PersonFactory(workspace=workspace, name="Dani")
    yossi = PersonFactory(workspace=workspace, name="Yossi")
    mine = {
        "person": dani,
        "tie": TieFactory(workspace=workspace, person_a=dani, person_b=yossi),
        "interaction": InteractionFactory(workspace=workspace, participants=[dani]),
        "need": NeedFactory(workspace=workspace, person=dani, text="A jeep"),
        "offer": OfferFactory(workspace=workspace, person=dani, text="Chairs"),
    }
    # What the other workspace's user would send: valid data, their own people and kinds.
    theirs = Membership.objects.get(workspace=other_workspace).person
    data = {
        **interaction_form(),
        "text": "Taken over",
        "status": "withdrawn",
        "other": str(theirs.public_id),
        "kind": str(kind(other_workspace).public_id),
    }
    before = counts()

    call = getattr(other_web, method)
    url = reverse(name, args=[mine[key].public_id for key in objects])
    response = call(url, data, headers=HTMX if htmx else {})

    assert response.status_code == 404
    assert "Dani" not in response.content.decode()
    assert counts() == before
    for obj in mine.values():
        obj.refresh_from_db()
    assert (mine["need"].text, mine["need"].status) == ("A jeep", "open")
    assert (mine["offer"].text, mine["offer"].status) == ("Chairs", "open")
    assert mine["interaction"].summary == "Coffee"
