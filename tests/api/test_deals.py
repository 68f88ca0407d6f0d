import datetime as dt
from decimal import Decimal

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesher.accounts.services import api_token_create
from kesher.core.exceptions import NotFoundError
from kesher.deals import selectors, services
from kesher.deals.exceptions import SatisfactionAnsweredError, SatisfactionExpiredError
from kesher.deals.models import (
    Deal,
    DealStatus,
    Pipeline,
    PostSaleCheck,
    Promise,
    SatisfactionRequest,
    Stage,
    Task,
)
from kesher.workspaces.models import Membership, Role
from tests.api.conftest import ApiClient
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db

# The site's day (Jerusalem), not the machine's: they differ late in the UTC evening.
TOMORROW = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
VALUE_CASE = {
    "value_value": "Reliable computers with on-site service",
    "value_why_us": "We service what we sell",
    "value_why_now": "The old machines stop work weekly",
    "value_alternative": "The chain store, or doing nothing",
}


@pytest.fixture
def workspace(user):
    return WorkspaceFactory(owner=user, language="en")


@pytest.fixture
def pipeline(workspace):
    return services.pipeline_default(workspace=workspace, kind="sales")


@pytest.fixture
def person(workspace):
    return PersonFactory(workspace=workspace, name="Secret Customer")


@pytest.fixture
def coach_api(workspace):
    coach = UserFactory()
    Membership.objects.create(workspace=workspace, user=coach, role=Role.COACH)
    _token, secret = api_token_create(user=coach, workspace=workspace, name="coach")
    return ApiClient(Client(), secret)


def stage(pipeline, position):
    return Stage.objects.get(pipeline=pipeline, position=position)


def role_stage(pipeline, role):
    return Stage.objects.get(pipeline=pipeline, role=role)


def create(api, person, **extra):
    body = {
        "title": "Secret computers and printers",
        "person": str(person.public_id),
        "amount": "12000.50",
        "next_action": "Send the spec sheet",
        "next_action_on": TOMORROW,
        **extra,
    }
    response = api.post("/deals", body)
    assert response.status_code == 201, response.json()
    return response.json()


def deal_of(body):
    return Deal.objects.get(public_id=body["id"])


# Pipelines.


def test_pipelines_list_creates_the_defaults_on_first_use(api, workspace):
    response = api.get("/pipelines")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    sales = next(item for item in body["items"] if item["kind"] == "sales")
    assert sales["name"] == "Sales"
    assert sales["is_default"] is True
    assert sales["post_sale_days"] == [7, 30, 90]
    assert sales["first_deal_factor"] == "2.00"
    assert sales["first_deal_threshold"] is None
    assert [stage["name"] for stage in sales["stages"]][5:8] == ["Quote", "Negotiation", "Closed"]
    assert [stage["requires_value_case"] for stage in sales["stages"]] == [False] * 5 + [True] * 5
    assert sales["value_case_stage"] == sales["stages"][5]["id"]
    assert api.get("/pipelines").json()["count"] == 2


