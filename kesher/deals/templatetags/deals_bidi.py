"""Names typed by users (a stage, a company, an owner) inside a translated sentence: each is
isolated in its own <bdi>, so a Hebrew name in an English sentence (or the other way round)
neither reorders the words around it nor pulls the full stop to the wrong end."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def isolated(value: Any) -> SafeString:
    """`{% blocktranslate with stage=stage.name|isolated %}Move on to {{ stage }}…`: the value,
    escaped, in a <bdi> (the sentence keeps its msgid; only the value is wrapped)."""
    return format_html("<bdi>{}</bdi>", value)
