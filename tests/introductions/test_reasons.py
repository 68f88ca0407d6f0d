"""Reasons phrased for the reader, from the data the matcher stores with each suggestion."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from kesher.engine.matching import Matcher, MatchItem
from kesher.introductions.reasons import (
    PhrasedReason,
    phrase_reasons,
    reason_html,
    reason_text,
    strength,
)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def reason(kind: str, left: str = "", right: str = "", count: int = 0) -> dict[str, object]:
    return {
        "kind": kind,
        "left": left,
        "right": right,
        "concept": None,
        "other_concept": None,
        "weight": 0.4,
        "count": count,
    }


def test_a_term_pair_reads_need_side_then_offer_side():
    assert reason_text(reason("related", "ג'יפ", "רכב שטח")) == "ג'יפ ↔ רכב שטח"
    assert reason_text(reason("concept", "ג'יפ", "Jeep")) == "ג'יפ ↔ Jeep"
    assert reason_text(reason("term", "wrangler", "wrangler")) == "both mention “wrangler”"


def test_the_same_pair_reads_the_same_in_hebrew():
    with translation.override("he"):
        assert reason_text(reason("related", "ג'יפ", "רכב שטח")) == "ג'יפ ↔ רכב שטח"


def test_context_reasons_name_what_the_two_people_share():
    assert reason_text(reason("shared_group", "טיולי הרפתקאות", "טיולי הרפתקאות")) == (
        "same group: טיולי הרפתקאות"
    )
    assert reason_text(reason("shared_interest", "basketball", "basketball")) == (
        "common interest: basketball"
    )
    assert reason_text(reason("shared_event", "Expo 2025", "Expo 2025")) == (
        "both met at Expo 2025"
    )
    assert reason_text(reason("knows_both")) == "you know both well"


def test_learned_reasons_say_how_many_introductions_taught_them():
    assert reason_text(reason("learned", "כיסאות", "ריהוט משרדי", count=3)) == (
        "כיסאות ↔ ריהוט משרדי, learned from 3 of your introductions"
    )
    assert reason_text(reason("learned", count=1)) == "learned from 1 of your introductions"
    assert reason_text(reason("learned_penalty", "jeep", "jeep tours", count=1)) == (
        "jeep ↔ jeep tours: you passed on this pairing 1 time"
    )
    assert reason_text(reason("learned_penalty", count=2)) == (
        "you passed on similar suggestions 2 times"
    )


def test_intent_and_semantic_reasons():
    assert reason_text(reason("intent", "trade", "trade")) == "both about buying and selling"
    assert reason_text(reason("intent", "rental", "rental")) == "both about renting"
    assert reason_text(reason("semantic")) == "the two texts say similar things"


def test_unknown_or_empty_reasons_fall_back_to_their_terms_or_a_plain_sentence():
    assert reason_text(reason("telepathy", "a", "b")) == "a ↔ b"
    assert reason_text(reason("telepathy", "a", "")) == "a"
    assert reason_text(reason("intent", "juggling", "juggling")) == "juggling"
    assert reason_text({}) == "what they need and what is offered match"
    assert reason_text({"kind": "learned", "count": "many"}) == (
        "learned from 1 of your introductions"
    )


def test_html_isolates_each_term_and_escapes_what_was_typed():
    html = reason_html(reason("related", "<b>ג'יפ</b>", "רכב שטח"))
    assert html == "<bdi>&lt;b&gt;ג&#x27;יפ&lt;/b&gt;</bdi> ↔ <bdi>רכב שטח</bdi>"
    assert reason_html(reason("shared_group", "A&B", "A&B")) == "same group: <bdi>A&amp;B</bdi>"
    assert reason_html(reason("knows_both")) == "you know both well"


def test_phrase_reasons_keeps_order_merges_repeats_and_drops_non_reasons():
    stored = [
        reason("related", "ג'יפ", "רכב שטח"),
        reason("related", "ג'יפ", "רכב שטח"),
        "not a reason",
        reason("learned_penalty", count=2),
        reason("knows_both"),
    ]
    phrased = phrase_reasons(stored)  # type: ignore[arg-type]
    assert phrased == [
        PhrasedReason(
            kind="related",
            text="ג'יפ ↔ רכב שטח",
            html="<bdi>ג&#x27;יפ</bdi> ↔ <bdi>רכב שטח</bdi>",  # type: ignore[arg-type]
            negative=False,
        ),
        PhrasedReason(
            kind="learned_penalty",
            text="you passed on similar suggestions 2 times",
            html="you passed on similar suggestions 2 times",  # type: ignore[arg-type]
            negative=True,
        ),
        PhrasedReason(
            kind="knows_both",
            text="you know both well",
            html="you know both well",  # type: ignore[arg-type]
            negative=False,
        ),
    ]


def test_a_few_word_pairs_then_everything_the_two_share_one_chip_per_kind():
    stored = [
        reason("concept", "ג'יפ", "Jeep Wrangler"),
        reason("related", "ג'יפ", "4x4"),
        reason("related", "טיולי שטח", "4x4"),
        reason("related", "טיולי שטח", "Jeep Wrangler"),
        reason("intent", "trade", "trade"),
        reason("shared_interest", "ג'יפים", "ג'יפים"),
        reason("shared_interest", "טיולי שטח", "טיולי שטח"),
        reason("shared_group", "כדורסל", "כדורסל"),
        reason("knows_both"),
    ]
    phrased = phrase_reasons(stored)  # type: ignore[arg-type]
    assert [chip.text for chip in phrased] == [
        "ג'יפ ↔ Jeep Wrangler",
        "ג'יפ ↔ 4x4",
        "טיולי שטח ↔ 4x4",
        "both about buying and selling",
        "common interests: ג'יפים, טיולי שטח",
        "same group: כדורסל",
        "you know both well",
    ]
    assert phrased[4].html == "common interests: <bdi>ג&#x27;יפים</bdi>, <bdi>טיולי שטח</bdi>"
    assert len(phrase_reasons(stored, limit=2)) == 2  # type: ignore[arg-type]


def test_strength_turns_a_score_into_bars_and_a_word():
    assert (strength(1.7).level, strength(1.7).label) == (3, "Strong match")
    assert [strength(score).level for score in (1.0, 0.999, 0.5, 0.499, 0.35, 0.1)] == [
        3,
        2,
        2,
        1,
        1,
        1,
    ]
    assert strength(0.8).label == "Good match"
    assert strength(0.35).label == "Possible match"


def test_strength_of_pairs_the_matcher_scores():
    matcher = Matcher().fit(
        offers=[
            MatchItem(
                "wrangler",
                "Selling his Jeep Wrangler Rubicon (2019), 4x4, 85,000 km, well kept",
                tags=("jeep", "4x4"),
            ),
            MatchItem("tours", "טיולי ג'יפים מודרכים וימי גיבוש לחברות", tags=("טיולי שטח",)),
            MatchItem("movers", "הובלת משרדים בסופי שבוע, כולל פירוק והרכבה של ריהוט"),
            MatchItem("accountant", "רואת חשבון לעסקים קטנים: הנהלת חשבונות ומע״מ"),
            MatchItem("chairs", "Office chairs for businesses"),
        ]
    )

    def labels(text: str, tags: tuple[str, ...] = ()) -> list[tuple[str, str]]:
        suggestions = matcher.rank(MatchItem("need", text, tags=tags), k=3, explain=False)
        return [(str(s.offer_id), strength(s.score).label) for s in suggestions]

    jeep = labels("רוצה לקנות ג'יפ רנגלר רוביקון יד שנייה", ("ג'יפים", "רכב שטח"))
    assert jeep == [
        ("wrangler", "Strong match"),
        ("tours", "Possible match"),
        ("movers", "Possible match"),
    ]
    assert labels("Looking for an accountant who knows VAT") == [("accountant", "Strong match")]
    assert labels("Moving our office at the end of the month") == [("movers", "Good match")]
    # Jeep tours share the jeep with an off-road vehicle sought, not the need.
    assert labels("מחפש רכב שטח") == [
        ("wrangler", "Strong match"),
        ("tours", "Possible match"),
        ("movers", "Possible match"),
    ]
