from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from kesher.people.services import person_archive, person_restore
from kesher.search import selectors
from kesher.search.selectors import (
    EXACT,
    PREFIX,
    SOUNDS_LIKE,
    SOUNDS_LIKE_PREFIX,
    STEM,
    STEM_PREFIX,
    search,
)
from kesher.workspaces.models import Workspace

pytestmark = pytest.mark.django_db


def titles(workspace: Workspace, query: str, **kwargs: Any) -> list[str]:
    return [hit.title for hit in search(workspace=workspace, query=query, **kwargs).hits]


def test_hebrew_word_is_found_with_a_prefix_typed(workspace: Workspace, make_person: Any) -> None:
    make_person("דני כהן")
    assert titles(workspace, "לכהן ") == ["דני כהן"]
    assert titles(workspace, "וכשכהן ") == ["דני כהן"]


def test_hebrew_word_with_a_prefix_is_found_by_the_bare_word(
    workspace: Workspace, make_person: Any, make_need: Any
) -> None:
    person = make_person("יעל לוי")
    make_need(person, "מחפשת את הג'יפ של דני")
    hits = search(workspace=workspace, query="ג'יפ").hits
    assert [(hit.kind, hit.title, hit.snippet) for hit in hits] == [
        ("need", "יעל לוי", "מחפשת את הג'יפ של דני")
    ]


def test_final_letter_forms_meet(workspace: Workspace, make_person: Any) -> None:
    make_person("משה כהן")
    assert titles(workspace, "כהנ") == ["משה כהן"]
    assert titles(workspace, "כהן") == ["משה כהן"]


def test_every_geresh_spelling_finds_the_word(
    workspace: Workspace, make_person: Any, make_offer: Any
) -> None:
    make_offer(make_person("רון"), "מוכר את הג'יפ שלו")
    for query in ("ג'יפ", "ג׳יפ", "ג`יפ", "גיפ", "הג׳יפ"):
        assert titles(workspace, query) == ["רון"], query


def test_english_is_case_insensitive(workspace: Workspace, make_person: Any) -> None:
    make_person("JEEP Club")
    make_person("Jeep Owner")
    make_person("Other")
    assert titles(workspace, "jeep") == ["JEEP Club", "Jeep Owner"]
    assert titles(workspace, "JEEP") == ["JEEP Club", "Jeep Owner"]


def test_last_word_matches_as_a_prefix_while_typing(workspace: Workspace, make_person: Any) -> None:
    make_person("משה לוי")
    make_person("Moshe Levi")
    assert titles(workspace, "מש") == ["משה לוי"]
    assert titles(workspace, "mos") == ["Moshe Levi"]
    # A whole word is a beginning too: the other script's spelling sounds like it, and comes
    # after the script typed in.
    assert titles(workspace, "משה") == ["משה לוי", "Moshe Levi"]
    assert titles(workspace, "moshe") == ["Moshe Levi", "משה לוי"]
    assert titles(workspace, "לוי מ") == []  # one letter: exact only
    # A space after the word ends it: only whole words then.
    assert titles(workspace, "מש ") == []


def test_prefixed_partial_word_finds_the_stem(workspace: Workspace, make_person: Any) -> None:
    make_person("משה לוי")
    hits = search(workspace=workspace, query="למש").hits
    assert [(hit.title, hit.score) for hit in hits] == [("משה לוי", STEM_PREFIX + 3)]


def test_multi_word_queries_and_the_words(workspace: Workspace, make_person: Any) -> None:
    make_person("דני כהן")
    make_person("דני לוי")
    make_person("משה כהן")
    assert titles(workspace, "דני כהן") == ["דני כהן"]
    assert titles(workspace, "כהן דני") == ["דני כהן"]
    assert titles(workspace, "דני") == ["דני כהן", "דני לוי"]
    assert titles(workspace, "דני אברהם") == []


def test_words_may_come_from_different_fields(
    workspace: Workspace, make_person: Any, make_organization: Any
) -> None:
    make_person("Dana Katz", organization=make_organization("Orion Systems"), title="CTO")
    assert titles(workspace, "dana orion cto") == ["Dana Katz"]


