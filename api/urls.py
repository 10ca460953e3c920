from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter(use_regex_path=False)
router.register("units", views.UnitViewSet, basename="unit")
router.register("people", views.PersonViewSet, basename="person")
router.register("committees", views.CommitteeViewSet, basename="committee")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("deadlines", views.DeadlineViewSet, basename="deadline")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("enrolments", views.EnrolmentViewSet, basename="enrolment")
router.register("completions", views.CompletionViewSet, basename="completion")
router.register("apv-cycles", views.ApvCycleViewSet, basename="apv-cycle")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/sync/", views.SyncView.as_view(), name="sync"),
    path("v1/attachments/<uuid:id>/", views.AttachmentView.as_view(), name="attachment"),
    path("v1/counts/deadlines/", views.DeadlineCountView.as_view(), name="deadline-counts"),
    path("v1/counts/incidents/", views.IncidentCountView.as_view(), name="incident-counts"),
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
