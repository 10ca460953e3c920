from django.urls import path

from . import views

app_name = "committees"

urlpatterns = [
    path("", views.index, name="index"),
    path("udvalg/<uuid:public_id>/", views.committee, name="committee"),
    path("udvalg/<uuid:public_id>/nyt/", views.submit, name="submit"),
    path("<uuid:public_id>/", views.proposal, name="proposal"),
    path("<uuid:public_id>/beslutning/", views.decide, name="decide"),
    path("<uuid:public_id>/begrundelse/", views.reasons, name="reasons"),
]
