from django.urls import URLPattern, path

from kesher.network import views

app_name = "network"

PERSON = "people/<uuid:person_id>/"

urlpatterns: list[URLPattern] = [
    path(f"{PERSON}ties/", views.tie_list, name="tie_list"),
    path(f"{PERSON}ties/new/", views.tie_create, name="tie_create"),
    path(f"{PERSON}ties/<uuid:tie_id>/edit/", views.tie_edit, name="tie_edit"),
    path(f"{PERSON}ties/<uuid:tie_id>/delete/", views.tie_delete, name="tie_delete"),
    path(f"{PERSON}interactions/", views.interaction_list, name="interaction_list"),
    path(f"{PERSON}interactions/new/", views.interaction_create, name="interaction_create"),
    path(
        f"{PERSON}interactions/<uuid:interaction_id>/edit/",
        views.interaction_edit,
        name="interaction_edit",
    ),
    path(
        f"{PERSON}interactions/<uuid:interaction_id>/delete/",
        views.interaction_delete,
        name="interaction_delete",
    ),
]

# Needs and offers have the same pages; the `kind` argument tells the views which.
for kind in ("need", "offer"):
    urlpatterns += [
        path(f"{PERSON}{kind}s/", views.need_offer_list, {"kind": kind}, name=f"{kind}_list"),
        path(
            f"{PERSON}{kind}s/new/", views.need_offer_create, {"kind": kind}, name=f"{kind}_create"
        ),
        path(
            f"{kind}s/<uuid:item_id>/edit/",
            views.need_offer_edit,
            {"kind": kind},
            name=f"{kind}_edit",
        ),
        path(
            f"{kind}s/<uuid:item_id>/status/",
            views.need_offer_status,
            {"kind": kind},
            name=f"{kind}_status",
        ),
        path(
            f"{kind}s/<uuid:item_id>/delete/",
            views.need_offer_delete,
            {"kind": kind},
            name=f"{kind}_delete",
        ),
    ]
