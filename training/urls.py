from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("kursusbevis/<uuid:public_id>/", views.certificate_download, name="certificate"),
]
