"""Template filters for suggestions and introductions: reasons as chips, the score as bars."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template

from kesher.introductions.reasons import PhrasedReason, Strength, phrase_reasons, strength

register = template.Library()


@register.filter
def reason_chips(reasons: Iterable[Mapping[str, Any]] | None) -> list[PhrasedReason]:
    """A suggestion's stored reasons phrased in the active language (see reasons.py)."""
    return phrase_reasons(reasons or [])


@register.filter
def match_strength(score: float | None) -> Strength:
    return strength(score or 0.0)
