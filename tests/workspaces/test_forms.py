"""The settings form's time zones: named by place with their offset from UTC, west to east."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from kesher.workspaces.forms import time_zone_choices, time_zone_label

WINTER = dt.datetime(2025, 1, 15, 12, 0, tzinfo=dt.UTC)
SUMMER = dt.datetime(2025, 7, 15, 12, 0, tzinfo=dt.UTC)


def isolated(offset: str) -> str:
    """The offset as the label carries it: kept left to right inside a Hebrew label."""
    return f"\u2066{offset}\u2069"


def test_a_zone_is_named_by_its_place_and_its_offset_that_day():
    with translation.override("en"):
        assert time_zone_label("Asia/Jerusalem", now=WINTER) == (
            f"Jerusalem ({isolated('UTC+02:00')})"
        )
        assert time_zone_label("Asia/Jerusalem", now=SUMMER) == (
            f"Jerusalem ({isolated('UTC+03:00')})"
        )
        assert time_zone_label("America/New_York", now=WINTER) == (
            f"New York ({isolated('UTC-05:00')})"
        )
        assert time_zone_label("Asia/Kolkata", now=WINTER) == f"India ({isolated('UTC+05:30')})"
        assert time_zone_label("UTC", now=SUMMER) == (
            f"Coordinated Universal Time ({isolated('UTC+00:00')})"
        )


def test_a_zone_outside_the_list_is_named_by_the_end_of_its_name():
    with translation.override("en"):
        assert time_zone_label("America/St_Johns", now=WINTER) == (
            f"St Johns ({isolated('UTC-03:30')})"
        )


def test_the_choices_run_west_to_east_and_keep_the_current_zone():
    with translation.override("en"):
        choices = time_zone_choices(current="Pacific/Auckland", now=WINTER)

    zones = [zone for zone, _label in choices]
    assert zones[:2] == ["America/Los_Angeles", "America/Denver"]
    assert zones[-3:] == ["Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland"]
    assert len(zones) == 26
    assert dict(choices)["Pacific/Auckland"] == f"Auckland ({isolated('UTC+13:00')})"
    assert all("/" not in label for _zone, label in choices)