def test_ranking_exact_then_stem_then_prefix_names_before_notes_then_title(
    workspace: Workspace, make_person: Any
) -> None:
    make_person("משה כהן")
    make_person("אבי כהן")
    make_person("רות לוי", notes="פגשה את כהן בכנס")
    make_person("יוסי כהנא")
    hits = search(workspace=workspace, query="כהן").hits
    assert [(hit.title, hit.score) for hit in hits] == [
        ("אבי כהן", EXACT + 3),
        ("משה כהן", EXACT + 3),
        ("רות לוי", EXACT + 1),
        ("יוסי כהנא", PREFIX + 3),
    ]
    hits = search(workspace=workspace, query="לכהן ").hits
    assert [(hit.title, hit.score) for hit in hits] == [
        ("אבי כהן", STEM + 3),
        ("משה כהן", STEM + 3),
        ("רות לוי", STEM + 1),
    ]


def test_scores_add_up_over_words(workspace: Workspace, make_person: Any) -> None:
    make_person("דני כהן", notes="אוהב כדורסל")
    hits = search(workspace=workspace, query="דני כדורסל").hits
    assert [(hit.title, hit.score) for hit in hits] == [("דני כהן", EXACT + 3 + EXACT + 1)]


def test_every_kind_is_found_and_points_at_its_page(
    workspace: Workspace,
    make_person: Any,
    make_organization: Any,
    make_need: Any,
    make_offer: Any,
    make_note: Any,
) -> None:
    organization = make_organization("Jeep Israel")
    dani = make_person("Dani Jeep")
    yael = make_person("Yael")
    make_need(yael, "Looking for a jeep")
    make_offer(dani, "Selling a jeep")
    make_note([yael, dani], "Talked about the jeep")
    results = search(workspace=workspace, query="jeep")
    # Names, needs and offers weigh the same, so titles order them; the note comes last.
    assert [(hit.kind, hit.title, hit.target_id) for hit in results.hits] == [
        ("person", "Dani Jeep", dani.public_id),
        ("offer", "Dani Jeep", dani.public_id),
        ("organization", "Jeep Israel", organization.public_id),
        ("need", "Yael", yael.public_id),
        ("note", "Dani Jeep, Yael", dani.public_id),
    ]
    with translation.override("en"):
        groups = results.groups
    assert [(group.kind, group.label, len(group.hits)) for group in groups] == [
        ("person", "People", 1),
        ("organization", "Organisations", 1),
        ("need", "Needs", 1),
        ("offer", "Offers", 1),
        ("note", "Notes", 1),
    ]


def test_emails_and_phones_are_searchable(workspace: Workspace, make_person: Any) -> None:
    make_person("Dana", emails=["dana.katz@example.com"], phones=["052-345-6789"])
    assert titles(workspace, "dana.katz") == ["Dana"]
    assert titles(workspace, "0523456789") == ["Dana"]
    assert titles(workspace, "972523456789") == ["Dana"]
    assert titles(workspace, "05234") == ["Dana"]


def test_archived_people_are_hidden_unless_asked_for_and_back_after_restore(
    workspace: Workspace, make_person: Any, make_need: Any
) -> None:
    person = make_person("דני כהן")
    make_need(person, "מחפש כהן")
    person_archive(person=person)
    assert titles(workspace, "כהן") == []
    hits = search(workspace=workspace, query="כהן", include_archived=True).hits
    assert [(hit.kind, hit.archived) for hit in hits] == [("person", True), ("need", True)]
    person_restore(person=person)
    hits = search(workspace=workspace, query="כהן").hits
    assert [(hit.kind, hit.archived) for hit in hits] == [("person", False), ("need", False)]


def test_another_workspace_is_never_searched(
    workspace: Workspace, other_workspace: Workspace, make_person: Any, make_need: Any
) -> None:
    theirs = make_person("דני כהן", in_workspace=other_workspace)
    make_need(theirs, "דני מחפש ג'יפ")
    assert titles(workspace, "דני") == []
    assert titles(workspace, "דני", include_archived=True) == []
    mine = make_person("דני לוי")
    assert [hit.target_id for hit in search(workspace=workspace, query="דני").hits] == [
        mine.public_id
    ]
    assert titles(other_workspace, "דני") == ["דני כהן", "דני כהן"]


