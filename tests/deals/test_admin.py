from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory

from kesher.deals.admin import DealAdmin
from kesher.deals.models import Deal, Stage, StageTotal
from kesher.deals.services import pipeline_default
from tests.factories import DealFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


def totals(workspace):
    return sorted(
        (row.stage.position, row.status, row.deal_count, row.amount)
        for row in StageTotal.objects.filter(workspace=workspace).select_related("stage")
    )


def test_deals_changed_in_the_admin_keep_the_board_totals_exact():
    workspace = WorkspaceFactory(owner=UserFactory())
    pipeline = pipeline_default(workspace=workspace)
    deal = DealFactory(workspace=workspace, pipeline=pipeline, amount=Decimal("100"))
    other = DealFactory(workspace=workspace, pipeline=pipeline, amount=Decimal("40"))
    request = RequestFactory().post("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    deal_admin = DealAdmin(Deal, admin.site)

    deal.stage = Stage.objects.get(pipeline=pipeline, position=3)
    deal.amount = Decimal("250")
    deal_admin.save_model(request, deal, None, True)
    assert totals(workspace) == [
        (0, "open", 1, Decimal("40.00")),
        (3, "open", 1, Decimal("250.00")),
    ]

    deal_admin.delete_model(request, other)
    assert totals(workspace) == [(3, "open", 1, Decimal("250.00"))]

    deal_admin.delete_queryset(request, Deal.objects.filter(pk=deal.pk))
    assert totals(workspace) == []
