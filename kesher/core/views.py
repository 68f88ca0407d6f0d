"""Shared helpers for every page's views, and the home ("Today") page.

Page views use these so they stay thin and treat errors the same way:
- `workspace_view`: login required and a current workspace (a user without one is sent to create
  it); the view gets the workspace as its second argument, runs in the workspace's time zone, and
  a selector's NotFoundError becomes a 404.
- `get_or_404(selector, **kwargs)`: call a selector, turning its NotFoundError into Http404
  (objects of another workspace are simply not found).
- `owner_required(request)`: PermissionDenied (the friendly 403 page) unless the user owns the
  current workspace.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from kesher.accounts.models import User
from kesher.core import selectors
from kesher.core.exceptions import NotFoundError, PermissionDeniedError
from kesher.core.pagination import CountLimitedPaginator, KeysFirstPaginator
from kesher.workspaces.models import Membership, Role, Workspace
from kesher.workspaces.services import require_role

T = TypeVar("T")
P = ParamSpec("P")

PAGE_SIZE = 50


def get_or_404(selector: Callable[..., T], /, **kwargs: Any) -> T:
    """`selector(**kwargs)`, or Http404 when it raises NotFoundError."""
    try:
        return selector(**kwargs)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


def workspace_view(
    view: Callable[Concatenate[HttpRequest, Workspace, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """A logged-in page of the current workspace (see the module's docstring)."""

    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        workspace = current_workspace(request)
        if workspace is None:
            return redirect("workspaces:create")
        try:
            with timezone.override(workspace.time_zone):
                return view(request, workspace, *args, **kwargs)
        except NotFoundError as exc:
            raise Http404(exc.message) from exc

    return login_required(wrapper)


def current_workspace(request: HttpRequest) -> Workspace | None:
    return cast(Workspace | None, getattr(request, "workspace", None))


def current_membership(request: HttpRequest) -> Membership:
    """The user's membership in the current workspace (views behind `workspace_view`)."""
    membership = cast(Membership | None, getattr(request, "membership", None))
    if membership is None:
        raise Http404
    return membership


def current_user(request: HttpRequest) -> User:
    return cast(User, request.user)


def owner_required(request: HttpRequest) -> Membership:
    """The owner's membership, or PermissionDenied for coaches and members."""
    membership = current_membership(request)
    try:
        return require_role(
            workspace=membership.workspace, user=current_user(request), roles=(Role.OWNER,)
        )
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc


def paginate(
    request: HttpRequest, items: Any, per_page: int = PAGE_SIZE, *, count_limit: int | None = None
) -> Page[Any]:
    """The page of `items` asked for by ?page=; a wrong number shows the nearest real page.
    With `count_limit` (a queryset that may hold 100k rows), see CountLimitedPaginator."""
    number = request.GET.get("page")
    if count_limit is not None:
        return CountLimitedPaginator(items, per_page, count_limit=count_limit).get_page(number)
    paginator = KeysFirstPaginator if isinstance(items, QuerySet) else Paginator
    return paginator(items, per_page).get_page(number)


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` parameter when it points into this site, otherwise `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@workspace_view
def home(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    context = {
        "today": selectors.today(workspace=workspace, user_id=current_user(request).pk),
        # Owners and members recompute suggestions; a coach looks on.
        "can_recompute": current_membership(request).role in (Role.OWNER, Role.MEMBER),
    }
    return render(request, "core/home.html", context)
