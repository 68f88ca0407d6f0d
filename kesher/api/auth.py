"""Who is calling the API, and in which workspace.

Two ways in: an API token (`Authorization: Bearer <secret>`), which acts in the one workspace it
was created for, and the browser's session, which acts in the workspace chosen in the UI and must
pass Django's CSRF check on unsafe methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from kesher.accounts.models import ApiToken, User
from kesher.accounts.services import api_token_authenticate
from kesher.core.exceptions import PermissionDeniedError
from kesher.workspaces.models import Membership, Workspace
from kesher.workspaces.selectors import membership_get


@dataclass(frozen=True, slots=True)
class ApiAuth:
    user: User
    workspace: Workspace
    membership: Membership
    # None when the caller is the browser's session.
    token: ApiToken | None


class ApiRequest(HttpRequest):
    """The request as API endpoints see it once authentication has passed."""

    auth: ApiAuth


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiAuth | None:
        api_token = api_token_authenticate(secret=token)
        if api_token is None:
            return None
        # Leaving the workspace must end the token's access too, not only the session's.
        membership = membership_get(user=api_token.user, workspace=api_token.workspace)
        if membership is None:
            return None
        # Code shared with the pages (the search router) reads the workspace from the request.
        request.user = api_token.user
        request.workspace = api_token.workspace  # type: ignore[attr-defined]
        request.membership = membership  # type: ignore[attr-defined]
        return ApiAuth(
            user=api_token.user,
            workspace=api_token.workspace,
            membership=membership,
            token=api_token,
        )


class SessionAuth(APIKeyCookie):
    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # Decide who the caller is before checking CSRF, so an anonymous call or a bad token gets
        # 401 rather than a CSRF error; a request carrying a token is judged by the token alone.
        if request.headers.get("Authorization") or not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise PermissionDeniedError(
                _(
                    "CSRF check failed: send the X-CSRFToken header with the value of the "
                    "csrftoken cookie, or use an API token instead of the session."
                ),
                code="csrf_failed",
            )
        return request.COOKIES.get(self.param_name, "")

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiAuth | None:
        if key is None or not isinstance(request.user, User):
            return None
        membership: Any = getattr(request, "membership", None)
        if not isinstance(membership, Membership):
            raise PermissionDeniedError(
                _("You are not a member of any workspace yet: create one or accept an invitation."),
                code="no_workspace",
            )
        return ApiAuth(
            user=request.user,
            workspace=membership.workspace,
            membership=membership,
            token=None,
        )
