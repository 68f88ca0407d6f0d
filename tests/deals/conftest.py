"""What the deal page tests share: the seller's and another workspace's clients, a pipeline,
and reading a page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kesher.accounts.models import User
from kesher.deals.models import Pipeline, Stage
from kesher.workspaces.models import Membership, Role, Workspace
from tests.factories import PipelineFactory
from tests.people.conftest import login


@pytest.fixture
def web(user: User, workspace: Workspace) -> Client:
    return login(user)


@pytest.fixture
def other_web(other_workspace: Workspace) -> Client:
    return login(Membership.objects.get(workspace=other_workspace, role=Role.OWNER).user)


@pytest.fixture
def pipeline(workspace: Workspace) -> Pipeline:
    return PipelineFactory(workspace=workspace)


def stage(pipeline: Pipeline, position: int) -> Stage:
    return pipeline.stages.get(position=position)


def url(name: str, *args: object) -> str:
    return reverse(f"deals:{name}", args=args)


def page(client: Client, address: str, **kwargs: object) -> str:
    """The page's HTML, which must answer 200."""
    response = client.get(address, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()
