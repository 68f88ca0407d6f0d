from __future__ import annotations

from kesher.engine.text import (
    MAX_TERM_LENGTH,
    QueryWord,
    hebrew_stems,
    index_terms,
    is_hebrew,
    normalize,
    normalize_token,
    query_words,
    sound_terms,
    tokenize,
)


def test_final_letters_become_their_ordinary_forms() -> None:
    assert tokenize("כהן שלום ארץ כף דרך") == ["כהנ", "שלומ", "ארצ", "כפ", "דרכ"]
    assert normalize_token("כהן") == normalize_token("כהנ") == "כהנ"


def test_geresh_is_dropped_however_it_is_typed() -> None:
    assert tokenize("ג'יפ ג׳יפ ג`יפ ג’יפ גיפ") == ["גיפ"] * 5


def test_gershayim_are_dropped_inside_acronyms() -> None:
    assert tokenize('רו"ח רו״ח מנכ"ל') == ["רוח", "רוח", "מנכל"]


def test_vowel_points_and_cantillation_are_stripped_without_splitting_words() -> None:
    assert tokenize("שָׁלוֹם בְּרֵאשִׁ֖ית") == ["שלומ", "בראשית"]


def test_english_is_case_folded_and_loses_accents() -> None:
    assert tokenize("JEEP Jeep jeep Café Straße naïve") == [
        "jeep",
        "jeep",
        "jeep",
        "cafe",
        "strasse",
        "naive",
    ]


def test_mixed_text_splits_on_punctuation_and_keeps_order_and_duplicates() -> None:
    assert tokenize("דני Cohen, CTO ב-Orion; dani.cohen@example.com דני") == [
        "דני",
        "cohen",
        "cto",
        "ב",
        "orion",
        "dani",
        "cohen",
        "example",
        "com",
        "דני",
    ]


def test_underscores_and_symbols_are_separators() -> None:
    assert tokenize("a_b +972-54 ***") == ["a", "b", "972", "54"]


def test_compatibility_forms_are_folded() -> None:
    # A Hebrew presentation form (shin with shin dot) and a Latin ligature.
    assert tokenize("\ufb2aלום \ufb01le") == ["שלומ", "file"]


def test_terms_are_cut_to_the_index_length() -> None:
    assert tokenize("a" * 60) == ["a" * MAX_TERM_LENGTH]


def test_normalize_joins_tokens() -> None:
    assert normalize("  הג'יפ   של  Dani  ") == "הגיפ של dani"
    assert normalize("") == ""
    assert normalize("!!! ...") == ""


def test_hebrew_stems_strip_up_to_four_prefix_letters() -> None:
    assert hebrew_stems("וכשהגיפ") == ["וכשהגיפ", "כשהגיפ", "שהגיפ", "הגיפ", "גיפ"]
    assert hebrew_stems("ולכהנ") == ["ולכהנ", "לכהנ", "כהנ"]
    assert hebrew_stems("ומהבית") == ["ומהבית", "מהבית", "הבית", "בית"]


def test_hebrew_stems_follow_the_order_of_prefixes() -> None:
    # ל then כ, מ then ש, ה then anything: not prefixes in that order.
    assert hebrew_stems("לכהנ") == ["לכהנ", "כהנ"]
    assert hebrew_stems("משומש") == ["משומש", "שומש"]
    assert hebrew_stems("המשרד") == ["המשרד", "משרד"]
    assert hebrew_stems("שבבית") == ["שבבית", "בבית", "בית"]


def test_hebrew_stems_stop_at_a_letter_that_is_not_a_prefix() -> None:
    assert hebrew_stems("דני") == ["דני"]
    assert hebrew_stems("הדני") == ["הדני", "דני"]


def test_hebrew_stems_keep_at_least_two_letters() -> None:
    assert hebrew_stems("משה") == ["משה", "שה"]
    assert hebrew_stems("בה") == ["בה"]
    assert hebrew_stems("ה") == ["ה"]


def test_english_words_have_no_stems() -> None:
    assert hebrew_stems("hello") == ["hello"]
    assert hebrew_stems("bob") == ["bob"]


def test_index_terms_hold_tokens_and_their_stems() -> None:
    assert index_terms("פגישה על הג'יפ") == {"פגישה", "על", "הגיפ", "גיפ"}
    assert index_terms("JEEP Jeep") == {"jeep"}
    assert index_terms("") == set()


def test_index_terms_of_long_text_match_short_text() -> None:
    # Long texts take the uncached path; both must agree.
    long_text = "הג'יפ של דני " * 20
    assert len(long_text) > 200
    assert index_terms(long_text) == index_terms("הג'יפ של דני") == {"הגיפ", "גיפ", "של", "דני"}


def test_index_terms_are_a_fresh_set_each_time() -> None:
    terms = index_terms("כהן")
    terms.add("changed")
    assert index_terms("כהן") == {"כהנ", "הנ"}  # כ is a prefix too: "like them"


def test_query_words_are_normalised_deduplicated_and_carry_stems_and_sounds() -> None:
    assert query_words("הכהן Jeep jeep  הכהן") == [
        QueryWord(
            text="הכהנ",
            stems=("הכהנ", "כהנ"),
            sounds=("≡lkkkn", "≡lkkn"),
            sound_prefix="≡lkkkn",  # three symbols: enough to look up as a beginning
        ),
        QueryWord(text="jeep", stems=("jeep",), sounds=("≡hgp", "≡lgp")),
    ]
    assert query_words("   ") == []


def test_query_words_without_a_sound_have_none() -> None:
    assert query_words("972 את a") == [
        QueryWord(text="972", stems=("972",)),
        QueryWord(text="את", stems=("את",)),
        QueryWord(text="a", stems=("a",)),
    ]


def test_sound_terms_are_those_of_the_tokens_and_their_longer_stems() -> None:
    # "הגיפ" is heard with its article and without; "של" is a stop word; the digits and the
    # two-letter stem "הנ" of "כהנ" have no sound.
    assert sound_terms("הג'יפ של כהן 2024") == {"≡hkgp", "≡hgp", "≡hkkn"}
    assert sound_terms("Michal Cohen") == {"≡lmkl", "≡lkkn"}
    assert sound_terms("") == set()


def test_sound_terms_of_long_text_match_short_text() -> None:
    long_text = "הג'יפ של דני " * 20
    assert sound_terms(long_text) == sound_terms("הג'יפ של דני") == {"≡hkgp", "≡hgp", "≡hdni"}


def test_is_hebrew() -> None:
    assert is_hebrew("abcא") is True
    assert is_hebrew("abc") is False
