"""iCalendar (RFC 5545) text for a subscribed feed of keep-in-touch reminders.

Each reminder is an all-day, transparent (not busy) event. Lines end in CRLF and are folded
at 75 octets without splitting a UTF-8 character (Hebrew takes two octets a letter); TEXT
values escape backslash, semicolon, comma and newlines. UIDs must be stable across fetches,
so that a calendar updates a reminder instead of adding a copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

CRLF = "\r\n"
MAX_OCTETS = 75
PRODUCT_ID = "-//Kesher//Keep in touch//EN"


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    uid: str
    day: dt.date
    summary: str
    description: str = ""
    url: str = ""
    categories: tuple[str, ...] = ()


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 section 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded into lines of at most 75 octets, each ending in CRLF.

    Continuation lines start with one space, which counts towards their 75 octets.
    """
    pieces: list[str] = []
    current: list[str] = []
    size, limit = 0, MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, MAX_OCTETS - 1
        current.append(char)
        size += width
    pieces.append("".join(current))
    return CRLF.join([pieces[0], *(" " + piece for piece in pieces[1:])]) + CRLF


def render_calendar(
    events: Iterable[CalendarEvent],
    *,
    name: str,
    stamp: dt.datetime,
    product_id: str = PRODUCT_ID,
) -> str:
    """A VCALENDAR of `events`; `stamp` (aware) is when the feed was generated (DTSTAMP)."""
    if stamp.tzinfo is None or stamp.utcoffset() is None:
        raise ValueError("stamp must be timezone-aware")
    dtstamp = stamp.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{product_id}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    seen: set[str] = set()
    for event in events:
        if not event.uid or event.uid in seen:
            raise ValueError(f"every event needs its own non-empty UID (got {event.uid!r})")
        if any(char in event.url for char in "\r\n"):
            raise ValueError("an event URL cannot contain line breaks")
        seen.add(event.uid)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_text(event.uid)}",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.day + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        if event.categories:
            lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in event.categories))
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)
