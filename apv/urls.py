from django.urls import path

from . import views

app_name = "apv"

urlpatterns = [
    path("", views.index, name="index"),
    path("gruppe/<uuid:public_id>/", views.amg, name="amg"),
    path("gruppe/<uuid:public_id>/start/", views.start, name="start"),
    path("svar/<str:token>/", views.survey, name="survey"),
    path("punkt/<uuid:public_id>/", views.item_update, name="item_update"),
    path("punkt/<uuid:public_id>/ret/", views.action_item_edit, name="action_item_edit"),
    path("problem/<uuid:public_id>/", views.problem_edit, name="problem_edit"),
    path("<uuid:public_id>/", views.cycle, name="cycle"),
    path("<uuid:public_id>/fase/", views.advance, name="advance"),
    path("<uuid:public_id>/tjekliste/", views.checklist, name="checklist"),
    path("<uuid:public_id>/spoergeskema/", views.survey_manage, name="survey_manage"),
    path("<uuid:public_id>/problem/", views.problem_new, name="problem_new"),
    path("<uuid:public_id>/sygefravaer/", views.sickness, name="sickness"),
    path("<uuid:public_id>/handlingsplan/", views.action_item_new, name="action_item_new"),
    path("<uuid:public_id>/opfoelgning/", views.follow_up, name="follow_up"),
    path("<uuid:public_id>/handlingsplan.csv", views.plan_csv, name="plan_csv"),
    path("<uuid:public_id>/handlingsplan.pdf", views.plan_pdf, name="plan_pdf"),
]
