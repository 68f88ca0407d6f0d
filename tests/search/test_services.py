from __future__ import annotations

from typing import Any

import pytest

from kesher.people.services import person_archive
from kesher.search.models import SearchDocument, SearchTerm
from kesher.search.selectors import search
from kesher.search.services import search_reindex_workspace
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
