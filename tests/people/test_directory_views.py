"""Organisations, groups and events pages (kesher/people/directory_views.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kesher.people.models import Event, Group, Organization
from tests.factories import EventFactory, GroupFactory, OrganizationFactory, PersonFactory

KINDS = ["organization", "group", "event"]
FACTORIES = {"organization": OrganizationFactory, "group": GroupFactory, "event": EventFactory}
MODELS = {"organization": Organization, "group": Group, "event": Event}
VALID = {
    "organization": {"name": "Ofek Furniture", "website": "ofek.example.com", "notes": "Chairs"},
    "group": {"name": "Adventure trips", "description": "Jeeps and deserts"},
    "event": {
        "name": "Networking evening",
        "date": "2025-03-31",
        "location": "Tel Aviv",
        "notes": "Great crowd",
    },
}


def url(kind: str, action: str, *args) -> str:
    return reverse(f"directory:{kind}_{action}", args=args)


def link(record, person) -> None:
    """Ties `person` to the record the way its detail page lists them."""
    if isinstance(record, Organization):
        person.organization = record
        person.save()
    elif isinstance(record, Group):
        person.groups.add(record)
    else:
        person.met_at = record
        person.save()


@pytest.mark.parametrize("kind", KINDS)
def test_list_shows_this_workspaces_records_with_counts(kind, web, workspace, other_workspace):
    record = FACTORIES[kind](workspace=workspace, name="Alpha")
    FACTORIES[kind](workspace=workspace, name="Beta")
    FACTORIES[kind](workspace=other_workspace, name="Foreign record")
    for name in ("Dani", "Avi"):
        link(record, PersonFactory(workspace=workspace, name=name))

    response = web.get(url(kind, "list"))

    assert response.status_code == 200
    records = list(response.context["records"])
    assert sorted(r.name for r in records) == ["Alpha", "Beta"]
    counts = {
        r.name: getattr(r, "members_count" if kind == "group" else "people_count") for r in records
    }
    assert counts == {"Alpha": 2, "Beta": 0}
    html = response.content.decode()
    assert url(kind, "detail", record.public_id) in html
    assert "Foreign record" not in html
    assert f'href="{url(kind, "create")}"' in html


@pytest.mark.parametrize("kind", KINDS)
def test_empty_list_says_so(kind, web):
    response = web.get(url(kind, "list"))

    assert response.status_code == 200
    assert 'class="empty"' in response.content.decode()


@pytest.mark.parametrize("kind", KINDS)
def test_detail_lists_the_linked_people(kind, web, workspace):
    record = FACTORIES[kind](workspace=workspace, name="Alpha")
    dani = PersonFactory(workspace=workspace, name="Dani", title="CEO")
    link(record, dani)
    PersonFactory(workspace=workspace, name="Unlinked Uri")

    response = web.get(url(kind, "detail", record.public_id))

    assert response.status_code == 200
    assert [p.name for p in response.context["people"]] == ["Dani"]
    html = response.content.decode()
    assert f'href="{reverse("people:detail", args=[dani.public_id])}"' in html
    assert "Unlinked Uri" not in html
    assert f'href="{url(kind, "edit", record.public_id)}"' in html


@pytest.mark.parametrize("kind", KINDS)
def test_create_page_renders(kind, web):
    response = web.get(url(kind, "create"))

    assert response.status_code == 200
    assert 'name="name"' in response.content.decode()


def test_create_an_organization(web, workspace):
    response = web.post(url("organization", "create"), VALID["organization"])

    organization = Organization.objects.get()
    assert response["Location"] == url("organization", "detail", organization.public_id)
    assert (
        organization.workspace,
        organization.name,
        organization.website,
        organization.notes,
    ) == (workspace, "Ofek Furniture", "https://ofek.example.com", "Chairs")


def test_create_a_group(web, workspace):
    response = web.post(url("group", "create"), VALID["group"])

    group = Group.objects.get()
    assert response["Location"] == url("group", "detail", group.public_id)
    assert (group.workspace, group.name, group.description) == (
        workspace,
        "Adventure trips",
        "Jeeps and deserts",
    )


def test_create_an_event(web, workspace):
    response = web.post(url("event", "create"), VALID["event"])

    event = Event.objects.get()
    assert response["Location"] == url("event", "detail", event.public_id)
    assert (event.workspace, event.name, event.date, event.location, event.notes) == (
        workspace,
        "Networking evening",
        dt.date(2025, 3, 31),
        "Tel Aviv",
        "Great crowd",
    )


@pytest.mark.parametrize("kind", KINDS)
def test_create_without_a_name_writes_nothing(kind, web):
    response = web.post(url(kind, "create"), {**VALID[kind], "name": "   "})

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "A name is required: type at least one letter."
    ]
    assert MODELS[kind].objects.count() == 0


def test_an_invalid_website_or_date_writes_nothing(web):
    bad_site = web.post(
        url("organization", "create"), {**VALID["organization"], "website": "not a site"}
    )
    bad_date = web.post(url("event", "create"), {**VALID["event"], "date": "31/31/2025"})

    assert bad_site.context["form"].errors["website"] == [
        "Enter a web address such as https://example.com."
    ]
    assert bad_date.context["form"].errors["date"] == ["Enter a date such as 2025-03-31."]
    assert (Organization.objects.count(), Event.objects.count()) == (0, 0)


def test_oversized_notes_write_nothing(web, settings):
    notes = "x" * (settings.KESHER_MAX_TEXT_LENGTH + 1)

    response = web.post(url("organization", "create"), {**VALID["organization"], "notes": notes})

    assert "notes" in response.context["form"].errors
    assert Organization.objects.count() == 0


@pytest.mark.parametrize("kind", KINDS)
def test_edit_page_shows_the_current_values(kind, web, workspace):
    record = FACTORIES[kind](workspace=workspace, name="Alpha")

    response = web.get(url(kind, "edit", record.public_id))

    assert response.status_code == 200
    assert response.context["form"].initial["name"] == "Alpha"
    assert 'value="Alpha"' in response.content.decode()


@pytest.mark.parametrize("kind", KINDS)
def test_edit_saves(kind, web, workspace):
    record = FACTORIES[kind](workspace=workspace, name="Alpha")

    response = web.post(url(kind, "edit", record.public_id), VALID[kind])

    assert response["Location"] == url(kind, "detail", record.public_id)
    record.refresh_from_db()
    assert record.name == VALID[kind]["name"]
    assert MODELS[kind].objects.count() == 1


@pytest.mark.parametrize("kind", KINDS)
def test_invalid_edit_changes_nothing(kind, web, workspace):
    record = FACTORIES[kind](workspace=workspace, name="Alpha")

    response = web.post(url(kind, "edit", record.public_id), {**VALID[kind], "name": ""})

    assert response.status_code == 200
    record.refresh_from_db()
    assert record.name == "Alpha"


@pytest.mark.parametrize("kind", KINDS)
def test_another_workspaces_records_are_not_found(kind, other_web, workspace):
    record = FACTORIES[kind](workspace=workspace, name="Alpha")

    detail = other_web.get(url(kind, "detail", record.public_id))
    edit_page = other_web.get(url(kind, "edit", record.public_id))
    edit = other_web.post(url(kind, "edit", record.public_id), VALID[kind])

    assert (detail.status_code, edit_page.status_code, edit.status_code) == (404, 404, 404)
    assert "Alpha" not in detail.content.decode()
    record.refresh_from_db()
    assert record.name == "Alpha"
    listing = other_web.get(url(kind, "list")).content.decode()
    assert "Alpha" not in listing


@pytest.mark.parametrize("kind", KINDS)
def test_detail_never_lists_another_workspaces_people(kind, web, workspace, other_workspace):
    record = FACTORIES[kind](workspace=workspace, name="Alpha")
    foreign = PersonFactory(workspace=other_workspace, name="Foreign Farouk")
    # A corrupt link across workspaces must still not leak the other tenant's person.
    link(record, foreign)

    response = web.get(url(kind, "detail", record.public_id))

    assert list(response.context["people"]) == []
    assert "Foreign Farouk" not in response.content.decode()


def test_directory_pages_need_a_login(client, workspace):
    record = OrganizationFactory(workspace=workspace)

    for path in (url("organization", "list"), url("organization", "detail", record.public_id)):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_the_list_is_paginated(web, workspace):
    for n in range(53):
        GroupFactory(workspace=workspace, name=f"Group {n:02d}")

    first = web.get(url("group", "list"))
    last = web.get(url("group", "list") + "?page=2")

    assert len(first.context["records"]) == 50
    assert [g.name for g in last.context["records"]] == ["Group 50", "Group 51", "Group 52"]
    assert "Page 2 of 2" in last.content.decode()


@pytest.mark.parametrize("kind", KINDS)
def test_delete_keeps_the_linked_people(kind, web, workspace):
    record = FACTORIES[kind](workspace=workspace, name="Alpha")
    dani = PersonFactory(workspace=workspace, name="Dani")
    link(record, dani)

    detail = web.get(url(kind, "detail", record.public_id)).content.decode()
    response = web.post(url(kind, "delete", record.public_id), follow=True)

    assert f'action="{url(kind, "delete", record.public_id)}"' in detail
    assert response.redirect_chain == [(url(kind, "list"), 302)]
    assert "“Alpha” deleted" in response.content.decode()
    assert MODELS[kind].objects.count() == 0
    dani.refresh_from_db()
    assert (dani.organization, list(dani.groups.all()), dani.met_at) == (None, [], None)


@pytest.mark.parametrize("kind", KINDS)
def test_delete_is_a_post_and_another_workspace_cannot(kind, web, other_web, workspace):
    record = FACTORIES[kind](workspace=workspace, name="Alpha")

    as_get = web.get(url(kind, "delete", record.public_id))
    foreign = other_web.post(url(kind, "delete", record.public_id))

    assert (as_get.status_code, foreign.status_code) == (405, 404)
    assert MODELS[kind].objects.filter(pk=record.pk).exists()
