"""Sign up, log in and out, and the API tokens page (kesher/accounts/views.py)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from kesher.accounts.models import ApiToken, User
from kesher.accounts.services import api_token_authenticate, api_token_create
from kesher.workspaces.middleware import SESSION_KEY
from tests.factories import PASSWORD, UserFactory, WorkspaceFactory

NEW_PASSWORD = "plum-orchard-lantern-42"


def login_as(user: User) -> Client:
    """A browser logged in as `user`, reading the pages in English."""
    client = Client(headers={"Accept-Language": "en"})
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def anonymous() -> Client:
    return Client(headers={"Accept-Language": "en"})


@pytest.fixture
def web(user, workspace) -> Client:
    client = login_as(user)
    # Some tests give the user a second workspace: this one stays the current one.
    session = client.session
    session[SESSION_KEY] = str(workspace.public_id)
    session.save()
    return client


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "email": "Noa@Example.com",
        "display_name": "Noa Bar",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


# Sign up


def test_signup_page_renders(db, anonymous):
    response = anonymous.get(reverse("accounts:signup"))

    assert response.status_code == 200
    html = response.content.decode()
    for name in ("email", "display_name", "password1", "password2"):
        assert f'name="{name}"' in html
    assert "Create your account" in html


def test_signup_creates_the_user_logs_in_and_asks_for_a_workspace(db, anonymous):
    response = anonymous.post(reverse("accounts:signup"), signup_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("workspaces:create")
    user = User.objects.get()
    assert (user.email, user.display_name) == ("noa@example.com", "Noa Bar")
    assert user.check_password(NEW_PASSWORD)
    assert anonymous.session["_auth_user_id"] == str(user.pk)
    page = anonymous.get(response["Location"])
    assert "Create your first workspace" in page.content.decode()


def test_signup_follows_a_next_link_on_this_site(db, anonymous):
    join = "/workspaces/join/abc/"

    response = anonymous.post(reverse("accounts:signup") + f"?next={join}", signup_data())

    assert response["Location"] == join


def test_signup_ignores_a_next_link_to_another_site(db, anonymous):
    response = anonymous.post(
        reverse("accounts:signup") + "?next=https://evil.example.com/", signup_data()
    )

    assert response["Location"] == reverse("workspaces:create")


def test_signup_with_different_passwords_writes_nothing(db, anonymous):
    response = anonymous.post(
        reverse("accounts:signup"), signup_data(password2="another-password-77")
    )

    assert response.status_code == 200
    assert "The two passwords differ" in response.content.decode()
    assert User.objects.count() == 0


def test_signup_with_a_weak_password_says_why_and_writes_nothing(db, anonymous):
    response = anonymous.post(
        reverse("accounts:signup"), signup_data(password1="12345678", password2="12345678")
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["password1"]
    assert "This password is too common." in errors
    assert "This password is entirely numeric." in errors
    assert User.objects.count() == 0


def test_signup_with_a_taken_email_writes_nothing(db, anonymous):
    UserFactory(email="noa@example.com")

    response = anonymous.post(reverse("accounts:signup"), signup_data())

    assert response.context["form"].errors["email"] == [
        "An account with this email already exists: log in."
    ]
    assert User.objects.count() == 1


def test_signup_with_a_blank_name_writes_nothing(db, anonymous):
    response = anonymous.post(reverse("accounts:signup"), signup_data(display_name="   "))

    assert response.status_code == 200
    assert "display_name" in response.context["form"].errors
    assert User.objects.count() == 0


def test_signup_page_sends_a_logged_in_user_home(web):
    response = web.get(reverse("accounts:signup"))

    assert response["Location"] == reverse("core:home")


# Log in and out


def test_login_page_renders_with_email_and_password(db, anonymous):
    response = anonymous.get(reverse("accounts:login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="email"' in html
    assert 'name="password"' in html


def test_login_by_email_in_any_case(user, workspace, anonymous):
    response = anonymous.post(
        reverse("accounts:login"), {"email": user.email.upper(), "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert anonymous.session["_auth_user_id"] == str(user.pk)


def test_login_goes_back_to_next(user, workspace, anonymous):
    response = anonymous.post(
        reverse("accounts:login"),
        {"email": user.email, "password": PASSWORD, "next": "/directory/groups/"},
    )

    assert response["Location"] == "/directory/groups/"


def test_login_with_a_wrong_password_is_refused(user, anonymous):
    response = anonymous.post(
        reverse("accounts:login"), {"email": user.email, "password": "wrong-password"}
    )

    assert response.status_code == 200
    assert "Wrong email or password: check both and try again." in response.content.decode()
    assert "_auth_user_id" not in anonymous.session


def test_logout_needs_a_post(web):
    assert web.get(reverse("accounts:logout")).status_code == 405

    response = web.post(reverse("accounts:logout"))

    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in web.session


def test_pages_need_a_login(db, anonymous):
    for url in (reverse("core:home"), reverse("accounts:tokens")):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


# API tokens


def test_tokens_page_lists_the_users_tokens_in_this_workspace(user, workspace, web):
    api_token_create(user=user, workspace=workspace, name="Phone shortcut")
    api_token_create(user=user, workspace=WorkspaceFactory(owner=user), name="Elsewhere")
    api_token_create(user=UserFactory(), workspace=workspace, name="Someone else's")

    response = web.get(reverse("accounts:tokens"))

    assert response.status_code == 200
    assert [t.name for t in response.context["tokens"]] == ["Phone shortcut"]
    html = response.content.decode()
    assert "Phone shortcut" in html
    assert "Elsewhere" not in html


def test_creating_a_token_shows_its_secret_once(user, workspace, web):
    response = web.post(reverse("accounts:tokens"), {"name": "Zapier"})

    assert response.status_code == 200
    secret = response.context["new_secret"]
    assert re.fullmatch(r"ksr_[\w-]{43}", secret)
    assert f'value="{secret}"' in response.content.decode()
    token = api_token_authenticate(secret=secret)
    assert token is not None
    assert (token.name, token.user, token.workspace) == ("Zapier", user, workspace)
    again = web.get(reverse("accounts:tokens"))
    assert secret not in again.content.decode()
    assert "Zapier" in again.content.decode()


def test_a_token_needs_a_name(web):
    response = web.post(reverse("accounts:tokens"), {"name": " "})

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "A name is required: type at least one letter."
    ]
    assert ApiToken.objects.count() == 0


def test_revoking_a_token(user, workspace, web):
    token, secret = api_token_create(user=user, workspace=workspace, name="Old script")

    response = web.post(reverse("accounts:token_revoke", args=[token.public_id]))

    assert response["Location"] == reverse("accounts:tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_token_authenticate(secret=secret) is None


def test_revoke_needs_a_post(user, workspace, web):
    token, _secret = api_token_create(user=user, workspace=workspace, name="Script")

    assert web.get(reverse("accounts:token_revoke", args=[token.public_id])).status_code == 405


def test_another_users_token_cannot_be_revoked(workspace, web):
    token, _secret = api_token_create(user=UserFactory(), workspace=workspace, name="Theirs")

    response = web.post(reverse("accounts:token_revoke", args=[token.public_id]))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_of_another_workspace_is_not_found_here(user, workspace, web):
    elsewhere = WorkspaceFactory(owner=user)
    token, _secret = api_token_create(user=user, workspace=elsewhere, name="Elsewhere")

    response = web.post(reverse("accounts:token_revoke", args=[token.public_id]))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_session_workspace_decides_which_tokens_show(user, workspace, web):
    elsewhere = WorkspaceFactory(owner=user, name="Zeta")
    api_token_create(user=user, workspace=elsewhere, name="Zeta token")
    session = web.session
    session[SESSION_KEY] = str(elsewhere.public_id)
    session.save()

    response = web.get(reverse("accounts:tokens"))

    assert [t.name for t in response.context["tokens"]] == ["Zeta token"]
