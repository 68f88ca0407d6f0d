"""One error shape for the whole API: `{"detail": ..., "code": ...}`, plus `errors` (field →
messages) when the input was invalid. Messages follow the request's language (Accept-Language).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from functools import wraps
from typing import Any, Protocol, TypeVar, cast

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field

from kesher.core.exceptions import DomainError, NotFoundError
from kesher.workspaces.models import Workspace

CODE_BY_STATUS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid",
    429: "throttled",
}


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong and how to fix it, in the request's language.")
    code: str = Field(description="A stable machine-readable code, such as not_found or invalid.")
    errors: dict[str, list[str]] | None = Field(
        None, description="For invalid input: messages per field (`__all__` for the whole input)."
    )


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error responses an endpoint documents in the OpenAPI schema."""
    return dict.fromkeys((401, *statuses), ErrorOut)


def error_body(
    detail: str,
    code: str,
    errors: Mapping[str, list[str]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Any:
    body: dict[str, Any] = {**(extra or {}), "detail": detail, "code": code}
    if errors is not None:
        body["errors"] = dict(errors)
    return body


T_co = TypeVar("T_co", covariant=True)


class WorkspaceGetter(Protocol[T_co]):
    """A selector's `<entity>_get`: one object of the workspace by public id, or NotFoundError."""

    def __call__(self, *, workspace: Workspace, public_id: uuid.UUID | str) -> T_co: ...


def payload_ref(
    field: str, get: WorkspaceGetter[T_co], *, workspace: Workspace, public_id: uuid.UUID
) -> T_co:
    """The object a payload or filter field names. An unknown id there makes the input invalid
    (422 on that field), unlike an unknown id in the path, which is a missing resource (404)."""
    try:
        return get(workspace=workspace, public_id=public_id)
    except NotFoundError as exc:
        raise DjangoValidationError({field: [exc.message]}) from exc


def payload_ref_optional(
    field: str, get: WorkspaceGetter[T_co], *, workspace: Workspace, public_id: uuid.UUID | None
) -> T_co | None:
    if public_id is None:
        return None
    return payload_ref(field, get, workspace=workspace, public_id=public_id)


def _summary(errors: Mapping[str, list[str]]) -> str:
    parts = []
    for field, messages in errors.items():
        text = " ".join(messages)
        parts.append(text if field == NON_FIELD_ERRORS else f"{field}: {text}")
    return " ".join(parts)


def _pydantic_message(error: Mapping[str, Any]) -> str:
    """A translated message for one pydantic error; pydantic's own are English only."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return _("This field cannot be empty.")
        return _("This is too short: at least %(limit)s characters.") % {
            "limit": ctx.get("min_length")
        }
    if kind == "string_too_long":
        return _("This is too long: at most %(limit)s characters.") % {
            "limit": ctx.get("max_length")
        }
    if kind == "too_long":
        return _("Too many items: at most %(limit)s.") % {"limit": ctx.get("max_length")}
    if kind == "too_short":
        return _("Too few items: at least %(limit)s.") % {"limit": ctx.get("min_length")}
    if kind in {"string_type", "string_unicode"}:
        return _("This must be text.")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("This must be a whole number.")
    if kind in {"greater_than_equal", "greater_than"}:
        return _("This must be at least %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt"))}
    if kind in {"less_than_equal", "less_than"}:
        return _("This must be at most %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt"))}
    if kind in {"bool_parsing", "bool_type"}:
        return _("This must be true or false.")
    if kind in {"uuid_parsing", "uuid_type", "uuid_version"}:
        return _("This must be an id in UUID form, such as 3f8e1c2a-5b7d-4e9f-a1b2-c3d4e5f6a7b8.")
    if kind in {"date_parsing", "date_type", "date_from_datetime_parsing"}:
        return _("This must be a date written as YYYY-MM-DD.")
    if kind in {"date_from_datetime_inexact"}:
        return _("This must be a date without a time, written as YYYY-MM-DD.")
    if kind in {"datetime_parsing", "datetime_type", "datetime_from_date_parsing"}:
        return _("This must be a date and time such as 2024-05-01T18:30:00+03:00.")
    if kind in {"timezone_aware"}:
        return _("The time needs a time zone, such as +03:00 or Z.")
    if kind in {"enum", "literal_error"}:
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind in {"list_type", "set_type", "tuple_type"}:
        return _("This must be a list.")
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return _("This must be a JSON object.")
    if kind == "extra_forbidden":
        return _("Unknown field: remove it.")
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])
    return str(error.get("msg", _("This value is not valid.")))


def _field_name(loc: Iterable[Any]) -> str:
    parts = [str(part) for part in loc]
    source = parts[0] if parts else ""
    # A body location is ("body", <parameter name>, field, ...): the parameter name is ours.
    rest = parts[2:] if source == "body" else parts[1:]
    return ".".join(rest) or NON_FIELD_ERRORS


def _json_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    body: Any,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    response = api.create_response(request, body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


E = TypeVar("E", bound=Exception)


def _add_handler(
    api: NinjaAPI, exc_class: type[E], handle: Callable[[HttpRequest, E], HttpResponse]
) -> None:
    def handler(request: HttpRequest, exc: E | type[E]) -> HttpResponse:
        # ninja always hands over the raised instance; its signature also allows the class.
        return handle(request, cast(E, exc))

    api.add_exception_handler(exc_class, handler)


def register_error_handlers(api: NinjaAPI) -> None:
    def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return _json_response(
            api, request, exc.status, error_body(exc.message, exc.code, extra=exc.extra)
        )

    def on_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = {field: list(messages) for field, messages in exc.message_dict.items()}
        else:
            errors = {NON_FIELD_ERRORS: list(exc.messages)}
        return _json_response(api, request, 422, error_body(_summary(errors), "invalid", errors))

    def on_input_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        # A path that names no valid id names no resource: the same answer as an unknown id.
        if any(list(error.get("loc", ()))[:1] == ["path"] for error in exc.errors):
            return _json_response(api, request, 404, error_body(_("Not found."), "not_found"))
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            loc = list(error.get("loc", ()))
            if loc[:1] == ["body"] and len(loc) <= 2 and error.get("type") == "missing":
                message = _("A JSON object is required as the request body.")
            else:
                message = _pydantic_message(error)
            errors.setdefault(_field_name(loc), []).append(message)
        return _json_response(api, request, 422, error_body(_summary(errors), "invalid", errors))

    def on_not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return _json_response(
            api,
            request,
            401,
            error_body(
                _(
                    "Authentication required: send a valid API token as "
                    "“Authorization: Bearer <token>”, or log in."
                ),
                "not_authenticated",
            ),
            {"WWW-Authenticate": 'Bearer realm="api"'},
        )

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        cause = exc.__cause__
        # ninja wraps a body it cannot parse in a bare HttpError(400).
        if exc.status_code == 400 and isinstance(cause, json.JSONDecodeError):
            detail = _(
                "The request body is not valid JSON (line %(line)d, column %(column)d): check the "
                "quotes, commas and brackets."
            ) % {"line": cause.lineno, "column": cause.colno}
            return _json_response(api, request, 400, error_body(detail, "malformed_json"))
        if exc.status_code == 400 and isinstance(cause, UnicodeDecodeError):
            detail = _("The request body is not valid UTF-8 text: send JSON encoded as UTF-8.")
            return _json_response(api, request, 400, error_body(detail, "malformed_json"))
        code = CODE_BY_STATUS.get(exc.status_code, "error")
        return _json_response(api, request, exc.status_code, error_body(str(exc), code))

    def on_http_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _json_response(api, request, 404, error_body(_("Not found."), "not_found"))

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _json_response(
            api,
            request,
            403,
            error_body(_("You do not have permission to do this."), "permission_denied"),
        )

    _add_handler(api, DomainError, on_domain_error)
    _add_handler(api, DjangoValidationError, on_validation_error)
    _add_handler(api, NinjaValidationError, on_input_error)
    _add_handler(api, AuthenticationError, on_not_authenticated)
    _add_handler(api, HttpError, on_http_error)
    _add_handler(api, Http404, on_http_404)
    _add_handler(api, PermissionDenied, on_permission_denied)


def unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Answers every /api/v1/ path that matches no endpoint, in the API's error shape."""
    return HttpResponse(
        json.dumps(
            error_body(
                _("There is no API endpoint at this path: see /api/v1/openapi.json."), "not_found"
            )
        ),
        status=404,
        content_type="application/json; charset=utf-8",
    )


def json_method_not_allowed(view: Any) -> Any:
    """Wraps an endpoint's view so a wrong method gets the API's error shape, not plain text."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        allowed = response.get("Allow", "")
        replaced = HttpResponse(
            json.dumps(
                error_body(
                    _("Method %(method)s is not allowed here: use %(allowed)s.")
                    % {"method": request.method, "allowed": allowed},
                    "method_not_allowed",
                )
            ),
            status=405,
            content_type="application/json; charset=utf-8",
        )
        replaced["Allow"] = allowed
        return replaced

    return wrapper
