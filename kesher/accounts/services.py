"""Users and their API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesher.accounts.models import ApiToken, User
from kesher.core.validation import clean_emails, clean_name
from kesher.workspaces.models import Workspace

TOKEN_PREFIX = "ksr_"  # noqa: S105  (a public marker, not a secret)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def user_create(*, email: str, password: str | None, display_name: str = "") -> User:
    cleaned = clean_emails([email], field="email")
    if not cleaned:
        raise ValidationError({"email": [_("An email address is required.")]})
    if User.objects.filter(email__iexact=cleaned[0]).exists():
        raise ValidationError({"email": [_("An account with this email already exists: log in.")]})
    user = User(email=cleaned[0], display_name=clean_name(display_name, required=False))
    if password is not None:
        validate_password(password, user)
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def user_get_or_create(*, email: str) -> tuple[User, bool]:
    """For scripts: the user with this email, or a new one with no usable password."""
    cleaned = clean_emails([email], field="email")
    if not cleaned:
        raise ValidationError({"email": [_("An email address is required.")]})
    existing = User.objects.filter(email__iexact=cleaned[0]).first()
    if existing:
        return existing, False
    return user_create(email=cleaned[0], password=None), True


@transaction.atomic
def api_token_create(*, user: User, workspace: Workspace, name: str) -> tuple[ApiToken, str]:
    """Create a token for `user` in `workspace`; returns it and its secret, shown only once."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        workspace=workspace,
        name=clean_name(name),
        digest=token_digest(secret),
        prefix=secret[:12],
    )
    return token, secret


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    token = (
        ApiToken.objects.select_related("user", "workspace")
        .filter(digest=token_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Writing on every request would serialise readers on SQLite; a minute's precision is enough.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token
