"""The API's schema and docs page (kesher/api/urls.py)."""

from __future__ import annotations

import re

from django.test import Client

from tests.api.conftest import BASE

STATIC_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def test_openapi_schema_lists_every_resource(db):
    response = Client().get(f"{BASE}/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Kesher API"
    paths = schema["paths"]
    expected = {
        "/api/v1/me": {"get"},
        "/api/v1/tokens": {"get", "post"},
        "/api/v1/tokens/{token_id}": {"delete"},
        "/api/v1/workspace": {"get", "patch"},
        "/api/v1/workspace/members": {"get"},
        "/api/v1/workspace/members/{user_id}": {"delete"},
        "/api/v1/people": {"get", "post"},
        "/api/v1/people/{person_id}": {"get", "put", "patch"},
        "/api/v1/people/{person_id}/archive": {"post"},
        "/api/v1/people/{person_id}/restore": {"post"},
        "/api/v1/organizations": {"get", "post"},
        "/api/v1/organizations/{organization_id}": {"get", "put", "patch", "delete"},
        "/api/v1/groups": {"get", "post"},
        "/api/v1/groups/{group_id}": {"get", "put", "patch", "delete"},
        "/api/v1/events": {"get", "post"},
        "/api/v1/events/{event_id}": {"get", "put", "patch", "delete"},
        "/api/v1/tags": {"get"},
        "/api/v1/tie-kinds": {"get", "post"},
        "/api/v1/tie-kinds/{kind_id}": {"get", "put", "patch", "delete"},
        "/api/v1/ties": {"get", "post"},
        "/api/v1/ties/{tie_id}": {"get", "put", "patch", "delete"},
        "/api/v1/interactions": {"get", "post"},
        "/api/v1/interactions/{interaction_id}": {"get", "put", "patch", "delete"},
        "/api/v1/needs": {"get", "post"},
        "/api/v1/needs/{need_id}": {"get", "put", "patch", "delete"},
        "/api/v1/offers": {"get", "post"},
        "/api/v1/offers/{offer_id}": {"get", "put", "patch", "delete"},
        "/api/v1/capture": {"post"},
        "/api/v1/search": {"get"},
        "/api/v1/suggestions": {"get"},
        "/api/v1/suggestions/{suggestion_id}": {"get"},
        "/api/v1/suggestions/{suggestion_id}/accept": {"post"},
        "/api/v1/suggestions/{suggestion_id}/snooze": {"post"},
        "/api/v1/suggestions/{suggestion_id}/dismiss": {"post"},
        "/api/v1/introductions": {"get", "post"},
        "/api/v1/introductions/{introduction_id}": {"get", "patch"},
        "/api/v1/introductions/{introduction_id}/transition": {"post"},
        "/api/v1/introductions/{introduction_id}/outcome": {"post"},
        "/api/v1/introductions/{introduction_id}/returns": {"post"},
        "/api/v1/give-ledger": {"get"},
        "/api/v1/concepts": {"get", "post"},
        "/api/v1/concepts/{concept_id}": {"get", "patch", "delete"},
        "/api/v1/match-runs": {"post"},
        "/api/v1/match-runs/latest": {"get"},
        "/api/v1/match-runs/{run_id}": {"get"},
        "/api/v1/tie-strengths": {"get"},
        "/api/v1/people/{person_id}/warm-paths": {"get"},
        "/api/v1/organizations/{organization_id}/warm-paths": {"get"},
        "/api/v1/people/{person_id}/who-they-know": {"get"},
        "/api/v1/keep-in-touch": {"get"},
        "/api/v1/people/{person_id}/rhythm": {"put", "delete"},
        "/api/v1/referrals": {"get", "post"},
        "/api/v1/referrals/{referral_id}": {"get", "put", "delete"},
        "/api/v1/people/{person_id}/referrals": {"get"},
        "/api/v1/tie-strengths/recompute": {"post"},
        "/api/v1/relationship-settings": {"get", "put"},
        "/api/v1/people/{person_id}/neighbourhood": {"get"},
        "/api/v1/tie-kinds/{kind_id}/rhythm": {"put", "delete"},
        "/api/v1/calendar-feed": {"post"},
        "/api/v1/pipelines": {"get", "post"},
        "/api/v1/pipelines/{pipeline_id}": {"get", "patch", "delete"},
        "/api/v1/pipelines/{pipeline_id}/stages": {"get", "post"},
        "/api/v1/pipelines/{pipeline_id}/stages/{stage_id}": {"patch", "delete"},
        "/api/v1/products": {"get", "post"},
        "/api/v1/products/{product_id}": {"get", "put", "patch", "delete"},
        "/api/v1/deals": {"get", "post"},
        "/api/v1/deals/{deal_id}": {"get", "patch", "delete"},
        "/api/v1/deals/{deal_id}/move": {"post"},
        "/api/v1/deals/{deal_id}/close-won": {"post"},
        "/api/v1/deals/{deal_id}/close-lost": {"post"},
        "/api/v1/deals/{deal_id}/walk-away": {"post"},
        "/api/v1/deals/{deal_id}/reopen": {"post"},
        "/api/v1/deals/{deal_id}/promises": {"get", "post"},
        "/api/v1/promises/{promise_id}/check": {"post"},
        "/api/v1/deals/{deal_id}/post-sale-checks": {"get"},
        "/api/v1/post-sale-checks/{check_id}": {"post"},
        "/api/v1/deals/{deal_id}/satisfaction": {"get", "post"},
        "/api/v1/deals/{deal_id}/advice": {"get"},
        "/api/v1/reports/deals": {"get"},
        "/api/v1/tasks": {"get"},
        "/api/v1/tasks/{task_id}/complete": {"post"},
    }
    assert {path: set(methods) for path, methods in paths.items()} == expected


def test_openapi_schema_documents_auth_limits_and_errors(db):
    schema = Client().get(f"{BASE}/openapi.json").json()

    schemes = schema["components"]["securitySchemes"]
    assert schemes["BearerTokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"] == {"type": "apiKey", "in": "cookie", "name": "sessionid"}
    person_in = schema["components"]["schemas"]["PersonIn"]
    assert person_in["required"] == ["name"]
    assert person_in["properties"]["name"]["maxLength"] == 200
    assert person_in["properties"]["notes"]["maxLength"] == 10000
    need_in = schema["components"]["schemas"]["NeedIn"]
    assert need_in["properties"]["text"]["maxLength"] == 2000
    people = schema["paths"]["/api/v1/people"]["get"]
    parameters = {p["name"]: p for p in people["parameters"]}
    assert parameters["limit"]["schema"]["maximum"] == 200
    assert {"archived", "organization", "group", "tag", "event", "updated_since"} <= set(parameters)
    assert set(people["responses"]) == {"200", "401", "422"}
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"detail", "code"}


def test_paths_carry_no_integer_ids(db):
    schema = Client().get(f"{BASE}/openapi.json").json()

    for path, methods in schema["paths"].items():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    assert parameter["schema"]["format"] == "uuid", path


def test_docs_page_loads_nothing_from_a_cdn(db, settings):
    # Without collectstatic's manifest: the page is rendered, not served from var/static.
    settings.STORAGES = STATIC_STORAGE

    response = Client().get(f"{BASE}/docs")

    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in sources
    assert "/static/ninja/swagger-ui.css" in sources
    assert [s for s in sources if s.startswith(("http:", "https:", "//"))] == []
    assert '"validatorUrl": null' in html
