"""kesher/network/services.py: ties, interactions, needs, offers and quick capture."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kesher.core.exceptions import ConflictError
from kesher.network.models import Interaction, Need, Offer, Tie, TieKind
from kesher.network.services import (
    InteractionData,
    interaction_delete,
    interaction_log,
    interaction_update,
    need_create,
    need_delete,
    need_update,
    offer_create,
    offer_update,
    person_quick_capture,
    tie_create,
    tie_delete,
    tie_kind_create,
    tie_kind_delete,
    tie_kind_rename,
    tie_update,
)
from kesher.people.models import Person, PersonPhone
from kesher.search.models import SearchDocument
from tests.factories import EventFactory, PersonFactory, TieFactory

WHEN = dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.UTC)


def kind(workspace, code="friend") -> TieKind:
    return TieKind.objects.get(workspace=workspace, code=code)


def all_counts() -> dict[str, int]:
    return {
        "people": Person.objects.count(),
        "phones": PersonPhone.objects.count(),
        "needs": Need.objects.count(),
        "offers": Offer.objects.count(),
        "interactions": Interaction.objects.count(),
        "search": SearchDocument.objects.count(),
    }


# Ties


def test_tie_create_stores_the_pair_once_in_order(workspace):
    first = PersonFactory(workspace=workspace)
    second = PersonFactory(workspace=workspace)

    tie = tie_create(
        workspace=workspace,
        person=second,
        other=first,
        kind=kind(workspace),
        since=dt.date(2020, 1, 1),
        trust=4,
        notes=" Basketball on Tuesdays ",
    )

    tie.refresh_from_db()
    assert (tie.person_a, tie.person_b) == (first, second)
    assert (tie.since, tie.trust, tie.notes) == (dt.date(2020, 1, 1), 4, "Basketball on Tuesdays")
    assert tie.other(first) == second
    assert tie.other(second) == first


def test_tie_to_self_is_refused(workspace):
    person = PersonFactory(workspace=workspace)

    with pytest.raises(ValidationError) as caught:
        tie_create(workspace=workspace, person=person, other=person, kind=kind(workspace))

    assert caught.value.message_dict == {
        "other": ["A person cannot have a tie with themselves: choose someone else."]
    }
    assert Tie.objects.count() == 0


def test_duplicate_tie_is_refused_in_either_direction(workspace):
    first = PersonFactory(workspace=workspace)
    second = PersonFactory(workspace=workspace)
    tie_create(workspace=workspace, person=first, other=second, kind=kind(workspace))

    with pytest.raises(ValidationError) as caught:
        tie_create(workspace=workspace, person=second, other=first, kind=kind(workspace))

    assert caught.value.message_dict == {
        "kind": [
            "These two people already have a tie of this kind: choose another kind, or edit the "
            "existing tie."
        ]
    }
    assert Tie.objects.count() == 1
    tie_create(workspace=workspace, person=second, other=first, kind=kind(workspace, "colleague"))
    assert Tie.objects.count() == 2


@pytest.mark.parametrize("trust", [0, 6])
def test_tie_trust_out_of_range_is_refused(workspace, trust):
    first = PersonFactory(workspace=workspace)
    second = PersonFactory(workspace=workspace)

    with pytest.raises(ValidationError) as caught:
        tie_create(
            workspace=workspace, person=first, other=second, kind=kind(workspace), trust=trust
        )

    assert caught.value.message_dict == {
        "trust": ["Rate trust with a whole number from 1 (low) to 5 (high)."]
    }
    assert Tie.objects.count() == 0


def test_tie_to_a_person_of_another_workspace_is_refused(workspace, other_workspace):
    mine = PersonFactory(workspace=workspace)
    foreign = PersonFactory(workspace=other_workspace)

    with pytest.raises(ValidationError) as caught:
        tie_create(workspace=workspace, person=mine, other=foreign, kind=kind(workspace))

    assert caught.value.messages == [
        "A linked record belongs to another workspace: choose one from this workspace."
    ]
    assert Tie.objects.count() == 0


def test_tie_update_and_delete(workspace):
    tie = TieFactory(workspace=workspace, kind=kind(workspace))

    tie_update(tie=tie, kind=kind(workspace, "family"), since=dt.date(1990, 1, 1), trust=5)

    tie.refresh_from_db()
    assert (tie.kind.code, tie.since, tie.trust, tie.notes) == (
        "family",
        dt.date(1990, 1, 1),
        5,
        "",
    )
    tie_delete(tie=tie)
    assert Tie.objects.count() == 0


def test_tie_update_into_an_existing_kind_is_refused(workspace):
    tie = TieFactory(workspace=workspace, kind=kind(workspace))
    TieFactory(
        workspace=workspace,
        person_a=tie.person_a,
        person_b=tie.person_b,
        kind=kind(workspace, "colleague"),
    )

    with pytest.raises(ValidationError):
        tie_update(tie=tie, kind=kind(workspace, "colleague"))

    tie.refresh_from_db()
    assert tie.kind.code == "friend"


def test_tie_kinds_are_unique_and_protected_while_used(workspace):
    custom = tie_kind_create(workspace=workspace, name="Hikes with")

    with pytest.raises(ValidationError) as caught:
        tie_kind_create(workspace=workspace, name="hikes WITH")
    assert caught.value.message_dict == {
        "name": [
            "A tie kind with this name already exists: choose another name, or use the existing "
            "kind."
        ]
    }

    TieFactory(workspace=workspace, kind=custom)
    with pytest.raises(ConflictError) as conflict:
        tie_kind_delete(kind=custom)
    assert (conflict.value.message, conflict.value.code) == (
        "This kind is used by 1 tie: change its kind first.",
        "in_use",
    )
    TieFactory(workspace=workspace, kind=custom)
    with pytest.raises(ConflictError) as conflict:
        tie_kind_delete(kind=custom)
    assert conflict.value.message == "This kind is used by 2 ties: change their kind first."
    assert TieKind.objects.filter(pk=custom.pk).exists()

    renamed = tie_kind_rename(kind=kind(workspace), name="Close friend")
    assert (renamed.code, renamed.label) == ("", "Close friend")


# Interactions


def test_interaction_log_stores_it_with_its_participants(workspace, user):
    dani = PersonFactory(workspace=workspace, name="Dani")
    yossi = PersonFactory(workspace=workspace, name="Yossi")

    interaction = interaction_log(
        workspace=workspace,
        data=InteractionData(
            occurred_at=WHEN,
            channel="call",
            participants=[dani, yossi],
            summary=" Told him about the jeep ",
            initiated_by="them",
            exchange="give",
            exchange_kind="introduction",
        ),
        logged_by=user,
    )

    interaction.refresh_from_db()
    assert (
        interaction.occurred_at,
        interaction.channel,
        interaction.summary,
        interaction.initiated_by,
        interaction.exchange,
        interaction.exchange_kind,
        interaction.logged_by,
    ) == (WHEN, "call", "Told him about the jeep", "them", "give", "introduction", user)
    assert sorted(p.name for p in interaction.participants.all()) == ["Dani", "Yossi"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"exchange": "give", "exchange_kind": "pitch"}, "exchange_kind"),
        ({"exchange": "ask", "exchange_kind": "advice"}, "exchange_kind"),
        ({"exchange": "neutral", "exchange_kind": "request"}, "exchange_kind"),
        ({"exchange": "take"}, "exchange"),
        ({"channel": "fax"}, "channel"),
        ({"initiated_by": "nobody"}, "initiated_by"),
        ({"participants": []}, "participants"),
        ({"occurred_at": dt.datetime(2024, 5, 1, 9, 30)}, "occurred_at"),
        ({"summary": "x" * 10_001}, "summary"),
    ],
)
def test_interaction_log_refuses_bad_input_and_writes_nothing(workspace, changes, field):
    dani = PersonFactory(workspace=workspace)
    values = {"occurred_at": WHEN, "channel": "meeting", "participants": [dani], **changes}

    with pytest.raises(ValidationError) as caught:
        interaction_log(workspace=workspace, data=InteractionData(**values))

    assert list(caught.value.message_dict) == [field]
    assert Interaction.objects.count() == 0


def test_exchange_kind_mismatch_message(workspace):
    dani = PersonFactory(workspace=workspace)

    with pytest.raises(ValidationError) as caught:
        interaction_log(
            workspace=workspace,
            data=InteractionData(
                occurred_at=WHEN,
                channel="meeting",
                participants=[dani],
                exchange="give",
                exchange_kind="pitch",
            ),
        )

    assert caught.value.message_dict == {
        "exchange_kind": [
            "A give is advice, information, an introduction or a recommendation; an ask is a "
            "pitch or a request."
        ]
    }


def test_interaction_with_a_person_of_another_workspace_is_refused(workspace, other_workspace):
    foreign = PersonFactory(workspace=other_workspace)

    with pytest.raises(ValidationError):
        interaction_log(
            workspace=workspace,
            data=InteractionData(occurred_at=WHEN, channel="call", participants=[foreign]),
        )

    assert Interaction.objects.count() == 0


def test_interaction_update_and_delete(workspace):
    dani = PersonFactory(workspace=workspace)
    yossi = PersonFactory(workspace=workspace)
    interaction = interaction_log(
        workspace=workspace,
        data=InteractionData(occurred_at=WHEN, channel="call", participants=[dani, yossi]),
    )

    interaction_update(
        interaction=interaction,
        data=InteractionData(
            occurred_at=WHEN + dt.timedelta(hours=1),
            channel="email",
            participants=[dani],
            summary="Sent the brochure",
            exchange="ask",
            exchange_kind="pitch",
        ),
    )

    interaction.refresh_from_db()
    assert (interaction.channel, interaction.summary, interaction.exchange_kind) == (
        "email",
        "Sent the brochure",
        "pitch",
    )
    assert list(interaction.participants.all()) == [dani]
    assert SearchDocument.objects.filter(kind="note", object_id=interaction.public_id).exists()

    interaction_delete(interaction=interaction)

    assert Interaction.objects.count() == 0
    assert not SearchDocument.objects.filter(kind="note", object_id=interaction.public_id).exists()


# Needs and offers


@pytest.mark.parametrize(("create", "model"), [(need_create, Need), (offer_create, Offer)])
def test_need_and_offer_create(workspace, create, model):
    person = PersonFactory(workspace=workspace)

    item = create(
        person=person,
        text="  A used jeep  ",
        tags=["Jeeps", "cars"],
        expires_on=dt.date(2030, 1, 1),
    )

    item = model.objects.get(pk=item.pk)
    assert (item.person, item.text, item.status, item.expires_on) == (
        person,
        "A used jeep",
        "open",
        dt.date(2030, 1, 1),
    )
    assert sorted(t.name for t in item.tags.all()) == ["Jeeps", "cars"]


@pytest.mark.parametrize(("create", "model"), [(need_create, Need), (offer_create, Offer)])
@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"text": "   "}, {"text": ["This field is required: it cannot be empty."]}),
        (
            {"text": "x" * 2001},
            {"text": ["This text is too long (2001 characters): at most 2000."]},
        ),
        (
            {"text": "A jeep", "status": "sold"},
            {"status": ["Choose open, fulfilled or withdrawn."]},
        ),
    ],
)
def test_need_and_offer_create_refuse_bad_input(workspace, create, model, values, errors):
    person = PersonFactory(workspace=workspace)

    with pytest.raises(ValidationError) as caught:
        create(person=person, **values)

    assert caught.value.message_dict == errors
    assert model.objects.count() == 0


def test_need_update_and_delete(workspace):
    need = need_create(person=PersonFactory(workspace=workspace), text="A jeep", tags=["cars"])

    need_update(need=need, text="A red jeep", tags=[], status="fulfilled")

    need.refresh_from_db()
    assert (need.text, need.status, list(need.tags.all())) == ("A red jeep", "fulfilled", [])
    need_delete(need=need)
    assert Need.objects.count() == 0


def test_offer_update_refuses_bad_status_and_keeps_the_offer(workspace):
    offer = offer_create(person=PersonFactory(workspace=workspace), text="Office chairs")

    with pytest.raises(ValidationError):
        offer_update(offer=offer, text="Office chairs", status="gone")

    offer.refresh_from_db()
    assert offer.status == "open"


# Quick capture


def test_quick_capture_creates_person_need_offer_and_encounter(workspace, user):
    event = EventFactory(workspace=workspace, name="Networking evening")

    result = person_quick_capture(
        workspace=workspace,
        name=" משה לוי ",
        phone="052-345-6789",
        email="Moshe@Example.com",
        note="Loves adventure trips",
        need="A used jeep",
        offer="Office furniture",
        met_at=event,
        logged_by=user,
    )

    person = Person.objects.get(pk=result.person.pk)
    assert (person.name, person.source, person.met_at, person.met_on, person.notes) == (
        "משה לוי",
        "event",
        event,
        timezone.localdate(),
        "Loves adventure trips",
    )
    assert [p.e164 for p in person.phones.all()] == ["+972523456789"]
    assert [e.email for e in person.emails.all()] == ["moshe@example.com"]
    assert [n.text for n in person.needs.all()] == ["A used jeep"]
    assert [o.text for o in person.offers.all()] == ["Office furniture"]
    assert result.interaction is not None
    assert (result.interaction.channel, result.interaction.summary) == (
        "event",
        "Loves adventure trips",
    )
    assert list(result.interaction.participants.all()) == [person]


def test_quick_capture_with_only_a_name_adds_nothing_else(workspace):
    before = all_counts()

    result = person_quick_capture(workspace=workspace, name="Dani")

    assert (result.need, result.offer, result.interaction) == (None, None, None)
    after = all_counts()
    assert after["people"] == before["people"] + 1
    assert (after["needs"], after["offers"], after["interactions"]) == (0, 0, 0)


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"name": "Dani", "phone": "123"}, ["phones"]),
        ({"name": "  "}, ["name"]),
        ({"name": "Dani", "email": "dani@"}, ["emails"]),
        ({"name": "Dani", "need": "x" * 2001}, ["need"]),
        ({"name": "Dani", "offer": "x" * 2001}, ["offer"]),
        ({"name": "Dani", "note": "x" * 10_001}, ["notes"]),
        ({"name": "", "phone": "123", "need": "x" * 2001}, ["name", "need", "phones"]),
    ],
)
def test_quick_capture_is_all_or_nothing(workspace, values, fields):
    before = all_counts()
    values = {"note": "Met at the conference", "need": "A jeep", "offer": "Chairs", **values}

    with pytest.raises(ValidationError) as caught:
        person_quick_capture(workspace=workspace, **values)

    assert sorted(caught.value.message_dict) == fields
    assert all_counts() == before
