from django.urls import URLPattern, path

from kesher.deals import views

app_name = "deals"

DEAL = "deals/<uuid:deal_id>/"
PIPELINE = "deals/pipelines/<uuid:pipeline_id>/"
STAGE = "deals/stages/<uuid:stage_id>/"

urlpatterns: list[URLPattern] = [
    path("deals/", views.board, name="board"),
    path(
        "deals/board/<uuid:pipeline_id>/<uuid:stage_id>/",
        views.board_column,
        name="board_column",
    ),
    path("deals/list/", views.deal_list, name="list"),
    path("deals/new/", views.deal_create, name="create"),
    path("deals/advice/", views.advice_preview, name="advice_preview"),
    path("deals/organisations/pick/", views.organization_pick, name="organization_pick"),
    path("deals/reports/", views.reports, name="reports"),
    path("deals/pipelines/", views.pipelines, name="pipelines"),
    path("deals/pipelines/new/", views.pipeline_create, name="pipeline_create"),
    path(f"{PIPELINE}edit/", views.pipeline_update, name="pipeline_update"),
    path(f"{PIPELINE}delete/", views.pipeline_delete, name="pipeline_delete"),
    path(f"{PIPELINE}stages/", views.stage_create, name="stage_create"),
    path(f"{STAGE}edit/", views.stage_update, name="stage_update"),
    path(f"{STAGE}move/", views.stage_move, name="stage_move"),
    path(f"{STAGE}delete/", views.stage_delete, name="stage_delete"),
    path(DEAL, views.deal_detail, name="detail"),
    path(f"{DEAL}edit/", views.deal_edit, name="edit"),
    path(f"{DEAL}move/", views.deal_move, name="move"),
    path(f"{DEAL}next-step/", views.next_action, name="next_action"),
    path(f"{DEAL}value-case/", views.value_case, name="value_case"),
    path(f"{DEAL}fit/", views.fit, name="fit"),
    path(f"{DEAL}close-won/", views.close_won, name="close_won"),
    path(f"{DEAL}close-lost/", views.close_lost, name="close_lost"),
    path(f"{DEAL}walk-away/", views.walk_away, name="walk_away"),
    path(f"{DEAL}reopen/", views.reopen, name="reopen"),
    path(f"{DEAL}promises/", views.promise_add, name="promise_add"),
    path(f"{DEAL}satisfaction/", views.satisfaction_new, name="satisfaction_new"),
    path("deals/promises/<uuid:promise_id>/check/", views.promise_check, name="promise_check"),
    path("deals/checks/<uuid:check_id>/", views.post_sale_check, name="post_sale_check"),
    path("deals/tasks/<uuid:task_id>/done/", views.task_done, name="task_done"),
    # The customer's public satisfaction link: no login.
    path("s/<str:token>/", views.satisfaction, name="satisfaction"),
    path("s/<str:token>/thanks/", views.satisfaction_thanks, name="satisfaction_thanks"),
]
