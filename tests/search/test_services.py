from __future__ import annotations

from typing import Any

import pytest

from kesher.engine.phonetic import SOUND_MARK
from kesher.people.services import person_archive
from kesher.search.models import SearchDocument, SearchTerm
from kesher.search.selectors import search
from kesher.search.services import (
    NAME_WEIGHT,
    TEXT_WEIGHT,
    IndexedText,
    search_reindex_workspace,
    weighted_terms,
)
from kesher.workspaces.models import Workspace

pytestmark = pytest.mark.django_db


def snapshot(workspace: Workspace) -> set[tuple[Any, ...]]:
    """The workspace's index, document by document with its terms, ids aside."""
    terms: dict[int, set[tuple[str, int]]] = {}
    for document_id, term, weight in SearchTerm.objects.filter(workspace=workspace).values_list(
        "document_id", "term", "weight"
    ):
        terms.setdefault(document_id, set()).add((term, weight))
    documents = SearchDocument.objects.filter(workspace=workspace).values_list(
        "pk", "kind", "object_id", "person_id", "title", "snippet", "archived"
    )
    return {(*document[1:], frozenset(terms.get(document[0], ()))) for document in documents}


@pytest.fixture
def network(
    workspace: Workspace,
    make_person: Any,
    make_organization: Any,
    make_need: Any,
    make_offer: Any,
    make_note: Any,
) -> None:
    orion = make_organization("Orion Systems", notes="Fashion company buying computers")
    dani = make_person(
        "דני כהן",
        name_alt="Dani Cohen",
        emails=["dani@example.com"],
        phones=["052-345-6789"],
        organization=orion,
        title="CTO",
        interests=["כדורסל", "jeeps"],
        notes="אוהב טיולי ג'יפים",
    )
    yael = make_person("יעל לוי")
    make_need(dani, "מחפש ג'יפ רנגלר")
    make_offer(yael, "Selling office furniture")
    make_note([yael, dani], "פגישה בקפה על הג'יפ")
    make_note([dani], "")
    person_archive(person=make_person("Archived Person", notes="jeep"))


def test_rebuilding_gives_the_index_the_services_keep(workspace: Workspace, network: None) -> None:
    kept = snapshot(workspace)
    assert len(kept) == 8  # 3 people, 1 organisation, 1 need, 1 offer, 1 note, the owner
    assert search_reindex_workspace(workspace=workspace) == 8
    assert snapshot(workspace) == kept
    hits = search(workspace=workspace, query="ג'יפ").hits
    # The need has the word, the note has it with the article, Dani's notes start with it.
    assert [(hit.kind, hit.score) for hit in hits] == [("need", 43), ("note", 41), ("person", 21)]


def test_rebuilding_replaces_a_stale_index_and_leaves_other_workspaces_alone(
    workspace: Workspace, other_workspace: Workspace, network: None, make_person: Any
) -> None:
    make_person("Theirs", in_workspace=other_workspace)
    theirs = snapshot(other_workspace)
    kept = snapshot(workspace)
    SearchTerm.objects.filter(workspace=workspace).delete()
    SearchDocument.objects.filter(workspace=workspace, kind="need").delete()
    search_reindex_workspace(workspace=workspace)
    assert snapshot(workspace) == kept
    assert snapshot(other_workspace) == theirs


def sound_terms_of(workspace: Workspace, kind: str) -> dict[str, int]:
    return dict(
        SearchTerm.objects.filter(
            workspace=workspace, document__kind=kind, term__startswith=SOUND_MARK
        ).values_list("term", "weight")
    )


def test_names_and_what_describes_a_person_are_heard_but_not_notes_emails_or_phones(
    workspace: Workspace, network: None
) -> None:
    assert sound_terms_of(workspace, "person") == {
        # דני כהן (Dani Cohen)
        "≡hdni": NAME_WEIGHT,
        "≡hkkn": NAME_WEIGHT,
        "≡ldni": NAME_WEIGHT,
        "≡lkkn": NAME_WEIGHT,
        # Orion Systems, CTO, jeeps: כדורסל's stems ("דורסל") too.
        "≡larn": TEXT_WEIGHT,
        "≡lsstms": TEXT_WEIGHT,
        "≡lkto": TEXT_WEIGHT,
        "≡lgps": TEXT_WEIGHT,
        "≡hkdrsl": TEXT_WEIGHT,
        "≡hdrsl": TEXT_WEIGHT,
        # יעל לוי, and the owner
        "≡hyl": NAME_WEIGHT,
        "≡hlbi": NAME_WEIGHT,
        "≡lasr": NAME_WEIGHT,
        # Archived Person
        "≡larkbd": NAME_WEIGHT,
        "≡lprsn": NAME_WEIGHT,
    }
    assert sound_terms_of(workspace, "note") == {}
    assert sound_terms_of(workspace, "need") == {
        "≡hmkps": NAME_WEIGHT,
        "≡hkps": NAME_WEIGHT,
        "≡hgp": NAME_WEIGHT,
        "≡hrnglr": NAME_WEIGHT,
    }


def test_weighted_terms_keep_the_best_weight_of_a_term_or_sound() -> None:
    assert weighted_terms(
        [
            IndexedText("Cohen", TEXT_WEIGHT, sounds=True),
            IndexedText("Kohen", NAME_WEIGHT, sounds=True),
            IndexedText("cohen@example.com", NAME_WEIGHT),
            IndexedText("", NAME_WEIGHT, sounds=True),
        ]
    ) == {
        "cohen": NAME_WEIGHT,
        "kohen": NAME_WEIGHT,
        "example": NAME_WEIGHT,
        "com": NAME_WEIGHT,
        "≡lkkn": NAME_WEIGHT,
    }
