"""Phrase the matcher's reasons for the reader: "ג'יפ ↔ רכב שטח", "same group: adventure trips".

Suggestions store the engine's reasons as data ({"kind", "left", "right", "concept",
"other_concept", "weight", "count"}), so the same suggestion reads in Hebrew for one member and
in English for another; the phrasing happens here, in the active language, at display time.
The terms themselves are shown as the people typed them, whatever their script; in HTML each
one is isolated (<bdi>) so a Hebrew term beside an English one keeps its own direction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

ReasonData = Mapping[str, Any]

# Chips beyond this many crowd the card; of word pairs, a few say it all.
MAX_CHIPS = 7
MAX_TEXT_CHIPS = 3

# The kinds of exchange the engine recognises (engine.vocabulary.INTENTS), as the UI names them.
INTENT_LABELS: Mapping[str, Promise] = {
    "trade": gettext_lazy("buying and selling"),
    "rental": gettext_lazy("renting"),
    "tour": gettext_lazy("tours"),
    "learn": gettext_lazy("learning"),
    "repair": gettext_lazy("repairs"),
    "service": gettext_lazy("a service"),
}

# Reasons that speak against the pair rather than for it.
NEGATIVE_KINDS = frozenset({"learned_penalty"})
TEXT_KINDS = frozenset({"concept", "related", "term"})
WORD_KINDS = TEXT_KINDS | {"semantic"}
SHARED_KINDS = frozenset({"shared_interest", "shared_group", "shared_event"})


@dataclass(frozen=True, slots=True)
class PhrasedReason:
    """A reason ready to show: plain text (for titles, the API, tests) and HTML (for chips)."""

    kind: str
    text: str
    html: SafeString
    negative: bool


def reason_text(reason: ReasonData) -> str:
    """The reason as plain text in the active language."""
    return _phrase(reason, str)


def reason_html(reason: ReasonData) -> SafeString:
    """The reason as HTML: the sentence escaped, each term in its own <bdi>."""
    return mark_safe(_phrase(reason, _isolated, escape=True))  # noqa: S308 - parts are escaped


def phrase_reasons(reasons: Iterable[ReasonData], *, limit: int = MAX_CHIPS) -> list[PhrasedReason]:
    """The reasons worth a chip, in stored order (strongest first).

    Word pairs are the bulk of the evidence and repeat themselves ("ג'יפ ↔ 4x4", "טיולי שטח ↔
    4x4"): the first MAX_TEXT_CHIPS say enough. What the two people share is kept, one chip per
    kind ("common interests: ג'יפים, טיולי שטח"), as is the kind of exchange and what was
    learned. Two reasons that read the same make one chip.
    """
    phrased: list[PhrasedReason] = []
    seen: set[str] = set()
    texts = 0
    for reason in _grouped(reasons):
        kind = str(reason.get("kind") or "")
        if kind in WORD_KINDS and texts >= MAX_TEXT_CHIPS:
            continue
        text = reason_text(reason)
        if text in seen:
            continue
        seen.add(text)
        texts += kind in WORD_KINDS
        phrased.append(
            PhrasedReason(
                kind=kind, text=text, html=reason_html(reason), negative=kind in NEGATIVE_KINDS
            )
        )
        if len(phrased) >= limit:
            break
    return phrased


def _grouped(reasons: Iterable[ReasonData]) -> list[ReasonData]:
    """`reasons` with the shared interests (groups, events) of a pair gathered into one reason
    per kind, at the place of the first; anything that is not a mapping is left out."""
    grouped: list[ReasonData] = []
    names_by_kind: dict[str, list[str]] = {}
    for reason in reasons:
        if not isinstance(reason, Mapping):
            continue
        kind = str(reason.get("kind") or "")
        name = str(reason.get("left") or reason.get("right") or "").strip()
        if kind not in SHARED_KINDS or not name:
            grouped.append(reason)
            continue
        if kind not in names_by_kind:
            names_by_kind[kind] = []
            grouped.append({"kind": kind, "names": names_by_kind[kind]})
        if name not in names_by_kind[kind]:
            names_by_kind[kind].append(name)
    return grouped


@dataclass(frozen=True, slots=True)
class Strength:
    """A suggestion's score as a person reads it: one to three bars and a word."""

    level: int
    label: str


# Scores run from the matcher's floor (0.1) to about 2. The cut points come from the labelled
# need ↔ offer sets (../shared/eval/matching_dev.jsonl and tests/engine/data/*.jsonl: 163 true
# matches and 240 non-matches among each need's best 3 offers, what a need keeps as suggestions).
# True matches: quartiles 0.71 / 0.91 / 1.25, a tenth below 0.50. Non-matches: quartiles
# 0.12 / 0.21 / 0.33, a tenth above 0.52, the highest 0.998. So:
# - STRONG: at 1.0 no non-match of any set scored as high, and 68 of the 163 true matches did
#   (at the former 0.8, 5 non-matches did too, and the demo's Today was all "Strong").
# - GOOD: at 0.5 are 145 of the 163 true matches (89%) and 27 of the 240 non-matches (11%).
# Below it, mostly non-matches, and pairs of people with only common ground (a group and an
# interest make 0.35): worth a look, no more. In the demo, Today's ten read 7 strong and 3 good;
# the jeep pair (1.42) is strong, the office move → office movers pair (0.76) good.
STRONG = 1.0
GOOD = 0.5


def strength(score: float) -> Strength:
    if score >= STRONG:
        return Strength(3, _("Strong match"))
    if score >= GOOD:
        return Strength(2, _("Good match"))
    return Strength(1, _("Possible match"))


def _isolated(term: str) -> str:
    return format_html("<bdi>{}</bdi>", term)


def _phrase(reason: ReasonData, show: Callable[[str], str], *, escape: bool = False) -> str:
    """`reason` phrased with each term passed through `show`; with `escape`, the translated
    sentence around the terms is HTML-escaped."""

    def sentence(template: str, count: int | None = None, **terms: str) -> str:
        text = str(conditional_escape(template)) if escape else template
        values: dict[str, str | int] = {name: show(value) for name, value in terms.items()}
        if count is not None:
            values["count"] = count
        return text % values if values else text

    kind = str(reason.get("kind") or "")
    left = str(reason.get("left") or "").strip()
    right = str(reason.get("right") or "").strip()
    pair = bool(left and right and left != right)
    either = left or right

    if kind in TEXT_KINDS:
        if pair:
            return sentence(_("%(left)s ↔ %(right)s"), left=left, right=right)
        if either:
            return sentence(_("both mention “%(term)s”"), term=either)
    if kind == "learned":
        count = _count(reason.get("count"))
        if pair:
            return sentence(
                ngettext(
                    "%(left)s ↔ %(right)s, learned from %(count)d of your introductions",
                    "%(left)s ↔ %(right)s, learned from %(count)d of your introductions",
                    count,
                ),
                count,
                left=left,
                right=right,
            )
        return sentence(
            ngettext(
                "learned from %(count)d of your introductions",
                "learned from %(count)d of your introductions",
                count,
            ),
            count,
        )
    if kind == "learned_penalty":
        count = _count(reason.get("count"))
        if pair:
            return sentence(
                ngettext(
                    "%(left)s ↔ %(right)s: you passed on this pairing %(count)d time",
                    "%(left)s ↔ %(right)s: you passed on this pairing %(count)d times",
                    count,
                ),
                count,
                left=left,
                right=right,
            )
        return sentence(
            ngettext(
                "you passed on similar suggestions %(count)d time",
                "you passed on similar suggestions %(count)d times",
                count,
            ),
            count,
        )
    if kind == "intent":
        label = INTENT_LABELS.get(either)
        if label is not None:
            # The intent is ours to name, not a term the people typed: no isolation needed.
            return sentence(_("both about %(intent)s") % {"intent": label})
    if kind == "semantic":
        return sentence(_("the two texts say similar things"))
    listed_names = reason.get("names")
    names = (
        [str(name) for name in listed_names]
        if isinstance(listed_names, list)
        else ([either] if either else [])
    )
    if kind in SHARED_KINDS and names:
        listed = ", ".join(show(name) for name in names)
        if kind == "shared_interest":
            template = ngettext(
                "common interest: %(names)s", "common interests: %(names)s", len(names)
            )
        elif kind == "shared_group":
            template = ngettext("same group: %(names)s", "same groups: %(names)s", len(names))
        else:
            template = ngettext("both met at %(names)s", "both met at %(names)s", len(names))
        # The names are already shown (isolated in HTML); only the sentence needs escaping.
        text = str(conditional_escape(template)) if escape else template
        return text % {"names": listed}
    if kind == "knows_both":
        return sentence(_("you know both well"))
    # A kind this version does not know (a newer engine's), or one without its terms.
    if pair:
        return sentence(_("%(left)s ↔ %(right)s"), left=left, right=right)
    if either:
        return show(either)
    return sentence(_("what they need and what is offered match"))


def _count(value: Any) -> int:
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return 1
