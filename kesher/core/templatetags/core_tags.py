"""Template helpers: a link and a choice's label on every row of a long list, at a fraction
of the cost of `{% url %}` and `get_FOO_display` repeated per row; money with its symbol; a day
with its weekday."""

from __future__ import annotations

import uuid
from decimal import Decimal
from functools import cache
from typing import Any

from django import template
from django.db.models import Model
from django.template.defaultfilters import date, floatformat
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

# Stands for the row's id in a URL reversed once for all the rows.
ROW_SLOT = str(uuid.UUID(int=0))


@register.simple_tag
def row_url_pattern(viewname: str, *args: Any) -> str:
    """The URL of `viewname` with `args` and, as its last argument, a row's public id still to
    be filled in by `row_url`:

        {% row_url_pattern 'people:detail' as person_url %}
        {% for person in people %}<a href="{{ person_url|row_url:person.public_id }}">…

    Reversing a URL takes tens of microseconds; once per row and link, that adds up."""
    return reverse(viewname, args=[*args, ROW_SLOT])


@register.filter
def row_url(pattern: str, public_id: uuid.UUID | str) -> str:
    """`pattern` (from `row_url_pattern`) with the row's public id in place."""
    return pattern.replace(ROW_SLOT, str(uuid.UUID(str(public_id))))


@cache
def _choice_labels(model: type[Model], field_name: str, language: str | None) -> dict[Any, str]:
    field = model._meta.get_field(field_name)
    return {value: str(label) for value, label in field.flatchoices}  # type: ignore[union-attr]


@register.filter
def choice_label(obj: Model, field_name: str) -> str:
    """`obj.get_<field_name>_display()`, from labels translated once per language rather than
    once per call (Django hashes every translated label of the field on each call)."""
    value = getattr(obj, field_name)
    return str(_choice_labels(type(obj), field_name, get_language()).get(value, value))


CURRENCY_SYMBOLS = {"ILS": "₪", "USD": "$", "EUR": "€", "GBP": "£"}
# Languages that write the amount first and the currency after it, apart by a no-break space.
AMOUNT_FIRST_LANGUAGES = frozenset({"he"})


@register.filter
def money(amount: Any, currency: str | None = "") -> str:
    """`{{ deal.amount|money:deal.currency }}`: the amount grouped by thousands in the active
    language's number format, with decimals only when it is not whole, and the currency's
    symbol where it has a well-known one: "95,000 ₪" in Hebrew, "₪95,000" in English. Other
    currencies keep their code ("CHF 95,000"). A missing amount reads 0."""
    if isinstance(amount, Decimal) and amount == amount.to_integral_value():
        # Whole amounts (most of them) skip floatformat's rounding: a third of the time.
        number = number_format(int(amount), force_grouping=True)
    else:
        number = str(floatformat(0 if amount in (None, "") else amount, "-2g"))
    code = (currency or "").strip().upper()
    if not code:
        return number
    symbol = CURRENCY_SYMBOLS.get(code)
    language = (get_language() or "").split("-")[0]
    if language in AMOUNT_FIRST_LANGUAGES:
        return f"{number}\u00a0{symbol or code}"
    if symbol:
        sign, digits = ("-", number[1:]) if number.startswith("-") else ("", number)
        return f"{sign}{symbol}{digits}"
    return f"{code}\u00a0{number}"


@register.filter
def weekday_date(value: Any) -> str:
    """The weekday and the day of the month in the active language: "Thursday, 13 August",
    "חמישי, 13 באוגוסט" (a format string such as "l j F" cannot give Hebrew its ב)."""
    if value in (None, ""):
        return ""
    return f"{date(value, 'l')}, {date(value, 'MONTH_DAY_FORMAT')}"


@register.filter
def isolated(value: Any) -> SafeString:
    """A name typed by a user inside a translated sentence, escaped, in its own <bdi>:
    `{% blocktranslate with stage=stage.name|isolated %}Move on to {{ stage }}…`. A Hebrew
    name in an English sentence (or the other way round) then neither reorders the words
    around it nor pulls the full stop to the wrong end; the sentence keeps its msgid."""
    return format_html("<bdi>{}</bdi>", value)
