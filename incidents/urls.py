from django.urls import path

from . import views

app_name = "incidents"

urlpatterns = [
    path("", views.index, name="index"),
    path("anmeld/", views.report, name="report"),
    path("oversigt/", views.overview_index, name="overview_index"),
    path("oversigt/<uuid:public_id>/", views.overview, name="overview"),
    path("oversigt/<uuid:public_id>/oversigt.pdf", views.overview_pdf, name="overview_pdf"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/fravaer/", views.absence, name="absence"),
    path("<uuid:public_id>/easy/", views.easy, name="easy"),
    path("<uuid:public_id>/aarsager/", views.causes, name="causes"),
    path("<uuid:public_id>/afslut/", views.close, name="close"),
    path("<uuid:public_id>/genaabn/", views.reopen, name="reopen"),
    path("<uuid:public_id>/forelaeg/", views.escalate, name="escalate"),
    path("<uuid:public_id>/tiltag/", views.measure_add, name="measure_add"),
    path("<uuid:public_id>/videresend/", views.forward, name="forward"),
    path("<uuid:public_id>/bilag/", views.attach, name="attach"),
    path("bilag/<uuid:public_id>/", views.attachment, name="attachment"),
    path("bilag/<uuid:public_id>/fjern/", views.attachment_remove, name="attachment_remove"),
    path("tiltag/<uuid:public_id>/", views.measure, name="measure"),
    path("tiltag/<uuid:public_id>/udfoert/", views.measure_done, name="measure_done"),
    path(
        "videresendelse/<uuid:public_id>/tilbagekald/",
        views.forward_withdraw,
        name="forward_withdraw",
    ),
]
