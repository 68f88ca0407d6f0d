from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps

from kesher.engine.phonetic import SOUND_MARK
from kesher.search.models import SearchTerm
from kesher.search.selectors import search
from kesher.search.services import search_indexes_upgrade
from kesher.workspaces.models import Workspace
from tests.search.test_services import snapshot

pytestmark = pytest.mark.django_db

sound_keys_migration = importlib.import_module("kesher.search.migrations.0003_sound_keys")


def titles(workspace: Workspace, query: str) -> list[str]:
    return [hit.title for hit in search(workspace=workspace, query=query).hits]


def test_going_back_removes_the_sound_keys_and_the_upgrade_after_migrating_rebuilds_them(
    workspace: Workspace, other_workspace: Workspace, make_person: Any, make_need: Any
) -> None:
    make_need(make_person("מיכל כהן"), "מחפשת ג'יפ")
    make_person("Dana Levi", in_workspace=other_workspace)
    kept = {space.pk: snapshot(space) for space in (workspace, other_workspace)}

    sound_keys_migration.remove_sound_keys(apps, None)
    assert not SearchTerm.objects.filter(term__startswith=SOUND_MARK).exists()
    assert titles(workspace, "michal") == []
    assert titles(workspace, "מיכל") == ["מיכל כהן"]  # the words stay

    assert search_indexes_upgrade() == [workspace, other_workspace]
    assert {space.pk: snapshot(space) for space in (workspace, other_workspace)} == kept
    assert titles(workspace, "michal") == ["מיכל כהן"]
    assert titles(other_workspace, "לוי") == ["Dana Levi"]


def test_the_upgrade_leaves_indexes_that_have_their_sound_keys(
    workspace: Workspace, make_person: Any
) -> None:
    make_person("מיכל כהן")
    kept = snapshot(workspace)
    assert search_indexes_upgrade() == []
    assert snapshot(workspace) == kept
