"""Workspace pages (kesher/workspaces/views.py): create, switch, settings, members and invitation
links, tie kinds, and the language switch in the header."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kesher.accounts.models import User
from kesher.network.models import TieKind
from kesher.workspaces.middleware import SESSION_KEY
from kesher.workspaces.models import Invitation, Membership, Role, Workspace
from kesher.workspaces.services import invitation_accept, invitation_create
from tests.factories import PASSWORD, TieFactory, TieKindFactory, UserFactory, WorkspaceFactory


def login_as(user: User) -> Client:
    """A browser logged in as `user`, reading the pages in English."""
    client = Client(headers={"Accept-Language": "en"})
    assert client.login(email=user.email, password=PASSWORD)
    return client


def add_member(workspace: Workspace, role: str) -> User:
    owner = Membership.objects.get(workspace=workspace, role=Role.OWNER).user
    _invitation, secret = invitation_create(workspace=workspace, created_by=owner, role=role)
    member = UserFactory()
    invitation_accept(secret=secret, user=member)
    return member


def settings_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Sales team",
        "time_zone": "Europe/London",
        "currency": "GBP",
        "week_start": "0",
        "language": "en",
    }
    data.update(overrides)
    return data


@pytest.fixture
def web(user, workspace) -> Client:
    return login_as(user)


@pytest.fixture
def member_web(workspace) -> Client:
    return login_as(add_member(workspace, Role.MEMBER))


# Create


def test_a_new_user_is_sent_from_home_to_create_a_workspace(db):
    web = login_as(UserFactory())

    response = web.get(reverse("core:home"))

    assert response["Location"] == reverse("workspaces:create")
    page = web.get(reverse("workspaces:create"))
    assert page.status_code == 200
    assert "Create your first workspace" in page.content.decode()


def test_create_a_workspace(db):
    user = UserFactory(display_name="Noa")
    web = login_as(user)

    response = web.post(reverse("workspaces:create"), {"name": " My network ", "language": "en"})

    assert response["Location"] == reverse("core:home")
    workspace = Workspace.objects.get()
    assert (workspace.name, workspace.language) == ("My network", "en")
    membership = Membership.objects.get(workspace=workspace)
    assert (membership.user, membership.role, membership.person.name) == (user, "owner", "Noa")
    assert web.session[SESSION_KEY] == str(workspace.public_id)


def test_create_page_for_a_user_who_has_workspaces(web):
    page = web.get(reverse("workspaces:create"))

    assert "New workspace" in page.content.decode()
    assert "Create your first workspace" not in page.content.decode()


def test_creating_a_workspace_without_a_name_writes_nothing(db):
    web = login_as(UserFactory())

    response = web.post(reverse("workspaces:create"), {"name": "  ", "language": "he"})

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "A name is required: type at least one letter."
    ]
    assert Workspace.objects.count() == 0


# Switch


def test_switch_workspace(user, workspace, web):
    second = WorkspaceFactory(owner=user, name="Zeta team")

    response = web.post(reverse("workspaces:switch"), {"workspace": str(second.public_id)})

    assert response["Location"] == reverse("core:home")
    assert web.session[SESSION_KEY] == str(second.public_id)
    home = web.get(reverse("core:home"))
    assert home.context["current_workspace"] == second
    assert "You are now in “Zeta team”." in home.content.decode()


def test_the_workspace_menu_lists_the_users_workspaces(user, workspace, other_workspace, web):
    WorkspaceFactory(owner=user, name="Zeta team")

    html = web.get(reverse("core:home")).content.decode()

    assert "Zeta team" in html
    assert other_workspace.name not in html


def test_switching_to_a_workspace_one_is_not_a_member_of_is_not_found(
    workspace, other_workspace, web
):
    response = web.post(reverse("workspaces:switch"), {"workspace": str(other_workspace.public_id)})

    assert response.status_code == 404
    assert web.session[SESSION_KEY] == str(workspace.public_id)


def test_switch_with_a_malformed_id_is_not_found(web):
    response = web.post(reverse("workspaces:switch"), {"workspace": "not-a-uuid"})

    assert response.status_code == 404


def test_switch_needs_a_post(web, workspace):
    assert web.get(reverse("workspaces:switch")).status_code == 405


# Settings


def test_settings_page_renders_for_the_owner(workspace, web):
    response = web.get(reverse("workspaces:settings"))

    assert response.status_code == 200
    html = response.content.decode()
    # Named by the place, with the offset (+02:00 in winter, +03:00 in summer), not the zone id.
    assert re.search(
        '<option value="Asia/Jerusalem" selected>'
        "Jerusalem \\(\u2066UTC\\+0[23]:00\u2069\\)</option>",
        html,
    )
    assert ">Asia/Jerusalem<" not in html
    assert '<option value="ILS" selected>' in html
    assert '<option value="6" selected>Sunday</option>' in html


def test_owner_changes_the_settings(workspace, web):
    response = web.post(reverse("workspaces:settings"), settings_data())

    assert response["Location"] == reverse("workspaces:settings")
    workspace.refresh_from_db()
    assert (
        workspace.name,
        workspace.time_zone,
        workspace.currency,
        workspace.week_start,
        workspace.language,
    ) == ("Sales team", "Europe/London", "GBP", 0, "en")


def test_invalid_settings_change_nothing(workspace, web):
    response = web.post(
        reverse("workspaces:settings"), settings_data(time_zone="Mars/Olympus", currency="BTC")
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"time_zone", "currency"}
    workspace.refresh_from_db()
    assert (workspace.name, workspace.time_zone, workspace.currency) == (
        workspace.name,
        "Asia/Jerusalem",
        "ILS",
    )


def test_settings_are_for_the_owner_only(workspace, member_web):
    page = member_web.get(reverse("workspaces:settings"))
    post = member_web.post(reverse("workspaces:settings"), settings_data())

    assert page.status_code == 403
    assert (
        "Only the workspace&#x27;s owner can do this: ask them to do it for you."
        in page.content.decode()
    )
    assert post.status_code == 403
    workspace.refresh_from_db()
    assert workspace.currency == "ILS"


# Members and invitations


def test_members_page_lists_members_and_roles(user, workspace, web):
    coach = add_member(workspace, Role.COACH)

    response = web.get(reverse("workspaces:members"))

    assert response.status_code == 200
    assert [(m.user, m.role) for m in response.context["members"]] == [
        (user, "owner"),
        (coach, "coach"),
    ]
    html = response.content.decode()
    assert coach.email in html
    assert 'action="/workspaces/members/invite/"' in html


def test_members_see_the_members_but_cannot_invite(workspace, member_web):
    before = Invitation.objects.count()

    response = member_web.get(reverse("workspaces:members"))

    assert response.status_code == 200
    assert 'action="/workspaces/members/invite/"' not in response.content.decode()
    refused = member_web.post(reverse("workspaces:invite"), {"role": "owner"})
    assert refused.status_code == 403
    assert (
        "Only the workspace&#x27;s owner can do this: ask them to do it for you."
        in refused.content.decode()
    )
    assert Invitation.objects.count() == before


def test_invitation_with_an_unknown_role_writes_nothing(web):
    response = web.post(reverse("workspaces:invite"), {"role": "admin"})

    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert Invitation.objects.count() == 0


def invite(web: Client, role: str) -> str:
    """Creates an invitation link through the members page and returns its path."""
    response = web.post(reverse("workspaces:invite"), {"role": role})
    assert response.status_code == 200
    link = response.context["invitation_link"]
    match = re.fullmatch(r"http://testserver(/workspaces/join/[\w-]+/)", link)
    assert match is not None
    assert link in response.content.decode()
    return match.group(1)


def test_invitation_flow_end_to_end(workspace, web):
    path = invite(web, Role.COACH)
    # The link is shown once: the members page does not show it again.
    assert path not in web.get(reverse("workspaces:members")).content.decode()

    guest = UserFactory()
    guest_web = login_as(guest)
    page = guest_web.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert workspace.name in html
    assert "Coach" in html

    accepted = guest_web.post(path)

    assert accepted["Location"] == reverse("core:home")
    membership = Membership.objects.get(workspace=workspace, user=guest)
    assert membership.role == "coach"
    assert membership.person is not None
    assert guest_web.session[SESSION_KEY] == str(workspace.public_id)
    home = guest_web.get(reverse("core:home"))
    assert home.context["current_workspace"] == workspace

    # A used link is refused, to anyone.
    third_web = login_as(UserFactory())
    reused = third_web.get(path)
    assert reused.status_code == 409
    assert "This invitation has already been used: ask for a new one." in reused.content.decode()
    assert third_web.post(path).status_code == 409
    assert Membership.objects.filter(workspace=workspace).count() == 2


def test_an_expired_invitation_is_refused(workspace, web):
    path = invite(web, Role.MEMBER)
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    guest_web = login_as(UserFactory())

    page = guest_web.get(path)
    accept = guest_web.post(path)

    assert page.status_code == 409
    assert "This invitation has expired: ask for a new one." in page.content.decode()
    assert accept.status_code == 409
    assert Membership.objects.filter(workspace=workspace).count() == 1


def test_an_unknown_invitation_link_is_not_found(db):
    response = Client(headers={"Accept-Language": "en"}).get(
        reverse("workspaces:join", args=["no-such-secret"])
    )

    assert response.status_code == 404
    assert "This invitation link is not valid: ask for a new one." in response.content.decode()


def test_a_visitor_is_asked_to_log_in_or_sign_up_and_comes_back(workspace, web):
    path = invite(web, Role.MEMBER)
    visitor = Client(headers={"Accept-Language": "en"})

    page = visitor.get(path)

    html = page.content.decode()
    assert page.status_code == 200
    assert f'href="/accounts/signup/?next={path}"' in html
    assert f'href="/accounts/login/?next={path}"' in html
    post = visitor.post(path)
    assert post["Location"] == f"/accounts/login/?next={path.replace('/', '%2F')}"
    assert Membership.objects.filter(workspace=workspace).count() == 1


def test_a_member_opening_their_own_workspaces_link_is_told_so(workspace, web):
    path = invite(web, Role.MEMBER)

    page = web.get(path)
    accept = web.post(path)

    assert "You are already a member of this workspace." in page.content.decode()
    assert accept.status_code == 409
    assert Invitation.objects.get().accepted_at is None


# Tie kinds


def test_tie_kinds_page_lists_the_kinds_with_their_use(workspace, web):
    kind = TieKind.objects.get(workspace=workspace, code="friend")
    TieFactory(workspace=workspace, kind=kind)

    response = web.get(reverse("workspaces:tie_kinds"))

    assert response.status_code == 200
    counts = {k.label: k.ties_count for k in response.context["kinds"]}
    assert counts["Friend"] == 1
    assert counts["Colleague"] == 0
    assert "Used by 1 tie" in response.content.decode()


def test_add_a_tie_kind(workspace, web):
    response = web.post(reverse("workspaces:tie_kinds"), {"name": "Army buddy"})

    assert response["Location"] == reverse("workspaces:tie_kinds")
    assert TieKind.objects.filter(workspace=workspace, name="Army buddy").count() == 1


def test_a_duplicate_tie_kind_is_refused(workspace, web):
    TieKindFactory(workspace=workspace, name="Neighbour")
    before = TieKind.objects.count()

    response = web.post(reverse("workspaces:tie_kinds"), {"name": "neighbour"})

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "A tie kind with this name already exists: choose another name, or use the existing kind."
    ]
    assert TieKind.objects.count() == before


def test_rename_a_tie_kind(workspace, web):
    kind = TieKind.objects.get(workspace=workspace, code="basketball")

    response = web.post(
        reverse("workspaces:tie_kind_rename", args=[kind.public_id]), {"name": "Hoops"}
    )

    assert response["Location"] == reverse("workspaces:tie_kinds")
    kind.refresh_from_db()
    assert (kind.name, kind.code, kind.label) == ("Hoops", "", "Hoops")


def test_renaming_to_a_taken_name_is_refused(workspace, web):
    kind = TieKindFactory(workspace=workspace, name="Neighbour")
    TieKindFactory(workspace=workspace, name="Classmate")

    response = web.post(
        reverse("workspaces:tie_kind_rename", args=[kind.public_id]), {"name": "Classmate"}
    )

    assert response.status_code == 200
    assert response.context["rename_errors"] == [
        "A tie kind with this name already exists: choose another name, or use the existing kind."
    ]
    assert response.context["renamed"] == kind.public_id
    kind.refresh_from_db()
    assert kind.name == "Neighbour"


def test_delete_an_unused_tie_kind(workspace, web):
    kind = TieKindFactory(workspace=workspace, name="Neighbour")

    response = web.post(reverse("workspaces:tie_kind_delete", args=[kind.public_id]))

    assert response["Location"] == reverse("workspaces:tie_kinds")
    assert not TieKind.objects.filter(pk=kind.pk).exists()


def test_deleting_a_kind_in_use_is_refused_with_a_reason(workspace, web):
    kind = TieKindFactory(workspace=workspace, name="Neighbour")
    TieFactory(workspace=workspace, kind=kind)

    response = web.post(reverse("workspaces:tie_kind_delete", args=[kind.public_id]), follow=True)

    assert "This kind is used by 1 tie: change its kind first." in response.content.decode()
    assert TieKind.objects.filter(pk=kind.pk).exists()


def test_members_see_tie_kinds_but_only_the_owner_edits_them(workspace, member_web):
    kind = TieKindFactory(workspace=workspace, name="Neighbour")
    before = TieKind.objects.count()

    page = member_web.get(reverse("workspaces:tie_kinds"))

    assert page.status_code == 200
    assert "Neighbour" in page.content.decode()
    assert 'name="name"' not in page.content.decode()
    add = member_web.post(reverse("workspaces:tie_kinds"), {"name": "Army buddy"})
    rename = member_web.post(
        reverse("workspaces:tie_kind_rename", args=[kind.public_id]), {"name": "X"}
    )
    delete = member_web.post(reverse("workspaces:tie_kind_delete", args=[kind.public_id]))
    assert (add.status_code, rename.status_code, delete.status_code) == (403, 403, 403)
    assert TieKind.objects.count() == before
    kind.refresh_from_db()
    assert kind.name == "Neighbour"


def test_another_workspaces_tie_kind_is_not_found(workspace, other_workspace, web):
    kind = TieKind.objects.get(workspace=other_workspace, code="friend")

    rename = web.post(reverse("workspaces:tie_kind_rename", args=[kind.public_id]), {"name": "X"})
    delete = web.post(reverse("workspaces:tie_kind_delete", args=[kind.public_id]))

    assert (rename.status_code, delete.status_code) == (404, 404)
    kind.refresh_from_db()
    assert kind.code == "friend"


def test_workspace_pages_show_only_this_workspace(workspace, other_workspace, web):
    TieKindFactory(workspace=other_workspace, name="Foreign kind")
    other_owner = Membership.objects.get(workspace=other_workspace).user

    members = web.get(reverse("workspaces:members")).content.decode()
    kinds = web.get(reverse("workspaces:tie_kinds")).content.decode()

    assert other_owner.email not in members
    assert "Foreign kind" not in kinds


# Language


def test_language_switch_to_hebrew_is_right_to_left(web):
    response = web.post(reverse("set_language"), {"language": "he", "next": reverse("core:home")})

    assert response["Location"] == reverse("core:home")
    html = web.get(reverse("core:home")).content.decode()
    assert 'lang="he"' in html
    assert 'dir="rtl"' in html


def test_language_switch_to_english_is_left_to_right(db):
    web = Client(headers={"Accept-Language": "he"})
    user = UserFactory()
    WorkspaceFactory(owner=user)
    assert web.login(email=user.email, password=PASSWORD)
    assert 'dir="rtl"' in web.get(reverse("core:home")).content.decode()

    web.post(reverse("set_language"), {"language": "en", "next": reverse("core:home")})

    html = web.get(reverse("core:home")).content.decode()
    assert 'lang="en"' in html
    assert 'dir="ltr"' in html


def test_the_header_offers_the_other_language(web):
    english = web.get(reverse("core:home")).content.decode()

    assert re.search(r'<button[^>]*name="language"\s+value="he"', english)
    assert 'action="/i18n/setlang/"' in english


# Removing members, cancelling invitations


def test_the_owner_removes_a_member(user, workspace, web):
    coach = add_member(workspace, Role.COACH)
    remove = reverse("workspaces:member_remove", args=[coach.public_id])

    page = web.get(reverse("workspaces:members")).content.decode()
    response = web.post(remove, follow=True)

    assert f'action="{remove}"' in page
    assert response.redirect_chain == [(reverse("workspaces:members"), 302)]
    assert "was removed from the workspace; they stay in your network as a contact." in (
        response.content.decode()
    )
    assert list(Membership.objects.filter(workspace=workspace).values_list("user", flat=True)) == [
        user.pk
    ]


def test_the_only_owner_is_told_why_they_cannot_leave(user, workspace, web):
    response = web.post(reverse("workspaces:member_remove", args=[user.public_id]), follow=True)

    assert "The workspace&#x27;s only owner cannot be removed" in response.content.decode()
    assert Membership.objects.filter(workspace=workspace, user=user).exists()


def test_the_only_owner_sees_leave_disabled_with_the_reason(user, workspace, web):
    leave = reverse("workspaces:member_remove", args=[user.public_id])

    page = web.get(reverse("workspaces:members")).content.decode()

    assert f'action="{leave}"' not in page
    assert re.search(
        r'<button type="button"\s+class="btn btn-danger btn-small"\s+disabled\s+'
        r'aria-describedby="leave-blocked-why">Leave</button>',
        page,
    )
    assert re.search(
        r'<p class="meta" id="leave-blocked-why">\s*You are the only owner: invite another '
        r"owner and let them join before you leave.\s*</p>",
        page,
    )

    # With a second owner, either can leave.
    add_member(workspace, Role.OWNER)
    page = web.get(reverse("workspaces:members")).content.decode()
    assert f'action="{leave}"' in page
    assert "leave-blocked-why" not in page


def test_members_cannot_remove_anyone_nor_cancel_invitations(user, workspace, member_web):
    invitation, _secret = invitation_create(workspace=workspace, created_by=user)

    page = member_web.get(reverse("workspaces:members")).content.decode()
    remove = member_web.post(reverse("workspaces:member_remove", args=[user.public_id]))
    cancel = member_web.post(reverse("workspaces:invitation_cancel", args=[invitation.public_id]))

    assert "/remove/" not in page and "/cancel/" not in page
    assert (remove.status_code, cancel.status_code) == (403, 403)
    assert Membership.objects.filter(workspace=workspace).count() == 2
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_the_owner_sees_and_cancels_pending_invitations(user, workspace, web):
    pending, _secret = invitation_create(workspace=workspace, created_by=user, role=Role.COACH)
    expired, _secret = invitation_create(workspace=workspace, created_by=user)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    cancel = reverse("workspaces:invitation_cancel", args=[pending.public_id])

    page = web.get(reverse("workspaces:members"))
    response = web.post(cancel, follow=True)

    assert list(page.context["invitations"]) == [pending]
    assert f'action="{cancel}"' in page.content.decode()
    assert "Invitation cancelled: its link no longer works." in response.content.decode()
    assert list(Invitation.objects.all()) == [expired]


def test_another_workspaces_members_and_invitations_are_not_found(workspace, other_workspace, web):
    stranger = Membership.objects.get(workspace=other_workspace).user
    invitation, _secret = invitation_create(workspace=other_workspace, created_by=stranger)

    remove = web.post(reverse("workspaces:member_remove", args=[stranger.public_id]))
    cancel = web.post(reverse("workspaces:invitation_cancel", args=[invitation.public_id]))

    assert (remove.status_code, cancel.status_code) == (404, 404)
    assert Membership.objects.filter(workspace=other_workspace, user=stranger).exists()
    assert Invitation.objects.filter(pk=invitation.pk).exists()
