"""The API's views (/api/v1/). Every view runs inside the client's kommune scope (entered after
the token is checked), asks the one access module of its object type for each object it shows or
changes (core.access.access_to), and writes through the same services as the admin."""

from __future__ import annotations

import contextlib
import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from committees.models import Committee, Membership
from committees.services import membership_save
from core.access import access_to, hr_area
from core.tenancy import tenant_scope
from deadlines.models import Deadline, Status
from organisations.models import Person, Unit
from organisations.services import person_save, unit_save

from . import serializers as s
from .models import ApiAuditEntry, ApiClient, Scope


class KommuneAPIView(APIView):
    """The door: token (401), scopes (403), rate (429), then the client's kommune scope."""

    read_scopes: tuple[str, ...] | None = None
    write_scopes: tuple[str, ...] | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        client: ApiClient = request.auth
        request._request.kommune = client.kommune
        request._request.api_client = client
        self._scope = contextlib.ExitStack()
        self._scope.enter_context(tenant_scope(client.kommune))
        if not hr_area(request).whole_kommune:  # the client's account lost its HR role
            raise exceptions.PermissionDenied(_("Klienten har ikke adgang til kommunen."))

    def finalize_response(self, request, response, *args, **kwargs):
        try:
            response = super().finalize_response(request, response, *args, **kwargs)
            client = request.auth if isinstance(request.auth, ApiClient) else None
            if client is not None and (
                request.method not in ("GET", "HEAD", "OPTIONS") or response.status_code == 403
            ):
                self.audit(request, response, client)
            return response
        finally:
            scope = getattr(self, "_scope", None)
            if scope is not None:
                scope.close()

    def audit(self, request, response, client: ApiClient) -> None:
        with tenant_scope(client.kommune):
            ApiAuditEntry.objects.create(
                kommune=client.kommune,
                client=client,
                method=request.method,
                path=request.get_full_path()[:500],
                status=response.status_code,
                summary=getattr(request._request, "audit_summary", "")[:2000],
                ip_address=request.META.get("REMOTE_ADDR") or None,
            )

    def read(self, obj, aspect: str = ""):
        """`obj` when the client may read it (core.access), else the same 404 as a missing one."""
        if obj is None or not access_to(self.request, obj, aspect).read:
            raise Http404
        return obj

    def may_change(self, obj) -> None:
        decision = access_to(self.request, obj)
        if not decision.change:
            raise exceptions.PermissionDenied(str(decision.reason))


class ObjectViewSet(KommuneAPIView, viewsets.GenericViewSet):
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_converter = "uuid"

    def get_object(self):
        queryset = self.filter_queryset(self.get_queryset())
        obj = queryset.filter(public_id=self.kwargs["id"]).first()
        return self.read(obj)

    def summary(self, verb: str, obj) -> None:
        self.request._request.audit_summary = f"{verb} {obj._meta.model_name} {obj.public_id}"


def _date_param(request, name: str) -> datetime.date | None:
    value = request.query_params.get(name)
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise exceptions.ValidationError({name: _("Ugyldig dato; brug ÅÅÅÅ-MM-DD.")}) from None


def _uuid_filter(request, name: str):
    import uuid

    value = request.query_params.get(name)
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise exceptions.ValidationError({name: _("Ugyldigt id.")}) from None


# --- the organisation ----------------------------------------------------------------------------


class SavingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ObjectViewSet,
):
    """Create and update through the app's service (the admin's), the client's account acting."""

    save_service = None

    def perform_create(self, serializer):
        instance = serializer.cleaned_instance
        self.__class__.save_service(instance, acting_user=self.request.user)
        serializer.instance = instance
        self.summary("oprettede", instance)

    def perform_update(self, serializer):
        instance = serializer.instance
        self.may_change(instance)
        self.__class__.save_service(instance, acting_user=self.request.user)
        self.summary("ændrede", instance)


UUID_PARAM = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(
        summary="Units",
        parameters=[OpenApiParameter("external_id", str, description="The HR system's key")],
    ),
    retrieve=extend_schema(parameters=[UUID_PARAM]),
    update=extend_schema(parameters=[UUID_PARAM]),
    partial_update=extend_schema(parameters=[UUID_PARAM]),
)
class UnitViewSet(SavingViewSet):
    serializer_class = s.UnitSerializer
    read_scopes = (Scope.ORG_READ,)
    write_scopes = (Scope.ORG_WRITE,)
    save_service = staticmethod(unit_save)

    def get_queryset(self):
        queryset = Unit.objects.select_related("parent")
        if external_id := self.request.query_params.get("external_id"):
            queryset = queryset.filter(code=external_id)
        return queryset


