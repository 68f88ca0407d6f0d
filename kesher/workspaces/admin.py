from django.contrib import admin

from kesher.workspaces.models import Invitation, Membership, Workspace


class MembershipInline(admin.TabularInline[Membership, Workspace]):
    model = Membership
    extra = 0
    raw_id_fields = ("user", "person")


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin[Workspace]):
    list_display = ("name", "public_id", "language", "currency", "time_zone", "created_at")
    search_fields = ("name", "public_id")
    inlines = (MembershipInline,)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ("workspace", "role", "created_by", "expires_at", "accepted_by", "accepted_at")
    list_select_related = ("workspace", "created_by", "accepted_by")
    readonly_fields = ("digest",)
