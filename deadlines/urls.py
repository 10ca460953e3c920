from django.urls import path

from . import views

app_name = "deadlines"

urlpatterns = [
    path("<uuid:public_id>/", views.deadline_detail, name="detail"),
]
