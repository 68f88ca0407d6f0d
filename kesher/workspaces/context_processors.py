from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from kesher.workspaces import selectors


def workspace(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    user_workspaces: Any = []
    if user is not None and user.is_authenticated:
        # Lazy: only pages that draw the workspace menu pay for the query.
        user_workspaces = SimpleLazyObject(
            lambda: list(selectors.workspaces_for_user(user=user))  # type: ignore[arg-type]
        )
    return {
        "current_workspace": getattr(request, "workspace", None),
        "current_membership": getattr(request, "membership", None),
        "user_workspaces": user_workspaces,
    }
