"""/api/v1/products: the workspace's offerings (list, create, get, replace, patch, delete), with
clear 422s for bad input, a coach who only reads, and isolation between workspaces."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from kesher.accounts.services import api_token_create
from kesher.deals import services
from kesher.deals.models import Deal, Product
from kesher.workspaces.models import Membership, Role
from tests.api.conftest import ApiClient
from tests.factories import DealFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def workspace(user):
    return WorkspaceFactory(owner=user, language="en")


@pytest.fixture
def coach_api(workspace):
    coach = UserFactory()
    Membership.objects.create(workspace=workspace, user=coach, role=Role.COACH)
    _token, secret = api_token_create(user=coach, workspace=workspace, name="coach")
    return ApiClient(Client(), secret)


@pytest.fixture
def printers(workspace, user):
    return services.product_create(
        workspace=workspace, actor=user, name="Printer service", price=Decimal("1200.00")
    )


def test_create_returns_the_product_with_its_price_as_a_string(api):
    response = api.post("/products", {"name": "  Laptops  ", "price": "4500.50"})

    assert response.status_code == 201, response.json()
    body = response.json()
    product = Product.objects.get(public_id=body["id"])
    assert body["name"] == "Laptops"
    assert body["price"] == "4500.50"
    assert body["currency"] == "ILS"
    assert body["active"] is True
    assert (product.name, product.price, product.currency) == ("Laptops", Decimal("4500.50"), "ILS")


def test_a_product_without_a_price_has_no_currency(api):
    body = api.post("/products", {"name": "Advice", "currency": "USD"}).json()

    assert (body["price"], body["currency"]) == (None, "")


def test_list_is_by_name_and_filters_on_active(api, workspace, user, printers):
    services.product_create(workspace=workspace, actor=user, name="Ink", active=False)
    services.product_create(workspace=workspace, actor=user, name="Desks")

    everything = api.get("/products").json()
    active = api.get("/products", {"active": "true"}).json()
    inactive = api.get("/products", {"active": "false"}).json()

    assert [item["name"] for item in everything["items"]] == ["Desks", "Ink", "Printer service"]
    assert everything["count"] == 3
    assert [item["name"] for item in active["items"]] == ["Desks", "Printer service"]
    assert [item["name"] for item in inactive["items"]] == ["Ink"]


def test_get_returns_one_product(api, printers):
    response = api.get(f"/products/{printers.public_id}")

    assert response.status_code == 200
    assert response.json()["name"] == "Printer service"
    assert response.json()["price"] == "1200.00"


def test_patch_changes_only_the_fields_sent(api, printers):
    response = api.patch(f"/products/{printers.public_id}", {"active": False})

    assert response.status_code == 200, response.json()
    printers.refresh_from_db()
    assert (printers.name, printers.price, printers.active) == (
        "Printer service",
        Decimal("1200.00"),
        False,
    )


def test_put_replaces_the_product(api, printers):
    response = api.put(
        f"/products/{printers.public_id}",
        {"name": "Printer care", "price": "90", "currency": "EUR"},
    )

    assert response.status_code == 200, response.json()
    printers.refresh_from_db()
    assert (printers.name, printers.price, printers.currency, printers.active) == (
        "Printer care",
        Decimal("90.00"),
        "EUR",
        True,
    )


def test_delete_keeps_the_deals_without_the_product(api, workspace, printers):
    deal = DealFactory(workspace=workspace, product=printers)

    response = api.delete(f"/products/{printers.public_id}")

    assert response.status_code == 204
    assert not Product.objects.filter(pk=printers.pk).exists()
    assert Deal.objects.get(pk=deal.pk).product is None


def test_a_name_already_used_is_422_on_the_name(api, printers):
    response = api.post("/products", {"name": "Printer service"})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["name"]
    assert Product.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "Laptops", "price": "-1"}, "price"),
        ({"name": "Laptops", "price": "12.345"}, "price"),
        ({"name": "Laptops", "price": "1", "currency": "SHEKEL"}, "currency"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_nothing_is_saved(api, body, field):
    response = api.post("/products", body)

    assert response.status_code == 422
    assert field in response.json()["errors"], response.json()
    assert Product.objects.count() == 0


def test_a_coach_reads_products_but_cannot_change_them(coach_api, printers):
    path = f"/products/{printers.public_id}"

    assert coach_api.get("/products").status_code == 200
    assert coach_api.get(path).status_code == 200
    assert coach_api.post("/products", {"name": "Desks"}).status_code == 403
    assert coach_api.patch(path, {"active": False}).status_code == 403
    assert coach_api.delete(path).status_code == 403
    printers.refresh_from_db()
    assert printers.active is True
    assert Product.objects.count() == 1


@pytest.mark.parametrize(
    ("method", "body"),
    [
        ("get", None),
        ("put", {"name": "Mine now"}),
        ("patch", {"name": "Mine now"}),
        ("delete", None),
    ],
)
def test_another_workspace_gets_404_for_this_workspaces_product(other_api, printers, method, body):
    response = other_api._send(method, f"/products/{printers.public_id}", body)

    assert response.status_code == 404, response.json()
    printers.refresh_from_db()
    assert printers.name == "Printer service"


def test_another_workspaces_list_shows_none_of_this_ones_products(other_api, printers):
    response = other_api.get("/products")

    assert response.status_code == 200
    assert response.json()["items"] == []
