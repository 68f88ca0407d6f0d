"""The REST API: one NinjaAPI under /api/v1/. Each app contributes a router from its `api.py`;
one set of handlers maps domain errors to `{"detail": ..., "code": ...}` responses."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI, Swagger

from kesher.accounts.api import router as accounts_router
from kesher.api.auth import BearerTokenAuth, SessionAuth
from kesher.api.errors import json_method_not_allowed, register_error_handlers, unknown_path
from kesher.deals.api import router as deals_router
from kesher.introductions.api import router as introductions_router
from kesher.network.api import router as network_router
from kesher.people.api import router as people_router
from kesher.relationships.api import router as relationships_router
from kesher.search.api import router as search_router
from kesher.workspaces.api import router as workspaces_router


class KesherAPI(NinjaAPI):
    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for url in urls:
            if not isinstance(url, URLPattern):
                continue
            # Endpoints are the views ninja marks csrf_exempt (its auth does the CSRF check);
            # the schema and docs views are left alone.
            if getattr(url.callback, "csrf_exempt", False):
                url.callback = json_method_not_allowed(url.callback)
            # ninja's root view only exists to be reversed; requested, it would answer in HTML.
            elif url.name == "api-root":
                url.callback = unknown_path
        return [*urls, re_path(r"^.*$", unknown_path)]


api = KesherAPI(
    title="Kesher API",
    version="1",
    description="Kesher's REST API. Authenticate with `Authorization: Bearer <token>` "
    "(create a token under Settings → API tokens or with `kesher workspace create`), or with "
    "the browser's session (send the CSRF token in `X-CSRFToken` on writes). Errors are "
    '`{"detail": "...", "code": "..."}`, with `errors` per field when the input is invalid; '
    "messages follow `Accept-Language` (he or en). Lists take `limit` and `offset` and answer "
    '`{"items": [...], "count": N}`.',
    urls_namespace="api-v1",
    auth=[BearerTokenAuth(), SessionAuth()],
    # Served from ninja's bundled static files (ninja is in INSTALLED_APPS), never from a CDN;
    # no validator badge, which would call swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
)
register_error_handlers(api)
api.add_router("", accounts_router)
api.add_router("", workspaces_router)
api.add_router("", people_router)
api.add_router("", network_router)
api.add_router("/search", search_router)
api.add_router("", introductions_router)
api.add_router("", relationships_router)
api.add_router("", deals_router)