@extend_schema_view(
    list=extend_schema(
        summary="People",
        parameters=[
            OpenApiParameter("external_id", str, description="The employee number"),
            OpenApiParameter("unit", OpenApiTypes.UUID, description="Employed in this unit"),
        ],
    ),
    retrieve=extend_schema(parameters=[UUID_PARAM]),
    update=extend_schema(parameters=[UUID_PARAM]),
    partial_update=extend_schema(parameters=[UUID_PARAM]),
)
class PersonViewSet(SavingViewSet):
    serializer_class = s.PersonSerializer
    read_scopes = (Scope.ORG_READ,)
    write_scopes = (Scope.ORG_WRITE,)
    save_service = staticmethod(person_save)

    def get_queryset(self):
        queryset = Person.objects.select_related("unit")
        if external_id := self.request.query_params.get("external_id"):
            queryset = queryset.filter(employee_number=external_id)
        if unit := _uuid_filter(self.request, "unit"):
            queryset = queryset.filter(unit__public_id=unit)
        return queryset


@extend_schema_view(
    list=extend_schema(
        summary="Committees",
        parameters=[OpenApiParameter("kind", str, enum=[k for k, _n in Committee.Kind.choices])],
    ),
    retrieve=extend_schema(parameters=[UUID_PARAM]),
)
class CommitteeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ObjectViewSet):
    serializer_class = s.CommitteeSerializer
    read_scopes = (Scope.ORG_READ,)

    def get_queryset(self):
        queryset = Committee.objects.select_related("parent").prefetch_related("units")
        if kind := self.request.query_params.get("kind"):
            queryset = queryset.filter(kind=kind)
        return queryset


@extend_schema_view(
    list=extend_schema(
        summary="Memberships (seats)",
        parameters=[
            OpenApiParameter("person", OpenApiTypes.UUID),
            OpenApiParameter("committee", OpenApiTypes.UUID),
            OpenApiParameter("role", str, enum=[k for k, _n in Membership.Role.choices]),
            OpenApiParameter("active", bool, description="Only seats not ended"),
        ],
    ),
    retrieve=extend_schema(parameters=[UUID_PARAM]),
    update=extend_schema(parameters=[UUID_PARAM]),
    partial_update=extend_schema(parameters=[UUID_PARAM]),
)
class MembershipViewSet(SavingViewSet):
    serializer_class = s.MembershipSerializer
    read_scopes = (Scope.ORG_READ,)
    write_scopes = (Scope.ORG_WRITE,)
    save_service = staticmethod(membership_save)

    def get_queryset(self):
        queryset = Membership.objects.select_related("person", "committee")
        if person := _uuid_filter(self.request, "person"):
            queryset = queryset.filter(person__public_id=person)
        if committee := _uuid_filter(self.request, "committee"):
            queryset = queryset.filter(committee__public_id=committee)
        if role := self.request.query_params.get("role"):
            queryset = queryset.filter(role=role)
        if self.request.query_params.get("active") in ("true", "1"):
            queryset = queryset.filter(ended_on__isnull=True)
        return queryset


# --- deadlines -------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Deadlines",
        parameters=[
            OpenApiParameter("status", str, enum=[k for k, _n in Status.choices]),
            OpenApiParameter("rule", str),
            OpenApiParameter("unit", OpenApiTypes.UUID),
            OpenApiParameter("committee", OpenApiTypes.UUID),
            OpenApiParameter("person", OpenApiTypes.UUID),
            OpenApiParameter("due_after", OpenApiTypes.DATE, description="Due on or after"),
            OpenApiParameter("due_before", OpenApiTypes.DATE, description="Due on or before"),
        ],
    ),
    retrieve=extend_schema(parameters=[UUID_PARAM]),
)
class DeadlineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ObjectViewSet):
    """Deadlines of the kommune (cancelled ones are not shown)."""

    serializer_class = s.DeadlineSerializer
    read_scopes = (Scope.DEADLINES_READ,)

    def get_queryset(self):
        params = self.request.query_params
        queryset = (
            Deadline.objects.visible().with_status().select_related("person", "committee", "unit")
        )
        if status_ := params.get("status"):
            if status_ not in Status.values:
                raise exceptions.ValidationError({"status": _("Ukendt status.")})
            queryset = queryset.filter(status=status_)
        if rule := params.get("rule"):
            queryset = queryset.filter(rule=rule)
        for name in ("unit", "committee", "person"):
            if value := _uuid_filter(self.request, name):
                queryset = queryset.filter(**{f"{name}__public_id": value})
        if due_after := _date_param(self.request, "due_after"):
            queryset = queryset.filter(due_date__gte=due_after)
        if due_before := _date_param(self.request, "due_before"):
            queryset = queryset.filter(due_date__lte=due_before)
        return queryset


