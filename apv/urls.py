from django.urls import path

from . import views

app_name = "apv"

urlpatterns = [
    path("", views.index, name="index"),
    path("gruppe/<uuid:public_id>/", views.amg, name="amg"),
    path("svar/<str:token>/", views.survey, name="survey"),
    path("punkt/<uuid:public_id>/", views.item_update, name="item_update"),
    path("<uuid:public_id>/", views.cycle, name="cycle"),
    path("<uuid:public_id>/fase/", views.advance, name="advance"),
    path("<uuid:public_id>/opfoelgning/", views.follow_up, name="follow_up"),
    path("<uuid:public_id>/handlingsplan.csv", views.plan_csv, name="plan_csv"),
    path("<uuid:public_id>/handlingsplan.pdf", views.plan_pdf, name="plan_pdf"),
]
