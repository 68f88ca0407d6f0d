"""The people pages (kesher/people/views.py): list, person page, add/edit/archive, quick capture."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kesher.network.models import Interaction, Need, Offer
from kesher.people.models import Organization, Person, PersonEmail, PersonPhone, Tag
from kesher.people.services import PersonData, person_archive, person_create
from kesher.workspaces.models import Membership
from tests.factories import (
    EventFactory,
    GroupFactory,
    InteractionFactory,
    NeedFactory,
    OfferFactory,
    OrganizationFactory,
    PersonFactory,
    TagFactory,
    TieFactory,
)


def member_name(workspace) -> str:
    person = Membership.objects.get(workspace=workspace).person
    assert person is not None
    return person.name


def listed(response) -> list[str]:
    return [p.name for p in response.context["page_obj"].object_list]


def write_counts() -> dict[str, int]:
    return {
        "people": Person.objects.count(),
        "emails": PersonEmail.objects.count(),
        "phones": PersonPhone.objects.count(),
        "organizations": Organization.objects.count(),
        "tags": Tag.objects.count(),
        "needs": Need.objects.count(),
        "offers": Offer.objects.count(),
        "interactions": Interaction.objects.count(),
    }


# The list


def test_person_list_shows_only_this_workspaces_people(web, workspace, other_workspace):
    PersonFactory(workspace=workspace, name="Dani")
    PersonFactory(workspace=workspace, name="Avi")
    PersonFactory(workspace=other_workspace, name="Foreign Farouk")

    response = web.get(reverse("people:list"))

    assert response.status_code == 200
    assert listed(response) == ["Avi", "Dani", member_name(workspace)]
    assert "Foreign Farouk" not in response.content.decode()
    assert member_name(other_workspace) not in response.content.decode()


def test_person_list_row_shows_names_role_contacts_and_interests(web, workspace):
    person_create(
        workspace=workspace,
        data=PersonData(
            name="דני כהן",
            name_alt="Dani Cohen",
            title="CEO",
            organization=OrganizationFactory(workspace=workspace, name="Adventure Ltd"),
            emails=["dani@example.com", "dani@work.example.com"],
            phones=["052-345-6789"],
            interests=["Jeeps"],
        ),
    )

    response = web.get(reverse("people:list"))

    page = response.content.decode()
    assert "Dani Cohen" in page
    assert "CEO" in page
    assert "Adventure Ltd" in page
    assert '<a href="mailto:dani@example.com" dir="ltr">dani@example.com</a>' in page
    assert "dani@work.example.com" not in page
    assert '<a href="tel:+972523456789" dir="ltr">+972 52-345-6789</a>' in page
    assert '<span class="chip chip-small">Jeeps</span>' in page


def test_person_list_pages_fifty_at_a_time(web, workspace):
    for n in range(60):
        PersonFactory(workspace=workspace, name=f"Person {n:02d}")

    first = web.get(reverse("people:list"))
    second = web.get(reverse("people:list"), {"page": "2"})

    assert first.context["page_obj"].paginator.count == 61
    assert listed(first) == [f"Person {n:02d}" for n in range(50)]
    assert listed(second) == [f"Person {n:02d}" for n in range(50, 60)] + [member_name(workspace)]
    assert 'href="?page=2"' in first.content.decode()


def test_a_long_person_list_is_counted_only_up_to_the_limit(web, workspace, settings):
    settings.KESHER_LIST_COUNT_LIMIT = 55
    for n in range(60):
        PersonFactory(workspace=workspace, name=f"Person {n:02d}")

    first = web.get(reverse("people:list"))
    second = web.get(reverse("people:list"), {"page": "2"})
    past = web.get(reverse("people:list"), {"page": "9"})

    first_html, second_html = first.content.decode(), second.content.decode()
    assert "More than 55 people" in first_html
    assert "Page 1" in first_html and "Page 1 of" not in first_html
    assert 'href="?page=2"' in first_html
    assert listed(second) == [f"Person {n:02d}" for n in range(50, 60)] + [member_name(workspace)]
    assert 'rel="next"' not in second_html and 'href="?page=1"' in second_html
    assert listed(past) == listed(second)


@pytest.mark.parametrize("param", ["organization", "group", "tag", "event"])
def test_person_list_filters(web, workspace, param):
    org = OrganizationFactory(workspace=workspace, name="Adventure Ltd")
    group = GroupFactory(workspace=workspace, name="Adventure trips")
    tag = TagFactory(workspace=workspace, name="jeeps")
    event = EventFactory(workspace=workspace, name="Networking evening")
    dani = PersonFactory(workspace=workspace, name="Dani", organization=org, met_at=event)
    dani.groups.add(group)
    dani.interests.add(tag)
    PersonFactory(workspace=workspace, name="Avi")
    chosen = {"organization": org, "group": group, "tag": tag, "event": event}[param]

    response = web.get(reverse("people:list"), {param: str(chosen.public_id)})

    assert listed(response) == ["Dani"]
    assert [(f.param, f.value) for f in response.context["active_filters"]] == [
        (param, chosen.name)
    ]


def test_person_list_ignores_a_filter_of_another_workspace(web, workspace, other_workspace):
    PersonFactory(workspace=workspace, name="Dani")
    foreign_org = OrganizationFactory(workspace=other_workspace, name="Foreign Ltd")
    PersonFactory(workspace=other_workspace, name="Foreign Farouk", organization=foreign_org)

    response = web.get(reverse("people:list"), {"organization": str(foreign_org.public_id)})

    assert listed(response) == ["Dani", member_name(workspace)]
    assert response.context["active_filters"] == []
    assert "Foreign" not in response.content.decode()


def test_person_list_hides_archived_people_unless_asked(web, workspace):
    PersonFactory(workspace=workspace, name="Dani")
    person_archive(person=PersonFactory(workspace=workspace, name="Avi"))

    active = web.get(reverse("people:list"))
    archived = web.get(reverse("people:list"), {"archived": "1"})

    assert listed(active) == ["Dani", member_name(workspace)]
    assert listed(archived) == ["Avi"]


def test_person_list_htmx_gets_the_results_only(web, workspace):
    PersonFactory(workspace=workspace, name="Dani")

    response = web.get(reverse("people:list"), headers={"HX-Request": "true"})

    page = response.content.decode()
    assert "<html" not in page
    assert "Dani" in page


def test_person_filters_offer_this_workspaces_choices_only(web, workspace, other_workspace):
    org = OrganizationFactory(workspace=workspace, name="Adventure Ltd")
    OrganizationFactory(workspace=other_workspace, name="Foreign Ltd")

    response = web.get(
        reverse("people:filters"),
        {"organization": str(org.public_id)},
        headers={"HX-Request": "true"},
    )

    page = response.content.decode()
    assert "<html" not in page
    assert f'<option value="{org.public_id}" selected>Adventure Ltd</option>' in page
    assert "Foreign Ltd" not in page
    assert "<html" in web.get(reverse("people:filters")).content.decode()


def test_person_list_query_count_does_not_grow_with_rows(web, workspace):
    org = OrganizationFactory(workspace=workspace)
    tag = TagFactory(workspace=workspace)

    def add_people(count: int) -> None:
        for _ in range(count):
            person = person_create(
                workspace=workspace,
                data=PersonData(
                    name="Someone",
                    emails=[f"p{Person.objects.count()}@example.com"],
                    phones=["052-345-6789"],
                    organization=org,
                ),
            )
            person.interests.add(tag)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert web.get(reverse("people:list")).status_code == 200
        return len(captured)

    add_people(4)
    queries()  # the first request also stores the current workspace in the session
    few = queries()
    add_people(25)
    many = queries()

    assert Person.objects.filter(workspace=workspace).count() == 30
    assert few == many


# Adding and editing


@pytest.fixture
def directory(workspace):
    return {
        "group": GroupFactory(workspace=workspace, name="Adventure trips"),
        "event": EventFactory(workspace=workspace, name="Networking evening"),
        "referrer": PersonFactory(workspace=workspace, name="Yossi"),
    }


def full_form(directory) -> dict[str, object]:
    return {
        "name": "  דני כהן ",
        "name_alt": "Dani Cohen",
        "emails": "Dani@Example.com\ndani@work.example.com",
        "phones": "052-345-6789\n+44 20 7946 0958",
        "organization": "Adventure Ltd",
        "title": "CEO",
        "language": "en",
        "interests": "Jeeps, adventure trips",
        "groups": [str(directory["group"].public_id)],
        "met_at": str(directory["event"].public_id),
        "met_on": "2024-05-01",
        "referred_by": str(directory["referrer"].public_id),
        "consent": "granted",
        "notes": "Loves adventure trips.",
    }


def test_person_create_page(web, workspace, directory):
    response = web.get(reverse("people:create"))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_name"' in page
    assert "Adventure trips" in page
    assert "Networking evening" in page


def test_person_create_stores_everything(web, workspace, directory):
    response = web.post(reverse("people:create"), full_form(directory))

    person = Person.objects.get(workspace=workspace, name="דני כהן")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.public_id])
    assert person.name_alt == "Dani Cohen"
    assert [e.email for e in person.emails.all()] == ["dani@example.com", "dani@work.example.com"]
    assert [p.e164 for p in person.phones.all()] == ["+972523456789", "+442079460958"]
    assert person.organization is not None
    assert (person.organization.name, person.organization.workspace) == ("Adventure Ltd", workspace)
    assert person.title == "CEO"
    assert person.language == "en"
    assert sorted(t.name for t in person.interests.all()) == ["Jeeps", "adventure trips"]
    assert list(person.groups.all()) == [directory["group"]]
    assert (person.met_at, person.met_on) == (directory["event"], dt.date(2024, 5, 1))
    assert person.referred_by == directory["referrer"]
    assert person.source == "event"
    assert person.consent == "granted"
    assert person.notes == "Loves adventure trips."


def test_person_create_reuses_an_existing_organisation(web, workspace):
    org = OrganizationFactory(workspace=workspace, name="Adventure Ltd")

    web.post(
        reverse("people:create"),
        {"name": "Dani", "organization": "adventure ltd", "language": "he", "consent": "unknown"},
    )

    assert Person.objects.get(name="Dani").organization == org
    assert Organization.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "A name is required: type at least one letter."),
        ({"name": "    "}, "name", "A name is required: type at least one letter."),
        (
            {"phones": "052-345-6789\n123"},
            "phones",
            "“123” is not a valid phone number: write an Israeli number such as 052-345-6789, "
            "or an international one starting with + and the country code.",
        ),
        (
            {"emails": "dani@"},
            "emails",
            "“dani@” is not a valid email address: check it looks like name@example.com.",
        ),
        (
            {"notes": "x" * 10_001},
            "notes",
            "This text is too long (10001 characters): at most 10000.",
        ),
        ({"met_on": "yesterday"}, "met_on", "Enter a valid date."),
        (
            {"referred_by": "00000000-0000-0000-0000-000000000000"},
            "referred_by",
            "That person was not found: search again and choose from the list.",
        ),
    ],
)
def test_person_create_with_bad_input_writes_nothing(
    web, workspace, directory, changes, field, message
):
    before = write_counts()

    response = web.post(reverse("people:create"), {**full_form(directory), **changes})

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode().replace("&#x27;", "'")
    assert write_counts() == before
    assert not Organization.objects.filter(name="Adventure Ltd").exists()


def test_person_create_refuses_a_group_of_another_workspace(web, workspace, other_workspace):
    foreign = GroupFactory(workspace=other_workspace)
    before = write_counts()

    response = web.post(
        reverse("people:create"),
        {
            "name": "Dani",
            "language": "he",
            "consent": "unknown",
            "groups": [str(foreign.public_id)],
        },
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["groups"]
    assert write_counts() == before


def test_person_edit_page_is_filled_in(web, workspace):
    person = person_create(
        workspace=workspace,
        data=PersonData(
            name="Dani", emails=["dani@example.com"], phones=["0523456789"], interests=["Jeeps"]
        ),
    )

    response = web.get(reverse("people:edit", args=[person.public_id]))

    form = response.context["form"]
    assert response.status_code == 200
    assert form["name"].value() == "Dani"
    assert form["emails"].value() == "dani@example.com"
    assert form["phones"].value() == "+972 52-345-6789"
    assert form["interests"].value() == "Jeeps"


def test_person_edit_saves(web, workspace):
    person = person_create(workspace=workspace, data=PersonData(name="Dani", phones=["0523456789"]))

    response = web.post(
        reverse("people:edit", args=[person.public_id]),
        {
            "name": "Dani Cohen",
            "phones": "+972 52-345-6789\n050-765-4321",
            "language": "he",
            "consent": "declined",
        },
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "Dani Cohen"
    assert [p.e164 for p in person.phones.all()] == ["+972523456789", "+972507654321"]
    assert person.consent == "declined"
    assert person.source == "manual"


def test_person_edit_with_bad_input_changes_nothing(web, workspace):
    person = person_create(workspace=workspace, data=PersonData(name="Dani", phones=["0523456789"]))

    response = web.post(
        reverse("people:edit", args=[person.public_id]),
        {"name": "Dani Cohen", "phones": "123", "language": "he", "consent": "unknown"},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["phones"]
    person.refresh_from_db()
    assert person.name == "Dani"
    assert [p.e164 for p in person.phones.all()] == ["+972523456789"]


def test_person_edit_refuses_self_referral(web, workspace):
    person = PersonFactory(workspace=workspace, name="Dani")

    response = web.post(
        reverse("people:edit", args=[person.public_id]),
        {
            "name": "Dani",
            "language": "he",
            "consent": "unknown",
            "referred_by": str(person.public_id),
        },
    )

    assert response.context["form"].errors["referred_by"] == [
        "A person cannot be referred by themselves: choose someone else, or leave it empty."
    ]
    person.refresh_from_db()
    assert person.referred_by is None


# Archive and restore


def test_archive_and_restore(web, workspace):
    person = person_create(workspace=workspace, data=PersonData(name="Dani"))

    archived = web.post(reverse("people:archive", args=[person.public_id]), follow=True)

    person.refresh_from_db()
    assert person.archived_at is not None
    assert archived.redirect_chain == [(reverse("people:detail", args=[person.public_id]), 302)]
    page = archived.content.decode()
    assert "Dani was archived: hidden from lists and search until restored." in page
    assert 'class="banner banner-warning"' in page
    assert reverse("people:restore", args=[person.public_id]) in page
    assert listed(web.get(reverse("people:list"))) == [member_name(workspace)]

    restored = web.post(reverse("people:restore", args=[person.public_id]), follow=True)

    person.refresh_from_db()
    assert person.archived_at is None
    assert "Dani was restored." in restored.content.decode()
    assert 'class="banner banner-warning"' not in restored.content.decode()
    assert listed(web.get(reverse("people:list"))) == ["Dani", member_name(workspace)]


@pytest.mark.parametrize("name", ["people:archive", "people:restore"])
def test_archive_and_restore_need_a_post(web, workspace, name):
    person = PersonFactory(workspace=workspace)

    response = web.get(reverse(name, args=[person.public_id]))

    assert response.status_code == 405
    person.refresh_from_db()
    assert person.archived_at is None


# The person page


def test_person_page_shows_the_header_card(web, workspace):
    referrer = PersonFactory(workspace=workspace, name="Yossi")
    org = OrganizationFactory(workspace=workspace, name="Adventure Ltd")
    group = GroupFactory(workspace=workspace, name="Adventure trips")
    event = EventFactory(workspace=workspace, name="Networking evening")
    person = person_create(
        workspace=workspace,
        data=PersonData(
            name="דני כהן",
            name_alt="Dani Cohen",
            title="CEO",
            organization=org,
            emails=["dani@example.com"],
            phones=["052-345-6789"],
            interests=["Jeeps"],
            groups=[group],
            met_at=event,
            met_on=dt.date(2024, 5, 1),
            referred_by=referrer,
            consent=Person.Consent.GRANTED,
            notes="Loves adventure trips.",
        ),
    )
    PersonFactory(workspace=workspace, name="Rina", referred_by=person)

    response = web.get(reverse("people:detail", args=[person.public_id]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>דני כהן</h1>" in page
    assert "Dani Cohen" in page
    assert f'href="{reverse("directory:organization_detail", args=[org.public_id])}"' in page
    assert '<a href="mailto:dani@example.com" dir="ltr">dani@example.com</a>' in page
    assert '<a href="tel:+972523456789" dir="ltr">+972 52-345-6789</a>' in page
    assert f'href="/people/?tag={person.interests.get().public_id}">Jeeps</a>' in page
    assert f'href="/people/?group={group.public_id}">Adventure trips</a>' in page
    assert f'href="/people/?event={event.public_id}"><bdi>Networking evening</bdi></a>' in page
    assert "1 May 2024" in page
    assert f'<a href="{reverse("people:detail", args=[referrer.public_id])}">Yossi</a>' in page
    rina = Person.objects.get(name="Rina")
    assert f'<a href="{reverse("people:detail", args=[rina.public_id])}">Rina</a>' in page
    assert "Agreed to be contacted" in page
    assert "Loves adventure trips." in page
    assert 'class="banner banner-warning"' not in page


def test_person_page_shows_needs_offers_and_ties(web, workspace):
    person = PersonFactory(workspace=workspace, name="Dani")
    friend = PersonFactory(workspace=workspace, name="Yossi")
    NeedFactory(workspace=workspace, person=person, text="A used jeep")
    OfferFactory(workspace=workspace, person=person, text="Office chairs", status="fulfilled")
    TieFactory(workspace=workspace, person_a=person, person_b=friend, trust=3)

    page = web.get(reverse("people:detail", args=[person.public_id])).content.decode()

    assert "A used jeep" in page
    assert "Office chairs" in page
    assert '<span class="badge badge-fulfilled">Fulfilled</span>' in page
    assert f'<a href="{reverse("people:detail", args=[friend.public_id])}">Yossi</a>' in page
    assert "Trust 3 of 5" in page


def test_person_page_timeline_is_newest_first_in_the_workspace_time_zone(web, workspace):
    person = PersonFactory(workspace=workspace, name="Dani")
    other = PersonFactory(workspace=workspace, name="Yossi")
    for summary, when in [
        ("Second", dt.datetime(2024, 5, 2, 21, 30, tzinfo=dt.UTC)),
        ("First", dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)),
        ("Third", dt.datetime(2024, 6, 1, 9, 0, tzinfo=dt.UTC)),
    ]:
        InteractionFactory(
            workspace=workspace, summary=summary, occurred_at=when, participants=[person, other]
        )
    InteractionFactory(workspace=workspace, summary="Not with Dani", participants=[other])

    response = web.get(reverse("people:detail", args=[person.public_id]))

    page = response.content.decode()
    assert [i.summary for i in response.context["timeline"].items] == ["Third", "Second", "First"]
    assert page.index("Third") < page.index("Second") < page.index("First")
    assert "Not with Dani" not in page
    # 21:30 UTC is 00:30 the next day in Jerusalem (summer time, UTC+3).
    assert "3 May 2024, 00:30" in page


def test_person_page_of_an_archived_person_has_a_banner(web, workspace):
    person = PersonFactory(workspace=workspace)
    person_archive(person=person)

    page = web.get(reverse("people:detail", args=[person.public_id])).content.decode()

    assert 'class="banner banner-warning"' in page
    assert "hidden from the people list and from search" in page


def test_person_page_query_count_does_not_grow_with_rows(web, workspace):
    person = PersonFactory(workspace=workspace, name="Dani")

    def add_rows(count: int) -> None:
        for _ in range(count):
            other = PersonFactory(workspace=workspace)
            TieFactory(workspace=workspace, person_a=person, person_b=other, trust=2)
            InteractionFactory(workspace=workspace, participants=[person, other])
            NeedFactory(workspace=workspace, person=person).tags.add(
                TagFactory(workspace=workspace)
            )
            OfferFactory(workspace=workspace, person=person)
            PersonFactory(workspace=workspace, referred_by=person)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert web.get(reverse("people:detail", args=[person.public_id])).status_code == 200
        return len(captured)

    add_rows(5)
    queries()  # the first request also stores the current workspace in the session
    few = queries()
    add_rows(25)
    many = queries()

    assert person.needs.count() == 30
    assert few == many


# Quick capture


def test_quick_capture_page(web, workspace):
    EventFactory(workspace=workspace, name="Networking evening")

    response = web.get(reverse("people:quick_capture"))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_name"' in page
    assert "autofocus" in page
    assert "Networking evening" in page
    assert ">Save</button>" in page


def test_quick_capture_adds_the_person_and_shows_their_page(web, workspace):
    event = EventFactory(workspace=workspace, name="Networking evening")

    response = web.post(
        reverse("people:quick_capture"),
        {
            "name": "משה לוי",
            "phone": "052-345-6789",
            "email": "moshe@example.com",
            "met_at": str(event.public_id),
            "note": "Loves adventure trips",
            "need": "A used jeep",
            "offer": "Office furniture",
        },
        follow=True,
    )

    person = Person.objects.get(workspace=workspace, name="משה לוי")
    assert response.redirect_chain == [(reverse("people:detail", args=[person.public_id]), 302)]
    page = response.content.decode()
    assert "משה לוי was added." in page
    assert "A used jeep" in page
    assert "Office furniture" in page
    assert "Loves adventure trips" in page
    assert [p.e164 for p in person.phones.all()] == ["+972523456789"]
    assert person.met_at == event


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"phone": "123"},
            "phone",
            "“123” is not a valid phone number: write an Israeli number such as 052-345-6789, "
            "or an international one starting with + and the country code.",
        ),
        ({"name": "  "}, "name", "A name is required: type at least one letter."),
        (
            {"email": "moshe@"},
            "email",
            "“moshe@” is not a valid email address: check it looks like name@example.com.",
        ),
        (
            {"need": "x" * 2001},
            "need",
            "This text is too long (2001 characters): at most 2000.",
        ),
    ],
)
def test_quick_capture_with_bad_input_writes_nothing(web, workspace, changes, field, message):
    before = write_counts()

    response = web.post(
        reverse("people:quick_capture"),
        {"name": "Moshe", "note": "Met him", "need": "A jeep", "offer": "Chairs", **changes},
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert write_counts() == before


# The person picker


def test_person_pick_finds_people_of_this_workspace(web, workspace, other_workspace):
    dani = person_create(workspace=workspace, data=PersonData(name="Dani Cohen"))
    danielle = person_create(workspace=workspace, data=PersonData(name="Danielle"))
    chosen = person_create(workspace=workspace, data=PersonData(name="Yossi"))
    person_create(workspace=other_workspace, data=PersonData(name="Dan Foreign"))

    response = web.get(
        reverse("people:pick"),
        {
            "field": "participants",
            "q": "dan",
            "multiple": "1",
            "exclude": str(danielle.public_id),
            "participants": [str(chosen.public_id)],
        },
    )

    page = response.content.decode()
    assert [str(o.public_id) for o in response.context["matches"]] == [str(dani.public_id)]
    assert response.context["chosen"] == [chosen]
    assert f'value="{chosen.public_id}"\n           checked' in page
    assert "Dan Foreign" not in page
    assert 'type="checkbox"' in page


def test_person_pick_refuses_odd_field_names(web, workspace):
    response = web.get(reverse("people:pick"), {"field": "x y", "q": "dan"})

    assert response.status_code == 404


# Isolation


def test_login_is_required(client, workspace):
    person = PersonFactory(workspace=workspace)

    response = client.get(reverse("people:detail", args=[person.public_id]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


PERSON_ROUTES = [
    ("get", "people:detail"),
    ("get", "people:edit"),
    ("post", "people:edit"),
    ("post", "people:archive"),
    ("post", "people:restore"),
]


@pytest.mark.parametrize(("method", "name"), PERSON_ROUTES)
def test_another_workspaces_person_is_not_found(other_web, workspace, method, name):
    person = PersonFactory(workspace=workspace, name="Dani")
    before = write_counts()

    call = getattr(other_web, method)
    response = call(reverse(name, args=[person.public_id]), {"name": "Taken over"})

    assert response.status_code == 404
    assert "Dani" not in response.content.decode()
    assert write_counts() == before
    person.refresh_from_db()
    assert (person.name, person.archived_at) == ("Dani", None)


def test_another_workspaces_people_never_show_in_its_lists(other_web, workspace, other_workspace):
    org = OrganizationFactory(workspace=workspace, name="Adventure Ltd")
    zvulun = person_create(workspace=workspace, data=PersonData(name="Zvulun", organization=org))
    person_archive(person=PersonFactory(workspace=workspace, name="Ariella"))

    pages = [
        other_web.get(reverse("people:list")),
        other_web.get(reverse("people:list"), {"archived": "1"}),
        other_web.get(reverse("people:list"), {"organization": str(org.public_id)}),
        other_web.get(reverse("people:filters")),
        other_web.get(reverse("people:pick"), {"field": "referred_by", "q": "Zvu"}),
        other_web.get(
            reverse("people:pick"),
            {"field": "referred_by", "referred_by": str(zvulun.public_id), "q": ""},
        ),
        other_web.get(reverse("people:filters"), {"organization": str(org.public_id)}),
        other_web.get(reverse("people:create")),
    ]

    for response in pages:
        assert response.status_code == 200
        page = response.content.decode()
        assert "Zvulun" not in page
        assert "Ariella" not in page
        assert "Adventure Ltd" not in page


def test_person_page_runs_a_fixed_number_of_queries_whatever_its_rows(web, workspace, user):
    """Every section of the page, filled: the count is exact, so a lazy load of a column left
    out of a section's query (one per row) fails here."""
    from django.utils import timezone

    from kesher.introductions.models import Suggestion, SuggestionKind
    from kesher.introductions.services import introduction_create
    from kesher.relationships.models import TieStrength
    from kesher.relationships.services import referral_create, rhythm_set

    event = EventFactory(workspace=workspace, name="Expo")
    referrer = PersonFactory(workspace=workspace, name="Yossi", met_at=event)
    person = PersonFactory(
        workspace=workspace,
        name="Dani",
        referred_by=referrer,
        met_at=event,
        organization=OrganizationFactory(workspace=workspace),
    )
    rhythm_set(workspace=workspace, user=user, every="custom", days=12, person=person)

    def add_rows(count: int) -> None:
        for _ in range(count):
            other = PersonFactory(workspace=workspace)
            tie = TieFactory(workspace=workspace, person_a=person, person_b=other, trust=2)
            TieStrength.objects.create(
                workspace=workspace,
                tie=tie,
                score=40.0,
                explanation={"window_days": 90, "channel_counts": {"call": 2}},
                computed_at=timezone.now(),
            )
            InteractionFactory(workspace=workspace, participants=[person, other], event=event)
            need = NeedFactory(workspace=workspace, person=person)
            need.tags.add(TagFactory(workspace=workspace))
            offer = OfferFactory(workspace=workspace, person=other)
            OfferFactory(workspace=workspace, person=person).tags.add(
                TagFactory(workspace=workspace)
            )
            Suggestion.objects.create(
                workspace=workspace,
                kind=SuggestionKind.NEED_OFFER,
                need=need,
                offer=offer,
                person_a=person,
                person_b=other,
                score=0.8,
                reasons=[],
            )
            introduction_create(
                workspace=workspace,
                user=user,
                person_a=person,
                person_b=other,
                need=need,
                offer=offer,
            )
            referral_create(
                workspace=workspace,
                referrer=person,
                referred=PersonFactory(workspace=workspace, referred_by=person),
                date=dt.date(2024, 5, 1),
                to_member=user,
                value=100,
            )
            PersonEmail.objects.create(
                workspace=workspace, person=person, email=f"dani{other.pk}@example.com"
            )
            PersonPhone.objects.create(
                workspace=workspace, person=person, e164=f"+9725{other.pk:08d}"
            )
            person.interests.add(TagFactory(workspace=workspace))
            person.groups.add(GroupFactory(workspace=workspace))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = web.get(reverse("people:detail", args=[person.public_id]))
        assert response.status_code == 200
        return len(captured)

    add_rows(2)
    queries()  # the first request also stores the current workspace in the session
    few = queries()
    add_rows(12)
    many = queries()
    page = web.get(reverse("people:detail", args=[person.public_id])).content.decode()

    assert person.ties_as_a.count() == 14
    assert person.referrals.count() == 14
    assert (few, many) == (27, 27)
    assert "Yossi" in page and "Expo" in page and 'value="12"' in page
