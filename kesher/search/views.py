"""The search page. Typing in the box asks for the results partial only (htmx)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kesher.core.views import workspace_view
from kesher.search import selectors
from kesher.workspaces.models import Workspace


@require_GET
@workspace_view
def search(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    query = request.GET.get("q", "")
    archived = request.GET.get("archived") == "1"
    results = selectors.search(workspace=workspace, query=query, include_archived=archived)
    context = {"query": query, "archived": archived, "results": results}
    htmx = getattr(request, "htmx", None)
    # Typing asks for the results only; going back in history to a pushed URL needs the page.
    partial = bool(htmx) and not (htmx.boosted or htmx.history_restore_request)  # type: ignore[union-attr]
    return render(request, "search/_results.html" if partial else "search/search.html", context)
