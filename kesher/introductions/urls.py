from django.urls import URLPattern, path

from kesher.introductions import views

app_name = "introductions"

INTRODUCTION = "introductions/<uuid:introduction_id>/"
SUGGESTION = "introductions/suggestions/<uuid:suggestion_id>/"

urlpatterns: list[URLPattern] = [
    path("introductions/", views.introduction_list, name="list"),
    path("introductions/ledger/", views.ledger, name="ledger"),
    path("introductions/suggestions/", views.suggestion_list, name="suggestion_list"),
    path(
        "introductions/suggestions/today/",
        views.suggestion_list_today,
        name="suggestion_list_today",
    ),
    path(f"{SUGGESTION}accept/", views.suggestion_accept, name="suggestion_accept"),
    path(f"{SUGGESTION}snooze/", views.suggestion_snooze, name="suggestion_snooze"),
    path(f"{SUGGESTION}dismiss/", views.suggestion_dismiss, name="suggestion_dismiss"),
    path("introductions/recompute/", views.recompute, name="recompute"),
    path("introductions/runs/<uuid:run_id>/", views.match_run, name="match_run"),
    path(INTRODUCTION, views.introduction_detail, name="detail"),
    path(f"{INTRODUCTION}messages/", views.introduction_messages, name="messages"),
    path(f"{INTRODUCTION}propose/", views.introduction_propose, name="propose"),
    path(f"{INTRODUCTION}transition/", views.introduction_transition, name="transition"),
    path(f"{INTRODUCTION}outcome/", views.introduction_outcome, name="outcome"),
    path(f"{INTRODUCTION}returns/", views.introduction_return_add, name="return_add"),
    path("vocabulary/", views.vocabulary, name="vocabulary"),
    path("vocabulary/lookup/", views.vocabulary_lookup, name="vocabulary_lookup"),
    path("vocabulary/<uuid:concept_id>/edit/", views.concept_edit, name="concept_edit"),
    path("vocabulary/<uuid:concept_id>/delete/", views.concept_delete, name="concept_delete"),
]
