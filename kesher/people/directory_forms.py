"""Forms for organisations, groups and events. The services validate and write."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from kesher.people.models import Event, Group, Organization

NAME_REQUIRED = {"required": _("A name is required: type at least one letter.")}


def _name() -> forms.CharField:
    return forms.CharField(
        label=_("Name"),
        max_length=settings.KESHER_MAX_NAME_LENGTH,
        error_messages=NAME_REQUIRED,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "auto"}),
    )


def _long_text(label: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=settings.KESHER_MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )


class OrganizationForm(forms.Form):
    name = _name()
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address such as https://example.com.")},
    )
    notes = _long_text(_("Notes"))

    @staticmethod
    def initial_for(organization: Organization) -> dict[str, object]:
        return {
            "name": organization.name,
            "website": organization.website,
            "notes": organization.notes,
        }


class GroupForm(forms.Form):
    name = _name()
    description = _long_text(_("Description"))

    @staticmethod
    def initial_for(group: Group) -> dict[str, object]:
        return {"name": group.name, "description": group.description}


class EventForm(forms.Form):
    name = _name()
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date such as 2025-03-31.")},
    )
    location = forms.CharField(
        label=_("Location"),
        required=False,
        max_length=settings.KESHER_MAX_NAME_LENGTH,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    notes = _long_text(_("Notes"))

    @staticmethod
    def initial_for(event: Event) -> dict[str, object]:
        return {
            "name": event.name,
            "date": event.date,
            "location": event.location,
            "notes": event.notes,
        }
