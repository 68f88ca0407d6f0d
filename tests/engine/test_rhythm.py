from __future__ import annotations

import datetime as dt

import pytest

from kesher.engine.rhythm import (
    MONTHLY,
    PRESETS,
    QUARTERLY,
    WEEKLY,
    Due,
    DueGroups,
    KeepInTouch,
    Rhythm,
    due_groups,
    last_touch,
)

TODAY = dt.date(2025, 6, 15)


def test_rhythms_count_days_or_calendar_months() -> None:
    assert WEEKLY.after(dt.date(2025, 6, 28)) == dt.date(2025, 7, 5)
    assert MONTHLY.after(dt.date(2025, 1, 15)) == dt.date(2025, 2, 15)
    assert MONTHLY.after(dt.date(2025, 1, 31)) == dt.date(2025, 2, 28)
    assert MONTHLY.after(dt.date(2024, 1, 31)) == dt.date(2024, 2, 29)
    assert MONTHLY.after(dt.date(2025, 12, 10)) == dt.date(2026, 1, 10)
    assert QUARTERLY.after(dt.date(2025, 11, 30)) == dt.date(2026, 2, 28)
    assert Rhythm(days=45).after(dt.date(2025, 1, 1)) == dt.date(2025, 2, 15)
    assert Rhythm(months=1, days=2).after(dt.date(2025, 1, 31)) == dt.date(2025, 3, 2)
    assert PRESETS == {"weekly": WEEKLY, "monthly": MONTHLY, "quarterly": QUARTERLY}


def test_a_rhythm_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        Rhythm()
    with pytest.raises(ValueError, match="positive"):
        Rhythm(days=-7, months=1)


def test_any_touch_resets_the_next_date() -> None:
    before = KeepInTouch(person=1, last_touch=dt.date(2025, 5, 1), own=MONTHLY)
    assert before.next_due(TODAY) == (dt.date(2025, 6, 1), MONTHLY)
    after = KeepInTouch(person=1, last_touch=dt.date(2025, 6, 14), own=MONTHLY)
    assert after.next_due(TODAY) == (dt.date(2025, 7, 14), MONTHLY)


def test_the_persons_own_rhythm_wins_over_tie_kinds() -> None:
    person = KeepInTouch(person=1, last_touch=dt.date(2025, 6, 1), own=QUARTERLY, kinds=(WEEKLY,))
    assert person.next_due(TODAY) == (dt.date(2025, 9, 1), QUARTERLY)


def test_among_tie_kinds_the_one_due_first_applies() -> None:
    person = KeepInTouch(
        person=1, last_touch=dt.date(2025, 1, 31), kinds=(Rhythm(days=30), MONTHLY)
    )
    assert person.next_due(TODAY) == (dt.date(2025, 2, 28), MONTHLY)


def test_without_a_touch_the_clock_starts_when_the_rhythm_was_set() -> None:
    started = KeepInTouch(person=1, own=WEEKLY, started_on=dt.date(2025, 6, 10))
    assert started.next_due(TODAY) == (dt.date(2025, 6, 17), WEEKLY)
    never = KeepInTouch(person=1, kinds=(MONTHLY, WEEKLY))
    assert never.next_due(TODAY) == (TODAY, WEEKLY)
    assert KeepInTouch(person=1, last_touch=dt.date(2025, 1, 1)).next_due(TODAY) is None


def test_due_groups_list_overdue_today_and_upcoming() -> None:
    people = [
        KeepInTouch(person=5, last_touch=dt.date(2025, 6, 1), own=WEEKLY),  # due 8 June
        KeepInTouch(person=3, last_touch=dt.date(2025, 5, 1), own=MONTHLY),  # due 1 June
        KeepInTouch(person=4, last_touch=dt.date(2025, 6, 8), own=WEEKLY),  # due today
        KeepInTouch(person=2, last_touch=dt.date(2025, 6, 8), own=WEEKLY),  # due today
        KeepInTouch(person=6, last_touch=dt.date(2025, 6, 14), own=WEEKLY),  # due 21 June
        KeepInTouch(person=7, last_touch=dt.date(2025, 6, 15), own=WEEKLY),  # due 22 June
        KeepInTouch(person=8, last_touch=dt.date(2025, 6, 15), own=MONTHLY),  # due 15 July
        KeepInTouch(person=9, last_touch=dt.date(2025, 1, 1)),  # no rhythm
    ]
    groups = due_groups(people, today=TODAY)
    assert [(due.person, due.due, due.days_overdue) for due in groups.overdue] == [
        (3, dt.date(2025, 6, 1), 14),
        (5, dt.date(2025, 6, 8), 7),
    ]
    assert [due.person for due in groups.today] == [2, 4]
    assert [(due.person, due.days_overdue) for due in groups.upcoming] == [(6, -6), (7, -7)]
    assert groups.today[0] == Due(
        person=2, due=TODAY, rhythm=WEEKLY, last_touch=dt.date(2025, 6, 8), days_overdue=0
    )
    assert len(groups) == 6
    assert bool(groups) is True
    assert [due.person for due in due_groups(people, today=TODAY, horizon_days=0).upcoming] == []


def test_nobody_due_is_an_empty_digest() -> None:
    groups = due_groups([KeepInTouch(person=1, last_touch=TODAY, own=MONTHLY)], today=TODAY)
    assert groups == DueGroups(overdue=(), today=(), upcoming=())
    assert bool(groups) is False


def test_last_touch_is_the_latest_of_any_kind() -> None:
    meeting = dt.datetime(2025, 6, 3, 18, 30)
    note = dt.date(2025, 6, 1)
    assert last_touch(note, meeting, None) == dt.date(2025, 6, 3)
    assert last_touch(None, None) is None
    assert last_touch() is None
