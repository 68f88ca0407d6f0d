"""Forms for workspaces: creating one, its settings, invitations and tie kinds. The services
validate and write; their errors are put back on these forms."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kesher.core.money import CURRENCIES
from kesher.workspaces.models import Role, Workspace

# The zones most users pick, named by their best-known place; a workspace set to another zone
# (through the API) keeps it, named by the last part of the zone's name.
TIME_ZONE_PLACES: dict[str, Any] = {
    "Asia/Jerusalem": _("Jerusalem"),
    "UTC": _("Coordinated Universal Time"),
    "Europe/London": _("London"),
    "Europe/Paris": _("Paris"),
    "Europe/Berlin": _("Berlin"),
    "Europe/Madrid": _("Madrid"),
    "Europe/Rome": _("Rome"),
    "Europe/Athens": _("Athens"),
    "Europe/Kyiv": _("Kyiv"),
    "Europe/Moscow": _("Moscow"),
    "Asia/Dubai": _("Dubai"),
    "Asia/Kolkata": _("India"),
    "Asia/Singapore": _("Singapore"),
    "Asia/Shanghai": _("China"),
    "Asia/Tokyo": _("Tokyo"),
    "Australia/Sydney": _("Sydney"),
    "Africa/Johannesburg": _("Johannesburg"),
    "America/New_York": _("New York"),
    "America/Chicago": _("Chicago"),
    "America/Denver": _("Denver"),
    "America/Los_Angeles": _("Los Angeles"),
    "America/Toronto": _("Toronto"),
    "America/Mexico_City": _("Mexico City"),
    "America/Sao_Paulo": _("São Paulo"),
    "America/Argentina/Buenos_Aires": _("Buenos Aires"),
}


def _utc_offset(zone: str, now: dt.datetime) -> dt.timedelta:
    return now.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset() or dt.timedelta(0)


def time_zone_label(zone: str, *, now: dt.datetime) -> str:
    """The place in the reader's language and the zone's offset from UTC at `now` (summer time
    included), such as "Jerusalem (UTC+02:00)": easier to find than "Asia/Jerusalem"."""
    minutes = int(_utc_offset(zone, now).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    place = TIME_ZONE_PLACES.get(zone) or zone.rsplit("/", 1)[-1].replace("_", " ")
    # The offset keeps its left-to-right order inside a Hebrew label (U+2066 … U+2069).
    offset = f"\u2066UTC{sign}{hours:02d}:{minutes:02d}\u2069"
    return gettext("%(place)s (%(offset)s)") % {"place": place, "offset": offset}


def time_zone_choices(*, current: str, now: dt.datetime) -> list[tuple[str, str]]:
    """The common zones (and `current`, when it is another), west to east."""
    zones = list(TIME_ZONE_PLACES)
    if current not in zones:
        zones.insert(0, current)
    labelled = [(zone, time_zone_label(zone, now=now)) for zone in zones]
    return sorted(labelled, key=lambda item: (_utc_offset(item[0], now), item[1]))


CURRENCY_LABELS = {
    "ILS": _("Israeli shekel (₪)"),
    "USD": _("US dollar ($)"),
    "EUR": _("Euro (€)"),
    "GBP": _("Pound sterling (£)"),
}


def name_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=settings.KESHER_MAX_NAME_LENGTH,
        error_messages={"required": _("A name is required: type at least one letter.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class WorkspaceCreateForm(forms.Form):
    name = name_field(_("Workspace name"))
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        help_text=_("The language new people in this workspace are assumed to speak."),
    )


class WorkspaceSettingsForm(forms.Form):
    name = name_field(_("Workspace name"))
    time_zone = forms.ChoiceField(label=_("Time zone"))
    currency = forms.ChoiceField(
        label=_("Currency"), choices=[(code, CURRENCY_LABELS[code]) for code in CURRENCIES]
    )
    week_start = forms.TypedChoiceField(
        label=_("Weeks start on"), choices=Workspace.WeekStart.choices, coerce=int
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "name": workspace.name,
                "time_zone": workspace.time_zone,
                "currency": workspace.currency,
                "week_start": workspace.week_start,
                "language": workspace.language,
            },
        )
        super().__init__(*args, **kwargs)
        time_zone = self.fields["time_zone"]
        assert isinstance(time_zone, forms.ChoiceField)
        time_zone.choices = time_zone_choices(current=workspace.time_zone, now=timezone.now())


class InvitationForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Their role"),
        choices=Role.choices,
        initial=Role.MEMBER,
        help_text=_(
            "Owners manage the workspace and its members; coaches and members work with "
            "its network."
        ),
    )


class TieKindForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        error_messages={"required": _("A name is required: type at least one letter.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
