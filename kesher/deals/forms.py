"""Forms of the deal pages: they parse what was typed; the services decide the rest (a missing
next step, a missing value case, a review without its lesson are the services' refusals, shown
on these forms with `kesher.core.forms.add_service_errors`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kesher.core.exceptions import NotFoundError
from kesher.deals.models import (
    DealStatus,
    Disposition,
    LossCategory,
    Pipeline,
    PipelineKind,
    Product,
    PromiseKind,
    Stage,
    StageRole,
)
from kesher.introductions.forms import CURRENCY_ERROR, _currency
from kesher.people import selectors as people_selectors
from kesher.people.forms import PersonChoiceField, PickerForm, date_input, textarea
from kesher.people.models import Organization
from kesher.workspaces.models import Workspace

TEXT_LIMIT = 5000
NEXT_ACTION_LIMIT = 300
MAX_AMOUNT = Decimal("999999999999.99")
YES_NO_UNKNOWN = [("", _("Not known yet")), ("true", _("Yes")), ("false", _("No"))]


def _yes_no(label: Any) -> forms.TypedChoiceField:
    """A question answered yes, no or not yet (a nullable boolean), as three radio buttons."""
    return forms.TypedChoiceField(
        label=label,
        required=False,
        choices=YES_NO_UNKNOWN,
        coerce=lambda value: value == "true",
        empty_value=None,
        widget=forms.RadioSelect,
    )


def _initial_yes_no(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def next_step_input() -> forms.Textarea:
    """The next step: a small text area that grows with its text (CSS field-sizing), so a long
    step shows whole, written in whichever direction its text runs."""
    return forms.Textarea(
        attrs={"rows": 2, "maxlength": NEXT_ACTION_LIMIT, "dir": "auto", "class": "next-step-text"}
    )


class OrganizationChoiceField(forms.Field):
    """One organisation of the workspace, sent as its public id by the organisation picker
    (deals/_organization_picker.html)."""

    default_error_messages = {
        "not_found": _("That organisation was not found: search again and choose from the list."),
    }

    def __init__(self, *, workspace: Workspace, **kwargs: Any) -> None:
        self.workspace = workspace
        kwargs.setdefault("required", False)
        super().__init__(widget=forms.RadioSelect, **kwargs)

    def to_python(self, value: Any) -> Organization | None:
        if value in self.empty_values:
            return None
        try:
            return people_selectors.organization_get(workspace=self.workspace, public_id=value)
        except NotFoundError as exc:
            raise ValidationError(self.error_messages["not_found"]) from exc


class _AmountMixin(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
        widget=forms.NumberInput(attrs={"min": "0", "step": "0.01", "inputmode": "decimal"}),
        error_messages={
            "required": _("Type the amount, or 0 while it is not known."),
            "invalid": _("Type the amount as a number, such as 25000 or 1499.90."),
            "max_digits": _("That amount is too large: at most 12 digits before the point."),
            "max_decimal_places": _("Use at most two digits after the point."),
            "min_value": _("The amount cannot be negative."),
        },
    )
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        widget=forms.TextInput(attrs={"size": 4, "dir": "ltr", "autocapitalize": "characters"}),
        error_messages={"max_length": CURRENCY_ERROR, "required": CURRENCY_ERROR},
    )

    def clean_currency(self) -> str:
        return _currency(self.cleaned_data["currency"])


class DealForm(_AmountMixin, PickerForm):
    """A deal's own fields, for creating and editing it. The pipeline is chosen on creation
    only: a deal moves between the stages of its pipeline."""

    pipeline = forms.ModelChoiceField(
        label=_("Pipeline"),
        queryset=Pipeline.objects.none(),
        to_field_name="public_id",
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the workspace's pipelines.")},
    )
    title = forms.CharField(
        label=pgettext_lazy("deal", "Title"),
        max_length=200,
        error_messages={"required": _("Give the deal a title, such as “Computers and printers”.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "auto"}),
    )
    expected_close = forms.DateField(label=_("Expected close"), required=False, widget=date_input())
    next_action = forms.CharField(
        label=_("Next step"),
        required=False,
        max_length=NEXT_ACTION_LIMIT,
        help_text=_("No open deal without a next step: what will you do, and when?"),
        widget=next_step_input(),
    )
    next_action_on = forms.DateField(label=_("Next step on"), required=False, widget=date_input())
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("— none —"),
    )
    disposition = forms.ChoiceField(
        label=_("The customer's disposition"),
        choices=Disposition.choices,
        help_text=_("Kesher shows a playbook for each kind of customer."),
    )

    field_order = [
        "pipeline",
        "title",
        "person",
        "organization",
        "amount",
        "currency",
        "product",
        "expected_close",
        "next_action",
        "next_action_on",
        "disposition",
    ]

    def __init__(
        self,
        *args: Any,
        workspace: Workspace,
        pipelines: Any,
        products: Any,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("currency", workspace.currency)
        initial.setdefault("amount", Decimal(0))
        initial.setdefault("disposition", Disposition.OPEN)
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonChoiceField(workspace=workspace, label=_("Person"))
        self.fields["organization"] = OrganizationChoiceField(
            workspace=workspace, label=_("Organisation")
        )
        pipeline_field = self.fields["pipeline"]
        assert isinstance(pipeline_field, forms.ModelChoiceField)
        pipeline_field.queryset = pipelines
        product_field = self.fields["product"]
        assert isinstance(product_field, forms.ModelChoiceField)
        product_field.queryset = products
        if editing:
            del self.fields["pipeline"]
        self.order_fields(self.field_order)

    @property
    def picked_organization(self) -> list[Organization]:
        field = self.fields["organization"]
        assert isinstance(field, OrganizationChoiceField)
        if self.is_bound:
            try:
                value = field.to_python(self["organization"].data)
            except ValidationError:
                value = None
        else:
            value = self.initial.get("organization")
        return [value] if value is not None else []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            "person" in data
            and "organization" in data
            and data["person"] is None
            and data["organization"] is None
        ):
            self.add_error(
                "person", _("Choose who the deal is with: a person, an organisation or both.")
            )
        return data


class NextActionForm(forms.Form):
    next_action = forms.CharField(
        label=_("Next step"),
        required=False,
        max_length=NEXT_ACTION_LIMIT,
        widget=next_step_input(),
    )
    next_action_on = forms.DateField(label=_("On"), required=False, widget=date_input())


class AdviceQueryForm(_AmountMixin):
    """What the deal form sends while the amount is typed, for the start-small advice: the
    amount, its currency, the customer chosen so far, and the deal being edited, if any."""

    person = forms.UUIDField(required=False)
    organization = forms.UUIDField(required=False)
    deal = forms.UUIDField(required=False)


class MoveForm(forms.Form):
    """The stage to move to, by public id; the view finds it among the deal's stages."""

    stage = forms.UUIDField(error_messages={"required": _("Choose a stage to move the deal to.")})


