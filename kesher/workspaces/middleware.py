from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from kesher.workspaces import selectors

SESSION_KEY = "kesher_workspace"


class CurrentWorkspaceMiddleware:
    """Sets `request.workspace` and `request.membership` from the session's chosen workspace,
    and `request.user_workspaces` (the workspace menu) from the same query.

    The choice is re-checked against the user's memberships on every request, so removing a
    member takes effect at once; the menu's names are read in that query too, so a renamed
    workspace shows its new name on the next page without any cache to invalidate.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.workspace = None  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        request.user_workspaces = []  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            memberships = selectors.membership_list_for_user(user=user)
            chosen = request.session.get(SESSION_KEY)
            membership = next(
                (m for m in memberships if chosen and str(m.workspace.public_id) == chosen),
                None,
            )
            if membership is None and memberships:
                # The first by name, as the menu lists them.
                membership = memberships[0]
                request.session[SESSION_KEY] = str(membership.workspace.public_id)
            if membership is not None:
                request.workspace = membership.workspace  # type: ignore[attr-defined]
                request.membership = membership  # type: ignore[attr-defined]
            request.user_workspaces = [m.workspace for m in memberships]  # type: ignore[attr-defined]
        return self.get_response(request)
