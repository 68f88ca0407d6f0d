"""The REST API: one NinjaAPI under /api/v1/. Each app contributes a router from its `api.py`;
one set of handlers maps domain errors to `{"detail": ..., "code": ...}` responses."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="Kesher API",
    version="1",
    description="Kesher's REST API. Authenticate with `Authorization: Bearer <token>` "
    "(create a token under Settings → API tokens or with `kesher workspace create`).",
    urls_namespace="api-v1",
)
