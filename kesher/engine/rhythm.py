"""Keep-in-touch rhythm: when each person is next due, and who is due now, grouped.

A rhythm is a number of days or of calendar months (a "monthly" touch on 31 January is due
on the last day of February). A person's own rhythm wins over the rhythms of the kinds of tie
they have with the user; among those, the one that comes due first applies. Any logged touch
(call, meeting, note, message, introduction) resets the clock: the next date is counted from
the latest touch, or from the day the rhythm was set when there has been none.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rhythm:
    days: int = 0
    months: int = 0

    def __post_init__(self) -> None:
        if self.days < 0 or self.months < 0 or self.days + self.months == 0:
            raise ValueError("a rhythm needs a positive number of days or months")

    def after(self, day: dt.date) -> dt.date:
        """The day one rhythm after `day`."""
        month_index = day.month - 1 + self.months
        year, month = day.year + month_index // 12, month_index % 12 + 1
        last_day = calendar.monthrange(year, month)[1]
        return dt.date(year, month, min(day.day, last_day)) + dt.timedelta(days=self.days)


WEEKLY = Rhythm(days=7)
MONTHLY = Rhythm(months=1)
QUARTERLY = Rhythm(months=3)
PRESETS = {"weekly": WEEKLY, "monthly": MONTHLY, "quarterly": QUARTERLY}


@dataclass(frozen=True, slots=True)
class KeepInTouch:
    """One person's keep-in-touch state.

    `own` is the rhythm set on the person, `kinds` those of the tie kinds linking them to the
    user; `last_touch` the latest logged touch of any kind; `started_on` when the rhythm was
    set (the clock starts there until a touch is logged).
    """

    person: int
    last_touch: dt.date | None = None
    own: Rhythm | None = None
    kinds: tuple[Rhythm, ...] = ()
    started_on: dt.date | None = None

    def next_due(self, today: dt.date) -> tuple[dt.date, Rhythm] | None:
        """The next due date and the rhythm behind it; None without any rhythm.

        Someone with a rhythm but no touch and no start date is due today.
        """
        rhythms = (self.own,) if self.own else self.kinds
        if not rhythms:
            return None
        base = self.last_touch or self.started_on
        if base is None:
            return today, min(rhythms, key=lambda rhythm: rhythm.after(today))
        return min(((rhythm.after(base), rhythm) for rhythm in rhythms), key=lambda due: due[0])


@dataclass(frozen=True, slots=True)
class Due:
    person: int
    due: dt.date
    rhythm: Rhythm
    last_touch: dt.date | None
    days_overdue: int


@dataclass(frozen=True, slots=True)
class DueGroups:
    """Who is due, in the groups a Today page or a weekly digest lists them.

    `overdue` most overdue first; `today` by person; `upcoming` (due within the horizon)
    soonest first. Equal dates go by person id.
    """

    overdue: tuple[Due, ...]
    today: tuple[Due, ...]
    upcoming: tuple[Due, ...]

    def __bool__(self) -> bool:
        return bool(self.overdue or self.today or self.upcoming)

    def __len__(self) -> int:
        return len(self.overdue) + len(self.today) + len(self.upcoming)


def due_groups(
    people: Iterable[KeepInTouch], *, today: dt.date, horizon_days: int = 7
) -> DueGroups:
    """Group everyone with a rhythm who is due by `today` plus `horizon_days`."""
    overdue, due_today, upcoming = [], [], []
    horizon = today + dt.timedelta(days=horizon_days)
    for person in people:
        found = person.next_due(today)
        if found is None or found[0] > horizon:
            continue
        day, rhythm = found
        item = Due(
            person=person.person,
            due=day,
            rhythm=rhythm,
            last_touch=person.last_touch,
            days_overdue=(today - day).days,
        )
        if day < today:
            overdue.append(item)
        elif day == today:
            due_today.append(item)
        else:
            upcoming.append(item)
    return DueGroups(
        overdue=tuple(sorted(overdue, key=_by_date)),
        today=tuple(sorted(due_today, key=_by_date)),
        upcoming=tuple(sorted(upcoming, key=_by_date)),
    )


def _by_date(item: Due) -> tuple[dt.date, int]:
    return item.due, item.person


def last_touch(*touches: dt.date | dt.datetime | None) -> dt.date | None:
    """The latest of any touches (dates or datetimes, None for none logged) as a date."""
    days = [
        touch.date() if isinstance(touch, dt.datetime) else touch
        for touch in touches
        if touch is not None
    ]
    return max(days, default=None)
