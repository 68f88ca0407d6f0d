"""Deals in the search box: found by their title, their customer and their next step, pointing
at the deal's page, and kept in step when their customer or stage is renamed."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kesher.deals.models import Deal
from kesher.people.services import (
    PersonData,
    organization_delete,
    organization_update,
    person_archive,
    person_restore,
    person_update,
)
from kesher.search.models import SearchDocument
from kesher.search.selectors import EXACT, PREFIX, STEM, search
from kesher.search.services import (
    NAME_WEIGHT,
    TEXT_WEIGHT,
    search_indexes_upgrade,
    search_refresh_deals,
    search_reindex_workspace,
)
from kesher.workspaces.models import Workspace
from tests.search.test_services import snapshot

pytestmark = pytest.mark.django_db


def deal_hits(workspace: Workspace, query: str, **kwargs: Any) -> list[tuple[str, Any, int]]:
    return [
        (hit.title, hit.target_id, hit.score)
        for hit in search(workspace=workspace, query=query, **kwargs).hits
        if hit.kind == "deal"
    ]


@pytest.fixture
def printers(make_person: Any, make_organization: Any, make_deal: Any) -> Deal:
    livne = make_organization("אופנת ליבנה")
    michal = make_person("מיכל אברהם", name_alt="Michal Avraham", organization=livne)
    return make_deal(
        "מחשבים ומדפסות", person=michal, organization=livne, next_action="לשלוח הצעת מחיר"
    )


def test_a_hebrew_title_is_found_by_its_words_with_prefixes_and_the_article(
    workspace: Workspace, printers: Deal
) -> None:
    deal = printers.public_id
    assert deal_hits(workspace, "ומדפסות") == [("מחשבים ומדפסות", deal, EXACT + NAME_WEIGHT)]
    # The bare word is indexed too, as the stem of "ומדפסות".
    assert deal_hits(workspace, "מדפסות") == [("מחשבים ומדפסות", deal, EXACT + NAME_WEIGHT)]
    assert deal_hits(workspace, "המדפסות ") == [("מחשבים ומדפסות", deal, STEM + NAME_WEIGHT)]
    assert deal_hits(workspace, "מחשב") == [("מחשבים ומדפסות", deal, PREFIX + NAME_WEIGHT)]


def test_an_english_title_is_found_whatever_the_case(
    workspace: Workspace, make_organization: Any, make_deal: Any
) -> None:
    deal = make_deal("Computers and Printers", organization=make_organization("Orion"))
    for query in ("printers", "PRINTERS ", "Computers printers"):
        assert [hit[:2] for hit in deal_hits(workspace, query)] == [
            ("Computers and Printers", deal.public_id)
        ], query


def test_the_customer_and_the_next_step_find_the_deal_below_the_title(
    workspace: Workspace, printers: Deal, make_deal: Any
) -> None:
    deal = printers.public_id
    for query in ("מיכל", "Avraham ", "ליבנה ", "הצעת מחיר"):
        assert [hit[:2] for hit in deal_hits(workspace, query)] == [("מחשבים ומדפסות", deal)], query
    assert deal_hits(workspace, "ליבנה ") == [("מחשבים ומדפסות", deal, EXACT + TEXT_WEIGHT)]
    # The organisation ranks first, by its name; the deal and the person who works there
    # weigh the same, so their titles order them.
    hits = search(workspace=workspace, query="ליבנה ").hits
    assert [(hit.kind, hit.title, hit.score) for hit in hits] == [
        ("organization", "אופנת ליבנה", EXACT + NAME_WEIGHT),
        ("deal", "מחשבים ומדפסות", EXACT + TEXT_WEIGHT),
        ("person", "מיכל אברהם (Michal Avraham)", EXACT + TEXT_WEIGHT),
    ]
    # A customer's name in the other script, by sound.
    assert [hit[:2] for hit in deal_hits(workspace, "Michal Avraham ")] == [
        ("מחשבים ומדפסות", deal)
    ]


def test_the_hit_points_at_the_deal_with_its_customer_stage_and_status(
    workspace: Workspace, printers: Deal
) -> None:
    (hit,) = search(workspace=workspace, query="מדפסות").hits
    assert (hit.kind, hit.title, hit.target_id, hit.archived) == (
        "deal",
        "מחשבים ומדפסות",
        printers.public_id,
        False,
    )
    # In the workspace's language (Hebrew), as its stage names are.
    assert hit.snippet == "מיכל אברהם · אופנת ליבנה · איתור הלקוח · פתוחה"
    document = SearchDocument.objects.get(kind="deal", object_id=printers.public_id)
    assert (document.workspace_id, document.person_id) == (workspace.pk, printers.person_id)


def test_the_deals_group_comes_after_organisations_and_before_needs(
    workspace: Workspace,
    make_person: Any,
    make_organization: Any,
    make_need: Any,
    make_deal: Any,
) -> None:
    jeeps = make_organization("Jeep Israel")
    dani = make_person("Dani Jeep")
    make_need(dani, "Looking for a jeep")
    make_deal("Jeep fleet", organization=jeeps)
    groups = search(workspace=workspace, query="jeep").groups
    assert [(group.kind, group.label, len(group.hits)) for group in groups] == [
        ("person", "People", 1),
        ("organization", "Organisations", 1),
        ("deal", "Deals", 1),
        ("need", "Needs", 1),
    ]


def test_an_archived_persons_deals_drop_out_but_an_organisations_stay(
    workspace: Workspace, printers: Deal, make_deal: Any
) -> None:
    assert printers.organization is not None
    theirs = make_deal("מדפסות לסניף", organization=printers.organization)
    assert printers.person is not None
    person_archive(person=printers.person)
    assert [hit[0] for hit in deal_hits(workspace, "מדפסות")] == ["מדפסות לסניף"]
    hits = search(workspace=workspace, query="מדפסות", include_archived=True).hits
    assert [(hit.target_id, hit.archived) for hit in hits] == [
        (theirs.public_id, False),
        (printers.public_id, True),
    ]
    person_restore(person=printers.person)
    assert len(deal_hits(workspace, "מדפסות")) == 2


def test_renaming_the_customer_refreshes_their_deals(
    workspace: Workspace, printers: Deal, make_deal: Any
) -> None:
    person, organization = printers.person, printers.organization
    assert person is not None and organization is not None
    second = make_deal("כסאות", person=person)
    person_update(
        person=person,
        data=PersonData(name="מיכל לוי", name_alt="Michal Levi", organization=organization),
    )
    organization_update(organization=organization, name="ליבנה אופנה בע״מ")
    assert deal_hits(workspace, "אברהם") == []
    assert deal_hits(workspace, "Avraham ") == []
    assert {hit[1] for hit in deal_hits(workspace, "לוי ")} == {
        printers.public_id,
        second.public_id,
    }
    (hit,) = search(workspace=workspace, query="מדפסות").hits
    assert hit.snippet == "מיכל לוי · ליבנה אופנה בע״מ · איתור הלקוח · פתוחה"


def test_deleting_the_organisation_forgets_its_name_on_the_deals(
    workspace: Workspace, printers: Deal
) -> None:
    assert printers.organization is not None
    organization_delete(organization=printers.organization)
    assert deal_hits(workspace, "ליבנה ") == []
    (hit,) = search(workspace=workspace, query="מדפסות").hits
    assert hit.snippet == "מיכל אברהם · איתור הלקוח · פתוחה"


def test_a_customers_rename_costs_the_same_queries_for_one_deal_or_many(
    workspace: Workspace, make_person: Any, make_deal: Any
) -> None:
    def rename_costs(person: Any, name: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            person_update(person=person, data=PersonData(name=name))
        return len(captured.captured_queries)

    one, many = make_person("Dana One"), make_person("Dana Many")
    make_deal("Laptops", person=one)
    for n in range(12):
        make_deal(f"Laptops {n}", person=many)
    assert rename_costs(one, "Dana Uno") == rename_costs(many, "Dana Multi")
    assert len(deal_hits(workspace, "multi")) == 12


def test_rebuilding_includes_the_deals_as_the_services_index_them(
    workspace: Workspace, printers: Deal, make_organization: Any, make_deal: Any
) -> None:
    make_deal("Printers lease", organization=make_organization("Orion"))
    kept = snapshot(workspace)
    # The owner, Michal, two organisations and two deals.
    assert sorted(kind for kind, *_rest in kept) == [
        "deal",
        "deal",
        "organization",
        "organization",
        "person",
        "person",
    ]
    assert search_reindex_workspace(workspace=workspace) == 6
    assert snapshot(workspace) == kept
    SearchDocument.objects.filter(workspace=workspace, kind="deal").delete()
    assert search_refresh_deals(workspace=workspace, deals=Deal.objects.all()) == 2
    assert snapshot(workspace) == kept


def test_the_upgrade_indexes_deals_written_before_they_were_searchable(
    workspace: Workspace, other_workspace: Workspace, printers: Deal, make_person: Any
) -> None:
    make_person("Dana Levi", in_workspace=other_workspace)
    kept = {space.pk: snapshot(space) for space in (workspace, other_workspace)}
    assert search_indexes_upgrade() == []
    SearchDocument.objects.filter(kind="deal").delete()
    assert search_indexes_upgrade() == [workspace]
    assert {space.pk: snapshot(space) for space in (workspace, other_workspace)} == kept
    assert search_indexes_upgrade() == []


def test_another_workspaces_deals_are_never_found(
    workspace: Workspace, other_workspace: Workspace, make_organization: Any, make_deal: Any
) -> None:
    make_deal("מחשבים ומדפסות", organization=make_organization("Orion", in_workspace=workspace))
    theirs = make_deal(
        "מדפסות לייזר", organization=make_organization("Orion", in_workspace=other_workspace)
    )
    assert [hit[0] for hit in deal_hits(workspace, "מדפסות", include_archived=True)] == [
        "מחשבים ומדפסות"
    ]
    assert [hit[1] for hit in deal_hits(other_workspace, "מדפסות")] == [theirs.public_id]
