from __future__ import annotations

from django import template

from kesher.engine.phones import display

register = template.Library()


@register.filter
def phone(e164: str) -> str:
    """An E.164 number as people read it: "+972 52-345-6789"."""
    return display(e164)