def test_a_capped_common_word_does_not_hide_a_match_of_a_rarer_one(
    workspace: Workspace, make_person: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "CANDIDATES_PER_WORD", 3)
    for first in ("אבי", "בני", "גיל", "דני", "הדס"):
        make_person(f"{first} כהן")
    make_person("צביקה כהן")
    assert titles(workspace, "כהן צביקה") == ["צביקה כהן"]
    assert titles(workspace, "צביקה כהן") == ["צביקה כהן"]


def test_limit_bounds_the_results(workspace: Workspace, make_person: Any) -> None:
    for first in ("אבי", "בני", "גיל"):
        make_person(f"{first} כהן")
    assert titles(workspace, "כהן", limit=2) == ["אבי כהן", "בני כהן"]
    assert titles(workspace, "כהן", limit=0) == []
    assert len(titles(workspace, "כהן", limit=1000)) == 3


@pytest.mark.parametrize("query", ["", "   ", "!!! ...", "'", "\u05b0\u05b4"])
def test_a_query_without_words_finds_nothing(
    workspace: Workspace, make_person: Any, query: str
) -> None:
    make_person("דני כהן")
    results = search(workspace=workspace, query=query)
    assert results.hits == []
    assert results.groups == []


def test_a_very_long_query_is_cut_and_answered(workspace: Workspace, make_person: Any) -> None:
    make_person("דני כהן")
    results = search(workspace=workspace, query="דני " * 250)
    assert len(results.query) == selectors.MAX_QUERY_LENGTH
    assert [hit.title for hit in results.hits] == ["דני כהן"]
    assert search(workspace=workspace, query="א" * 1000).hits == []
    assert search(workspace=workspace, query=" ".join(f"w{i}" for i in range(300))).hits == []


def scored(workspace: Workspace, query: str, **kwargs: Any) -> list[tuple[str, str, int]]:
    hits = search(workspace=workspace, query=query, **kwargs).hits
    return [(hit.kind, hit.title, hit.score) for hit in hits]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("Mikhal ", ["מיכל ביטון"]),
        ("Levi ", ["יעל לוי"]),
        ("Yossi ", ["יוסי כהן"]),
        ("Tzipi ", ["ציפי שלום"]),
        ("Shlomo ", ["שלמה דהן"]),
        ("David ", ["דוד פרץ"]),
        ("Dror ", ["Dror Gil", "דרור"]),
        ("עידו ", ["Ido Katz"]),
        ("כץ ", ["Ido Katz"]),
        ("גיל ", ["Dror Gil"]),
    ],
)
def test_a_name_is_found_from_the_other_script(
    workspace: Workspace, make_person: Any, query: str, found: list[str]
) -> None:
    for name in ("מיכל ביטון", "יעל לוי", "יוסי כהן", "ציפי שלום", "שלמה דהן", "דוד פרץ", "דרור"):
        make_person(name)
    make_person("Ido Katz")
    make_person("Dror Gil")
    make_person("Avi Eli")
    assert titles(workspace, query) == found


def test_cohen_and_kohen_find_the_hebrew_and_the_latin_spellings(
    workspace: Workspace, make_person: Any
) -> None:
    make_person("דני כהן")
    make_person("Ruth Cohen")
    make_person("Ron Kohen")
    # The spelling typed first, then the other spellings by title.
    assert scored(workspace, "Cohen ") == [
        ("person", "Ruth Cohen", EXACT + 3),
        ("person", "Ron Kohen", SOUNDS_LIKE + 3),
        ("person", "דני כהן", SOUNDS_LIKE + 3),
    ]
    assert scored(workspace, "כהן ") == [
        ("person", "דני כהן", EXACT + 3),
        ("person", "Ron Kohen", SOUNDS_LIKE + 3),
        ("person", "Ruth Cohen", SOUNDS_LIKE + 3),
    ]


