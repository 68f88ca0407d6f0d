import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from kesher.cli import main
from kesher.introductions import services
from kesher.introductions.matchmaking import matcher_cache, suggestions_refresh_for
from kesher.introductions.models import MatchRun, MatchRunStatus, Suggestion
from kesher.introductions.tasks import match_run_task, suggestions_refresh_task
from tests.introductions.conftest import jeep_world

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db
def test_match_run_task_skips_runs_that_are_not_queued(jeep):
    run = MatchRun.objects.create(workspace=jeep.workspace, status=MatchRunStatus.DONE)

    result = match_run_task.call(run_id=run.pk)

    assert result == 0
    run.refresh_from_db()
    assert (run.status, run.progress, run.started_at) == (MatchRunStatus.DONE, 0, None)


@pytest.mark.django_db
def test_refresh_task_for_an_item_deleted_meanwhile_does_nothing(jeep):
    assert suggestions_refresh_task.call(kind="offer", item_id=10**9) == "gone"
    assert suggestions_refresh_task.call(kind="need", item_id=jeep.need.pk) == "refreshed"


@pytest.mark.django_db
def test_a_run_left_unfinished_for_an_hour_is_abandoned(jeep):
    stale = MatchRun.objects.create(workspace=jeep.workspace, status=MatchRunStatus.RUNNING)
    MatchRun.objects.filter(pk=stale.pk).update(created_at="2000-01-01T00:00:00Z")

    run = services.match_run_start(workspace=jeep.workspace, user=jeep.user)

    stale.refresh_from_db()
    assert stale.status == MatchRunStatus.FAILED
    assert stale.error == "Abandoned: no worker finished it. Is `kesher worker` running?"
    assert run.status == MatchRunStatus.DONE


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_queued_recomputes_from_the_database(workspace, user, capsys):
    with override_settings(TASKS=DATABASE_TASKS):
        jeep = jeep_world(workspace, user)
        Suggestion.objects.all().delete()
        run = services.match_run_start(workspace=workspace, user=user)
        assert run.status == MatchRunStatus.QUEUED
        # A second click while it waits gets the same run back.
        assert services.match_run_start(workspace=workspace, user=user) == run
        assert DBTaskResult.objects.count() == 1

        code = main(["worker", "--batch", "--quiet"])

    assert code == 0
    run.refresh_from_db()
    assert (run.status, run.progress, run.needs, run.offers, run.suggestions) == (
        MatchRunStatus.DONE,
        100,
        1,
        2,
        1,
    )
    assert list(Suggestion.objects.values_list("need", "offer")) == [(jeep.need.pk, jeep.offer.pk)]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    # The worker keeps the fitted matcher for the next refresh.
    assert matcher_cache.peek(workspace) is not None
    assert capsys.readouterr().out == ""


@pytest.mark.django_db(transaction=True)
def test_a_large_cold_refresh_is_queued_for_the_worker(workspace, user):
    with override_settings(TASKS=DATABASE_TASKS):
        jeep = jeep_world(workspace, user)
        Suggestion.objects.all().delete()
        matcher_cache.clear()

        assert suggestions_refresh_for(offer=jeep.offer, fit_limit=1) == "deferred"
        assert Suggestion.objects.count() == 0

        assert main(["worker", "--batch", "--quiet"]) == 0

    assert list(Suggestion.objects.values_list("need", "offer")) == [(jeep.need.pk, jeep.offer.pk)]


@pytest.mark.django_db(transaction=True)
def test_the_match_command_recomputes_now_without_a_worker(workspace, user, capsys, monkeypatch):
    monkeypatch.setenv("KESHER_LANGUAGE", "en")
    with override_settings(TASKS=DATABASE_TASKS):
        jeep = jeep_world(workspace, user)
        Suggestion.objects.all().delete()

        code = main(["match", "--workspace", str(workspace.public_id)])

    assert code == 0
    run = MatchRun.objects.get()
    assert (run.status, run.needs, run.offers, run.suggestions, run.requested_by) == (
        MatchRunStatus.DONE,
        1,
        2,
        1,
        None,
    )
    assert list(Suggestion.objects.values_list("need", "offer")) == [(jeep.need.pk, jeep.offer.pk)]
    out = capsys.readouterr().out
    assert out.startswith(f"{workspace.name}: 1 suggestion waiting · open needs: 1 · offers: 2 · ")
    # Its queued task finds the run done and leaves it.
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db
def test_the_match_command_leaves_a_running_recompute_to_its_worker(jeep, capsys, monkeypatch):
    monkeypatch.setenv("KESHER_LANGUAGE", "en")
    MatchRun.objects.create(workspace=jeep.workspace, status=MatchRunStatus.RUNNING)

    assert main(["match"]) == 1

    assert capsys.readouterr().err == (
        f"{jeep.workspace.name}: a worker is recomputing its suggestions already; "
        "try again later.\n"
    )
    assert MatchRun.objects.count() == 1


@pytest.mark.django_db
def test_the_match_command_says_when_there_is_no_workspace(capsys, monkeypatch):
    monkeypatch.setenv("KESHER_LANGUAGE", "en")

    assert main(["match"]) == 0

    assert capsys.readouterr().out == (
        "There is no workspace yet: create one with kesher workspace create, or load the demo "
        "with kesher demo.\n"
    )