# --- the HR system's sync ----------------------------------------------------------------------------


class SyncView(KommuneAPIView):
    """The HR system's bulk upsert of units and people by their own keys (see api/sync.py)."""

    read_scopes = None
    write_scopes = (Scope.ORG_WRITE,)

    @staticmethod
    def body(request):
        """The JSON body, read here with the sync's own limit (API_SYNC_MAX_BYTES: a whole
        kommune's people, tens of megabytes) instead of the forms' DATA_UPLOAD_MAX_MEMORY_SIZE."""
        import json

        from django.conf import settings

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.API_SYNC_MAX_BYTES:
            return None, _("For stor: højst %(mb)s MB pr. kald.") % {
                "mb": settings.API_SYNC_MAX_BYTES // 1_000_000
            }
        try:
            return json.loads(request._request.read(length) if length else b""), None
        except (ValueError, UnicodeDecodeError):
            return None, _("Ugyldig JSON.")

    @extend_schema(
        request=s.SyncRequestSerializer,
        responses={200: s.SyncResultSerializer, 400: s.SyncErrorSerializer},
        summary="Sync units and people from the HR system",
    )
    def post(self, request):
        from .sync import SyncRejected, sync

        data, problem = self.body(request)
        if problem is None and not isinstance(data, dict):
            problem = _("Forventede et JSON-objekt.")
        if problem is not None:
            error = {
                "list": "request",
                "row": None,
                "external_id": None,
                "messages": {"detail": [problem]},
            }
            return Response({"errors": [error]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            result = sync(
                request.kommune,
                units=data.get("units", []),
                people=data.get("people", []),
                full=data.get("full", False),
                dry_run=data.get("dry_run", False),
                acting_user=request.user,
            )
        except SyncRejected as rejected:
            request._request.audit_summary = _("Synkronisering afvist: %(n)s fejl") % {
                "n": len(rejected.errors)
            }
            return Response({"errors": rejected.errors}, status=status.HTTP_400_BAD_REQUEST)
        request._request.audit_summary = result.summary()
        return Response(result.as_dict())


# --- meetings and their documents ------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Meetings with their agenda and published referat",
        parameters=[
            OpenApiParameter("committee", OpenApiTypes.UUID),
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
        ],
    ),
    retrieve=extend_schema(parameters=[UUID_PARAM]),
)
class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ObjectViewSet):
    serializer_class = s.MeetingSerializer
    read_scopes = (Scope.DOCUMENTS_READ,)

    def get_queryset(self):
        from django.db.models import Prefetch

        from meetings.models import AgendaItem, Meeting

        queryset = Meeting.objects.select_related("committee", "referat").prefetch_related(
            Prefetch(
                "items",
                queryset=AgendaItem.objects.order_by("position", "pk").prefetch_related(
                    "attachments"
                ),
            )
        )
        if committee := _uuid_filter(self.request, "committee"):
            queryset = queryset.filter(committee__public_id=committee)
        if date_from := _date_param(self.request, "date_from"):
            queryset = queryset.filter(date__gte=date_from)
        if date_to := _date_param(self.request, "date_to"):
            queryset = queryset.filter(date__lte=date_to)
        return queryset

    @extend_schema(
        parameters=[UUID_PARAM],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        summary="The published referat as PDF",
    )
    @action(detail=True, methods=["get"], url_path="referat", url_name="referat-pdf")
    def referat_pdf(self, request, id=None):
        from django.http import HttpResponse

        from meetings.documents import referat_pdf
        from meetings.models import Referat

        meeting = self.get_object()
        referat = getattr(meeting, "referat", None)
        if referat is None or referat.state != Referat.State.PUBLISHED:
            raise Http404
        self.read(referat)
        response = HttpResponse(referat_pdf(meeting, referat), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="referat-{meeting.date:%Y-%m-%d}.pdf"'
        )
        return response

    @extend_schema(
        parameters=[UUID_PARAM],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        summary="The agenda as PDF, once it has been sent to the members",
    )
    @action(detail=True, methods=["get"], url_path="agenda", url_name="agenda-pdf")
    def agenda_pdf(self, request, id=None):
        from django.http import HttpResponse

        from meetings.documents import agenda_pdf

        meeting = self.get_object()
        if meeting.dispatched_at is None:
            raise Http404
        response = HttpResponse(agenda_pdf(meeting), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="dagsorden-{meeting.date:%Y-%m-%d}.pdf"'
        )
        return response


