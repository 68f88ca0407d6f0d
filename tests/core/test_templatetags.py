"""Row helpers for long lists (kesher/core/templatetags/core_tags.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from kesher.network.models import Interaction

PERSON = uuid.UUID("6f1c2a4e-2b1d-4c9e-9a57-0d7e3f8b1c22")
ROW = uuid.UUID("0b8e4c1a-9d3f-4e2b-8c6a-5f1d2e3a4b5c")


def render(source: str, **context: object) -> str:
    return Template("{% load core_tags %}" + source).render(Context(context))


def test_row_url_is_the_url_reverse_gives():
    one_argument = render(
        "{% row_url_pattern 'people:detail' as url %}{{ url|row_url:row }}", row=ROW
    )
    two_arguments = render(
        "{% row_url_pattern 'network:interaction_edit' person as url %}{{ url|row_url:row }}",
        person=PERSON,
        row=ROW,
    )

    assert one_argument == reverse("people:detail", args=[ROW])
    assert two_arguments == reverse("network:interaction_edit", args=[PERSON, ROW])


def test_row_url_refuses_what_is_not_an_id():
    with pytest.raises(ValueError):
        render("{% row_url_pattern 'people:detail' as url %}{{ url|row_url:row }}", row="../x")


@pytest.mark.parametrize("language", ["en", "he"])
def test_choice_label_is_the_display_value_in_the_active_language(language):
    interaction = Interaction(channel=Interaction.Channel.CALL, exchange_kind="")

    with translation.override(language):
        labels = render(
            '{{ interaction|choice_label:"channel" }}|'
            '{{ interaction|choice_label:"exchange_kind" }}',
            interaction=interaction,
        )
        expected = f"{interaction.get_channel_display()}|{interaction.get_exchange_kind_display()}"

    assert labels == expected


@pytest.mark.parametrize(
    ("language", "amount", "currency", "expected"),
    [
        ("he", Decimal("95000.00"), "ILS", "95,000\u00a0₪"),
        ("en", Decimal("95000.00"), "ILS", "₪95,000"),
        ("he", Decimal("1234.5"), "USD", "1,234.50\u00a0$"),
        ("en", Decimal("1234.5"), "USD", "$1,234.50"),
        ("en", Decimal("1234567"), "EUR", "€1,234,567"),
        ("he", Decimal("80"), "GBP", "80\u00a0£"),
        ("en", Decimal("-20"), "usd", "-$20"),
        ("en", Decimal("2500"), "CHF", "CHF\u00a02,500"),
        ("he", Decimal("2500"), "CHF", "2,500\u00a0CHF"),
        ("en", None, "ILS", "₪0"),
        ("he", "", "ILS", "0\u00a0₪"),
        ("en", Decimal("700"), "", "700"),
    ],
)
def test_money_groups_thousands_and_shows_the_currency_symbol(language, amount, currency, expected):
    with translation.override(language):
        shown = render("{{ amount|money:currency }}", amount=amount, currency=currency)

    assert shown == expected


def test_money_escapes_an_unknown_currency_code():
    with translation.override("en"):
        shown = render("{{ amount|money:currency }}", amount=Decimal("5"), currency="<b>")

    assert shown == "&lt;B&gt;\u00a05"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("he", "חמישי, 13 באוגוסט"), ("en", "Thursday, 13 August")],
)
def test_weekday_date_gives_hebrew_its_bet(language, expected):
    with translation.override(language):
        shown = render("{{ day|weekday_date }}", day=dt.date(2026, 8, 13))

    assert shown == expected


def test_weekday_date_of_nothing_is_empty():
    assert render("{{ day|weekday_date }}", day=None) == ""
