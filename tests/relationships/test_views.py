"""The pages: each renders for its workspace, another workspace's ids are 404, bad input is
shown back, and the CSV export carries every score."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse

from kesher.relationships.models import Referral, Rhythm
from kesher.relationships.services import referral_create, rhythm_set
from tests.factories import PASSWORD, OrganizationFactory, PersonFactory, UserFactory
from tests.relationships.conftest import log

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client_logged_in):
    client_logged_in.cookies["django_language"] = "en"
    return client_logged_in


@pytest.fixture
def other_client(other_workspace):
    from kesher.workspaces.models import Membership

    client = Client()
    owner = Membership.objects.get(workspace=other_workspace).user
    assert client.login(email=owner.email, password=PASSWORD)
    return client


@pytest.fixture
def referral(workspace, dana):
    return referral_create(
        workspace=workspace,
        referrer=PersonFactory(workspace=workspace, name="Referrer"),
        referred=dana,
        date=dt.date(2025, 1, 1),
    )


def person_pages(person):
    return [
        reverse("relationships:reach_person", args=[person.public_id]),
        reverse("relationships:who_they_know", args=[person.public_id]),
        reverse("relationships:graph", args=[person.public_id]),
    ]


def test_every_page_renders(english, workspace, user, dana, tie, referral):
    org = OrganizationFactory(workspace=workspace)
    pages = [
        reverse("relationships:strengths"),
        reverse("relationships:keep_in_touch"),
        reverse("relationships:referrals"),
        reverse("relationships:referral_create") + f"?referred={dana.public_id}",
        reverse("relationships:referral_edit", args=[referral.public_id]),
        reverse("relationships:settings"),
        reverse("relationships:reach_organization", args=[org.public_id]),
        reverse("people:detail", args=[dana.public_id]),
        reverse("core:home"),
        *person_pages(dana),
    ]
    for page in pages:
        assert english.get(page).status_code == 200, page


def test_the_person_page_shows_the_ties_strength_and_why(english, workspace, user, dana, tie):
    log(workspace, user, [dana], days_ago=12)
    body = english.get(reverse("people:detail", args=[dana.public_id])).content.decode()
    tie.refresh_from_db()
    assert f"strength {tie.strength:.0f}" in body
    assert "1 meeting in 90 days, last 12 days ago" in body


def test_the_graph_is_accessible_svg_linking_to_people(english, workspace, me, dana, tie):
    body = english.get(reverse("relationships:graph", args=[me.public_id])).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in body
    assert f'<title id="graph-title">Who {me.name} knows</title>' in body
    assert f'href="/people/{dana.public_id}/"' in body
    assert 'dir="auto">Dana</text>' in body


def test_the_csv_export_has_every_score(english, workspace, user, dana, tie):
    log(workspace, user, [dana], days_ago=12)
    other = PersonFactory(workspace=workspace, name="Other")
    from kesher.network.services import tie_create

    tie_create(workspace=workspace, person=dana, other=other, kind=tie.kind)
    response = english.get(reverse("relationships:strengths_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    tie.refresh_from_db()
    assert [(row["person_b"], row["strength"]) for row in rows] == [
        ("Dana", str(tie.strength)),
        ("Other", "0.0"),
    ]
    assert rows[0]["explanation"].startswith("1 meeting in 90 days, last 12 days ago")
    assert rows[1]["explanation"] == "no contact logged"


def test_other_workspace_gets_404_on_every_page_with_an_id(other_client, workspace, dana, referral):
    org = OrganizationFactory(workspace=workspace)
    rhythm = rhythm_set(
        workspace=workspace,
        user=Referral.objects.get(pk=referral.pk).workspace.memberships.first().user,
        every="weekly",
        person=dana,
    )
    gets = [
        *person_pages(dana),
        reverse("relationships:reach_organization", args=[org.public_id]),
        reverse("relationships:referral_edit", args=[referral.public_id]),
    ]
    for page in gets:
        assert other_client.get(page).status_code == 404, page
    posts = [
        reverse("relationships:rhythm_person_set", args=[dana.public_id]),
        reverse("relationships:rhythm_clear", args=[rhythm.public_id]),
        reverse("relationships:referral_edit", args=[referral.public_id]),
        reverse("relationships:referral_delete", args=[referral.public_id]),
    ]
    for page in posts:
        assert other_client.post(page, {"every": "weekly"}).status_code == 404, page
    assert Referral.objects.filter(pk=referral.pk).exists()
    assert Rhythm.objects.filter(pk=rhythm.pk).exists()


def test_other_workspace_lists_never_show_the_first(
    other_client, workspace, user, dana, tie, referral
):
    log(workspace, user, [dana], days_ago=1)
    for page in (
        reverse("relationships:strengths"),
        reverse("relationships:referrals"),
        reverse("relationships:keep_in_touch"),
    ):
        assert "Dana" not in other_client.get(page).content.decode()
    csv_text = b"".join(other_client.get(reverse("relationships:strengths_csv")).streaming_content)
    assert b"Dana" not in csv_text


def test_unknown_or_malformed_ids_are_404(english):
    assert english.get("/relationships/people/not-a-uuid/reach/").status_code == 404
    unknown = "6f1c1c5e-0b7a-4a55-9d0c-5d1f0a3e8b11"
    assert english.get(f"/relationships/people/{unknown}/reach/").status_code == 404
    assert english.get(f"/relationships/referrals/{unknown}/edit/").status_code == 404


def test_rhythm_from_the_person_page_and_its_errors(english, workspace, user, dana):
    url = reverse("relationships:rhythm_person_set", args=[dana.public_id])
    response = english.post(url, {"every": "custom", "days": "0"}, follow=True)
    assert Rhythm.objects.count() == 0
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()
    english.post(url, {"every": "custom", "days": "21"})
    rhythm = Rhythm.objects.get()
    assert (rhythm.person, rhythm.every, rhythm.days) == (dana, "custom", 21)


def test_rhythm_for_a_kind_from_the_keep_in_touch_page(english, workspace, kind):
    url = reverse("relationships:rhythm_kind_set")
    response = english.post(url, {"tie_kind": kind.pk, "every": "custom"})
    assert response.status_code == 200
    assert "Give a number of days for a custom rhythm." in response.content.decode()
    english.post(url, {"tie_kind": kind.pk, "every": "monthly"})
    assert Rhythm.objects.get().tie_kind == kind


def test_record_a_referral_and_a_negative_value_is_refused(english, workspace, dana):
    referrer = PersonFactory(workspace=workspace, name="Referrer")
    url = reverse("relationships:referral_create")
    data = {
        "referrer": str(referrer.public_id),
        "referred": str(dana.public_id),
        "date": "2025-02-01",
        "outcome": "won",
        "value": "-5",
        "currency": "ILS",
    }
    response = english.post(url, data)
    assert response.status_code == 400
    assert "The value cannot be negative" in response.content.decode()
    data["value"] = "1200"
    response = english.post(url, data)
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.referrer, referral.referred, str(referral.value)) == (
        referrer,
        dana,
        "1200.00",
    )


def test_the_calendar_address_is_shown_once_then_works(english, workspace, user):
    response = english.post(reverse("relationships:calendar_regenerate"))
    body = response.content.decode()
    start = body.index("http://testserver/relationships/calendar/")
    url = body[start : body.index('"', start)]
    assert Client().get(url).status_code == 200
    assert "/relationships/calendar/" not in english.get(
        reverse("relationships:keep_in_touch")
    ).content.decode().replace(reverse("relationships:calendar_regenerate"), "")


def test_settings_are_for_the_owner_only(english, workspace):
    response = english.post(
        reverse("relationships:settings"), {"half_life_days": "0", "referral_target": "6"}
    )
    assert response.status_code == 400
    from kesher.workspaces.models import Membership

    member = UserFactory()
    Membership.objects.create(workspace=workspace, user=member, role="member")
    client = Client()
    client.login(email=member.email, password=PASSWORD)
    assert client.get(reverse("relationships:settings")).status_code == 403


def test_today_shows_the_keep_in_touch_section(english, workspace, user, dana):
    rhythm_set(workspace=workspace, user=user, every="weekly", person=dana)
    Rhythm.objects.update(started_on=dt.date(2020, 1, 1))
    body = english.get(reverse("core:home")).content.decode()
    assert 'id="keep-in-touch"' in body
    assert body.index("Overdue") < body.index("Dana", body.index('id="keep-in-touch"'))
