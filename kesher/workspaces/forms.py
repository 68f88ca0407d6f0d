"""Forms for workspaces: creating one, its settings, invitations and tie kinds. The services
validate and write; their errors are put back on these forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kesher.workspaces.models import Role, Workspace
from kesher.workspaces.services import CURRENCIES

# The zones most users pick; a workspace set to another zone (through the API) keeps it.
COMMON_TIME_ZONES = (
    "Asia/Jerusalem",
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Athens",
    "Europe/Kyiv",
    "Europe/Moscow",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Africa/Johannesburg",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
)

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
        zones = list(COMMON_TIME_ZONES)
        if workspace.time_zone not in zones:
            zones.insert(0, workspace.time_zone)
        time_zone = self.fields["time_zone"]
        assert isinstance(time_zone, forms.ChoiceField)
        time_zone.choices = [(zone, zone.replace("_", " ")) for zone in zones]


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
