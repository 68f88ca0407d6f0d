"""The relationships API: strengths (paginated), warm paths, rhythms, referrals; isolation and
bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kesher.accounts.services import api_token_create
from kesher.network.services import tie_create
from kesher.relationships.models import Referral, Rhythm
from kesher.relationships.services import referral_create
from tests.api.conftest import ApiClient, owner_of
from tests.factories import OrganizationFactory, PersonFactory, TieKindFactory
from tests.relationships.conftest import log, me_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_api(other_workspace):
    _token, secret = api_token_create(
        user=owner_of(other_workspace), workspace=other_workspace, name="other"
    )
    return ApiClient(Client(), secret)


@pytest.fixture
def first(workspace, user):
    me = me_of(workspace, user)
    dana = PersonFactory(workspace=workspace, name="Secret Dana")
    referrer = PersonFactory(workspace=workspace, name="Secret Referrer")
    kind = TieKindFactory(workspace=workspace)
    tie = tie_create(workspace=workspace, person=me, other=dana, kind=kind)
    log(workspace, user, [dana], days_ago=12)
    referral = referral_create(
        workspace=workspace, referrer=referrer, referred=dana, date=dt.date(2025, 1, 1)
    )
    return {
        "me": me,
        "dana": dana,
        "referrer": referrer,
        "tie": tie,
        "referral": referral,
        "org": OrganizationFactory(workspace=workspace),
    }


def test_tie_strengths_are_paginated_with_explanations(api, first):
    response = api.get("/tie-strengths", {"limit": 1})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [item] = body["items"]
    first["tie"].refresh_from_db()
    assert item["strength"] == first["tie"].strength
    assert item["explanation"].startswith("1 meeting in 90 days, last 12 days ago")
    assert [c["name"] for c in item["components"]] == [
        "recency",
        "frequency",
        "reciprocity",
        "channel",
        "duration",
        "gives",
        "trust",
    ]


def test_warm_paths_and_who_they_know(api, first):
    response = api.get(f"/people/{first['dana'].public_id}/warm-paths")
    assert response.status_code == 200
    [path] = response.json()
    assert [p["name"] for p in path["people"]] == [first["me"].name, "Secret Dana"]
    assert path["to_ask"] == []
    assert api.get(f"/people/{first['me'].public_id}/who-they-know").json() == []
    assert api.get(f"/organizations/{first['org'].public_id}/warm-paths").json() == []


def test_rhythm_put_and_delete(api, first):
    url = f"/people/{first['dana'].public_id}/rhythm"
    response = api.put(url, {"every": "custom", "days": 9})
    assert response.status_code == 200
    assert (response.json()["every"], response.json()["days"]) == ("custom", 9)
    assert api.get("/keep-in-touch").status_code == 200
    assert api.delete(url).status_code == 204
    assert Rhythm.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"every": "custom"}, "days"),
        ({"every": "custom", "days": 0}, "days"),
        ({"every": "x"}, "every"),
    ],
)
def test_invalid_rhythms_are_422(api, first, body, field):
    response = api.put(f"/people/{first['dana'].public_id}/rhythm", body)
    assert response.status_code in (400, 422)
    assert field in response.json()["errors"]


def test_referral_create_and_chain(api, first):
    response = api.post(
        "/referrals",
        {
            "referrer": str(first["dana"].public_id),
            "referred": str(first["me"].public_id),
            "date": "2025-02-01",
            "outcome": "won",
            "value": "2500.50",
        },
    )
    assert response.status_code == 201
    assert response.json()["currency"] == "ILS"
    chain = api.get(f"/people/{first['me'].public_id}/referrals").json()
    assert [p["name"] for p in chain["people"]] == [
        "Secret Referrer",
        "Secret Dana",
        first["me"].name,
    ]
    referrer = api.get(f"/people/{first['referrer'].public_id}/referrals").json()
    assert (referrer["direct_value"], referrer["chain_value"]) == ("0.00", "2500.50")
    assert api.get("/referrals").json()["count"] == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": "-1"}, "value"),
        ({"outcome": "maybe"}, "outcome"),
        ({"referrer": None}, "referrer"),
    ],
)
def test_bad_referrals_are_422(api, first, changes, field):
    body = {
        "referrer": str(first["dana"].public_id),
        "referred": str(first["referrer"].public_id),
        "date": "2025-02-01",
        **changes,
    }
    response = api.post("/referrals", body)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert Referral.objects.count() == 1


def test_a_referral_passed_to_a_member_names_them_by_email(api, first, user, other_workspace):
    body = {
        "referrer": str(first["dana"].public_id),
        "referred": str(first["referrer"].public_id),
        "date": "2025-02-01",
    }
    response = api.post("/referrals", {**body, "to_member": user.email.upper()})
    assert response.status_code == 201
    assert Referral.objects.get(referred=first["referrer"]).to_member == user

    outsider = owner_of(other_workspace)
    response = api.post("/referrals", {**body, "to_member": outsider.email})
    assert response.status_code == 422
    assert response.json()["errors"] == {"to_member": ["Choose a member of this workspace."]}


def test_malformed_json_is_400(api, first):
    assert api.post("/referrals", raw='{"referrer": ').status_code == 400
    assert api.put(f"/people/{first['dana'].public_id}/rhythm", raw="[").status_code == 400


def test_unknown_referrer_is_422_on_that_field(api, first):
    response = api.post(
        "/referrals",
        {
            "referrer": "6f1c1c5e-0b7a-4a55-9d0c-5d1f0a3e8b11",
            "referred": str(first["dana"].public_id),
            "date": "2025-02-01",
        },
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["referrer"]


def test_other_workspace_gets_404_for_every_object(other_api, first):
    person, referral = first["dana"].public_id, first["referral"].public_id
    calls = [
        ("get", f"/people/{person}/warm-paths", None),
        ("get", f"/organizations/{first['org'].public_id}/warm-paths", None),
        ("get", f"/people/{person}/who-they-know", None),
        ("get", f"/people/{person}/referrals", None),
        ("put", f"/people/{person}/rhythm", {"every": "weekly"}),
        ("delete", f"/people/{person}/rhythm", None),
        ("get", f"/referrals/{referral}", None),
        (
            "put",
            f"/referrals/{referral}",
            {"referrer": str(person), "referred": str(person), "date": "2025-01-01"},
        ),
        ("delete", f"/referrals/{referral}", None),
    ]
    for method, path, body in calls:
        response = (
            getattr(other_api, method)(path, body) if body else getattr(other_api, method)(path)
        )
        assert response.status_code == 404, (method, path)
    assert Referral.objects.count() == 1
    assert Rhythm.objects.count() == 0


def test_other_workspace_lists_are_empty(other_api, first):
    for path in ("/tie-strengths", "/referrals"):
        assert other_api.get(path).json() == {"items": [], "count": 0}
    assert other_api.get("/keep-in-touch").json()["losing_touch"] == []
    response = other_api.get("/tie-strengths", {"person": str(first["dana"].public_id)})
    assert response.status_code == 422


def test_logging_an_interaction_through_the_api_rescores_the_tie_at_once(api, first):
    tie = first["tie"]
    tie.refresh_from_db()
    before = tie.strength
    response = api.post(
        "/interactions",
        {
            "occurred_at": (timezone.now() - dt.timedelta(days=200)).isoformat(),
            "channel": "meeting",
            "participants": [str(first["dana"].public_id)],
            "initiated_by": "them",
        },
    )
    assert response.status_code == 201
    tie.refresh_from_db()
    assert tie.strength > before
    [item] = api.get("/tie-strengths").json()["items"]
    assert item["strength"] == tie.strength
    # The new meeting is older than the last one and the 90 days, but counts all the same.
    assert item["data"]["interactions"] == 2
    assert item["explanation"] == ("1 meeting in 90 days, last 12 days ago, both initiate")


def test_bulk_recompute_is_queued_and_rescores_every_tie(api, first):
    first["tie"].strength_detail.delete()
    type(first["tie"]).objects.update(strength=None)
    response = api.post("/tie-strengths/recompute")
    assert response.status_code == 202
    assert response.json() == {
        "status": "queued",
        "detail": "Recomputing every tie's strength in the background.",
    }
    # Tests run tasks at once (the immediate backend); `kesher worker` runs them otherwise.
    [item] = api.get("/tie-strengths").json()["items"]
    assert item["strength"] > 0
    assert item["explanation"].startswith("1 meeting in 90 days, last 12 days ago")


def test_the_half_life_is_the_workspaces_to_set(api, first, django_capture_on_commit_callbacks):
    assert api.get("/relationship-settings").json() == {"half_life_days": 90, "referral_target": 6}
    first["tie"].refresh_from_db()
    slow = first["tie"].strength
    with django_capture_on_commit_callbacks(execute=True):
        response = api.put("/relationship-settings", {"half_life_days": 7, "referral_target": 4})
    assert response.status_code == 200
    assert response.json() == {"half_life_days": 7, "referral_target": 4}
    first["tie"].refresh_from_db()
    assert first["tie"].strength < slow
    chain = api.get(f"/people/{first['referrer'].public_id}/referrals").json()
    assert chain["target"] == 4


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"half_life_days": 0, "referral_target": 6},
            "half_life_days",
            "The half-life is a number of days from 1 to 3650.",
        ),
        (
            {"half_life_days": 90, "referral_target": 1001},
            "referral_target",
            "The target is a number of referrals from 1 to 1000.",
        ),
    ],
)
def test_bad_settings_are_422_and_change_nothing(api, first, body, field, message):
    response = api.put("/relationship-settings", body)
    assert response.status_code == 422
    assert response.json()["errors"] == {field: [message]}
    assert api.get("/relationship-settings").json() == {"half_life_days": 90, "referral_target": 6}


def test_only_the_owner_sets_the_half_life(first, workspace):
    from kesher.workspaces.models import Membership
    from tests.factories import UserFactory

    member = UserFactory()
    Membership.objects.create(workspace=workspace, user=member, role="member")
    _token, secret = api_token_create(user=member, workspace=workspace, name="member")
    member_api = ApiClient(Client(), secret)
    assert member_api.get("/relationship-settings").status_code == 200
    response = member_api.put("/relationship-settings", {"half_life_days": 7, "referral_target": 6})
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Only the workspace's owner can do this: ask them to do it for you."
    )


def test_the_neighbourhood_lists_people_and_ties(api, first):
    body = api.get(f"/people/{first['me'].public_id}/neighbourhood").json()
    assert [(n["person"]["name"], n["hops"]) for n in body["nodes"]] == [
        (first["me"].name, 0),
        ("Secret Dana", 1),
    ]
    first["tie"].refresh_from_db()
    assert body["edges"] == [
        {
            "a": str(first["me"].public_id),
            "b": str(first["dana"].public_id),
            "strength": first["tie"].strength,
        }
    ]
    assert body["truncated"] is False


def test_a_rhythm_for_a_kind_of_tie(api, first):
    kind = first["tie"].kind
    url = f"/tie-kinds/{kind.public_id}/rhythm"
    response = api.put(url, {"every": "weekly"})
    assert response.status_code == 200
    assert response.json()["tie_kind"] == {"id": str(kind.public_id), "name": kind.label}
    assert Rhythm.objects.get().tie_kind == kind
    response = api.put(url, {"every": "custom", "days": 731})
    assert response.status_code == 422
    assert response.json()["errors"] == {"days": ["Give a number of days from 1 to 730."]}
    assert Rhythm.objects.get().every == "weekly"
    assert api.delete(url).status_code == 204
    assert Rhythm.objects.count() == 0


def test_a_new_calendar_address_replaces_the_old_one(api, first):
    old = api.post("/calendar-feed")
    assert old.status_code == 201
    new = api.post("/calendar-feed").json()["url"]
    assert new.startswith("http://testserver/relationships/calendar/")
    assert Client().get(old.json()["url"]).status_code == 404
    response = Client().get(new)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"


def test_other_workspace_gets_404_on_the_new_endpoints(other_api, first):
    kind = first["tie"].kind.public_id
    calls = [
        ("get", f"/people/{first['dana'].public_id}/neighbourhood", None),
        ("put", f"/tie-kinds/{kind}/rhythm", {"every": "weekly"}),
        ("delete", f"/tie-kinds/{kind}/rhythm", None),
    ]
    for method, path, body in calls:
        response = (
            getattr(other_api, method)(path, body) if body else getattr(other_api, method)(path)
        )
        assert response.status_code == 404, (method, path)
    assert Rhythm.objects.count() == 0


def test_other_workspace_settings_recompute_and_feed_are_its_own(other_api, first, workspace):
    from kesher.relationships.models import CalendarFeed, RelationshipSettings

    first["tie"].refresh_from_db()
    before = first["tie"].strength
    computed = first["tie"].strength_detail.computed_at
    assert other_api.put(
        "/relationship-settings", {"half_life_days": 1, "referral_target": 2}
    ).json() == {"half_life_days": 1, "referral_target": 2}
    assert other_api.post("/tie-strengths/recompute").status_code == 202
    assert other_api.post("/calendar-feed").status_code == 201
    first["tie"].refresh_from_db()
    first["tie"].strength_detail.refresh_from_db()
    assert (first["tie"].strength, first["tie"].strength_detail.computed_at) == (before, computed)
    assert not RelationshipSettings.objects.filter(workspace=workspace, half_life_days=1).exists()
    assert not CalendarFeed.objects.filter(workspace=workspace).exists()
