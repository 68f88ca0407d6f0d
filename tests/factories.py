"""Test data factories. Workspaces are made through the service, so they look like real ones
(owner membership, the owner as a person, default tie kinds).

Default names carry zero-padded numbers ("Person 00012"), so sorting by name is sorting by
creation whatever the counters reached on a test worker: with "Workspace 10" before
"Workspace 9", a test's result hung on which tests had run before it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from kesher.accounts.models import User
from kesher.deals.models import Deal, DealStatus, Pipeline, PipelineKind, Promise, PromiseKind
from kesher.deals.services import pipeline_create_default, stage_totals_refresh
from kesher.network.models import Interaction, Need, Offer, Tie, TieKind
from kesher.people.models import Event, Group, Organization, Person, Tag
from kesher.workspaces.models import Membership, Role, Workspace
from kesher.workspaces.services import workspace_create

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Sequence(lambda n: f"User {n:05d}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


class WorkspaceFactory(factory.Factory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Workspace {n:05d}")
    owner = factory.SubFactory(UserFactory)
    language = "he"

    @classmethod
    def _create(cls, model_class: type[Workspace], *args: Any, **kwargs: Any) -> Workspace:
        return workspace_create(
            name=kwargs["name"], owner=kwargs["owner"], language=kwargs["language"]
        )

    @classmethod
    def _build(cls, model_class: type[Workspace], *args: Any, **kwargs: Any) -> Workspace:
        kwargs.pop("owner", None)
        return model_class(**kwargs)


class WorkspaceScopedFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    workspace = factory.SubFactory(WorkspaceFactory)


class OrganizationFactory(WorkspaceScopedFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n:05d}")


class GroupFactory(WorkspaceScopedFactory):
    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"Group {n:05d}")


class EventFactory(WorkspaceScopedFactory):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"Event {n:05d}")


class TagFactory(WorkspaceScopedFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag{n}")
    normalized = factory.LazyAttribute(lambda o: o.name.lower())


class PersonFactory(WorkspaceScopedFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n:05d}")


class TieKindFactory(WorkspaceScopedFactory):
    class Meta:
        model = TieKind

    name = factory.Sequence(lambda n: f"Kind {n:05d}")


class TieFactory(WorkspaceScopedFactory):
    class Meta:
        model = Tie

    person_a = factory.SubFactory(PersonFactory, workspace=factory.SelfAttribute("..workspace"))
    person_b = factory.SubFactory(PersonFactory, workspace=factory.SelfAttribute("..workspace"))
    kind = factory.SubFactory(TieKindFactory, workspace=factory.SelfAttribute("..workspace"))


class InteractionFactory(WorkspaceScopedFactory):
    class Meta:
        model = Interaction
        skip_postgeneration_save = True

    occurred_at = factory.LazyFunction(timezone.now)
    channel = Interaction.Channel.MEETING
    summary = "Coffee"

    @factory.post_generation
    def participants(obj: Interaction, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            obj.participants.set(extracted)


class NeedFactory(WorkspaceScopedFactory):
    class Meta:
        model = Need

    person = factory.SubFactory(PersonFactory, workspace=factory.SelfAttribute("..workspace"))
    text = "Looking for a jeep"


class OfferFactory(WorkspaceScopedFactory):
    class Meta:
        model = Offer

    person = factory.SubFactory(PersonFactory, workspace=factory.SelfAttribute("..workspace"))
    text = "Selling a jeep"


class PipelineFactory(factory.Factory):
    """A pipeline with its kind's default stages, made by the service (the workspace's default
    of that kind when it has none yet)."""

    class Meta:
        model = Pipeline

    workspace = factory.SubFactory(WorkspaceFactory)
    kind = PipelineKind.SALES

    @classmethod
    def _create(cls, model_class: type[Pipeline], *args: Any, **kwargs: Any) -> Pipeline:
        return pipeline_create_default(workspace=kwargs["workspace"], kind=kwargs["kind"])


def _workspace_owner(workspace: Workspace) -> User:
    membership = Membership.objects.filter(workspace=workspace, role=Role.OWNER).first()
    assert membership is not None
    return membership.user


class DealFactory(WorkspaceScopedFactory):
    """An open deal in the pipeline's first stage, owned by the workspace's owner. Pass
    `stage=` for another stage and `status=` for a closed one (closed_at follows)."""

    class Meta:
        model = Deal
        skip_postgeneration_save = True

    pipeline = factory.SubFactory(PipelineFactory, workspace=factory.SelfAttribute("..workspace"))
    stage = factory.LazyAttribute(lambda deal: deal.pipeline.stages.order_by("position").first())
    title = factory.Sequence(lambda n: f"Deal {n:05d}")
    person = factory.SubFactory(PersonFactory, workspace=factory.SelfAttribute("..workspace"))
    owner = factory.LazyAttribute(lambda deal: _workspace_owner(deal.workspace))
    amount = factory.LazyFunction(lambda: Decimal("1000.00"))
    currency = factory.LazyAttribute(lambda deal: deal.workspace.currency)
    next_action = "Call to set a meeting"
    next_action_on = factory.LazyFunction(timezone.localdate)
    status = DealStatus.OPEN
    closed_at = factory.LazyAttribute(
        lambda deal: None if deal.status == DealStatus.OPEN else timezone.now()
    )

    @factory.post_generation
    def stage_totals(deal: Deal, create: bool, extracted: object, **kwargs: object) -> None:
        """The board's totals, as the services keep them."""
        if create:
            stage_totals_refresh(stage_ids=[deal.stage_id])


class PromiseFactory(WorkspaceScopedFactory):
    class Meta:
        model = Promise

    workspace = factory.LazyAttribute(lambda promise: promise.deal.workspace)
    deal = factory.SubFactory(DealFactory)
    kind = PromiseKind.VOLUME
    text = "The printers print 10,000 pages a month"
