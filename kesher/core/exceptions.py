"""Domain exceptions raised by services; the API and views map them to responses."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any


class DomainError(Exception):
    code = "domain_error"
    status = 400

    def __init__(
        self, message: str, *, code: str | None = None, extra: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        # Machine-readable details the API adds to the error body (e.g. "missing" fields).
        self.extra = dict(extra or {})


class NotFoundError(DomainError):
    code = "not_found"
    status = 404


class PermissionDeniedError(DomainError):
    code = "permission_denied"
    status = 403


class ConflictError(DomainError):
    code = "conflict"
    status = 409


def as_uuid(value: object, *, not_found: str) -> uuid.UUID:
    """Parse a public id from a URL or payload; a malformed one is simply not found."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError) as exc:
        raise NotFoundError(not_found) from exc
