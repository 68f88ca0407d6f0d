from django.urls import URLPattern, path

from kesher.workspaces import views

app_name = "workspaces"
urlpatterns: list[URLPattern] = [
    path("new/", views.workspace_create, name="create"),
    path("switch/", views.workspace_switch, name="switch"),
    path("settings/", views.workspace_settings, name="settings"),
    path("members/", views.member_list, name="members"),
    path("members/invite/", views.invitation_create, name="invite"),
    path("members/<uuid:user_id>/remove/", views.member_remove, name="member_remove"),
    path(
        "invitations/<uuid:invitation_id>/cancel/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("join/<str:secret>/", views.invitation_join, name="join"),
    path("tie-kinds/", views.tie_kind_list, name="tie_kinds"),
    path("tie-kinds/<uuid:kind_id>/rename/", views.tie_kind_rename, name="tie_kind_rename"),
    path("tie-kinds/<uuid:kind_id>/delete/", views.tie_kind_delete, name="tie_kind_delete"),
]
