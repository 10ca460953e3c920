from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("udvalg/<uuid:public_id>/", views.committee_meetings, name="committee"),
    path("udvalg/<uuid:public_id>/nyt/", views.meeting_create, name="meeting_create"),
    path("udvalg/<uuid:public_id>/plan/", views.plan_adopt, name="plan_adopt"),
    path("udvalg/<uuid:public_id>/anmodning/", views.request_create, name="request_create"),
    path("anmodning/<uuid:public_id>/tilslut/", views.request_sign, name="request_sign"),
    path("anmodning/<uuid:public_id>/indkald/", views.request_call, name="request_call"),
    path("<uuid:public_id>/", views.meeting_detail, name="meeting"),
    path("<uuid:public_id>/ret/", views.meeting_edit, name="meeting_edit"),
    path("<uuid:public_id>/aflys/", views.meeting_cancel, name="meeting_cancel"),
    path("<uuid:public_id>/trio/", views.trio_add, name="trio_add"),
    path("<uuid:public_id>/forslag/", views.item_propose, name="propose"),
    path("<uuid:public_id>/forslag/behandl/", views.item_decide, name="decide"),
    path("<uuid:public_id>/fastlaeg/", views.agenda_settle, name="settle"),
    path("<uuid:public_id>/afbud/", views.afbud, name="afbud"),
    path("<uuid:public_id>/fremmoede/", views.attendance, name="attendance"),
    path("<uuid:public_id>/dagsorden.pdf", views.meeting_agenda_pdf, name="agenda_pdf"),
    path("<uuid:public_id>/referat/", views.referat_detail, name="referat"),
    path("<uuid:public_id>/referat/indledning/", views.notes_save, name="notes"),
    path("<uuid:public_id>/referat/godkend/", views.referat_approve, name="approve"),
    path("<uuid:public_id>/referat/genaabn/", views.referat_reopen, name="reopen"),
    path("<uuid:public_id>/referat/endelig/", views.referat_final, name="final"),
    path("<uuid:public_id>/referat/offentliggoer/", views.referat_publish, name="publish"),
    path("<uuid:public_id>/referat.pdf", views.meeting_referat_pdf, name="referat_pdf"),
    path("punkt/<uuid:public_id>/ret/", views.item_edit, name="item_edit"),
    path("punkt/<uuid:public_id>/traek-tilbage/", views.item_withdraw, name="item_withdraw"),
    path("punkt/<uuid:public_id>/flyt/", views.item_move, name="item_move"),
    path("punkt/<uuid:public_id>/referat/", views.minutes_save, name="minutes"),
    path("punkt/<uuid:public_id>/opfoelgning/", views.action_add, name="action_add"),
    path("opfoelgning/<uuid:public_id>/fjern/", views.action_remove, name="action_remove"),
    path("opfoelgning/<uuid:public_id>/udfoert/", views.action_close, name="action_close"),
    path("bilag/<uuid:public_id>/", views.attachment_download, name="attachment"),
    path("kalender/", views.feed_manage, name="feed"),
    path("kalender/<str:token>.ics", views.feed_ics, name="feed_ics"),
    path("dokumenter/", views.documents, name="documents"),
    path("dokumenter/<uuid:public_id>/", views.document, name="document"),
    path("uddannelse.pdf", views.training_record_pdf, name="training_pdf"),
]
