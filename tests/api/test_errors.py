"""The API's one error shape (kesher/api/errors.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from kesher.people.models import Person
from tests.api.conftest import BASE, ApiClient
from tests.factories import PersonFactory


@pytest.mark.parametrize(
    ("raw", "position"),
    [
        ("{bad", "line 1, column 2"),
        ('{"name": "Dana",}', "line 1, column 17"),
        ("[1, 2", "line 1, column 6"),
    ],
)
def test_malformed_json_is_a_400_and_writes_nothing(api, workspace, raw, position):
    before = Person.objects.count()

    response = api.post("/people", raw=raw)

    assert response.status_code == 400
    assert response.json() == {
        "detail": f"The request body is not valid JSON ({position}): check the quotes, commas "
        "and brackets.",
        "code": "malformed_json",
    }
    assert Person.objects.count() == before


def test_a_body_that_is_not_utf8_is_a_400(token_secret, workspace):
    response = Client().post(
        f"{BASE}/people",
        data=b'{"name": "\xff"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_secret}", "Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"


def test_a_missing_body_is_a_422_naming_it(api, workspace):
    before = Person.objects.count()

    response = api.post("/people")

    assert response.status_code == 422
    assert response.json() == {
        "detail": "A JSON object is required as the request body.",
        "code": "invalid",
        "errors": {"__all__": ["A JSON object is required as the request body."]},
    }
    assert Person.objects.count() == before


def test_wrong_types_get_a_message_per_field(api, workspace):
    before = Person.objects.count()

    response = api.post(
        "/people",
        {"name": 7, "emails": "dana@example.com", "met_on": "yesterday", "groups": ["nope"]},
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"] == {
        "name": ["This must be text."],
        "emails": ["This must be a list."],
        "groups.0": [
            "This must be an id in UUID form, such as 3f8e1c2a-5b7d-4e9f-a1b2-c3d4e5f6a7b8."
        ],
        "met_on": ["This must be a date written as YYYY-MM-DD."],
    }
    assert Person.objects.count() == before


def test_a_choice_outside_the_list_names_the_choices(api, workspace):
    response = api.post("/people", {"name": "Dana", "consent": "maybe"})

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "consent": ["Choose one of: 'unknown', 'granted' or 'declined'."]
    }


def test_bad_query_parameters_are_a_422(api):
    response = api.get("/people", {"limit": "many", "offset": -1, "archived": "perhaps"})

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "archived": ["This must be true or false."],
        "limit": ["This must be a whole number."],
        "offset": ["This must be at least 0."],
    }


def test_a_malformed_id_in_the_path_is_not_found(api):
    response = api.get("/people/not-a-uuid")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_an_unknown_id_in_the_path_is_not_found(api):
    response = api.get("/people/6f1c1c5e-0b7a-4a55-9d0c-5d1f0a3e8b11")

    assert response.status_code == 404
    assert response.json() == {"detail": "Person not found.", "code": "not_found"}


@pytest.mark.parametrize("path", ["/no-such-thing", "/", "/people/"])
def test_an_unknown_path_is_a_json_404(api, path):
    response = api.get(path)

    assert response.status_code == 404
    assert response.json() == {
        "detail": "There is no API endpoint at this path: see /api/v1/openapi.json.",
        "code": "not_found",
    }


def test_a_wrong_method_is_a_json_405_listing_the_allowed_ones(api, workspace):
    person = PersonFactory(workspace=workspace)

    response = api.delete(f"/people/{person.public_id}")

    assert response.status_code == 405
    assert sorted(response["Allow"].split(", ")) == ["GET", "PATCH", "PUT"]
    assert response.json() == {
        "detail": f"Method DELETE is not allowed here: use {response['Allow']}.",
        "code": "method_not_allowed",
    }
    assert Person.objects.filter(pk=person.pk).exists()


def test_service_validation_errors_keep_their_fields(api, workspace):
    response = api.post("/people", {"name": "Dana", "emails": ["dana@"], "phones": ["123"]})

    assert response.status_code == 422
    email_message = "“dana@” is not a valid email address: check it looks like name@example.com."
    phone_message = (
        "“123” is not a valid phone number: write an Israeli number such as 052-345-6789, or an "
        "international one starting with + and the country code."
    )
    assert response.json() == {
        "detail": f"emails: {email_message} phones: {phone_message}",
        "code": "invalid",
        "errors": {"emails": [email_message], "phones": [phone_message]},
    }


@pytest.mark.parametrize("language", ["he", "en"])
def test_responses_follow_accept_language(token_secret, language):
    client = ApiClient(Client(), token_secret, language=language)

    response = client.get("/people/not-a-uuid")

    assert response.status_code == 404
    assert response["Content-Language"] == language
