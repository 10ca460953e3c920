from django.urls import path

from . import views

app_name = "elections"

urlpatterns = [
    path("", views.election_list, name="list"),
    path("nyt/<uuid:public_id>/", views.election_new, name="new"),
    path("frist/<uuid:public_id>/", views.for_deadline, name="for_deadline"),
    path("<uuid:public_id>/", views.election_detail, name="detail"),
    path("<uuid:public_id>/kandidat/", views.nominate, name="nominate"),
    path("<uuid:public_id>/stem/", views.vote, name="vote"),
    path("<uuid:public_id>/aflys/", views.cancel, name="cancel"),
    path("<uuid:public_id>/resultat.pdf", views.result_document, name="result_pdf"),
    path("kandidat/<uuid:public_id>/svar/", views.answer, name="answer"),
]
