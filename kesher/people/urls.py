from django.urls import URLPattern, path

from kesher.people import views

app_name = "people"
urlpatterns: list[URLPattern] = [
    path("people/", views.person_list, name="list"),
    path("people/filters/", views.person_filters, name="filters"),
    path("people/pick/", views.person_pick, name="pick"),
    path("people/new/", views.person_create, name="create"),
    path("people/<uuid:person_id>/", views.person_detail, name="detail"),
    path("people/<uuid:person_id>/edit/", views.person_edit, name="edit"),
    path("people/<uuid:person_id>/archive/", views.person_archive, name="archive"),
    path("people/<uuid:person_id>/restore/", views.person_restore, name="restore"),
    path("capture/", views.quick_capture, name="quick_capture"),
]
