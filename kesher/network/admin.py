from django.contrib import admin

from kesher.network.models import Interaction, Need, Offer, Tie, TieKind


@admin.register(TieKind)
class TieKindAdmin(admin.ModelAdmin[TieKind]):
    list_display = ("name", "code", "workspace")
    list_select_related = ("workspace",)


@admin.register(Tie)
class TieAdmin(admin.ModelAdmin[Tie]):
    list_display = ("person_a", "person_b", "kind", "since", "trust", "strength", "workspace")
    list_select_related = ("person_a", "person_b", "kind", "workspace")
    raw_id_fields = ("workspace", "person_a", "person_b", "kind")


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin[Interaction]):
    list_display = ("occurred_at", "channel", "exchange", "exchange_kind", "workspace")
    list_filter = ("channel", "exchange")
    list_select_related = ("workspace",)
    raw_id_fields = ("workspace", "participants", "event", "logged_by")


@admin.register(Need, Offer)
class NeedOfferAdmin(admin.ModelAdmin[Need]):
    list_display = ("text", "person", "status", "expires_on", "workspace")
    list_filter = ("status",)
    list_select_related = ("person", "workspace")
    raw_id_fields = ("workspace", "person", "tags")
