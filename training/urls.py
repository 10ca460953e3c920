from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("kursusbevis/<uuid:public_id>/", views.certificate_download, name="certificate"),
    path("kurser/", views.catalogue, name="catalogue"),
    path("kurser/<uuid:public_id>/tilmeld/", views.book, name="book"),
    path("tilmelding/<uuid:public_id>/afmeld/", views.cancel, name="cancel"),
]
