"""Dates in each language's own words (kesher/formats): templates name a format (DATE_FORMAT…)
rather than hard-code "j F Y", which gave Hebrew "13 אוגוסט 2026" without its ב."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

DAY = dt.date(2026, 8, 13)
MOMENT = dt.datetime(2026, 8, 13, 10, 30, tzinfo=ZoneInfo("Asia/Jerusalem"))


def render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "date", "date_and_time", "day_of_month"),
    [
        ("he", "13 באוגוסט 2026", "13 באוגוסט 2026, 10:30", "13 באוגוסט"),
        ("en", "13 August 2026", "13 August 2026, 10:30", "13 August"),
    ],
)
def test_named_date_formats_speak_each_language(language, date, date_and_time, day_of_month):
    with translation.override(language):
        shown = render(
            '{{ day|date:"DATE_FORMAT" }}|{{ moment|date:"DATETIME_FORMAT" }}|'
            '{{ day|date:"MONTH_DAY_FORMAT" }}',
            day=DAY,
            moment=MOMENT,
        )

    assert shown == f"{date}|{date_and_time}|{day_of_month}"
