from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict[str, Any]:
    # CurrentWorkspaceMiddleware reads the menu's workspaces with the current one.
    return {
        "current_workspace": getattr(request, "workspace", None),
        "current_membership": getattr(request, "membership", None),
        "user_workspaces": getattr(request, "user_workspaces", []),
    }