def test_jeep_finds_the_hebrew_need_with_its_article_and_prefixes(
    workspace: Workspace, make_person: Any, make_need: Any, make_offer: Any
) -> None:
    make_need(make_person("יעל"), "מחפשת את הג'יפ של דני")
    make_offer(make_person("Ron"), "Selling my Jeep")
    make_need(make_person("גיל"), "צריך ג'יפים")  # a plural is another word
    assert scored(workspace, "jeep ") == [
        ("offer", "Ron", EXACT + 3),
        ("need", "יעל", SOUNDS_LIKE + 3),
    ]
    # While "jeep" is typed it is also a beginning, but "gp" is too short to start others.
    assert scored(workspace, "jeep") == scored(workspace, "jeep ")
    # "Jeepim" is the plural as Hebrew says it.
    assert scored(workspace, "jeepim") == [("need", "גיל", SOUNDS_LIKE + 3)]
    assert scored(workspace, "לג'יפ ") == [
        ("need", "יעל", STEM + 3),
        ("offer", "Ron", SOUNDS_LIKE + 3),
    ]


def test_the_script_typed_in_ranks_before_sound_alikes_even_as_a_prefix(
    workspace: Workspace, make_person: Any
) -> None:
    make_person("Shlomit Stern")
    make_person("שלמה רון")
    make_person("Shlom Gordon")
    assert scored(workspace, "shlom") == [
        ("person", "Shlom Gordon", EXACT + 3),
        ("person", "Shlomit Stern", PREFIX + 3),
        ("person", "שלמה רון", SOUNDS_LIKE_PREFIX + 3),
    ]
    # "שלמ" is also a whole word that sounds like "Shlom".
    assert scored(workspace, "שלמ") == [
        ("person", "שלמה רון", PREFIX + 3),
        ("person", "Shlom Gordon", SOUNDS_LIKE + 3),
        ("person", "Shlomit Stern", SOUNDS_LIKE_PREFIX + 3),
    ]
    # Two symbols ("sl") would start too many words: only the whole word is heard.
    assert scored(workspace, "shl") == [
        ("person", "Shlom Gordon", PREFIX + 3),
        ("person", "Shlomit Stern", PREFIX + 3),
    ]


def test_sound_alikes_rank_below_every_match_of_the_word_as_typed(
    workspace: Workspace, make_person: Any
) -> None:
    make_person("לוי כהן")
    make_person("Ruth", notes="Met Levi at the fair")
    make_person("Levinson Dror")
    hits = scored(workspace, "levi")
    assert hits == [
        ("person", "Ruth", EXACT + 1),
        ("person", "Levinson Dror", PREFIX + 3),
        ("person", "לוי כהן", SOUNDS_LIKE + 3),
    ]
    assert STEM_PREFIX + 1 > SOUNDS_LIKE + 3
    assert SOUNDS_LIKE + 1 > SOUNDS_LIKE_PREFIX + 3


def test_names_that_only_look_alike_do_not_meet(workspace: Workspace, make_person: Any) -> None:
    make_person("אלי כהן")
    make_person("עדי לוי")
    assert titles(workspace, "Avi ") == []
    assert titles(workspace, "Ido ") == []
    assert titles(workspace, "Eli ") == ["אלי כהן"]


def test_two_words_from_either_script(workspace: Workspace, make_person: Any) -> None:
    make_person("דני כהן")
    make_person("Dani Levi")
    make_person("דני לוי")
    assert titles(workspace, "dani cohen") == ["דני כהן"]
    # Each matches one word as typed and the other by sound: a tie, ordered by title.
    assert titles(workspace, "dani לוי") == ["Dani Levi", "דני לוי"]
    assert titles(workspace, "דני cohen") == ["דני כהן"]
    assert titles(workspace, "דני coh") == []  # "kk" starts too many words


def test_notes_emails_and_phones_are_not_heard(
    workspace: Workspace, make_person: Any, make_note: Any
) -> None:
    person = make_person("Ruth", notes="Friend of Michal", emails=["michal@example.com"])
    make_note([person], "Lunch with Michal")
    assert titles(workspace, "מיכל") == []
    assert titles(workspace, "michal") == ["Ruth", "Ruth"]