class ValueCaseForm(forms.Form):
    value_value = forms.CharField(
        label=_("What value do we bring?"), required=False, widget=textarea(3, limit=TEXT_LIMIT)
    )
    value_why_us = forms.CharField(
        label=_("Why should they choose us?"),
        required=False,
        widget=textarea(3, limit=TEXT_LIMIT),
    )
    value_why_now = forms.CharField(
        label=_("Why now?"), required=False, widget=textarea(3, limit=TEXT_LIMIT)
    )
    value_alternative = forms.CharField(
        label=_("What is the alternative (a competitor, or doing nothing)?"),
        required=False,
        widget=textarea(3, limit=TEXT_LIMIT),
    )


class FitForm(forms.Form):
    fit_need_real = _yes_no(_("The need is real"))
    fit_can_deliver = _yes_no(_("We can deliver it well"))
    fit_decision_maker = _yes_no(_("We are talking with the person who decides"))
    fit_budget = _yes_no(_("There is a budget"))

    @classmethod
    def initial_for(cls, deal: Any) -> dict[str, str]:
        return {name: _initial_yes_no(getattr(deal, name)) for name in cls.base_fields}


class CloseLostForm(forms.Form):
    loss_category = forms.ChoiceField(
        label=_("Where did the loss come from?"),
        choices=[c for c in LossCategory.choices if c[0]],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose where the loss came from.")},
    )
    loss_reason = forms.CharField(
        label=_("Why was it lost?"),
        widget=textarea(2, limit=TEXT_LIMIT),
        error_messages={"required": _("Say in a few words why the deal was lost.")},
    )
    loss_lesson = forms.CharField(
        label=_("What will I do differently?"),
        widget=textarea(2, limit=TEXT_LIMIT),
        help_text=_("Whatever the reason, the next deal depends on what you change."),
        error_messages={"required": _("Write what you will do differently next time.")},
    )


class WalkAwayForm(PickerForm):
    reason = forms.CharField(
        label=_("Why is this not a fit?"),
        widget=textarea(2, limit=TEXT_LIMIT),
        error_messages={"required": _("Say why you are walking away: it is an outcome too.")},
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referred_to"] = PersonChoiceField(
            workspace=workspace,
            label=_("Referred them to (optional)"),
            help_text=_("Sending them to someone who serves them better is a give."),
        )


class PromiseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PromiseKind.choices)
    text = forms.CharField(
        label=_("What was promised"),
        widget=textarea(2, limit=TEXT_LIMIT),
        error_messages={"required": _("Write what was promised, such as “prints 5,000 pages”.")},
    )
    due_on = forms.DateField(label=_("Due on"), required=False, widget=date_input())


