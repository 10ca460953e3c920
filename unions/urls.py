from django.urls import path

from . import views

app_name = "unions"

urlpatterns = [
    path("", views.kreds_index, name="index"),
    path("mit-medlemskab/", views.my_union, name="my_union"),
    path("valg/ny/", views.election_new, name="election_new"),
    path("<uuid:kreds_id>/", views.kreds_overview, name="overview"),
    path("<uuid:kreds_id>/skader/", views.kreds_incidents, name="incidents"),
    path(
        "<uuid:kreds_id>/skader/<uuid:incident_id>/",
        views.kreds_incident,
        name="incident",
    ),
    path("<uuid:kreds_id>/eksport.csv", views.kreds_export, name="export"),
    path("<uuid:kreds_id>/netvaerk/", views.network_groups, name="network"),
    path(
        "<uuid:kreds_id>/netvaerk/<uuid:group_id>/nyt-moede/",
        views.network_meeting_new,
        name="meeting_new",
    ),
    path(
        "<uuid:kreds_id>/moeder/<uuid:meeting_id>/",
        views.network_meeting_detail,
        name="meeting",
    ),
]