def test_titles_organisations_interests_and_tags_are_heard(
    workspace: Workspace, make_person: Any, make_organization: Any, make_offer: Any
) -> None:
    organization = make_organization("גוגל")
    make_person("Ruth", organization=organization, interests=["יוגה"], title="סטודנט")
    make_offer(make_person("Dan"), "שיעורי פילאטיס")
    assert scored(workspace, "google") == [
        ("organization", "גוגל", SOUNDS_LIKE + 3),
        ("person", "Ruth", SOUNDS_LIKE + 1),
    ]
    assert titles(workspace, "yoga student") == ["Ruth"]
    assert titles(workspace, "pilates") == ["Dan"]


def test_sound_alikes_of_archived_people_only_when_asked_for(
    workspace: Workspace, make_person: Any
) -> None:
    person_archive(person=make_person("מיכל כהן"))
    assert titles(workspace, "michal") == []
    assert titles(workspace, "michal", include_archived=True) == ["מיכל כהן"]


def test_another_workspaces_sound_alikes_are_never_found(
    workspace: Workspace, other_workspace: Workspace, make_person: Any, make_need: Any
) -> None:
    make_need(make_person("מיכל כהן", in_workspace=other_workspace), "מחפשת ג'יפ")
    for query in ("michal", "cohen", "jeep", "michal cohen", "mikhal kohen"):
        assert titles(workspace, query, include_archived=True) == [], query
    assert titles(other_workspace, "jeep") == ["מיכל כהן"]
    assert titles(other_workspace, "michal") == ["מיכל כהן"]


def test_a_capped_common_name_still_finds_the_rarer_sound_alike(
    workspace: Workspace, make_person: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "CANDIDATES_PER_WORD", 3)
    for first in ("Avi", "Beni", "Gil", "Dani", "Hadas"):
        make_person(f"{first} Cohen")
    make_person("צביקה כהן")
    assert titles(workspace, "cohen tzvika") == ["צביקה כהן"]
    assert titles(workspace, "tzvika cohen") == ["צביקה כהן"]
    # Fewer than a page of the word as typed (the cap): the sound-alikes follow, and among
    # them the Latin spellings the cap left out.
    found = titles(workspace, "cohen ")
    assert set(found) == {f"{first} Cohen" for first in ("Avi", "Beni", "Gil", "Dani", "Hadas")} | {
        "צביקה כהן"
    }
    assert found[-1] == "צביקה כהן"


def test_sound_alikes_are_not_looked_up_when_a_page_of_better_matches_is_found(
    workspace: Workspace, make_person: Any, django_assert_num_queries: Any
) -> None:
    for first in ("Avi", "Beni", "Gil"):
        make_person(f"{first} Cohen")
    make_person("דני כהן")
    # Three exact matches fill a page of three: nothing by sound can rank among them.
    with django_assert_num_queries(2):  # the word's documents, then the page's
        hits = search(workspace=workspace, query="cohen ", limit=3).hits
    assert [hit.title for hit in hits] == ["Avi Cohen", "Beni Cohen", "Gil Cohen"]
    # A page of four leaves room: the sound-alikes are looked up (one query more).
    with django_assert_num_queries(3):
        hits = search(workspace=workspace, query="cohen ", limit=4).hits
    assert [hit.title for hit in hits] == ["Avi Cohen", "Beni Cohen", "Gil Cohen", "דני כהן"]


def test_one_word_as_typed_and_another_by_sound(workspace: Workspace, make_person: Any) -> None:
    make_person("Dani Cohen")
    make_person("משה כהן")
    make_person("דני לוי")
    make_person("דני כהן")
    # Each is met by one word as typed and the other by sound: a tie, ordered by title.
    assert scored(workspace, "dani כהן ") == [
        ("person", "Dani Cohen", EXACT + 3 + SOUNDS_LIKE + 3),
        ("person", "דני כהן", SOUNDS_LIKE + 3 + EXACT + 3),
    ]
