"""Background work, run by `kesher worker` (django-tasks' database worker).

Tasks take ids, never objects, and keep nothing hidden: every result is in the database
(MatchRun rows, Suggestion rows). The worker process keeps fitted matchers warm between tasks
(see kesher.introductions.matchmaking).
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from kesher.introductions.matchmaking import suggestions_recompute, suggestions_refresh_for
from kesher.introductions.models import MatchRun, MatchRunStatus
from kesher.network.models import Need, Offer

logger = logging.getLogger(__name__)


@task()
def match_run_task(run_id: int) -> int:
    """Recompute a workspace's suggestions for a queued MatchRun; returns the pairs found."""
    run = MatchRun.objects.select_related("workspace").filter(pk=run_id).first()
    if run is None or run.status != MatchRunStatus.QUEUED:
        return 0
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRunStatus.RUNNING, started_at=timezone.now()
    )
    try:
        count = suggestions_recompute(workspace=run.workspace, run=run)
    except Exception as exc:
        logger.exception("Match run %s failed", run.pk)
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRunStatus.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
        )
        raise
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRunStatus.DONE, progress=100, finished_at=timezone.now()
    )
    return count


@task()
def suggestions_refresh_task(kind: str, item_id: int) -> str:
    """Refresh one need's or offer's suggestions (handed over by a web process, see
    matchmaking.suggestions_refresh_for); an item deleted meanwhile needs nothing."""
    if kind == "need":
        need = Need.objects.select_related("workspace").filter(pk=item_id).first()
        if need is None:
            return "gone"
        return suggestions_refresh_for(need=need, fit_limit=None)
    offer = Offer.objects.select_related("workspace").filter(pk=item_id).first()
    if offer is None:
        return "gone"
    return suggestions_refresh_for(offer=offer, fit_limit=None)