class AttachmentView(KommuneAPIView):
    """An agenda item's material (bilag), once the agenda has been sent."""

    read_scopes = (Scope.DOCUMENTS_READ,)

    @extend_schema(
        parameters=[UUID_PARAM],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        summary="An agenda item's attachment",
    )
    def get(self, request, id):
        from django.http import FileResponse

        from meetings.models import ItemAttachment

        attachment = (
            ItemAttachment.objects.select_related("item__meeting")
            .filter(
                public_id=id, item__status="accepted", item__meeting__dispatched_at__isnull=False
            )
            .first()
        )
        self.read(attachment)
        try:
            handle = attachment.file.open("rb")
        except (FileNotFoundError, ValueError) as error:
            raise Http404 from error
        return FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.content_type or "application/octet-stream",
        )


# --- training -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Course bookings", parameters=[OpenApiParameter("person", OpenApiTypes.UUID)]
    ),
    retrieve=extend_schema(parameters=[UUID_PARAM]),
)
class EnrolmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ObjectViewSet):
    serializer_class = s.EnrolmentSerializer
    read_scopes = (Scope.TRAINING_READ,)

    def get_queryset(self):
        from training.models import Enrolment

        queryset = Enrolment.objects.select_related("person", "course_date__course_type")
        if person := _uuid_filter(self.request, "person"):
            queryset = queryset.filter(person__public_id=person)
        return queryset


@extend_schema_view(
    list=extend_schema(
        summary="Completed courses", parameters=[OpenApiParameter("person", OpenApiTypes.UUID)]
    ),
    retrieve=extend_schema(parameters=[UUID_PARAM]),
    create=extend_schema(summary="Register a completed course (starts or ends its deadlines)"),
)
class CompletionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ObjectViewSet
):
    serializer_class = s.CompletionSerializer
    read_scopes = (Scope.TRAINING_READ,)
    write_scopes = (Scope.TRAINING_WRITE,)

    def get_queryset(self):
        from training.models import Completion

        queryset = Completion.objects.select_related("person", "course_type")
        if person := _uuid_filter(self.request, "person"):
            queryset = queryset.filter(person__public_id=person)
        return queryset

    def perform_create(self, serializer):
        from training.services import completion_save

        instance = serializer.cleaned_instance
        completion_save(instance, acting_user=self.request.user)
        serializer.instance = instance
        self.summary("oprettede", instance)


# --- APV --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="APV cycles with their handlingsplan",
        parameters=[OpenApiParameter("committee", OpenApiTypes.UUID)],
    ),
    retrieve=extend_schema(parameters=[UUID_PARAM]),
)
class ApvCycleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ObjectViewSet):
    """The cycles and their action items; never the survey's answers."""

    serializer_class = s.ApvCycleSerializer
    read_scopes = (Scope.APV_READ,)

    def get_queryset(self):
        from apv.models import ApvCycle

        queryset = ApvCycle.objects.select_related("committee").prefetch_related("action_items")
        if committee := _uuid_filter(self.request, "committee"):
            queryset = queryset.filter(committee__public_id=committee)
        return queryset


# --- counts -------------------------------------------------------------------------------------


class IncidentCountView(KommuneAPIView):
    """Reported incidents counted by unit, kind and year: never a description, a person or
    anything else that may be health data."""

    read_scopes = (Scope.INCIDENTS_READ,)

    @extend_schema(
        parameters=[OpenApiParameter("year", int)],
        responses=s.IncidentCountSerializer(many=True),
        summary="Incident counts",
    )
    def get(self, request):
        from django.db.models import Count
        from django.db.models.functions import ExtractYear

        from incidents.models import Incident

        queryset = Incident.objects.all()
        year = request.query_params.get("year")
        if year:
            if not year.isdigit() or not 1900 <= int(year) <= 9999:
                raise exceptions.ValidationError({"year": _("Ugyldigt år.")})
            queryset = queryset.filter(occurred_on__year=int(year))
        rows = (
            queryset.annotate(year=ExtractYear("occurred_on"))
            .values("unit__public_id", "kind", "year")
            .annotate(count=Count("pk"))
            .order_by("year", "kind", "unit__public_id")
        )
        data = [
            {
                "unit": r["unit__public_id"],
                "kind": r["kind"],
                "year": r["year"],
                "count": r["count"],
            }
            for r in rows
        ]
        return Response(s.IncidentCountSerializer(data, many=True).data)


class DeadlineCountView(KommuneAPIView):
    """The compliance overview's counts: deadlines by rule and status (cancelled ones left out)."""

    read_scopes = (Scope.DEADLINES_READ,)

    @extend_schema(responses=s.DeadlineCountSerializer(many=True), summary="Deadline counts")
    def get(self, request):
        from django.db.models import Count

        rows = (
            Deadline.objects.visible()
            .with_status()
            .values("rule", "status")
            .annotate(count=Count("pk"))
            .order_by("rule", "status")
        )
        return Response(s.DeadlineCountSerializer(list(rows), many=True).data)
