"""Sign up, log in and out, and the API tokens page."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kesher.accounts import selectors, services
from kesher.accounts.forms import ApiTokenForm, LoginForm, SignupForm
from kesher.core.forms import add_service_errors
from kesher.core.views import current_user, get_or_404, safe_next, workspace_view
from kesher.workspaces.models import Workspace


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(safe_next(request, reverse("core:home")))
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                add_service_errors(form, exc, rename={"name": "display_name"})
            else:
                # Only the password validators raise without naming a field.
                form.add_error("password1", exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Kesher! Start by creating your workspace."))
            return redirect(safe_next(request, reverse("workspaces:create")))
    return render(request, "accounts/signup.html", {"form": form, "next": safe_next(request, "")})


class KesherLoginView(LoginView):
    form_class = LoginForm  # type: ignore[assignment]
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@workspace_view
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """The user's tokens in this workspace. A new token's secret is shown in the response to
    the form that made it, and never again."""
    user = current_user(request)
    form = ApiTokenForm(request.POST or None)
    new_secret = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = services.api_token_create(
                user=user, workspace=workspace, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = ApiTokenForm()
    context = {
        "form": form,
        "new_secret": new_secret,
        "tokens": selectors.api_token_list(user=user, workspace=workspace),
    }
    return render(request, "accounts/tokens.html", context)


@workspace_view
@require_POST
def token_revoke(request: HttpRequest, workspace: Workspace, token_id: uuid.UUID) -> HttpResponse:
    token = get_or_404(
        selectors.api_token_get, user=current_user(request), workspace=workspace, public_id=token_id
    )
    services.api_token_revoke(token=token)
    messages.success(
        request, _("Token “%(name)s” revoked: it no longer works.") % {"name": token.name}
    )
    return redirect("accounts:tokens")
