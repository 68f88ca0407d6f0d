from django.contrib import admin

from kesher.introductions.models import (
    Introduction,
    IntroductionReturn,
    LearnedPair,
    MatchRun,
    Suggestion,
    WorkspaceConcept,
)


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin[Suggestion]):
    list_display = ("person_a", "person_b", "kind", "score", "status", "workspace")
    list_filter = ("kind", "status")
    list_select_related = ("person_a", "person_b", "workspace")
    raw_id_fields = ("workspace", "person_a", "person_b", "need", "offer", "decided_by")


class IntroductionReturnInline(admin.TabularInline[IntroductionReturn, Introduction]):
    model = IntroductionReturn
    extra = 0
    raw_id_fields = ("workspace", "from_person", "referred_person")


@admin.register(Introduction)
class IntroductionAdmin(admin.ModelAdmin[Introduction]):
    list_display = ("person_a", "person_b", "status", "outcome", "created_at", "workspace")
    list_filter = ("status", "outcome")
    list_select_related = ("person_a", "person_b", "workspace")
    raw_id_fields = (
        "workspace",
        "person_a",
        "person_b",
        "need",
        "offer",
        "suggestion",
        "give",
        "made_by",
    )
    inlines = (IntroductionReturnInline,)


@admin.register(LearnedPair)
class LearnedPairAdmin(admin.ModelAdmin[LearnedPair]):
    list_display = ("need_feature", "offer_feature", "weight", "accepted", "rejected", "workspace")
    list_select_related = ("workspace",)
    raw_id_fields = ("workspace",)


@admin.register(WorkspaceConcept)
class WorkspaceConceptAdmin(admin.ModelAdmin[WorkspaceConcept]):
    list_display = ("key", "label_he", "label_en", "broader", "workspace")
    list_select_related = ("workspace",)
    raw_id_fields = ("workspace",)


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin[MatchRun]):
    list_display = (
        "created_at",
        "status",
        "progress",
        "needs",
        "offers",
        "suggestions",
        "workspace",
    )
    list_filter = ("status",)
    list_select_related = ("workspace",)
    raw_id_fields = ("workspace", "requested_by")
