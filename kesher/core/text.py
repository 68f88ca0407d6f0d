"""Small text helpers for messages built from pieces."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _


def quoted(text: object) -> str:
    """`text` between the active language's quotation marks: “…” in English, „…” in Hebrew."""
    return _("“%(text)s”") % {"text": text}


def quoted_list(texts: Iterable[object], *, separator: str = ", ") -> str:
    return separator.join(quoted(text) for text in texts)
