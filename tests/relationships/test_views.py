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


def test_selects_say_what_their_empty_choice_means(english, workspace, user, dana, referral):
    """No bare "---------": a required select asks for a choice, an optional one names what
    leaving it empty means."""
    keep_in_touch = english.get(reverse("relationships:keep_in_touch")).content.decode()
    assert '<option value="" selected>Choose a kind of tie…</option>' in keep_in_touch
    referral_form = english.get(
        reverse("relationships:referral_edit", args=[referral.public_id])
    ).content.decode()
    assert '<option value="" selected>— the whole team —</option>' in referral_form
    for page in (
        keep_in_touch,
        referral_form,
        english.get(reverse("people:detail", args=[dana.public_id])).content.decode(),
    ):
        assert "---------" not in page


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
    assert "Give a number of days from 1 to 730." in response.content.decode()
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


def test_other_workspace_cannot_prefill_record_or_rescore_the_firsts(
    other_client, workspace, user, dana, tie, kind, referral
):
    from kesher.relationships.models import TieStrength

    other_client.cookies["django_language"] = "en"
    url = reverse("relationships:referral_create")
    assert other_client.get(url + f"?referred={dana.public_id}").status_code == 404
    response = other_client.post(
        url,
        {
            "referrer": str(referral.referrer.public_id),
            "referred": str(dana.public_id),
            "date": "2025-02-01",
            "outcome": "won",
            "value": "10",
            "currency": "ILS",
        },
    )
    assert response.status_code == 400
    assert Referral.objects.count() == 1
    response = other_client.post(
        reverse("relationships:rhythm_kind_set"), {"tie_kind": kind.pk, "every": "weekly"}
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert Rhythm.objects.count() == 0
    computed = TieStrength.objects.get(tie=tie).computed_at
    assert other_client.post(reverse("relationships:strengths_recompute")).status_code == 302
    assert TieStrength.objects.get(tie=tie).computed_at == computed


def test_another_members_or_workspaces_calendar_address_never_shows_mine(
    other_client, english, workspace, user, dana
):
    from kesher.relationships.models import CalendarFeed
    from kesher.workspaces.models import Membership

    rhythm_set(workspace=workspace, user=user, every="weekly", person=dana)
    mine = english.post(reverse("relationships:calendar_regenerate")).content.decode()
    start = mine.index("http://testserver/relationships/calendar/")
    my_url = mine[start : mine.index('"', start)]
    # The other workspace's owner makes their own address: mine keeps working, theirs is empty.
    theirs = other_client.post(reverse("relationships:calendar_regenerate")).content.decode()
    start = theirs.index("http://testserver/relationships/calendar/")
    their_url = theirs[start : theirs.index('"', start)]
    assert "Dana" in Client().get(my_url).content.decode()
    assert "BEGIN:VEVENT" not in Client().get(their_url).content.decode()
    # A teammate in my workspace gets an address of their own, without my reminders.
    teammate = UserFactory()
    Membership.objects.create(workspace=workspace, user=teammate, role="member")
    client = Client()
    assert client.login(email=teammate.email, password=PASSWORD)
    body = client.post(reverse("relationships:calendar_regenerate")).content.decode()
    start = body.index("http://testserver/relationships/calendar/")
    teammate_url = body[start : body.index('"', start)]
    assert "BEGIN:VEVENT" not in Client().get(teammate_url).content.decode()
    assert CalendarFeed.objects.filter(workspace=workspace).count() == 2
    # Regenerating replaces only my own address.
    english.post(reverse("relationships:calendar_regenerate"))
    assert Client().get(my_url).status_code == 404
    assert Client().get(teammate_url).status_code == 200


def test_the_strength_and_graph_pages_need_a_login(client, workspace, dana):
    for page in [
        reverse("relationships:strengths"),
        reverse("relationships:strengths_csv"),
        reverse("relationships:keep_in_touch"),
        reverse("relationships:referrals"),
        *person_pages(dana),
    ]:
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith("/accounts/login/"), page


def test_a_custom_rhythm_out_of_range_says_how_to_fix_it(english, workspace, kind):
    response = english.post(
        reverse("relationships:rhythm_kind_set"),
        {"tie_kind": kind.pk, "every": "custom", "days": "731"},
    )
    assert response.status_code == 200
    assert "Give a number of days from 1 to 730." in response.content.decode()
    assert Rhythm.objects.count() == 0


def test_a_half_life_out_of_range_is_refused_with_the_range(english, workspace):
    response = english.post(
        reverse("relationships:settings"), {"half_life_days": "4000", "referral_target": "6"}
    )
    assert response.status_code == 400
    assert "The half-life is a number of days from 1 to 3650." in response.content.decode()
    response = english.post(
        reverse("relationships:settings"), {"half_life_days": "30", "referral_target": "8"}
    )
    assert response.status_code == 302
    from kesher.relationships.selectors import relationship_settings_get

    settings = relationship_settings_get(workspace=workspace)
    assert (settings.half_life_days, settings.referral_target) == (30, 8)


def test_today_lists_strong_ties_losing_touch_without_any_rhythm(
    english, workspace, user, dana, tie
):
    from django.utils import timezone

    from kesher.network.services import tie_update

    tie_update(tie=tie, kind=tie.kind, trust=5, since=timezone.localdate() - dt.timedelta(days=900))
    for days in (20, 15, 10, 5):
        log(workspace, user, [dana], days_ago=days, initiated_by="me")
        log(workspace, user, [dana], days_ago=days - 1, initiated_by="them", exchange="give")
    body = english.get(reverse("core:home")).content.decode()
    section = body[body.index('id="keep-in-touch"') :]
    assert "No rhythm set yet" in section
    losing = section[section.index("Losing touch") :]
    assert f'<a href="/people/{dana.public_id}/" dir="auto">Dana</a>' in losing
    from kesher.relationships import selectors

    [item] = selectors.keep_in_touch(workspace=workspace, user_id=user.pk).losing_touch
    assert f"strength {item.score:.0f}, losing {item.decay_per_day:.2f} a day" in losing
