"""Forms for rhythms, referrals and the workspace's relationship settings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kesher.accounts.models import User
from kesher.core.money import CURRENCIES
from kesher.network.models import TieKind
from kesher.people.forms import PersonChoiceField, PickerForm, date_input, textarea
from kesher.relationships.models import Referral, ReferralOutcome, RhythmEvery
from kesher.relationships.services import (
    MAX_HALF_LIFE_DAYS,
    MAX_REFERRAL_TARGET,
    MAX_RHYTHM_DAYS,
)
from kesher.workspaces.models import Workspace


def _in_range(value: int | None, *, limit: int, message: str | Promise) -> int | None:
    """The services' own message (which says the range) rather than Django's generic one."""
    if value is not None and not 1 <= value <= limit:
        raise forms.ValidationError(str(message) % {"max": limit})
    return value


class RhythmForm(forms.Form):
    every = forms.ChoiceField(label=_("Keep in touch"), choices=RhythmEvery.choices)
    days = forms.IntegerField(
        label=_("Every how many days"),
        required=False,
        # The browser's own hints; the range is checked in clean_days.
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_RHYTHM_DAYS}),
        help_text=_("Only for a custom rhythm."),
    )

    def clean_days(self) -> int | None:
        return _in_range(
            self.cleaned_data.get("days"),
            limit=MAX_RHYTHM_DAYS,
            message=_("Give a number of days from 1 to %(max)d."),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("every") == RhythmEvery.CUSTOM and not data.get("days") and not self.errors:
            self.add_error("days", _("Give a number of days for a custom rhythm."))
        return data


class TieKindChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        kind: TieKind = obj
        return kind.label


class KindRhythmForm(RhythmForm):
    tie_kind = TieKindChoiceField(
        label=_("Everyone I have this kind of tie with"),
        queryset=TieKind.objects.none(),
        # A kind must be chosen (the select is required): the empty first option asks for one.
        empty_label=_("Choose a kind of tie…"),
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["tie_kind"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = TieKind.objects.filter(workspace=workspace).order_by("name", "id")
        self.order_fields(["tie_kind", "every", "days"])


class SettingsForm(forms.Form):
    half_life_days = forms.IntegerField(
        label=_("Strength half-life (days)"),
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_HALF_LIFE_DAYS}),
        help_text=_("After this many days without contact, a contact counts half as much."),
    )
    referral_target = forms.IntegerField(
        label=_("Referral target per loyal customer"),
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_REFERRAL_TARGET}),
        help_text=_("Quality connections a loyal long-term customer brings (default 6)."),
    )

    def clean_half_life_days(self) -> int | None:
        return _in_range(
            self.cleaned_data.get("half_life_days"),
            limit=MAX_HALF_LIFE_DAYS,
            message=_("The half-life is a number of days from 1 to %(max)d."),
        )

    def clean_referral_target(self) -> int | None:
        return _in_range(
            self.cleaned_data.get("referral_target"),
            limit=MAX_REFERRAL_TARGET,
            message=_("The target is a number of referrals from 1 to %(max)d."),
        )


class MemberChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        user: User = obj
        return user.display_name or user.email


class ReferralForm(PickerForm):
    to_member = MemberChoiceField(
        label=_("To whom in the team"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— the whole team —"),
    )
    for_what = forms.CharField(label=_("For what"), required=False, max_length=200)
    date = forms.DateField(label=_("Date"), widget=date_input())
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReferralOutcome.choices)
    value = forms.DecimalField(
        label=_("Value of business"),
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        initial=Decimal(0),
        error_messages={"min_value": _("The value cannot be negative: give 0 if none.")},
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=[(c, c) for c in CURRENCIES])
    note = forms.CharField(label=_("Note"), required=False, widget=textarea(2))

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referrer"] = PersonChoiceField(
            workspace=workspace, label=_("Who referred"), required=True
        )
        self.fields["referred"] = PersonChoiceField(
            workspace=workspace, label=_("Whom they referred"), required=True
        )
        self.order_fields(["referrer", "referred"])
        member = self.fields["to_member"]
        assert isinstance(member, forms.ModelChoiceField)
        member.queryset = User.objects.filter(memberships__workspace=workspace).order_by("email")
        self.fields["currency"].initial = workspace.currency
        self.fields["date"].initial = timezone.localdate()

    @classmethod
    def for_referral(
        cls, referral: Referral, *, workspace: Workspace, data: Any = None
    ) -> ReferralForm:
        return cls(
            data,
            workspace=workspace,
            initial={
                "referrer": referral.referrer,
                "referred": referral.referred,
                "to_member": referral.to_member,
                "for_what": referral.for_what,
                "date": referral.date,
                "outcome": referral.outcome,
                "value": referral.value,
                "currency": referral.currency,
                "note": referral.note,
            },
        )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "referrer": data["referrer"],
            "referred": data["referred"],
            "to_member": data["to_member"],
            "for_what": data["for_what"],
            "date": data["date"],
            "outcome": data["outcome"],
            "value": data["value"],
            "currency": data["currency"],
            "note": data["note"],
        }
