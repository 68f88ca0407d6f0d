"""/api/v1/ for suggestions, introductions, concepts, match runs and the give ledger."""

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from kesher.accounts.services import api_token_create
from kesher.introductions import services
from kesher.introductions.models import (
    Introduction,
    IntroductionReturn,
    MatchRun,
    Suggestion,
    SuggestionStatus,
    WorkspaceConcept,
)
from kesher.network.services import need_create, offer_create
from tests.api.conftest import ApiClient, owner_of
from tests.introductions.conftest import make_person

pytestmark = pytest.mark.django_db

SOME_UUID = "6f1c1c5e-0b7a-4a55-9d0c-5d1f0a3e8b11"


@pytest.fixture
def api(jeep):
    _token, secret = api_token_create(user=jeep.user, workspace=jeep.workspace, name="tests")
    return ApiClient(Client(), secret)


@pytest.fixture
def other_api(other_workspace):
    _token, secret = api_token_create(
        user=owner_of(other_workspace), workspace=other_workspace, name="other"
    )
    return ApiClient(Client(), secret)


def _accept(api, jeep) -> dict:
    response = api.post(f"/suggestions/{jeep.suggestion().public_id}/accept")
    assert response.status_code == 201
    return response.json()


def _move(api, introduction_id, **payload):
    return api.post(f"/introductions/{introduction_id}/transition", payload)


def test_suggestions_list_with_reasons_phrased(api, jeep):
    response = api.get("/suggestions")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == str(jeep.suggestion().public_id)
    assert item["kind"] == "need_offer"
    assert item["person_a"] == {"id": str(jeep.avi.public_id), "name": "אבי רוזן"}
    assert item["person_b"] == {"id": str(jeep.dror.public_id), "name": "Dror Azulay"}
    assert item["need"] == {
        "id": str(jeep.need.public_id),
        "text": "מחפש לקנות ג'יפ רנגלר",
        "status": "open",
    }
    assert item["status"] == "open"
    assert [(r["kind"], r["left"], r["right"]) for r in item["reasons"]] == [
        ("concept", "ג'יפ", "Jeep Wrangler"),
        ("intent", "trade", "trade"),
        ("shared_interest", "טיולי שטח", "טיולי שטח"),
        ("knows_both", "", ""),
    ]
    assert all(reason["text"] for reason in item["reasons"])


def test_suggestions_filter_by_person_and_kind(api, jeep):
    by_noa = api.get("/suggestions", {"person": str(jeep.noa.public_id)}).json()
    shared = api.get("/suggestions", {"kind": "shared_interest"}).json()
    unknown = api.get("/suggestions", {"person": SOME_UUID})

    assert (by_noa["count"], shared["count"]) == (0, 0)
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == {"person": ["Person not found."]}


def test_snooze_and_dismiss(api, jeep):
    suggestion = jeep.suggestion()
    snoozed = api.post(f"/suggestions/{suggestion.public_id}/snooze", {})
    assert snoozed.status_code == 200
    assert snoozed.json()["status"] == "snoozed"

    dismissed = api.post(f"/suggestions/{suggestion.public_id}/dismiss", {"reason": "Sold"})

    assert dismissed.status_code == 200
    assert (dismissed.json()["status"], dismissed.json()["dismiss_reason"]) == (
        "dismissed",
        "Sold",
    )
    again = api.post(f"/suggestions/{suggestion.public_id}/dismiss", {})
    assert again.status_code == 409
    assert again.json()["code"] == "suggestion_decided"


def test_snooze_into_the_past_is_a_422_and_changes_nothing(api, jeep):
    suggestion = jeep.suggestion()

    response = api.post(f"/suggestions/{suggestion.public_id}/snooze", {"until": "2000-01-01"})

    assert response.status_code == 422
    assert response.json()["errors"] == {"until": ["Snooze until a day after today."]}
    assert jeep.suggestion().status == SuggestionStatus.OPEN


