"""Phone number normalisation to E.164 (Israel is the default region)."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "IL"


class InvalidPhoneNumber(ValueError):
    pass


def to_e164(raw: str, *, default_region: str = DEFAULT_REGION) -> str:
    """Return `raw` as E.164 ("+972541234567"), or raise InvalidPhoneNumber."""
    try:
        parsed = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(raw) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhoneNumber(raw)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def display(e164: str) -> str:
    """International format for display ("+972 54-123-4567")."""
    parsed = phonenumbers.parse(e164, None)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
