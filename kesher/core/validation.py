"""Edge validation shared by services: every message says what is wrong and how to fix it."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from kesher.engine.phones import InvalidPhoneNumber, to_e164


def clean_name(value: str, *, field: str = "name", required: bool = True) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise ValidationError({field: _("A name is required: type at least one letter.")})
    limit = settings.KESHER_MAX_NAME_LENGTH
    if len(value) > limit:
        raise ValidationError(
            {field: _("This is too long: at most %(limit)d characters.") % {"limit": limit}}
        )
    return value


def clean_text(value: str, *, field: str, limit: int | None = None, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required: it cannot be empty.")})
    limit = limit or settings.KESHER_MAX_TEXT_LENGTH
    if len(value) > limit:
        raise ValidationError(
            {
                field: _("This text is too long (%(length)d characters): at most %(limit)d.")
                % {"length": len(value), "limit": limit}
            }
        )
    return value


def clean_emails(values: Iterable[str], *, field: str = "emails") -> list[str]:
    cleaned: list[str] = []
    for raw in values:
        email = (raw or "").strip().lower()
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationError(
                {
                    field: _(
                        "“%(email)s” is not a valid email address: check it looks like "
                        "name@example.com."
                    )
                    % {"email": raw}
                }
            ) from exc
        if email not in cleaned:
            cleaned.append(email)
    return cleaned


def clean_phones(values: Iterable[str], *, field: str = "phones") -> list[str]:
    cleaned: list[str] = []
    for raw in values:
        if not (raw or "").strip():
            continue
        try:
            e164 = to_e164(raw.strip())
        except InvalidPhoneNumber as exc:
            raise ValidationError(
                {
                    field: _(
                        "“%(phone)s” is not a valid phone number: write an Israeli number such "
                        "as 052-345-6789, or an international one starting with + and the "
                        "country code."
                    )
                    % {"phone": raw}
                }
            ) from exc
        if e164 not in cleaned:
            cleaned.append(e164)
    return cleaned