def test_the_whole_workflow_through_the_api(api, jeep):
    introduction = _accept(api, jeep)
    assert introduction["status"] == "suggested"
    assert introduction["allowed_transitions"] == ["proposed", "declined"]
    assert introduction["message_a"].startswith("היי אבי,")
    assert introduction["message_b"].startswith("Hi Dror,")
    path = introduction["id"]

    proposed = _move(api, path, to="proposed", send_email=True).json()
    assert proposed["status"] == "proposed"
    assert proposed["give"] is not None
    assert [m.to for m in mail.outbox] == [["avi@example.com"], ["dror@example.com"]]

    half = _move(api, path, to="accepted", side="b").json()
    assert (half["status"], half["a_accepted_at"] is None, half["b_accepted_at"] is None) == (
        "proposed",
        True,
        False,
    )
    both = _move(api, path, to="accepted", side="a").json()
    assert both["status"] == "accepted"
    assert both["allowed_transitions"] == ["connected", "declined"]
    assert _move(api, path, to="connected").json()["status"] == "connected"

    closed = api.post(
        f"/introductions/{path}/outcome",
        {"outcome": "deal", "value": "185000", "currency": "ILS", "note": "Sold"},
    )
    assert closed.status_code == 200
    body = closed.json()
    assert (body["status"], body["outcome"], body["outcome_value"], body["outcome_currency"]) == (
        "closed",
        "deal",
        "185000.00",
        "ILS",
    )
    assert body["allowed_transitions"] == []

    returned = api.post(
        f"/introductions/{path}/returns",
        {
            "from_person": str(jeep.avi.public_id),
            "kind": "deal",
            "description": "Avi ordered 10 chairs",
            "value": "9000",
            "occurred_on": timezone.localdate().isoformat(),
        },
    )
    assert returned.status_code == 201
    assert returned.json()["description"] == "Avi ordered 10 chairs"
    detail = api.get(f"/introductions/{path}").json()
    assert [ret["description"] for ret in detail["returns"]] == ["Avi ordered 10 chairs"]

    ledger = api.get("/give-ledger").json()
    assert (ledger["introductions_made"], ledger["deals_between_them"]) == (1, 1)
    assert ledger["deal_value_by_currency"] == {"ILS": "185000.00"}


def test_an_invalid_transition_is_a_409_with_the_allowed_next_states(api, jeep):
    path = _accept(api, jeep)["id"]

    response = _move(api, path, to="connected")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "An introduction that is “Suggested” cannot become “Connected”. "
        "Next it can become: “Proposed”, “Declined”.",
        "code": "invalid_transition",
        "allowed": ["proposed", "declined"],
    }
    assert Introduction.objects.get().status == "suggested"


def test_an_outcome_before_connecting_is_a_409(api, jeep):
    path = _accept(api, jeep)["id"]

    response = api.post(f"/introductions/{path}/outcome", {"outcome": "nothing"})

    assert response.status_code == 409
    assert response.json()["allowed"] == ["proposed", "declined"]


def test_bad_workflow_input_is_refused_and_changes_nothing(api, jeep):
    path = _accept(api, jeep)["id"]
    _move(api, path, to="proposed")

    unknown_status = _move(api, path, to="married")
    no_side = _move(api, path, to="accepted")
    bad_outcome = api.post(f"/introductions/{path}/outcome", {"outcome": "commission"})
    malformed = api.post(f"/introductions/{path}/transition", raw='{"to": "accepted",')
    negative = api.post(f"/introductions/{path}/outcome", {"outcome": "deal", "value": "-5"})

    assert unknown_status.status_code == 422
    assert list(unknown_status.json()["errors"]) == ["to"]
    assert no_side.status_code == 422
    assert no_side.json()["errors"] == {
        "side": ["Say who said yes: side “a” (אבי רוזן) or “b” (Dror Azulay)."]
    }
    assert bad_outcome.status_code == 422
    assert list(bad_outcome.json()["errors"]) == ["outcome"]
    assert malformed.status_code == 400
    assert malformed.json()["code"] == "malformed_json"
    assert negative.status_code == 422
    introduction = Introduction.objects.get()
    assert (introduction.status, introduction.a_accepted_at, introduction.outcome) == (
        "proposed",
        None,
        "",
    )