class PromiseCheckForm(forms.Form):
    kept = forms.TypedChoiceField(
        label=_("Was it kept?"),
        choices=[("true", _("Kept")), ("false", _("Broken"))],
        coerce=lambda value: value == "true",
        error_messages={"required": _("Choose kept or broken.")},
    )
    note = forms.CharField(label=_("Note"), required=False, widget=textarea(2, limit=TEXT_LIMIT))


def _yes_no_required(label: Any, required_message: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("true", _("Yes")), ("false", _("No"))],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
    )


class PostSaleCheckForm(forms.Form):
    understood = _yes_no_required(
        _("The customer understands what they got and its value"),
        _("Answer yes or no: does the customer understand what they got?"),
    )
    working = _yes_no_required(
        _("It is working"), _("Answer yes or no: is it working as promised?")
    )
    note = forms.CharField(label=_("Note"), required=False, widget=textarea(2, limit=TEXT_LIMIT))


SCORES = [(str(score), str(score)) for score in range(11)]


class SatisfactionForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How likely are you to recommend us to a friend or colleague?"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a score from 0 to 10."),
            "invalid_choice": _("Choose a score from 0 to 10."),
        },
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us?"),
        required=False,
        widget=textarea(4, limit=TEXT_LIMIT),
    )


class StageChoiceField(forms.ModelChoiceField[Stage]):
    def label_from_instance(self, obj: Stage) -> str:
        return f"{obj.pipeline.name} · {obj.name}"


class DealFilterForm(forms.Form):
    pipeline = forms.ModelChoiceField(
        label=_("Pipeline"),
        queryset=Pipeline.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("All"),
    )
    stage = StageChoiceField(
        label=_("Stage"),
        queryset=Stage.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("All"),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *DealStatus.choices]
    )
    owner = forms.TypedChoiceField(
        label=pgettext_lazy("deal", "Owner"), required=False, coerce=int, empty_value=None
    )
    overdue = forms.BooleanField(label=_("Next step overdue"), required=False)
    no_next_step = forms.BooleanField(label=_("No next step"), required=False)

    def __init__(
        self, *args: Any, pipelines: Any, stages: Any, owners: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        pipeline_field = self.fields["pipeline"]
        assert isinstance(pipeline_field, forms.ModelChoiceField)
        pipeline_field.queryset = pipelines
        stage_field = self.fields["stage"]
        assert isinstance(stage_field, forms.ModelChoiceField)
        stage_field.queryset = stages
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.TypedChoiceField)
        owner_field.choices = [("", _("Anyone")), *owners]


class PipelineForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        error_messages={"required": _("Give the pipeline a name.")},
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=PipelineKind.choices)
    is_default = forms.BooleanField(label=_("The default pipeline of its kind"), required=False)
    value_case_stage = forms.ModelChoiceField(
        label=_("Value case required from"),
        queryset=Stage.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("— never —"),
        help_text=_("Moving a deal to this stage or a later one needs the four answers."),
    )
    post_sale_days = forms.CharField(
        label=_("Post-sale checks, days after closing"),
        max_length=60,
        help_text=_("Separated by commas, such as 7,30,90."),
    )
    first_deal_factor = forms.DecimalField(
        label=_("A first deal is oversized above this many times the usual first deal"),
        max_digits=4,
        decimal_places=2,
        min_value=Decimal("1.01"),
    )
    first_deal_threshold = forms.DecimalField(
        label=_("…or, until there are five first deals, above this amount"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )

    def __init__(self, *args: Any, pipeline: Pipeline | None = None, **kwargs: Any) -> None:
        if pipeline is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": pipeline.name,
                "kind": pipeline.kind,
                "is_default": pipeline.is_default,
                "value_case_stage": (
                    pipeline.value_case_stage.public_id if pipeline.value_case_stage else None
                ),
                "post_sale_days": pipeline.post_sale_days,
                "first_deal_factor": pipeline.first_deal_factor,
                "first_deal_threshold": pipeline.first_deal_threshold,
            }
        kwargs.setdefault("initial", {}).setdefault("post_sale_days", "7,30,90")
        kwargs["initial"].setdefault("first_deal_factor", Decimal(2))
        super().__init__(*args, **kwargs)
        stage_field = self.fields["value_case_stage"]
        assert isinstance(stage_field, forms.ModelChoiceField)
        if pipeline is None:
            for name in ("value_case_stage", "post_sale_days", "first_deal_factor"):
                del self.fields[name]
            del self.fields["first_deal_threshold"]
        else:
            stage_field.queryset = pipeline.stages.all()
            del self.fields["kind"]


class StageForm(forms.Form):
    name = forms.CharField(
        label=_("Stage name"),
        max_length=80,
        error_messages={"required": _("Give the stage a name.")},
    )
    role = forms.ChoiceField(label=_("Role"), choices=StageRole.choices, required=False)


class StageMoveForm(forms.Form):
    position = forms.IntegerField(label=_("Position"), min_value=0)
