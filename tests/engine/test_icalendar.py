from __future__ import annotations

import datetime as dt

import pytest

from kesher.engine.icalendar import CalendarEvent, escape_text, fold, render_calendar

STAMP = dt.datetime(2025, 6, 15, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=3)))


def unfold(text: str) -> str:
    return text.replace("\r\n ", "")


def test_text_values_are_escaped() -> None:
    assert escape_text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    assert escape_text("שלום, עולם") == "שלום\\, עולם"


def test_short_lines_are_not_folded() -> None:
    assert fold("SUMMARY:hello") == "SUMMARY:hello\r\n"
    assert fold("X" * 75) == "X" * 75 + "\r\n"


def test_long_lines_fold_at_75_octets_with_a_leading_space() -> None:
    line = "DESCRIPTION:" + "a" * 150
    folded = fold(line)
    physical = folded.split("\r\n")[:-1]
    # 162 octets: 75, then a space and 74, then a space and the last 13.
    assert [len(part.encode()) for part in physical] == [75, 75, 14]
    assert physical[1].startswith(" a")
    assert unfold(folded) == line + "\r\n"


def test_folding_never_splits_a_hebrew_letter() -> None:
    line = "SUMMARY:" + "ש" * 40
    folded = fold(line)
    physical = folded.split("\r\n")[:-1]
    # 8 octets of name, then 33 two-octet letters make 74: the 34th would make 76.
    assert physical == ["SUMMARY:" + "ש" * 33, " " + "ש" * 7]
    assert all(len(part.encode()) <= 75 for part in physical)
    assert unfold(folded) == line + "\r\n"


def test_render_calendar() -> None:
    events = [
        CalendarEvent(
            uid="kit-17-20250616@kesher",
            day=dt.date(2025, 6, 16),
            summary="Keep in touch: Dana Levi",
            description="Last touch 16 May; monthly.\nAsk about the jeep, trip",
            url="https://kesher.example/people/17/",
            categories=("Kesher", "Keep in touch"),
        ),
        CalendarEvent(uid="kit-18-20250620@kesher", day=dt.date(2025, 6, 20), summary="שלום"),
    ]
    text = render_calendar(events, name="Kesher: keep in touch", stamp=STAMP)
    assert text == (
        "BEGIN:VCALENDAR\r\n"
        "VERSION:2.0\r\n"
        "PRODID:-//Kesher//Keep in touch//EN\r\n"
        "CALSCALE:GREGORIAN\r\n"
        "METHOD:PUBLISH\r\n"
        "X-WR-CALNAME:Kesher: keep in touch\r\n"
        "BEGIN:VEVENT\r\n"
        "UID:kit-17-20250616@kesher\r\n"
        "DTSTAMP:20250615T063000Z\r\n"
        "DTSTART;VALUE=DATE:20250616\r\n"
        "DTEND;VALUE=DATE:20250617\r\n"
        "SUMMARY:Keep in touch: Dana Levi\r\n"
        "DESCRIPTION:Last touch 16 May\\; monthly.\\nAsk about the jeep\\, trip\r\n"
        "URL:https://kesher.example/people/17/\r\n"
        "CATEGORIES:Kesher,Keep in touch\r\n"
        "TRANSP:TRANSPARENT\r\n"
        "END:VEVENT\r\n"
        "BEGIN:VEVENT\r\n"
        "UID:kit-18-20250620@kesher\r\n"
        "DTSTAMP:20250615T063000Z\r\n"
        "DTSTART;VALUE=DATE:20250620\r\n"
        "DTEND;VALUE=DATE:20250621\r\n"
        "SUMMARY:שלום\r\n"
        "TRANSP:TRANSPARENT\r\n"
        "END:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )


def test_an_empty_calendar_is_still_a_calendar() -> None:
    text = render_calendar([], name="Kesher", stamp=STAMP)
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert text.endswith("X-WR-CALNAME:Kesher\r\nEND:VCALENDAR\r\n")


def test_event_month_end_and_year_end_dates() -> None:
    event = CalendarEvent(uid="x", day=dt.date(2025, 12, 31), summary="s")
    text = render_calendar([event], name="K", stamp=STAMP)
    assert "DTSTART;VALUE=DATE:20251231\r\nDTEND;VALUE=DATE:20260101\r\n" in text


def test_calendar_input_is_checked() -> None:
    event = CalendarEvent(uid="a", day=dt.date(2025, 6, 16), summary="s")
    with pytest.raises(ValueError, match="timezone-aware"):
        render_calendar([event], name="K", stamp=dt.datetime(2025, 6, 15))
    with pytest.raises(ValueError, match="UID"):
        render_calendar([event, event], name="K", stamp=STAMP)
    with pytest.raises(ValueError, match="UID"):
        render_calendar([CalendarEvent(uid="", day=event.day, summary="s")], name="K", stamp=STAMP)
    with pytest.raises(ValueError, match="URL"):
        render_calendar(
            [CalendarEvent(uid="b", day=event.day, summary="s", url="http://x\r\nEVIL:1")],
            name="K",
            stamp=STAMP,
        )
