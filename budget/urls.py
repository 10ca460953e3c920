from django.urls import path

from . import views

app_name = "budget"

urlpatterns = [
    path("", views.index, name="index"),
    path("<uuid:public_id>/", views.process_detail, name="process"),
    path("<uuid:public_id>/svar/<uuid:committee_id>/", views.respond, name="respond"),
    path("<uuid:public_id>/hoeringssvar.pdf", views.responses_pdf, name="responses_pdf"),
    path("projekt/<uuid:public_id>/", views.case_detail, name="case"),
]
