from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from kesher.workspaces.models import Membership

SESSION_KEY = "kesher_workspace"


class CurrentWorkspaceMiddleware:
    """Sets `request.workspace` and `request.membership` from the session's chosen workspace.

    The choice is re-checked against the user's memberships on every request, so removing a
    member takes effect at once.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.workspace = None  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            memberships = Membership.objects.select_related("workspace", "person").filter(user=user)
            chosen = request.session.get(SESSION_KEY)
            membership = None
            if chosen:
                membership = memberships.filter(workspace__public_id=chosen).first()
            if membership is None:
                membership = memberships.order_by("workspace__name", "workspace_id").first()
                if membership is not None:
                    request.session[SESSION_KEY] = str(membership.workspace.public_id)
            if membership is not None:
                request.workspace = membership.workspace  # type: ignore[attr-defined]
                request.membership = membership  # type: ignore[attr-defined]
        return self.get_response(request)
