"""Production settings: HTTPS only, a real secret, hardened cookies (`check --deploy` is clean)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from kesher.settings import *  # noqa: F403
from kesher.settings import env

SECRET_KEY = env.str("KESHER_SECRET_KEY", default="")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "KESHER_SECRET_KEY must be set to a random string of at least 50 characters in production."
    )
DEBUG = False
SECURE_SSL_REDIRECT = env.bool("KESHER_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("KESHER_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
