"""The Hebrew catalogue (kesher/locale/he) is complete, and pages follow the browser's language
and direction."""

from __future__ import annotations

import re

import polib
import pytest
from django.test import Client
from django.urls import reverse

from kesher.accounts.models import User
from kesher.i18n import LOCALE_DIR
from kesher.workspaces.models import Workspace
from tests.factories import PASSWORD

HEBREW_PO = LOCALE_DIR / "he" / "LC_MESSAGES" / "django.po"

# %(name)s, %(count)d, %% and {name}: what must survive translation unchanged.
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]|%%|\{[A-Za-z_][\w.]*\}")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def hebrew() -> polib.POFile:
    return polib.pofile(str(HEBREW_PO))


def test_hebrew_catalogue_is_fully_translated(hebrew):
    assert [entry.msgid for entry in hebrew.untranslated_entries()] == []
    assert [entry.msgid for entry in hebrew.fuzzy_entries()] == []
    assert [entry.msgid for entry in hebrew.obsolete_entries()] == []


def test_hebrew_catalogue_uses_two_plural_forms(hebrew):
    assert hebrew.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    plurals = [entry for entry in hebrew if entry.msgid_plural]
    assert plurals
    assert {tuple(sorted(entry.msgstr_plural)) for entry in plurals} == {(0, 1)}


def test_hebrew_translations_keep_the_placeholders(hebrew):
    wrong = []
    for entry in hebrew:
        if entry.msgid_plural:
            plural = placeholders(entry.msgid_plural)
            # The singular form is only ever used for 1, so it may spell the number out.
            if placeholders(entry.msgstr_plural[1]) != plural or not set(
                placeholders(entry.msgstr_plural[0])
            ) <= set(plural):
                wrong.append(entry.msgid)
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            wrong.append(entry.msgid)
    assert wrong == []


def test_hebrew_catalogue_is_compiled():
    assert HEBREW_PO.with_suffix(".mo").stat().st_mtime >= HEBREW_PO.stat().st_mtime


def people_page(user: User, language: str) -> str:
    client = Client(headers={"Accept-Language": language})
    assert client.login(email=user.email, password=PASSWORD)
    response = client.get(reverse("people:list"))
    assert response.status_code == 200
    return response.content.decode()


def test_people_list_in_hebrew_is_right_to_left(user: User, workspace: Workspace):
    page = people_page(user, "he")

    assert '<html lang="he"\n      dir="rtl">' in page
    assert '<a class="btn btn-primary" href="/people/new/">הוספת איש קשר</a>' in page
    assert "Add person" not in page


def test_people_list_in_english_is_left_to_right(user: User, workspace: Workspace):
    page = people_page(user, "en")

    assert '<html lang="en"\n      dir="ltr">' in page
    assert '<a class="btn btn-primary" href="/people/new/">Add person</a>' in page
    assert "הוספת איש קשר" not in page


def test_login_page_defaults_to_hebrew(client: Client):
    response = client.get(reverse("accounts:login"))

    page = response.content.decode()
    assert '<html lang="he"\n      dir="rtl">' in page
    assert '<p class="lead">ברוכים השבים לרשת שלכם.</p>' in page


def test_api_errors_follow_the_request_language(client_logged_in: Client):
    url = "/api/v1/people/0b7cb5c2-8d6e-4a43-9b2a-1a0c3e9d4f51"

    hebrew = client_logged_in.get(url, headers={"Accept-Language": "he"})
    english = client_logged_in.get(url, headers={"Accept-Language": "en"})

    assert hebrew.status_code == 404
    assert english.status_code == 404
    assert hebrew.json()["detail"] == "איש הקשר לא נמצא."
    assert english.json()["detail"] == "Person not found."
