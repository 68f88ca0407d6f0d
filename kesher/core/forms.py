"""Helpers shared by every app's forms."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(
    form: forms.Form, exc: ValidationError, *, rename: Mapping[str, str] | None = None
) -> None:
    """Show a service's ValidationError on the form: on the field it names when the form has
    that field (after `rename`), otherwise at the top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, messages in exc.message_dict.items():
        field = (rename or {}).get(key, key)
        form.add_error(field if field in form.fields else None, messages)
