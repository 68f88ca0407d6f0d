"""Row helpers for long lists (kesher/core/templatetags/core_tags.py)."""

from __future__ import annotations

import uuid

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from kesher.network.models import Interaction

PERSON = uuid.UUID("6f1c2a4e-2b1d-4c9e-9a57-0d7e3f8b1c22")
ROW = uuid.UUID("0b8e4c1a-9d3f-4e2b-8c6a-5f1d2e3a4b5c")


def render(source: str, **context: object) -> str:
    return Template("{% load core_tags %}" + source).render(Context(context))


def test_row_url_is_the_url_reverse_gives():
    one_argument = render(
        "{% row_url_pattern 'people:detail' as url %}{{ url|row_url:row }}", row=ROW
    )
    two_arguments = render(
        "{% row_url_pattern 'network:interaction_edit' person as url %}{{ url|row_url:row }}",
        person=PERSON,
        row=ROW,
    )

    assert one_argument == reverse("people:detail", args=[ROW])
    assert two_arguments == reverse("network:interaction_edit", args=[PERSON, ROW])


def test_row_url_refuses_what_is_not_an_id():
    with pytest.raises(ValueError):
        render("{% row_url_pattern 'people:detail' as url %}{{ url|row_url:row }}", row="../x")


@pytest.mark.parametrize("language", ["en", "he"])
def test_choice_label_is_the_display_value_in_the_active_language(language):
    interaction = Interaction(channel=Interaction.Channel.CALL, exchange_kind="")

    with translation.override(language):
        labels = render(
            '{{ interaction|choice_label:"channel" }}|'
            '{{ interaction|choice_label:"exchange_kind" }}',
            interaction=interaction,
        )
        expected = f"{interaction.get_channel_display()}|{interaction.get_exchange_kind_display()}"

    assert labels == expected
