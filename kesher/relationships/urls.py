from django.urls import URLPattern, path

from kesher.relationships import views

app_name = "relationships"

PERSON = "relationships/people/<uuid:person_id>/"

urlpatterns: list[URLPattern] = [
    path("relationships/strengths/", views.strength_list, name="strengths"),
    path("relationships/strengths.csv", views.strength_csv, name="strengths_csv"),
    path(
        "relationships/strengths/recompute/", views.strength_recompute, name="strengths_recompute"
    ),
    path("relationships/keep-in-touch/", views.keep_in_touch, name="keep_in_touch"),
    path("relationships/rhythms/kind/", views.rhythm_kind_set, name="rhythm_kind_set"),
    path("relationships/rhythms/<uuid:rhythm_id>/clear/", views.rhythm_clear, name="rhythm_clear"),
    path(f"{PERSON}rhythm/", views.rhythm_person_set, name="rhythm_person_set"),
    path(f"{PERSON}reach/", views.reach_person, name="reach_person"),
    path(f"{PERSON}knows/", views.who_they_know, name="who_they_know"),
    path(f"{PERSON}graph/", views.neighbourhood, name="graph"),
    path(
        "relationships/organizations/<uuid:organization_id>/reach/",
        views.reach_organization,
        name="reach_organization",
    ),
    path(
        "relationships/calendar/regenerate/",
        views.calendar_regenerate,
        name="calendar_regenerate",
    ),
    path("relationships/calendar/<str:secret>.ics", views.calendar_feed, name="calendar_feed"),
    path("relationships/referrals/", views.referral_list, name="referrals"),
    path("relationships/referrals/new/", views.referral_create, name="referral_create"),
    path(
        "relationships/referrals/<uuid:referral_id>/edit/",
        views.referral_edit,
        name="referral_edit",
    ),
    path(
        "relationships/referrals/<uuid:referral_id>/delete/",
        views.referral_delete,
        name="referral_delete",
    ),
    path("relationships/settings/", views.settings_page, name="settings"),
]
