"""Forms of the introduction pages: they parse what was typed; the services decide the rest."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesher.introductions.models import (
    Introduction,
    IntroductionOutcome,
    IntroductionStatus,
    ReturnKind,
    WorkspaceConcept,
)
from kesher.people.forms import PersonChoiceField, PickerForm, date_input, textarea
from kesher.workspaces.models import Workspace

REASON_LIMIT = 500
MESSAGE_LIMIT = 5000
NOTE_LIMIT = 2000
MAX_VALUE = Decimal("9999999999.99")
CURRENCY = re.compile(r"^[A-Z]{3}$")
SIDES = (("a", "a"), ("b", "b"))


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Why not? (optional)"),
        required=False,
        max_length=REASON_LIMIT,
        help_text=_("It helps Kesher suggest better next time."),
    )


class SnoozeForm(forms.Form):
    until = forms.DateField(label=_("Snooze until"), required=False, widget=date_input())

    def clean_until(self) -> dt.date | None:
        until: dt.date | None = self.cleaned_data["until"]
        if until is not None and until <= timezone.localdate():
            raise ValidationError(_("Choose a day after today, or leave it empty for a week."))
        return until


class IntroductionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *IntroductionStatus.choices],
    )


class MessagesForm(forms.Form):
    message_a = forms.CharField(
        label=_("Message to the first person"),
        required=False,
        strip=False,
        widget=textarea(12, limit=MESSAGE_LIMIT),
    )
    message_b = forms.CharField(
        label=_("Message to the second person"),
        required=False,
        strip=False,
        widget=textarea(12, limit=MESSAGE_LIMIT),
    )


class ProposeForm(forms.Form):
    send_email = forms.BooleanField(label=_("Send both messages by email now"), required=False)


class TransitionForm(forms.Form):
    """A move of the workflow. `to` is not limited to the allowed states here: the service
    checks it and says which moves are allowed instead."""

    to = forms.ChoiceField(choices=IntroductionStatus.choices)
    side = forms.ChoiceField(choices=SIDES, required=False)


CURRENCY_ERROR = _("Use a three-letter currency code, such as ILS, USD or EUR.")


def _currency(value: str) -> str:
    value = value.strip().upper()
    if value and not CURRENCY.match(value):
        raise ValidationError(CURRENCY_ERROR, code="currency")
    return value


class _MoneyMixin(forms.Form):
    value = forms.DecimalField(
        label=_("Value"),
        required=False,
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
        widget=forms.NumberInput(attrs={"min": "0", "step": "0.01", "inputmode": "decimal"}),
        error_messages={
            "invalid": _("Type the value as a number, such as 25000 or 1499.90."),
            "max_digits": _("That value is too large: at most 10 digits before the point."),
            "max_decimal_places": _("Use at most two digits after the point."),
            "min_value": _("The value cannot be negative."),
        },
    )
    currency = forms.CharField(
        label=_("Currency"),
        required=False,
        max_length=3,
        widget=forms.TextInput(attrs={"size": 4, "dir": "ltr", "autocapitalize": "characters"}),
        error_messages={"max_length": CURRENCY_ERROR},
    )

    def clean_currency(self) -> str:
        return _currency(self.cleaned_data["currency"])


class OutcomeForm(_MoneyMixin):
    outcome = forms.ChoiceField(
        label=_("What came of it?"),
        choices=[c for c in IntroductionOutcome.choices if c[0]],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a deal between them, or nothing.")},
    )
    note = forms.CharField(label=_("Note"), required=False, widget=textarea(2, limit=NOTE_LIMIT))

    field_order = ["outcome", "value", "currency", "note"]

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("currency", workspace.currency)
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == IntroductionOutcome.NOTHING and data.get("value") is not None:
            self.add_error("value", _("Nothing came of it, so leave the value empty."))
        return data


class ReturnForm(_MoneyMixin, PickerForm):
    kind = forms.ChoiceField(label=_("What came back"), choices=ReturnKind.choices)
    from_side = forms.ChoiceField(label=_("From"), choices=SIDES, widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("Description"),
        widget=textarea(2, limit=NOTE_LIMIT),
        error_messages={"required": _("Say in a few words what came back.")},
    )
    occurred_on = forms.DateField(label=_("When"), widget=date_input())

    field_order = [
        "kind",
        "from_side",
        "description",
        "referred_person",
        "value",
        "currency",
        "occurred_on",
    ]

    def __init__(
        self, *args: Any, workspace: Workspace, introduction: Introduction, **kwargs: Any
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("currency", workspace.currency)
        initial.setdefault("occurred_on", timezone.localdate())
        initial.setdefault("kind", ReturnKind.DEAL)
        super().__init__(*args, **kwargs)
        self.fields["referred_person"] = PersonChoiceField(
            workspace=workspace,
            label=_("Who they referred (for a referral)"),
        )
        self.order_fields(self.field_order)
        side_field = self.fields["from_side"]
        assert isinstance(side_field, forms.ChoiceField)
        side_field.choices = [
            ("a", introduction.person_a.name),
            ("b", introduction.person_b.name),
        ]
        self.introduction = introduction

    @property
    def from_person(self) -> Any:
        intro = self.introduction
        return intro.person_a if self.cleaned_data["from_side"] == "a" else intro.person_b


def split_lines(value: str) -> list[str]:
    """One term per line (commas also separate), blanks and repeats left out."""
    parts = (part.strip() for line in value.splitlines() for part in line.split(","))
    return list(dict.fromkeys(part for part in parts if part))


class ConceptForm(forms.Form):
    key = forms.SlugField(
        label=_("Key"),
        max_length=80,
        help_text=_("A short id in Latin letters, such as “solar_panels”."),
        error_messages={
            "invalid": _("Use Latin letters, digits, hyphens and underscores only."),
        },
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    label_he = forms.CharField(label=_("Hebrew name"), required=False, max_length=120)
    label_en = forms.CharField(label=_("English name"), required=False, max_length=120)
    terms_he = forms.CharField(
        label=_("Hebrew terms"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "rtl", "lang": "he"}),
        help_text=_("One per line: the words people write for it."),
    )
    terms_en = forms.CharField(
        label=_("English terms"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "ltr", "lang": "en"}),
        help_text=_("One per line: the words people write for it."),
    )
    related = forms.CharField(
        label=_("Related concepts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "ltr"}),
        help_text=_("Keys of close concepts, built-in or yours, one per line (such as “car”)."),
    )

    @classmethod
    def for_concept(cls, concept: WorkspaceConcept, data: Any = None) -> ConceptForm:
        return cls(
            data,
            initial={
                "key": concept.key,
                "label_he": concept.label_he,
                "label_en": concept.label_en,
                "terms_he": "\n".join(concept.terms_he),
                "terms_en": "\n".join(concept.terms_en),
                "related": "\n".join(concept.related),
                "broader": concept.broader,
            },
        )

    broader = forms.CharField(
        label=_("Broader concept"),
        required=False,
        max_length=80,
        help_text=_("Optional: the key of a wider concept it is a kind of (such as “car”)."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )

    def service_kwargs(self) -> dict[str, Any]:
        """Terms and related keys as lists; the service checks them against the vocabulary."""
        data = self.cleaned_data
        return {
            "key": data["key"],
            "label_he": data["label_he"],
            "label_en": data["label_en"],
            "terms_he": split_lines(data["terms_he"]),
            "terms_en": split_lines(data["terms_en"]),
            "related": split_lines(data["related"]),
            "broader": data["broader"],
        }


class LookupForm(forms.Form):
    q = forms.CharField(label=_("Word or phrase"), max_length=200, required=False)