def test_create_an_introduction_by_hand(api, jeep):
    Suggestion.objects.all().delete()

    response = api.post(
        "/introductions",
        {
            "person_a": str(jeep.avi.public_id),
            "person_b": str(jeep.dror.public_id),
            "need": str(jeep.need.public_id),
            "offer": str(jeep.offer.public_id),
            "note": "From basketball",
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["note"], body["suggestion"]) == (
        "suggested",
        "From basketball",
        None,
    )
    listed = api.get("/introductions", {"person": str(jeep.dror.public_id)}).json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    twice = api.post(
        "/introductions",
        {"person_a": str(jeep.dror.public_id), "person_b": str(jeep.avi.public_id)},
    )
    assert twice.status_code == 409
    assert twice.json()["code"] == "introduction_exists"


def test_create_with_unknown_ids_names_the_fields(api, jeep):
    response = api.post(
        "/introductions",
        {"person_a": SOME_UUID, "person_b": str(jeep.dror.public_id)},
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {"person_a": ["Person not found."]}
    assert Introduction.objects.count() == 0


def test_edit_the_drafts(api, jeep):
    path = _accept(api, jeep)["id"]

    response = api.patch(f"/introductions/{path}", {"message_b": "Hi Dror, meet Avi?"})
    empty = api.patch(f"/introductions/{path}", {"message_a": ""})

    assert response.status_code == 200
    assert response.json()["message_b"] == "Hi Dror, meet Avi?"
    assert response.json()["message_a"].startswith("היי אבי,")
    assert empty.status_code == 422
    assert Introduction.objects.get().message_b == "Hi Dror, meet Avi?"


def test_returns_must_come_from_one_side(api, jeep):
    path = _accept(api, jeep)["id"]
    _move(api, path, to="proposed")

    response = api.post(
        f"/introductions/{path}/returns",
        {
            "from_person": str(jeep.noa.public_id),
            "kind": "referral",
            "description": "Noa sent someone",
            "occurred_on": timezone.localdate().isoformat(),
        },
    )

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["from_person"]
    assert IntroductionReturn.objects.count() == 0


def test_concepts_crud_and_validation(api, jeep):
    created = api.post(
        "/concepts",
        {"key": "zorblax", "label_en": "Zorblax", "terms_he": ["זורבלקס"], "related": ["jeep"]},
    )
    assert created.status_code == 201
    concept_id = created.json()["id"]
    assert created.json()["related"] == ["jeep"]

    patched = api.patch(f"/concepts/{concept_id}", {"terms_en": ["zorblax", "zorblaxes"]})
    assert patched.json()["terms_en"] == ["zorblax", "zorblaxes"]
    assert patched.json()["terms_he"] == ["זורבלקס"]
    assert api.get("/concepts").json()["count"] == 1

    duplicate = api.post("/concepts", {"key": "zorblax", "terms_en": ["x"]})
    assert duplicate.status_code == 422
    assert duplicate.json()["errors"] == {
        "key": ["This workspace already has a concept “zorblax”: edit it, or choose another key."]
    }

    deleted = api.delete(f"/concepts/{concept_id}")
    assert deleted.status_code == 204
    assert WorkspaceConcept.objects.count() == 0


def test_match_runs(api, jeep):
    assert api.get("/match-runs/latest").status_code == 404

    started = api.post("/match-runs")

    assert started.status_code == 202
    run = started.json()
    # Tests run tasks inline: the run is already done.
    assert (run["status"], run["progress"], run["needs"], run["offers"], run["suggestions"]) == (
        "done",
        100,
        1,
        2,
        1,
    )
    assert api.get("/match-runs/latest").json()["id"] == run["id"]
    assert api.get(f"/match-runs/{run['id']}").json()["status"] == "done"


# Isolation: another workspace's token gets 404 for every object, and empty lists.


def _objects(jeep):
    introduction = services.suggestion_accept(suggestion=jeep.suggestion(), user=jeep.user)
    services.introduction_propose(introduction=introduction, user=jeep.user)
    buyer = make_person(jeep.workspace, "Buyer")
    second = need_create(person=buyer, text="Looking for a jeep")
    offer_create(person=make_person(jeep.workspace, "Seller"), text="Jeep Wrangler for sale")
    suggestion = Suggestion.objects.filter(need=second).first()
    concept = services.concept_create(workspace=jeep.workspace, key="zorblax", terms_en=["z"])
    run = services.match_run_start(workspace=jeep.workspace, user=jeep.user)
    return {
        "suggestion": suggestion.public_id,
        "introduction": introduction.public_id,
        "concept": concept.public_id,
        "run": run.public_id,
    }


OBJECT_ENDPOINTS = [
    ("get", "/suggestions/{suggestion}", None),
    ("post", "/suggestions/{suggestion}/accept", None),
    ("post", "/suggestions/{suggestion}/snooze", {}),
    ("post", "/suggestions/{suggestion}/dismiss", {}),
    ("get", "/introductions/{introduction}", None),
    ("patch", "/introductions/{introduction}", {"message_a": "Taken"}),
    ("post", "/introductions/{introduction}/transition", {"to": "declined"}),
    ("post", "/introductions/{introduction}/outcome", {"outcome": "nothing"}),
    (
        "post",
        "/introductions/{introduction}/returns",
        {
            "from_person": SOME_UUID,
            "kind": "other",
            "description": "x",
            "occurred_on": "2024-01-01",
        },
    ),
    ("get", "/concepts/{concept}", None),
    ("patch", "/concepts/{concept}", {"label_en": "Taken"}),
    ("delete", "/concepts/{concept}", None),
    ("get", "/match-runs/{run}", None),
]


@pytest.mark.parametrize(("method", "path", "body"), OBJECT_ENDPOINTS)
def test_another_workspace_gets_404_for_every_object(jeep, api, other_api, method, path, body):
    objects = _objects(jeep)
    before = (
        list(Suggestion.objects.values_list("status", flat=True).order_by("id")),
        list(Introduction.objects.values_list("status", "message_a").order_by("id")),
        list(WorkspaceConcept.objects.values_list("key", "label_en")),
    )

    call = getattr(other_api, method)
    url = path.format(**objects)
    response = call(url) if body is None else call(url, body)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    after = (
        list(Suggestion.objects.values_list("status", flat=True).order_by("id")),
        list(Introduction.objects.values_list("status", "message_a").order_by("id")),
        list(WorkspaceConcept.objects.values_list("key", "label_en")),
    )
    assert after == before


@pytest.mark.parametrize("path", ["/suggestions", "/introductions", "/concepts"])
def test_another_workspace_lists_none_of_it(jeep, api, other_api, path):
    _objects(jeep)

    response = other_api.get(path)

    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


def test_another_workspace_sees_its_own_ledger_and_runs(jeep, other_api):
    _objects(jeep)

    ledger = other_api.get("/give-ledger").json()
    latest = other_api.get("/match-runs/latest")

    assert (ledger["gives"], ledger["introductions_made"], ledger["returns"]) == (0, 0, [])
    assert latest.status_code == 404
    assert MatchRun.objects.count() == 1


def test_another_workspace_cannot_name_these_people(jeep, other_api):
    response = other_api.post(
        "/introductions",
        {"person_a": str(jeep.avi.public_id), "person_b": str(jeep.dror.public_id)},
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {"person_a": ["Person not found."]}
