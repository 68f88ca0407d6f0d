from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from kesher.deals.models import (
    Deal,
    DealStageChange,
    Pipeline,
    PostSaleCheck,
    Product,
    Promise,
    SatisfactionRequest,
    Stage,
    Task,
)
from kesher.deals.services import stage_totals_refresh


class StageInline(admin.TabularInline[Stage, Pipeline]):
    model = Stage
    extra = 0
    raw_id_fields = ("workspace",)


@admin.register(Pipeline)
class PipelineAdmin(admin.ModelAdmin[Pipeline]):
    list_display = ("name", "kind", "is_default", "workspace")
    list_filter = ("kind", "is_default")
    list_select_related = ("workspace",)
    raw_id_fields = ("workspace", "value_case_stage")
    inlines = [StageInline]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin[Product]):
    list_display = ("name", "price", "currency", "active", "workspace")
    list_filter = ("active",)
    list_select_related = ("workspace",)
    raw_id_fields = ("workspace",)


class PromiseInline(admin.TabularInline[Promise, Deal]):
    model = Promise
    extra = 0
    raw_id_fields = ("workspace", "checked_by")


class PostSaleCheckInline(admin.TabularInline[PostSaleCheck, Deal]):
    model = PostSaleCheck
    extra = 0
    raw_id_fields = ("workspace", "done_by")


class StageChangeInline(admin.TabularInline[DealStageChange, Deal]):
    model = DealStageChange
    extra = 0
    raw_id_fields = ("workspace", "from_stage", "to_stage", "changed_by")


@admin.register(Deal)
class DealAdmin(admin.ModelAdmin[Deal]):
    list_display = ("title", "status", "stage", "amount", "currency", "updated_at", "workspace")
    list_filter = ("status", "disposition", "loss_category")
    list_select_related = ("stage", "workspace")
    search_fields = ("title",)
    raw_id_fields = (
        "workspace",
        "pipeline",
        "stage",
        "person",
        "organization",
        "owner",
        "product",
        "referred_to",
    )
    inlines = [StageChangeInline, PromiseInline, PostSaleCheckInline]

    # The admin writes deals beside the services: the board's totals of the stages touched are
    # recomputed here, as the services do.
    def save_model(self, request: HttpRequest, obj: Deal, form: Any, change: bool) -> None:
        previous = Deal.objects.filter(pk=obj.pk).values_list("stage_id", flat=True).first()
        super().save_model(request, obj, form, change)
        stage_totals_refresh(stage_ids=[previous, obj.stage_id])

    def delete_model(self, request: HttpRequest, obj: Deal) -> None:
        stage_id = obj.stage_id
        super().delete_model(request, obj)
        stage_totals_refresh(stage_ids=[stage_id])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Deal]) -> None:
        stage_ids = list(queryset.values_list("stage_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        stage_totals_refresh(stage_ids=stage_ids)


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin[Task]):
    list_display = ("title", "kind", "due_on", "done_at", "workspace")
    list_filter = ("kind",)
    list_select_related = ("workspace",)
    raw_id_fields = ("workspace", "deal", "person", "assignee", "promise")


@admin.register(SatisfactionRequest)
class SatisfactionRequestAdmin(admin.ModelAdmin[SatisfactionRequest]):
    list_display = ("deal", "score", "answered_at", "expires_at", "workspace")
    list_select_related = ("deal", "workspace")
    raw_id_fields = ("workspace", "deal")
