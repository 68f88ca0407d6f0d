"""Forms for ties, interactions, needs and offers on the person page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesher.network import selectors
from kesher.network.models import Interaction, Need, NeedOfferStatus, Offer, Tie, TieKind
from kesher.people import selectors as people_selectors
from kesher.people.forms import (
    EventChoiceField,
    PersonChoiceField,
    PickerForm,
    date_input,
    split_list,
    textarea,
)
from kesher.people.models import Event, Person
from kesher.workspaces.models import Workspace

NEED_OFFER_TEXT_LIMIT = 2000


class NeedOfferForm(forms.Form):
    text = forms.CharField(
        label=_("Description"),
        widget=textarea(2, limit=NEED_OFFER_TEXT_LIMIT, autofocus=True),
        error_messages={"required": _("Describe it in a few words.")},
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=2000,
        help_text=_("Separated by commas."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=NeedOfferStatus.choices)
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=date_input())

    @classmethod
    def for_item(cls, item: Need | Offer, data: Any = None) -> NeedOfferForm:
        return cls(
            data,
            initial={
                "text": item.text,
                "tags": ", ".join(t.name for t in item.tags.all()),
                "status": item.status,
                "expires_on": item.expires_on,
            },
        )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "text": data["text"],
            "tags": split_list(data["tags"]),
            "status": data["status"],
            "expires_on": data["expires_on"],
        }


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=NeedOfferStatus.choices)


class TieKindChoiceField(forms.ModelChoiceField[TieKind]):
    def label_from_instance(self, obj: TieKind) -> str:
        return obj.label


TRUST_CHOICES = [("", _("— not rated —"))] + [(str(n), "★" * n) for n in range(1, 6)]


class TieForm(PickerForm):
    kind = TieKindChoiceField(
        label=_("Kind of tie"),
        queryset=TieKind.objects.none(),
        to_field_name="public_id",
        empty_label=None,
    )
    since = forms.DateField(label=_("Since"), required=False, widget=date_input())
    trust = forms.TypedChoiceField(
        label=_("Trust"),
        choices=TRUST_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("How much you trust this tie, from 1 (low) to 5 (high)."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=textarea(2))

    def __init__(
        self, *args: Any, workspace: Workspace, tie: Tie | None = None, **kwargs: Any
    ) -> None:
        if tie is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": tie.kind.public_id,
                    "since": tie.since,
                    "trust": tie.trust,
                    "notes": tie.notes,
                },
            )
        super().__init__(*args, **kwargs)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ModelChoiceField)
        kind_field.queryset = selectors.tie_kind_list(workspace=workspace)
        if tie is None:
            self.fields["other"] = PersonChoiceField(
                workspace=workspace,
                label=_("With"),
                required=True,
                error_messages={"required": _("Choose the other person: search by name.")},
            )
            self.order_fields(["other", "kind", "since", "trust", "notes"])


def _exchange_kind_choices() -> list[Any]:
    labels = dict(Interaction.ExchangeKind.choices)
    return [
        ("", _("— not specified —")),
        (_("Give"), [(kind, labels[kind]) for kind in Interaction.GIVE_KINDS]),
        (_("Ask"), [(kind, labels[kind]) for kind in Interaction.ASK_KINDS]),
    ]


class InteractionForm(PickerForm):
    occurred_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Interaction.Channel.choices)
    summary = forms.CharField(label=_("Summary"), required=False, widget=textarea(3))
    initiated_by = forms.ChoiceField(
        label=_("Who initiated it"),
        choices=Interaction.Initiator.choices,
        widget=forms.RadioSelect,
    )
    exchange = forms.ChoiceField(
        label=_("Give or ask"),
        choices=Interaction.Exchange.choices,
        widget=forms.RadioSelect,
        help_text=_("A give helps them expecting nothing back; an ask pitches or requests."),
    )
    exchange_kind = forms.ChoiceField(
        label=_("What kind"), choices=_exchange_kind_choices, required=False
    )
    event = EventChoiceField(
        label=_("At an event"),
        queryset=Event.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("— no event —"),
    )

    def __init__(
        self,
        *args: Any,
        workspace: Workspace,
        person: Person,
        interaction: Interaction | None = None,
        **kwargs: Any,
    ) -> None:
        if interaction is not None:
            initial = {
                "occurred_at": interaction.occurred_at,
                "channel": interaction.channel,
                "summary": interaction.summary,
                "initiated_by": interaction.initiated_by,
                "exchange": interaction.exchange,
                "exchange_kind": interaction.exchange_kind,
                "event": interaction.event.public_id if interaction.event else None,
                "participants": [p for p in interaction.participants.all() if p.pk != person.pk],
            }
        else:
            initial = {
                "occurred_at": timezone.localtime().replace(second=0, microsecond=0),
                "channel": Interaction.Channel.MEETING,
                "initiated_by": Interaction.Initiator.ME,
                "exchange": Interaction.Exchange.NEUTRAL,
            }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.person = person
        event_field = self.fields["event"]
        assert isinstance(event_field, forms.ModelChoiceField)
        event_field.queryset = people_selectors.event_list(workspace=workspace)
        self.fields["participants"] = PersonChoiceField(
            workspace=workspace,
            multiple=True,
            label=_("Also there"),
            help_text=_("Other people who took part, if any."),
        )
        self.order_fields(
            [
                "occurred_at",
                "channel",
                "participants",
                "summary",
                "initiated_by",
                "exchange",
                "exchange_kind",
                "event",
            ]
        )

    def participants(self) -> list[Person]:
        """This person and the others chosen, once each."""
        others = [p for p in self.cleaned_data["participants"] if p.pk != self.person.pk]
        return [self.person, *others]
