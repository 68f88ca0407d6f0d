from django.urls import URLPattern, path

from kesher.people import directory_views as views

app_name = "directory"
urlpatterns: list[URLPattern] = [
    path("organisations/", views.organization_list, name="organization_list"),
    path("organisations/new/", views.organization_create, name="organization_create"),
    path("organisations/<uuid:public_id>/", views.organization_detail, name="organization_detail"),
    path("organisations/<uuid:public_id>/edit/", views.organization_edit, name="organization_edit"),
    path(
        "organisations/<uuid:public_id>/delete/",
        views.organization_delete,
        name="organization_delete",
    ),
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<uuid:public_id>/", views.group_detail, name="group_detail"),
    path("groups/<uuid:public_id>/edit/", views.group_edit, name="group_edit"),
    path("groups/<uuid:public_id>/delete/", views.group_delete, name="group_delete"),
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<uuid:public_id>/", views.event_detail, name="event_detail"),
    path("events/<uuid:public_id>/edit/", views.event_edit, name="event_edit"),
    path("events/<uuid:public_id>/delete/", views.event_delete, name="event_delete"),
]
