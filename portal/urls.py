from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts.views import LoginView, LogoutView

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("tilgaengelighed/", views.accessibility, name="accessibility"),
    path("kommune/", views.choose_kommune, name="choose_kommune"),
    path("udvalg/<uuid:public_id>/", views.committee_detail, name="committee"),
    path("overblik/", views.compliance_overview, name="compliance"),
    path("mine-data/", views.my_data, name="my_data"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path(
        "adgangskode/nulstil/",
        auth_views.PasswordResetView.as_view(
            success_url=reverse_lazy("portal:password_reset_done"),
            email_template_name="registration/password_reset_email.txt",
            html_email_template_name="registration/password_reset_email.html",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "adgangskode/nulstil/sendt/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "adgangskode/nulstil/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("portal:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "adgangskode/nulstil/faerdig/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
