"""The list/create/get/replace/patch/delete endpoints of a workspace resource, built once.

Organisations, groups, events, needs, offers and products differ only in their schemas and in
the selectors and services they call, so `crud_endpoints` registers all six operations from
those.
Each view is given the name, module and parameter names it would have had written by hand:
ninja derives operation ids, summaries, URL names and path parameters from them, so the OpenAPI
schema is the same as for hand-written endpoints.
"""

from __future__ import annotations

import dataclasses
import inspect
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Generic, Protocol, TypeVar

from django.db.models import QuerySet
from ninja import Query, Router, Schema
from ninja.responses import Status

from kesher.api.auth import ApiRequest
from kesher.api.errors import error_responses
from kesher.api.pagination import Page, PageParams, paginate
from kesher.core.models import WorkspaceScopedModel
from kesher.workspaces.models import Workspace

M = TypeVar("M", bound=WorkspaceScopedModel)
M_co = TypeVar("M_co", bound=WorkspaceScopedModel, covariant=True)
Out = TypeVar("Out", bound=Schema)

READ_ERRORS = error_responses(404)
WRITE_ERRORS = error_responses(400, 403, 404, 422)
LIST_ERRORS = error_responses(422)
CREATE_ERRORS = error_responses(400, 403, 422)
DELETE_ERRORS = error_responses(403, 404)


class Getter(Protocol[M_co]):
    def __call__(self, *, workspace: Workspace, public_id: uuid.UUID) -> M_co: ...


@dataclasses.dataclass(frozen=True, kw_only=True)
class Resource(Generic[M, Out]):
    name: str  # singular: the views are `<name>_list`, `<name>_get`…
    path: str
    tag: str
    out: type[Out]
    build: Callable[[M], Out]
    payload: type[Schema]
    change: type[Schema]
    patch: type[Schema]
    get: Getter[M]
    # `filters` is the list's query schema instance, or None when the list takes none.
    items: Callable[[ApiRequest, Any], QuerySet[M]]
    create: Callable[[ApiRequest, Any], M]
    # Called with the item's stored values overlaid by the payload's.
    update: Callable[[M, dict[str, Any]], object]
    # Called with `actor=` too when `actor` is set (below).
    delete: Callable[[M], object]
    # The stored values; by default the attributes named as the fields of `change`.
    current: Callable[[M], dict[str, Any]] | None = None
    filters: type[Schema] | None = None
    summaries: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # Read the item again after a write, for services that replace related rows behind it.
    reread: bool = False
    # For services that check what the acting user may do (deals: a coach only reads): the
    # request's user goes to `update` among the values and to `delete` as `actor=`.
    actor: bool = False


def _view(
    module: str, name: str, params: Mapping[str, Any], body: Callable[..., Any]
) -> Callable[..., Any]:
    """`body(request, *params)` as a view named `name` whose parameters are `params`."""

    def view(request: ApiRequest, **kwargs: Any) -> Any:
        return body(request, *(kwargs[key] for key in params))

    view.__name__ = view.__qualname__ = name
    view.__module__ = module
    view.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            *(
                inspect.Parameter(key, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=kind)
                for key, kind in params.items()
            ),
        ]
    )
    return view


def crud_endpoints(router: Router, module: str, resource: Resource[M, Out]) -> None:
    """Register `resource`'s six endpoints on `router`, as views of `module`."""
    r = resource
    item_path = f"{r.path}/{{{r.name}_id}}"
    id_param = {f"{r.name}_id": uuid.UUID}

    def fetch(request: ApiRequest, public_id: uuid.UUID) -> M:
        return r.get(workspace=request.auth.workspace, public_id=public_id)

    def output(request: ApiRequest, item: M) -> Out:
        return r.build(fetch(request, item.public_id) if r.reread else item)

    def list_(request: ApiRequest, *query: Any) -> Page[Out]:
        filters = query[0] if r.filters else None
        return paginate(r.items(request, filters), query[-1], r.build)

    def create(request: ApiRequest, payload: Schema) -> Status[Out]:
        return Status(201, output(request, r.create(request, payload)))

    def get(request: ApiRequest, public_id: uuid.UUID) -> Out:
        return r.build(fetch(request, public_id))

    def acting(request: ApiRequest) -> dict[str, Any]:
        return {"actor": request.auth.user} if r.actor else {}

    def update(request: ApiRequest, public_id: uuid.UUID, values: dict[str, Any]) -> Out:
        item = fetch(request, public_id)
        if r.current is None:
            stored = {key: getattr(item, key) for key in r.change.model_fields}
        else:
            stored = r.current(item)
        r.update(item, {**stored, **values, **acting(request)})
        return output(request, item)

    def replace(request: ApiRequest, public_id: uuid.UUID, payload: Schema) -> Out:
        return update(request, public_id, payload.model_dump())

    def patch(request: ApiRequest, public_id: uuid.UUID, payload: Schema) -> Out:
        return update(request, public_id, payload.model_dump(include=payload.model_fields_set))

    def delete(request: ApiRequest, public_id: uuid.UUID) -> Status[None]:
        r.delete(fetch(request, public_id), **acting(request))
        return Status(204, None)

    def add(
        method: str,
        path: str,
        action: str,
        response: Mapping[int, Any],
        params: Mapping[str, Any],
        body: Callable[..., Any],
    ) -> None:
        router.add_api_operation(
            path,
            [method],
            _view(module, f"{r.name}_{action}", params, body),
            response=dict(response),
            tags=[r.tag],
            summary=r.summaries.get(action),
        )

    # The schemas are only known at run time, which mypy's type applications cannot express.
    list_params: dict[str, Any] = {}
    if r.filters is not None:
        list_params["filters"] = Query[r.filters]  # type: ignore[misc, name-defined]
    list_params["page"] = Query[PageParams]
    page = Page[r.out]  # type: ignore[name-defined]
    add("GET", r.path, "list", {200: page, **LIST_ERRORS}, list_params, list_)
    add("POST", r.path, "create", {201: r.out, **CREATE_ERRORS}, {"payload": r.payload}, create)
    add("GET", item_path, "get", {200: r.out, **READ_ERRORS}, id_param, get)
    change = {**id_param, "payload": r.change}
    add("PUT", item_path, "replace", {200: r.out, **WRITE_ERRORS}, change, replace)
    patch_params = {**id_param, "payload": r.patch}
    add("PATCH", item_path, "patch", {200: r.out, **WRITE_ERRORS}, patch_params, patch)
    add("DELETE", item_path, "delete", {204: None, **DELETE_ERRORS}, id_param, delete)
