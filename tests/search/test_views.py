from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kesher.people.services import person_archive
from kesher.workspaces.models import Workspace

pytestmark = pytest.mark.django_db

URL = "/search/"
ENGLISH = {"Accept-Language": "en"}


def test_url_name() -> None:
    assert reverse("search:search") == URL


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    response = client.get(URL, {"q": "דני"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_full_page_shows_results_grouped_with_links(
    client_logged_in: Client,
    make_person: Any,
    make_organization: Any,
    make_need: Any,
    make_note: Any,
) -> None:
    organization = make_organization("Jeep Israel")
    dani = make_person("Dani Jeep")
    make_need(dani, "Looking for a jeep")
    make_note([dani], "Test drive of the jeep")
    response = client_logged_in.get(URL, {"q": "jeep"}, headers=ENGLISH)
    assert response.status_code == 200
    assert [t.name for t in response.templates][:2] == ["search/search.html", "base.html"]
    html = response.content.decode()
    assert re.search(r'<html lang="en"\s+dir="ltr">', html)
    assert 'name="q"' in html and 'value="jeep"' in html
    person_url = reverse("people:detail", args=[dani.public_id])
    organization_url = reverse("directory:organization_detail", args=[organization.public_id])
    assert html.count(f'href="{person_url}"') == 3
    assert html.count(f'href="{organization_url}"') == 1
    assert re.findall(r"<h2>(\w+)</h2>", html) == ["People", "Organisations", "Needs", "Notes"]


def test_htmx_request_gets_only_the_results(client_logged_in: Client, make_person: Any) -> None:
    dani = make_person("דני כהן")
    response = client_logged_in.get(URL, {"q": "דנ"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["search/_results.html"]
    html = response.content.decode()
    assert "<html" not in html
    assert f'href="{reverse("people:detail", args=[dani.public_id])}"' in html
    assert "דני כהן" in html


def test_history_restore_gets_the_full_page(client_logged_in: Client) -> None:
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    response = client_logged_in.get(URL, {"q": "דני"}, headers=headers)
    assert [t.name for t in response.templates][:2] == ["search/search.html", "base.html"]


def test_hebrew_page_is_right_to_left(client_logged_in: Client) -> None:
    response = client_logged_in.get(URL, headers={"Accept-Language": "he"})
    assert re.search(r'<html lang="he"\s+dir="rtl">', response.content.decode())


def test_empty_query_shows_the_box_and_no_message(
    client_logged_in: Client, make_person: Any
) -> None:
    make_person("דני כהן")
    response = client_logged_in.get(URL, headers=ENGLISH)
    html = response.content.decode()
    assert response.status_code == 200
    assert "search-hit" not in html
    assert "Nothing matches" not in html


def test_no_match_says_so(client_logged_in: Client, make_person: Any) -> None:
    make_person("דני כהן")
    response = client_logged_in.get(URL, {"q": "zebra"}, headers=ENGLISH)
    assert "Nothing matches “zebra”." in response.content.decode()


def test_archived_people_only_with_the_box_ticked(
    client_logged_in: Client, make_person: Any
) -> None:
    person_archive(person=make_person("דני כהן"))
    hidden = client_logged_in.get(URL, {"q": "דני"}, headers=ENGLISH).content.decode()
    assert "דני כהן" not in hidden
    shown = client_logged_in.get(URL, {"q": "דני", "archived": "1"}, headers=ENGLISH)
    html = shown.content.decode()
    assert "דני כהן" in html
    assert '<span class="badge">Archived</span>' in html
    assert "checked" in html


def test_another_workspaces_people_never_show(
    client_logged_in: Client, other_workspace: Workspace, make_person: Any
) -> None:
    make_person("דני כהן", in_workspace=other_workspace)
    for headers in (ENGLISH, {"HX-Request": "true"}):
        html = client_logged_in.get(URL, {"q": "דני", "archived": "1"}, headers=headers)
        assert "דני כהן" not in html.content.decode()


@pytest.mark.parametrize("query", ["א" * 1000, "דני " * 400, "<script>", "%", "\x00"])
def test_odd_input_is_answered(client_logged_in: Client, make_person: Any, query: str) -> None:
    make_person("דני כהן")
    response = client_logged_in.get(URL, {"q": query}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_only_get_is_allowed(client_logged_in: Client) -> None:
    assert client_logged_in.post(URL, {"q": "x"}).status_code == 405


def test_full_page_ids_are_unique_beside_the_header_search(
    client_logged_in: Client, make_person: Any, make_need: Any
) -> None:
    make_need(make_person("Dani Jeep"), "Looking for a jeep")
    html = client_logged_in.get(URL, {"q": "jeep"}, headers=ENGLISH).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert "search-results" in ids and "search-page-results" in ids
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []


def test_typing_a_latin_name_finds_its_hebrew_spelling(
    client_logged_in: Client, make_person: Any
) -> None:
    michal = make_person("מיכל כהן")
    url = reverse("people:detail", args=[michal.public_id])
    for query in ("Michal", "Mikhal Kohen", "Michal Cohen"):
        response = client_logged_in.get(URL, {"q": query}, headers={"HX-Request": "true"})
        assert f'href="{url}"' in response.content.decode(), query
    page = client_logged_in.get(URL, {"q": "Michal Cohen"}, headers=ENGLISH).content.decode()
    assert f'href="{url}"' in page


def test_another_workspaces_sound_alikes_never_show(
    client_logged_in: Client, other_workspace: Workspace, make_person: Any
) -> None:
    make_person("מיכל כהן", in_workspace=other_workspace)
    for headers in (ENGLISH, {"HX-Request": "true"}):
        for query in ("Michal", "Mikhal Kohen", "Cohen"):
            html = client_logged_in.get(URL, {"q": query, "archived": "1"}, headers=headers)
            assert "מיכל כהן" not in html.content.decode()


def test_deals_show_in_their_group_with_a_link_and_their_customer_stage_and_status(
    client_logged_in: Client,
    make_person: Any,
    make_organization: Any,
    make_need: Any,
    make_deal: Any,
) -> None:
    orion = make_organization("Printers Plus")
    dana = make_person("Dana Printers")
    make_need(dana, "Looking for printers")
    deal = make_deal("מחשבים ומדפסות Printers", person=dana, organization=orion)
    deal_url = reverse("deals:detail", args=[deal.public_id])
    snippet = "Dana Printers · Printers Plus · איתור הלקוח · פתוחה"
    page = client_logged_in.get(URL, {"q": "printers"}, headers=ENGLISH).content.decode()
    assert re.findall(r"<h2>(\w+)</h2>", page) == ["People", "Organisations", "Deals", "Needs"]
    for html in (
        page,
        # The header's box, as you type.
        client_logged_in.get(URL, {"q": "מדפסות"}, headers={"HX-Request": "true"}).content.decode(),
    ):
        assert f'<a href="{deal_url}"><bdi>מחשבים ומדפסות Printers</bdi></a>' in html
        assert re.search(rf'<p class="search-snippet">\s*<bdi>{snippet}</bdi>\s*</p>', html)


def test_another_workspaces_deals_never_show(
    client_logged_in: Client,
    other_workspace: Workspace,
    make_organization: Any,
    make_deal: Any,
) -> None:
    theirs = make_deal(
        "מחשבים ומדפסות", organization=make_organization("Orion", in_workspace=other_workspace)
    )
    for headers in (ENGLISH, {"HX-Request": "true"}):
        for query in ("מדפסות", "Orion", "orion "):
            html = client_logged_in.get(URL, {"q": query, "archived": "1"}, headers=headers)
            assert html.status_code == 200
            assert str(theirs.public_id) not in html.content.decode()
            assert "מחשבים ומדפסות" not in html.content.decode()


def test_the_pages_queries_do_not_grow_with_the_deals_found(
    client_logged_in: Client, make_person: Any, make_organization: Any, make_deal: Any
) -> None:
    dana, orion = make_person("Dana Katz"), make_organization("Orion")
    make_deal("Printers 1", person=dana)
    make_deal("Printers 2", organization=orion)

    def queries(headers: dict[str, str]) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client_logged_in.get(URL, {"q": "printers"}, headers=headers)
        assert response.status_code == 200
        return len(captured.captured_queries)

    htmx = {"HX-Request": "true"}
    queries(ENGLISH)
    few = (queries(ENGLISH), queries(htmx))
    for n in range(3, 15):
        make_deal(f"Printers {n}", person=dana, organization=orion if n % 2 else None)
    many = (queries(ENGLISH), queries(htmx))
    assert many == few
    html = client_logged_in.get(URL, {"q": "printers"}, headers=htmx).content.decode()
    assert html.count('class="search-hit"') == 14
