"""Double-opt-in drafts: one message per person, in that person's language.

Each message says who the other person is, why the user thinks they should meet, and asks for a
yes before any contact details are passed on. The wording lives in templates, one per language
(introductions/messages/double_opt_in.<language>.txt), because a warm message is written, not
assembled from translated fragments; double_opt_in.txt picks the active language's. Names and
phrases written the other way from the message are wrapped in Unicode isolates
(kesher.engine.bidi).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation

from kesher.engine.bidi import isolate
from kesher.introductions.models import Introduction
from kesher.people.models import Person

# How many shared groups and interests a message mentions at most.
COMMON_LIMIT = 3


@dataclass(frozen=True, slots=True)
class Side:
    """One person of the introduction as their message speaks of them."""

    name: str
    first_name: str
    about: str
    text: str


def _name(person: Person, language: str) -> str:
    """The person's name in the script the reader reads, when both are known ("Avi Rosen" for
    an English reader of "אבי רוזן")."""
    hebrew = any("\u0590" <= char <= "\u05ff" for char in person.name)
    if person.name_alt and hebrew == (language != "he"):
        return person.name_alt
    return person.name


def _first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def _about(person: Person) -> str:
    parts = [person.title, person.organization.name if person.organization else ""]
    return ", ".join(part for part in parts if part)


def _common(first: Person, second: Person) -> list[str]:
    """What the two share, groups first: part of why they should meet."""
    groups = {group.pk: group.name for group in first.groups.all()}
    shared = sorted(name for group in second.groups.all() if (name := groups.get(group.pk)))
    interests = {tag.pk: tag.name for tag in first.interests.all()}
    shared += sorted(name for tag in second.interests.all() if (name := interests.get(tag.pk)))
    return shared[:COMMON_LIMIT]


def _reads_rtl(language: str) -> bool:
    return bool(translation.get_language_info(language or "he")["bidi"])


def _side(person: Person, text: str, language: str) -> Side:
    """What a message in `language` says of `person`; every inserted part written the other way
    from the message (a Hebrew title in English, an English offer quoted in Hebrew) isolated,
    so it keeps its order and leaves the quotes and full stops around it where they belong."""
    rtl = _reads_rtl(language)
    name = _name(person, language)
    return Side(
        name=isolate(name, rtl=rtl),
        first_name=isolate(_first_name(name), rtl=rtl),
        about=isolate(_about(person), rtl=rtl),
        text=isolate(text, rtl=rtl),
    )


def _render(
    *, recipient: Person, me: Side, other: Side, role: str, common: list[str], sender: str
) -> str:
    rtl = _reads_rtl(recipient.language)
    with translation.override(recipient.language or "he"):
        text = render_to_string(
            "introductions/messages/double_opt_in.txt",
            {
                "me": me,
                "other": other,
                "role": role,
                "common": [isolate(item, rtl=rtl) for item in common],
                # The signature has a line of its own, and so its own direction.
                "sender": sender,
            },
        )
    # Templates keep their tags on lines of their own; the message should not show them.
    lines = [line.rstrip() for line in text.strip().splitlines()]
    cleaned: list[str] = []
    for line in lines:
        if not line and cleaned and not cleaned[-1]:
            continue
        cleaned.append(line)
    return "\n".join(cleaned)


def draft_messages(*, introduction: Introduction) -> tuple[str, str]:
    """(message to person_a, message to person_b), each in its recipient's language.

    `role` tells a message which side its recipient is on: "need" (person_a asked for
    something), "offer" (person_b can give it) or "common" (no need or offer: shared ground).
    """
    a, b = introduction.person_a, introduction.person_b
    need = introduction.need.text if introduction.need else ""
    offer = introduction.offer.text if introduction.offer else ""
    common = _common(a, b)
    sender = ""
    if introduction.made_by is not None:
        sender = introduction.made_by.display_name or introduction.made_by.email
    has_texts = bool(need or offer)
    message_a = _render(
        recipient=a,
        me=_side(a, need, a.language),
        other=_side(b, offer, a.language),
        role="need" if has_texts else "common",
        common=common,
        sender=sender,
    )
    message_b = _render(
        recipient=b,
        me=_side(b, offer, b.language),
        other=_side(a, need, b.language),
        role="offer" if has_texts else "common",
        common=common,
        sender=sender,
    )
    return message_a, message_b


def draft_subject(*, recipient: Person, other: Person) -> str:
    """The email subject for `recipient`'s message, in their language."""
    with translation.override(recipient.language or "he"):
        return render_to_string(
            "introductions/messages/double_opt_in_subject.txt",
            {"other": _side(other, "", recipient.language)},
        ).strip()
