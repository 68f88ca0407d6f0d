"""Forms for the people pages. They parse what the browser sends; the services validate and
write, and their errors are put back on the form with `kesher.core.forms.add_service_errors`."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kesher.core.exceptions import NotFoundError
from kesher.engine.phones import display as phone_display
from kesher.people import selectors
from kesher.people.models import Event, Group, Organization, Person, Tag
from kesher.people.services import PersonData
from kesher.workspaces.models import Workspace

# More than anyone would pick by hand; keeps a crafted request from resolving thousands of ids.
MAX_PICKED_PEOPLE = 20

_LIST_SEPARATORS = re.compile(r"[\n\r,;]+")


def split_list(text: str) -> list[str]:
    """Values typed one per line or separated by commas (emails, phones, tags)."""
    return [part.strip() for part in _LIST_SEPARATORS.split(text or "") if part.strip()]


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def textarea(rows: int, *, limit: int | None = None, autofocus: bool = False) -> forms.Textarea:
    attrs: dict[str, Any] = {"rows": rows, "maxlength": limit or settings.KESHER_MAX_TEXT_LENGTH}
    if autofocus:
        attrs["autofocus"] = True
    return forms.Textarea(attrs=attrs)


class PersonChoiceField(forms.Field):
    """One person (or several, with `multiple`) of the workspace, sent as public ids by the
    searchable picker (people/_picker.html). Cleans to a Person or None, or a list of people."""

    default_error_messages = {
        "not_found": _("That person was not found: search again and choose from the list."),
        "too_many": _("Choose at most %(limit)d people."),
    }

    def __init__(self, *, workspace: Workspace, multiple: bool = False, **kwargs: Any) -> None:
        self.workspace = workspace
        self.multiple = multiple
        kwargs.setdefault("required", False)
        widget = forms.CheckboxSelectMultiple if multiple else forms.RadioSelect
        super().__init__(widget=widget, **kwargs)

    def to_python(self, value: Any) -> Person | list[Person] | None:
        raw = value if isinstance(value, list | tuple) else [value]
        ids = [str(v) for v in raw if v not in self.empty_values]
        if len(ids) > MAX_PICKED_PEOPLE:
            raise ValidationError(
                self.error_messages["too_many"], params={"limit": MAX_PICKED_PEOPLE}
            )
        people: list[Person] = []
        for public_id in dict.fromkeys(ids):
            try:
                people.append(selectors.person_get(workspace=self.workspace, public_id=public_id))
            except NotFoundError as exc:
                raise ValidationError(self.error_messages["not_found"]) from exc
        if self.multiple:
            return people
        return people[0] if people else None


class PickerForm(forms.Form):
    """A form with PersonChoiceFields. `form.picked` gives templates the people chosen in each,
    so the picker can show them checked before anything is searched."""

    @property
    def picked(self) -> dict[str, list[Person]]:
        chosen: dict[str, list[Person]] = {}
        for name, field in self.fields.items():
            if not isinstance(field, PersonChoiceField):
                continue
            if self.is_bound:
                # From what was sent, so a choice stays shown when another field is wrong.
                try:
                    value = field.to_python(self[name].data)
                except ValidationError:
                    value = None
            else:
                value = self.initial.get(name, field.initial)
            if value is None:
                chosen[name] = []
            elif isinstance(value, Person):
                chosen[name] = [value]
            else:
                chosen[name] = list(value)
        return chosen


class EventChoiceField(forms.ModelChoiceField[Event]):
    def label_from_instance(self, obj: Event) -> str:
        return f"{obj.name} ({obj.date:%d.%m.%Y})" if obj.date else obj.name


class PersonForm(PickerForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=settings.KESHER_MAX_NAME_LENGTH,
        error_messages={"required": _("A name is required: type at least one letter.")},
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    name_alt = forms.CharField(
        label=_("Name in another script"),
        required=False,
        max_length=settings.KESHER_MAX_NAME_LENGTH,
        help_text=_("For example “Dani Cohen” for “דני כהן”; search finds both."),
    )
    emails = forms.CharField(
        label=_("Emails"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "ltr", "inputmode": "email"}),
        help_text=_("One per line; the first is the main address."),
    )
    phones = forms.CharField(
        label=_("Phones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "ltr", "inputmode": "tel"}),
        help_text=_("One per line, such as 052-345-6789 or +44 20 7946 0958."),
    )
    organization = forms.CharField(
        label=_("Organisation"),
        required=False,
        max_length=settings.KESHER_MAX_NAME_LENGTH,
        widget=forms.TextInput(attrs={"list": "organization-names", "autocomplete": "off"}),
        help_text=_("Type a name: an existing organisation is reused, a new one is added."),
    )
    title = forms.CharField(
        label=_("Title"), required=False, max_length=settings.KESHER_MAX_NAME_LENGTH
    )
    language = forms.ChoiceField(label=_("Preferred language"), choices=Person.Language.choices)
    interests = forms.CharField(
        label=_("Interests and hobbies"),
        required=False,
        max_length=2000,
        help_text=_("Separated by commas, such as: adventure trips, jeeps, basketball."),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups"),
        queryset=Group.objects.none(),
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    met_at = EventChoiceField(
        label=_("Met at"),
        queryset=Event.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("— no event —"),
    )
    met_on = forms.DateField(label=_("Met on"), required=False, widget=date_input())
    consent = forms.ChoiceField(label=_("Consent to be contacted"), choices=Person.Consent.choices)
    notes = forms.CharField(label=_("Notes"), required=False, widget=textarea(5))

    def __init__(
        self,
        *args: Any,
        workspace: Workspace,
        person: Person | None = None,
        **kwargs: Any,
    ) -> None:
        if person is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(person)
        kwargs.setdefault("initial", {}).setdefault("language", workspace.language)
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.person = person
        groups_field = self.fields["groups"]
        assert isinstance(groups_field, forms.ModelMultipleChoiceField)
        groups_field.queryset = selectors.group_list(workspace=workspace)
        met_at_field = self.fields["met_at"]
        assert isinstance(met_at_field, forms.ModelChoiceField)
        met_at_field.queryset = selectors.event_list(workspace=workspace)
        self.fields["referred_by"] = PersonChoiceField(workspace=workspace, label=_("Referred by"))

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        return {
            "name": person.name,
            "name_alt": person.name_alt,
            "emails": "\n".join(e.email for e in person.emails.all()),
            "phones": "\n".join(phone_display(p.e164) for p in person.phones.all()),
            "organization": person.organization.name if person.organization else "",
            "title": person.title,
            "language": person.language,
            "interests": ", ".join(t.name for t in person.interests.all()),
            "groups": [g.public_id for g in person.groups.all()],
            "met_at": person.met_at.public_id if person.met_at else None,
            "met_on": person.met_on,
            "referred_by": person.referred_by,
            "consent": person.consent,
            "notes": person.notes,
        }

    def clean_referred_by(self) -> Person | None:
        referred_by: Person | None = self.cleaned_data.get("referred_by")
        if self.person is not None and referred_by is not None and referred_by == self.person:
            raise ValidationError(
                _(
                    "A person cannot be referred by themselves: choose someone else, or leave it "
                    "empty."
                )
            )
        return referred_by

    def organization_suggestions(self) -> list[str]:
        return [org.name for org in selectors.organization_list(workspace=self.workspace)[:500]]

    def person_data(self) -> PersonData:
        """The person as sent; the organisation is sent by name, for the service to find."""
        data = self.cleaned_data
        met_at: Event | None = data["met_at"]
        referred_by: Person | None = data["referred_by"]
        if self.person is not None:
            source = self.person.source
        elif met_at is not None:
            source = Person.Source.EVENT
        elif referred_by is not None:
            source = Person.Source.REFERRAL
        else:
            source = Person.Source.MANUAL
        return PersonData(
            name=data["name"],
            name_alt=data["name_alt"],
            emails=split_list(data["emails"]),
            phones=split_list(data["phones"]),
            title=data["title"],
            language=data["language"],
            interests=split_list(data["interests"]),
            groups=list(data["groups"]),
            met_at=met_at,
            met_on=data["met_on"],
            referred_by=referred_by,
            source=source,
            consent=data["consent"],
            notes=data["notes"],
        )


class QuickCaptureForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=settings.KESHER_MAX_NAME_LENGTH,
        error_messages={"required": _("A name is required: type at least one letter.")},
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=40,
        widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off", "dir": "ltr"}
        ),
    )
    email = forms.CharField(
        label=_("Email"),
        required=False,
        max_length=254,
        widget=forms.TextInput(
            attrs={"type": "email", "inputmode": "email", "autocomplete": "off", "dir": "ltr"}
        ),
    )
    met_at = EventChoiceField(
        label=_("Where we met"),
        queryset=Event.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("— not at an event —"),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=textarea(3),
        help_text=_("What you talked about; it goes on their timeline."),
    )
    need = forms.CharField(
        label=_("What they are looking for"),
        required=False,
        widget=textarea(2, limit=2000),
        help_text=_("A need, such as “a used jeep”."),
    )
    offer = forms.CharField(
        label=_("What they can give"),
        required=False,
        widget=textarea(2, limit=2000),
        help_text=_("An offer, such as “office furniture at a good price”."),
    )

    # The service speaks of a person's fields; this form has one of each.
    SERVICE_FIELDS = {"phones": "phone", "emails": "email", "notes": "note"}

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        met_at_field = self.fields["met_at"]
        assert isinstance(met_at_field, forms.ModelChoiceField)
        met_at_field.queryset = selectors.event_list(workspace=workspace)


class PersonFilterForm(forms.Form):
    """The people list's filters. Unknown ids are ignored rather than refused: a stale link
    still shows the list."""

    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("Any organisation"),
    )
    group = forms.ModelChoiceField(
        label=_("Group"),
        queryset=Group.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("Any group"),
    )
    tag = forms.ModelChoiceField(
        label=_("Interest"),
        queryset=Tag.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("Any interest"),
    )
    event = EventChoiceField(
        label=_("Met at"),
        queryset=Event.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("Any event"),
    )
    archived = forms.BooleanField(label=_("Archived people"), required=False)

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        querysets: dict[str, Any] = {
            "organization": selectors.organization_list(workspace=workspace),
            "group": selectors.group_list(workspace=workspace),
            "tag": selectors.tag_list(workspace=workspace),
            "event": selectors.event_list(workspace=workspace),
        }
        for name, queryset in querysets.items():
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset
