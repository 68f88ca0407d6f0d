"""Background work for the graph, run by `kesher worker` (django-tasks, like introductions)."""

from __future__ import annotations

from django_tasks import task

from kesher.relationships import services
from kesher.workspaces.models import Workspace


@task()
def tie_strength_recompute_task(workspace_id: int) -> int:
    """Rescore every tie of a workspace; returns how many (0 for a workspace gone since)."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return 0
    return services.tie_strength_recompute(workspace=workspace)


@task()
def digests_send_task(base_url: str = "") -> int:
    """The weekly keep-in-touch digest to every member; returns how many emails went out."""
    return services.digests_send(base_url=base_url)
