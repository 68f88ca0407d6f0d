"""Kesher settings, read from the environment (the server and the `kesher` command share them)."""

from __future__ import annotations

import sys
from pathlib import Path

import django_stubs_ext
import environ
from django.utils.translation import gettext_lazy as _

# Lets generic annotations such as ModelAdmin[Person] work at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

env = environ.Env()
VAR_DIR = Path(env.str("KESHER_VAR_DIR", default=str(PROJECT_DIR / "var")))

DEBUG = env.bool("KESHER_DEBUG", default=False)
# A stable default keeps the local demo's sessions valid across restarts; production settings
# refuse to start without a real secret.
SECRET_KEY = env.str("KESHER_SECRET_KEY", default="kesher-local-demo-key-not-for-production-use")
ALLOWED_HOSTS = env.list("KESHER_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("KESHER_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    # The API docs page serves Swagger UI from ninja's static files instead of a CDN.
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "kesher.core",
    "kesher.accounts",
    "kesher.workspaces",
    "kesher.people",
    "kesher.network",
    "kesher.search",
    "kesher.introductions",
    "kesher.relationships",
    "kesher.deals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kesher.workspaces.middleware.CurrentWorkspaceMiddleware",
]

ROOT_URLCONF = "kesher.urls"
WSGI_APPLICATION = "kesher.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kesher.workspaces.context_processors.workspace",
            ],
        },
    },
]

DATABASE_URL = env.str("KESHER_DATABASE_URL", default="")
if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("KESHER_SQLITE_PATH", default=str(VAR_DIR / "kesher.sqlite3")),
            "OPTIONS": {
                # WAL lets the web server read while the worker or CLI writes.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
    # SQLite creates the file but not its folder: a fresh clone has no var/ yet.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "he"
LANGUAGES = [("he", _("Hebrew")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
FORMAT_MODULE_PATH = ["kesher.formats"]
USE_TZ = True
TIME_ZONE = "Asia/Jerusalem"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# kesher/static is not inside an app, so the app-directories finder would not see it.
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = env.bool("KESHER_WHITENOISE_USE_FINDERS", default=False)

EMAIL_BACKEND = env.str(
    "KESHER_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env.str("KESHER_FROM_EMAIL", default="kesher@localhost")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Limits on free text, documented in docs/limits.md and enforced by forms, schemas and services.
KESHER_MAX_NAME_LENGTH = 200
KESHER_MAX_TEXT_LENGTH = 10_000
KESHER_API_PAGE_SIZE_MAX = 200
# The people list counts this many at most ("more than 10,000 people"): counting 100,000 rows
# on every page would cost more than the rest of the page.
KESHER_LIST_COUNT_LIMIT = 10_000

# Background work (suggestion recomputes) goes through django-tasks: queued in the database and
# run by `kesher worker` (which `kesher demo` starts alongside the server). Tests run tasks inline.
_TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {
    "default": {
        "BACKEND": _TASKS_BACKENDS[
            env.str(
                "KESHER_TASKS_BACKEND",
                default="immediate" if "pytest" in sys.modules else "database",
            )
        ],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("KESHER_LOG_LEVEL", default="WARNING")},
}