def test_pipeline_create_patch_and_delete(api, workspace, pipeline):
    response = api.post("/pipelines", {"name": "Events", "stage_names": ["Ask", "Agree", "Do"]})
    assert response.status_code == 201
    created = response.json()
    assert [stage["name"] for stage in created["stages"]] == ["Ask", "Agree", "Do"]
    assert created["is_default"] is False
    response = api.patch(
        f"/pipelines/{created['id']}",
        {
            "value_case_stage": created["stages"][1]["id"],
            "first_deal_threshold": "50000",
            "post_sale_days": [14, 7],
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["value_case_stage"] == created["stages"][1]["id"]
    assert (body["first_deal_threshold"], body["post_sale_days"]) == ("50000.00", [7, 14])
    assert api.delete(f"/pipelines/{created['id']}").status_code == 204
    assert not Pipeline.objects.filter(public_id=created["id"]).exists()


def test_deleting_the_default_pipeline_is_a_conflict(api, pipeline):
    response = api.delete(f"/pipelines/{pipeline.public_id}")
    assert response.status_code == 409
    assert response.json()["code"] == "default_pipeline"


def test_stages_create_patch_and_delete(api, pipeline):
    base = f"/pipelines/{pipeline.public_id}/stages"
    response = api.post(base, {"name": "Referral asked", "position": 1})
    assert response.status_code == 201
    created = response.json()
    assert (created["position"], created["role"]) == (1, "")
    response = api.patch(f"{base}/{created['id']}", {"name": "Referral", "position": 0})
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["position"]) == ("Referral", 0)
    names = [stage["name"] for stage in api.get(base).json()]
    assert names[:2] == ["Referral", "Find the customer"]
    assert api.delete(f"{base}/{created['id']}").status_code == 204
    assert len(api.get(base).json()) == 10


def test_deleting_a_stage_with_deals_is_a_conflict(api, pipeline, person):
    body = create(api, person)
    response = api.delete(f"/pipelines/{pipeline.public_id}/stages/{body['stage']['id']}")
    assert response.status_code == 409
    assert response.json()["code"] == "in_use"


def test_a_stage_of_another_pipeline_is_not_found_under_this_one(api, workspace, user, pipeline):
    other = services.pipeline_create(workspace=workspace, actor=user, name="Other")
    response = api.patch(
        f"/pipelines/{pipeline.public_id}/stages/{stage(other, 0).public_id}", {"name": "x"}
    )
    assert response.status_code == 404


# Deals.


def test_deal_create_and_get_carry_amounts_as_strings(api, pipeline, person, user):
    body = create(api, person)
    assert body["amount"] == "12000.50"
    assert body["currency"] == "ILS"
    assert body["status"] == "open"
    assert body["stage"]["name"] == "Find the customer"
    assert body["pipeline"]["id"] == str(pipeline.public_id)
    assert body["owner"] == {"id": str(user.public_id), "name": str(user)}
    assert body["value_case_missing"] == [
        "value_value",
        "value_why_us",
        "value_why_now",
        "value_alternative",
    ]
    assert [change["to_stage"] for change in body["history"]] == ["Find the customer"]
    assert api.get(f"/deals/{body['id']}").json() == body


def test_deal_create_without_a_next_step_is_invalid(api, person):
    response = api.post(
        "/deals",
        {
            "title": "No next step",
            "person": str(person.public_id),
            "next_action": "",
            "next_action_on": TOMORROW,
        },
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["next_action"]
    assert not Deal.objects.exists()


def test_deal_create_refuses_a_float_like_negative_amount(api, person):
    response = api.post(
        "/deals",
        {
            "title": "T",
            "person": str(person.public_id),
            "amount": "-1",
            "next_action": "x",
            "next_action_on": TOMORROW,
        },
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["amount"]


def test_deal_list_filters(api, workspace, pipeline, person):
    organization = OrganizationFactory(workspace=workspace)
    first = create(api, person)
    second = create(
        api, PersonFactory(workspace=workspace), organization=str(organization.public_id)
    )
    Deal.objects.filter(public_id=second["id"]).update(
        next_action_on=timezone.localdate() - dt.timedelta(days=2)
    )
    listed = api.get("/deals").json()
    assert listed["count"] == 2
    assert {item["id"] for item in listed["items"]} == {first["id"], second["id"]}
    assert [i["id"] for i in api.get("/deals", {"person": person.public_id}).json()["items"]] == [
        first["id"]
    ]
    by_org = api.get("/deals", {"organization": organization.public_id}).json()["items"]
    assert [item["id"] for item in by_org] == [second["id"]]
    overdue = api.get("/deals", {"overdue": "true"}).json()["items"]
    assert [item["id"] for item in overdue] == [second["id"]]
    assert api.get("/deals", {"no_next_step": "true"}).json()["count"] == 0
    assert api.get("/deals", {"status": "won"}).json()["count"] == 0
    stage_filter = {"stage": first["stage"]["id"], "pipeline": pipeline.public_id}
    assert api.get("/deals", stage_filter).json()["count"] == 2


def test_deal_list_filters_by_owner_among_the_members(
    api, workspace, user, person, other_workspace
):
    mine = create(api, person)
    assert [i["id"] for i in api.get("/deals", {"owner": user.public_id}).json()["items"]] == [
        mine["id"]
    ]
    outsider = other_workspace.memberships.get().user
    response = api.get("/deals", {"owner": outsider.public_id})
    assert response.status_code == 422
    assert response.json()["errors"] == {"owner": ["Choose a member of this workspace."]}


def test_deal_list_items_are_the_deals_summaries(api, workspace, user, person):
    organization = OrganizationFactory(workspace=workspace, name="Livne Fashion")
    product = services.product_create(workspace=workspace, actor=user, name="Printers", price="900")
    body = create(
        api,
        person,
        organization=str(organization.public_id),
        product=str(product.public_id),
        expected_close=TOMORROW,
        disposition="sceptical",
    )
    listed = api.get("/deals").json()
    assert listed["count"] == 1
    [item] = listed["items"]
    assert item == {
        "id": body["id"],
        "title": "Secret computers and printers",
        "pipeline": body["pipeline"],
        "stage": {"id": body["stage"]["id"], "name": "Find the customer", "role": ""},
        "status": "open",
        "person": {"id": str(person.public_id), "name": "Secret Customer"},
        "organization": {"id": str(organization.public_id), "name": "Livne Fashion"},
        "owner": {"id": str(user.public_id), "name": str(user)},
        "product": {"id": str(product.public_id), "name": "Printers"},
        "amount": "12000.50",
        "currency": "ILS",
        "expected_close": TOMORROW,
        "next_action": "Send the spec sheet",
        "next_action_on": TOMORROW,
        "disposition": "sceptical",
        "closed_at": None,
        "updated_at": body["updated_at"],
    }


def test_deal_list_queries_do_not_grow_with_its_rows(api, workspace, user, person):
    product = services.product_create(workspace=workspace, actor=user, name="Toner", price="50")
    organization = OrganizationFactory(workspace=workspace)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/deals").status_code == 200
        return len(captured.captured_queries)

    create(api, person, organization=str(organization.public_id), product=str(product.public_id))
    few = queries()
    for _ in range(5):
        create(
            api, person, organization=str(organization.public_id), product=str(product.public_id)
        )
    assert queries() == few


def test_deal_patch_updates_fields_value_case_and_fit(api, person):
    body = create(api, person)
    response = api.patch(
        f"/deals/{body['id']}",
        {"amount": "9000", "disposition": "sceptical", "fit_budget": True, **VALUE_CASE},
    )
    assert response.status_code == 200, response.json()
    patched = response.json()
    assert (patched["amount"], patched["disposition"], patched["fit_budget"]) == (
        "9000.00",
        "sceptical",
        True,
    )
    assert patched["value_case_missing"] == []
    assert patched["value_why_now"] == VALUE_CASE["value_why_now"]
    assert patched["title"] == body["title"]


def test_deal_delete(api, person):
    body = create(api, person)
    assert api.delete(f"/deals/{body['id']}").status_code == 204
    assert not Deal.objects.exists()


# Moving and closing.


def test_move_without_a_value_case_is_409_with_missing(api, pipeline, person):
    body = create(api, person)
    api.patch(f"/deals/{body['id']}", {"value_value": "Something real"})
    response = api.post(f"/deals/{body['id']}/move", {"stage": str(stage(pipeline, 5).public_id)})
    assert response.status_code == 409
    error = response.json()
    assert error["code"] == "value_case_missing"
    assert error["missing"] == ["value_why_us", "value_why_now", "value_alternative"]
    assert error["detail"].startswith("Before “Quote”, answer the customer's questions")
    assert deal_of(body).stage.position == 0


def test_move_then_close_won_creates_checks_and_a_satisfaction_link(api, pipeline, person):
    body = create(api, person)
    api.patch(f"/deals/{body['id']}", VALUE_CASE)
    moved = api.post(f"/deals/{body['id']}/move", {"stage": str(stage(pipeline, 6).public_id)})
    assert moved.status_code == 200
    assert moved.json()["stage"]["name"] == "Negotiation"
    response = api.post(f"/deals/{body['id']}/close-won")
    assert response.status_code == 200
    closed = response.json()
    assert (closed["status"], closed["stage"]["role"]) == ("won", "won")
    checks = api.get(f"/deals/{body['id']}/post-sale-checks").json()
    assert [check["offset_days"] for check in checks] == [7, 30, 90]
    link = api.post(f"/deals/{body['id']}/satisfaction")
    assert link.status_code == 200
    url = link.json()["url"]
    assert url.startswith("http://testserver/s/")
    token = url.rstrip("/").rsplit("/", 1)[1]
    request = selectors.satisfaction_request_for_token(token=token)
    assert str(request.public_id) == link.json()["id"]
    assert SatisfactionRequest.objects.count() == 1


def test_moving_a_closed_deal_is_409(api, pipeline, person):
    body = create(api, person)
    lost = api.post(
        f"/deals/{body['id']}/close-lost",
        {"loss_category": "own", "loss_reason": "Too slow", "loss_lesson": "Answer the same day"},
    )
    assert lost.status_code == 200
    assert (lost.json()["status"], lost.json()["loss_lesson"]) == ("lost", "Answer the same day")
    response = api.post(f"/deals/{body['id']}/move", {"stage": str(stage(pipeline, 1).public_id)})
    assert response.status_code == 409
    assert response.json()["code"] == "deal_closed"


def test_close_lost_without_a_review_is_422(api, person):
    body = create(api, person)
    response = api.post(
        f"/deals/{body['id']}/close-lost",
        {"loss_category": "customer", "loss_reason": "They were stingy", "loss_lesson": " "},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "loss_lesson": [
            "Write what you will do differently next time: it is always my responsibility."
        ]
    }
    assert deal_of(body).status == DealStatus.OPEN
    missing = api.post(f"/deals/{body['id']}/close-lost", {"loss_category": "customer"})
    assert missing.status_code == 422
    assert set(missing.json()["errors"]) == {"loss_reason", "loss_lesson"}


def test_delivering_with_unchecked_promises_is_409(api, pipeline, person):
    body = create(api, person)
    api.patch(f"/deals/{body['id']}", VALUE_CASE)
    promise = api.post(
        f"/deals/{body['id']}/promises", {"kind": "volume", "text": "10,000 pages a month"}
    )
    assert promise.status_code == 201
    api.post(f"/deals/{body['id']}/close-won")
    delivered = str(role_stage(pipeline, "delivered").public_id)
    response = api.post(f"/deals/{body['id']}/move", {"stage": delivered})
    assert response.status_code == 409
    assert response.json()["code"] == "promises_unchecked"
    assert response.json()["promises"] == [promise.json()["id"]]
    checked = api.post(f"/promises/{promise.json()['id']}/check", {"kept": True})
    assert checked.json()["status"] == "kept"
    assert api.post(f"/deals/{body['id']}/move", {"stage": delivered}).status_code == 200


def test_walk_away_with_referral_and_reopen(api, workspace, person):
    body = create(api, person)
    other = PersonFactory(workspace=workspace)
    response = api.post(
        f"/deals/{body['id']}/walk-away",
        {"reason": "They need an industrial supplier", "referred_to": str(other.public_id)},
    )
    assert response.status_code == 200
    assert response.json()["referred_to"]["id"] == str(other.public_id)
    assert response.json()["status"] == "walked_away"
    reopened = api.post(f"/deals/{body['id']}/reopen", {})
    assert reopened.status_code == 200
    assert (reopened.json()["status"], reopened.json()["closed_at"]) == ("open", None)
    again = api.post(f"/deals/{body['id']}/reopen", {})
    assert again.status_code == 409
    assert again.json()["code"] == "deal_open"


def test_broken_promise_puts_the_customer_at_risk_until_the_task_is_done(api, person):
    body = create(api, person)
    promise = api.post(f"/deals/{body['id']}/promises", {"kind": "date", "text": "By Sunday"})
    response = api.post(
        f"/promises/{promise.json()['id']}/check", {"kept": False, "note": "Came Tuesday"}
    )
    assert response.json()["status"] == "broken"
    assert api.get(f"/deals/{body['id']}").json()["at_risk"] is True
    tasks = api.get("/tasks").json()
    assert [task["kind"] for task in tasks["items"]] == ["promise_follow_up"]
    done = api.post(f"/tasks/{tasks['items'][0]['id']}/complete")
    assert done.json()["done_at"] is not None
    assert api.get(f"/deals/{body['id']}").json()["at_risk"] is False
    assert api.get("/tasks").json()["count"] == 0


def test_post_sale_check_record(api, pipeline, person):
    body = create(api, person)
    api.patch(f"/deals/{body['id']}", VALUE_CASE)
    api.post(f"/deals/{body['id']}/close-won")
    check = api.get(f"/deals/{body['id']}/post-sale-checks").json()[0]
    response = api.post(
        f"/post-sale-checks/{check['id']}", {"understood": True, "working": True, "note": "Fine"}
    )
    assert response.status_code == 200
    assert (response.json()["understood"], response.json()["note"]) == (True, "Fine")
    assert response.json()["done_at"] is not None


def test_advice_and_report(api, workspace, pipeline, person):
    pipeline.first_deal_threshold = Decimal("10000")
    pipeline.save()
    body = create(api, person, disposition="price_focused")
    advice = api.get(f"/deals/{body['id']}/advice")
    assert advice.status_code == 200
    assert advice.json()["start_small"] == {
        "amount": "12000.50",
        "basis": "threshold",
        "reference": "10000.00",
        "limit": "10000.00",
        "suggested": "5000",
        "sample_size": 0,
    }
    assert advice.json()["playbook"][0] == (
        "“Only wants deals” is not a reason to lose: show value, not discounts."
    )
    assert advice.json()["next_offers"] == []
    report = api.get("/reports/deals", {"pipeline": pipeline.public_id})
    assert report.status_code == 200
    figures = report.json()
    assert figures["pipeline_value"][0]["sums"] == {"ILS": "12000.50"}
    assert figures["losses_outward"] == {"part": 0, "whole": 0, "percent": None}
    assert figures["satisfaction_count"] == 0


# Coaches.


def test_a_coach_reads_deals_but_cannot_write(api, coach_api, pipeline, person):
    body = create(api, person)
    assert coach_api.get(f"/deals/{body['id']}").status_code == 200
    assert coach_api.get("/deals").json()["count"] == 1
    assert coach_api.get("/reports/deals").status_code == 200
    attempts = [
        (
            "post",
            "/deals",
            {
                "title": "x",
                "person": str(person.public_id),
                "next_action": "x",
                "next_action_on": TOMORROW,
            },
        ),
        ("patch", f"/deals/{body['id']}", {"title": "Changed"}),
        ("post", f"/deals/{body['id']}/move", {"stage": str(stage(pipeline, 1).public_id)}),
        ("post", f"/deals/{body['id']}/promises", {"kind": "date", "text": "x"}),
        ("delete", f"/deals/{body['id']}", None),
        ("post", "/pipelines", {"name": "Coach's"}),
    ]
    for method, path, data in attempts:
        response = coach_api._send(method, path, data)
        assert response.status_code == 403, (method, path)
        assert response.json()["code"] == "permission_denied"
    deal = deal_of(body)
    assert (deal.title, deal.stage.position) == (body["title"], 0)
    assert Promise.objects.count() == 0


# Isolation: another workspace's token gets 404 for every object of this one.


@pytest.fixture
def first(api, user, workspace, pipeline, person):
    body = create(api, person)
    api.patch(f"/deals/{body['id']}", VALUE_CASE)
    deal = deal_of(body)
    promise = services.promise_create(deal=deal, actor=user, kind="spec", text="Secret promise")
    services.promise_check(promise=promise, kept=False, actor=user)
    won = deal_of(create(api, PersonFactory(workspace=workspace)))
    services.deal_value_case_update(deal=won, actor=user, **VALUE_CASE)
    services.deal_close_won(deal=won, actor=user)
    return {
        "pipeline": pipeline,
        "stage": stage(pipeline, 1),
        "deal": deal,
        "won": won,
        "promise": promise,
        "check": PostSaleCheck.objects.filter(deal=won).first(),
        "task": Task.objects.get(promise=promise),
        "person": person,
    }


OBJECT_ENDPOINTS = [
    ("get", "/pipelines/{pipeline}", None),
    ("patch", "/pipelines/{pipeline}", {"name": "Stolen"}),
    ("delete", "/pipelines/{pipeline}", None),
    ("get", "/pipelines/{pipeline}/stages", None),
    ("post", "/pipelines/{pipeline}/stages", {"name": "Stolen"}),
    ("patch", "/pipelines/{pipeline}/stages/{stage}", {"name": "Stolen"}),
    ("delete", "/pipelines/{pipeline}/stages/{stage}", None),
    ("get", "/deals/{deal}", None),
    ("patch", "/deals/{deal}", {"title": "Stolen"}),
    ("delete", "/deals/{deal}", None),
    ("post", "/deals/{deal}/move", {"stage": "{stage}"}),
    ("post", "/deals/{deal}/close-won", None),
    (
        "post",
        "/deals/{deal}/close-lost",
        {"loss_category": "own", "loss_reason": "x", "loss_lesson": "y"},
    ),
    ("post", "/deals/{deal}/walk-away", {"reason": "x"}),
    ("post", "/deals/{deal}/reopen", {}),
    ("get", "/deals/{deal}/promises", None),
    ("post", "/deals/{deal}/promises", {"kind": "date", "text": "x"}),
    ("post", "/promises/{promise}/check", {"kept": True}),
    ("get", "/deals/{won}/post-sale-checks", None),
    ("post", "/post-sale-checks/{check}", {"understood": True, "working": True}),
    ("get", "/deals/{won}/satisfaction", None),
    ("post", "/deals/{won}/satisfaction", None),
    ("get", "/deals/{deal}/advice", None),
    ("post", "/tasks/{task}/complete", None),
]


def snapshot():
    return (
        sorted(Pipeline.objects.values_list("id", "name", "updated_at")),
        sorted(Stage.objects.values_list("id", "name", "position")),
        sorted(Deal.objects.values_list("id", "title", "status", "stage_id", "updated_at")),
        sorted(Promise.objects.values_list("id", "status", "updated_at")),
        sorted(PostSaleCheck.objects.values_list("id", "done_at")),
        sorted(SatisfactionRequest.objects.values_list("id", "answered_at")),
        sorted(Task.objects.values_list("id", "done_at")),
    )


def fill(value, first):
    ids = {key: str(obj.public_id) for key, obj in first.items()}
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {key: fill(item, first) for key, item in value.items()}
    return value


@pytest.mark.parametrize(("method", "template", "body"), OBJECT_ENDPOINTS)
def test_other_workspace_gets_404_for_every_deal_object(
    api, other_api, first, method, template, body
):
    path, data = fill(template, first), fill(body, first)
    before = snapshot()
    response = other_api._send(method, path, data)
    assert response.status_code == 404, response.json()
    assert response.json()["code"] == "not_found"
    assert "Secret" not in response.content.decode()
    assert snapshot() == before
    if method == "get":
        assert api.get(path).status_code == 200


def test_other_workspace_lists_and_report_show_nothing_of_the_first(other_api, first):
    for path in ("/deals", "/pipelines", "/tasks", "/reports/deals"):
        response = other_api.get(path)
        assert response.status_code == 200
        content = response.content.decode()
        assert "Secret" not in content
        assert not any(str(obj.public_id) in content for obj in first.values()), path


def test_other_workspace_cannot_filter_or_link_to_the_firsts_objects(other_api, first):
    for field in ("pipeline", "stage", "person"):
        response = other_api.get("/deals", {field: first[field].public_id})
        assert response.status_code == 422
        assert list(response.json()["errors"]) == [field]
    response = other_api.post(
        "/deals",
        {
            "title": "Mine",
            "person": str(first["person"].public_id),
            "pipeline": str(first["pipeline"].public_id),
            "next_action": "x",
            "next_action_on": TOMORROW,
        },
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"pipeline"}
    assert Deal.objects.count() == 2


# The public satisfaction token (used by the page at /s/<token>/).


def test_satisfaction_token_expired_reused_and_forged(first):
    request = SatisfactionRequest.objects.get(deal=first["won"])
    token = selectors.satisfaction_token(request=request)
    forged = signing.dumps(str(request.public_id), salt="not.ours")
    with pytest.raises(NotFoundError):
        services.satisfaction_answer(token=forged, score=9)
    services.satisfaction_answer(token=token, score=9)
    with pytest.raises(SatisfactionAnsweredError):
        services.satisfaction_answer(token=token, score=9)
    request.answered_at = None
    request.score = None
    request.expires_at = timezone.now() - dt.timedelta(seconds=1)
    request.save()
    with pytest.raises(SatisfactionExpiredError):
        services.satisfaction_answer(token=token, score=9)
