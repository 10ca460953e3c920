from django.urls import path

from . import views

app_name = "unions"

urlpatterns = [
    path("", views.kreds_index, name="index"),
    path("mit-medlemskab/", views.my_union, name="my_union"),
    path("mit-medlemskab/henvendelse/ny/", views.my_inquiry_new, name="my_inquiry_new"),
    path("mit-medlemskab/henvendelser/<uuid:inquiry_id>/", views.my_inquiry, name="my_inquiry"),
    path("mit-medlemskab/moeder/<uuid:meeting_id>/", views.my_meeting, name="my_meeting"),
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
    path("<uuid:kreds_id>/moederytme/", views.kreds_cadence_page, name="cadence"),
    path("<uuid:kreds_id>/henvendelser/", views.kreds_inquiries_page, name="inquiries"),
    path(
        "<uuid:kreds_id>/henvendelser/<uuid:inquiry_id>/",
        views.kreds_inquiry_page,
        name="inquiry",
    ),
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
