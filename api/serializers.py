"""What the API shows of each object, and what it accepts. Ids are the objects' public UUIDs
("id"), never database keys; the HR system's own keys are `external_id` (a unit's code, a
person's employee number). A reference to another object is its id, looked up inside the
client's kommune only (another kommune's id is "not found", like a missing one)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from committees.models import Committee, Membership
from deadlines.models import Deadline
from meetings.models import Meeting
from organisations.models import Person, Unit
from training.models import Completion


class ScopedRef(serializers.SlugRelatedField):
    """A reference by public id to an object of the client's kommune (the tenant scope)."""

    default_error_messages = {
        "does_not_exist": _("Findes ikke: {value}."),
        "invalid": _("Ugyldigt id."),
    }

    def __init__(self, model, **kwargs):
        self.model = model
        kwargs.setdefault("slug_field", "public_id")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model.objects.all()  # evaluated inside the request's tenant scope

    def to_internal_value(self, data):
        import uuid

        try:
            uuid.UUID(str(data))
        except ValueError:
            self.fail("invalid")
        return super().to_internal_value(data)


class CleanedModelSerializer(serializers.ModelSerializer):
    """Runs the model's own validation (`full_clean`: the same rules as the admin), reporting
    its messages per field."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = self.instance or self.Meta.model()
        for name, value in attrs.items():
            setattr(instance, name, value)
        if getattr(instance, "kommune_id", None) is None:
            instance.kommune = self.context["request"].kommune
        try:
            instance.full_clean(validate_unique=True)
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
            ) from None
        self.cleaned_instance = instance  # what the view saves through the service
        return attrs


class UnitSerializer(CleanedModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    external_id = serializers.SlugField(source="code", max_length=80)
    parent = ScopedRef(Unit, allow_null=True, required=False)

    class Meta:
        model = Unit
        fields = ["id", "external_id", "name", "kind", "parent", "headcount", "closed_on"]


class PersonSerializer(CleanedModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    external_id = serializers.CharField(
        source="employee_number", max_length=40, required=False, allow_blank=True
    )
    unit = ScopedRef(Unit, allow_null=True, required=False)

    class Meta:
        model = Person
        fields = [
            "id",
            "external_id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "job_title",
            "unit",
            "hired_on",
            "left_on",
            "language",
        ]


class CommitteeSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    parent = ScopedRef(Committee, read_only=True, allow_null=True)
    units = serializers.SerializerMethodField(help_text="The ids of the units it covers.")

    class Meta:
        model = Committee
        fields = ["id", "code", "name", "kind", "parent", "units", "established_on", "closed_on"]

    def get_units(self, committee) -> list[str]:
        return [str(unit.public_id) for unit in committee.units.all()]


class MembershipSerializer(CleanedModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    person = ScopedRef(Person)
    committee = ScopedRef(Committee)

    class Meta:
        model = Membership
        fields = [
            "id",
            "person",
            "committee",
            "role",
            "side",
            "chosen",
            "start_date",
            "term_end",
            "ended_on",
            "employer_notified_on",
        ]
        extra_kwargs = {"side": {"required": False}}


class DeadlineSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    title = serializers.SerializerMethodField()
    status = serializers.CharField(
        read_only=True, help_text="upcoming, due_soon, overdue, done, waived"
    )
    person = ScopedRef(Person, read_only=True, allow_null=True)
    committee = ScopedRef(Committee, read_only=True, allow_null=True)
    unit = ScopedRef(Unit, read_only=True, allow_null=True)

    class Meta:
        model = Deadline
        fields = [
            "id",
            "rule",
            "title",
            "status",
            "state",
            "due_date",
            "done_on",
            "person",
            "committee",
            "unit",
        ]

    def get_title(self, deadline) -> str:
        return str(deadline.title)


# --- the sync's request and answer (documentation of api/sync.py for the schema) ---------------


class SyncUnitSerializer(serializers.Serializer):
    external_id = serializers.CharField(help_text="The HR system's key of the unit (its code).")
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Unit.Kind.choices)
    parent = serializers.CharField(
        required=False, allow_null=True, help_text="The external_id of the unit above it."
    )
    headcount = serializers.IntegerField(required=False, min_value=0)
    closed_on = serializers.DateField(required=False, allow_null=True)


class SyncPersonSerializer(serializers.Serializer):
    external_id = serializers.CharField(help_text="The employee number.")
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    job_title = serializers.CharField(required=False, allow_blank=True)
    unit = serializers.CharField(
        required=False, allow_null=True, help_text="The external_id of the unit employed in."
    )
    hired_on = serializers.DateField(required=False, allow_null=True)
    left_on = serializers.DateField(required=False, allow_null=True)


class SyncRequestSerializer(serializers.Serializer):
    units = SyncUnitSerializer(many=True, required=False)
    people = SyncPersonSerializer(many=True, required=False)
    full = serializers.BooleanField(
        default=False,
        help_text="The lists are everything: people missing from them have left (their seats "
        "end, their deadlines are cancelled).",
    )
    dry_run = serializers.BooleanField(default=False, help_text="Say what would change only.")


class SyncCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    ended = serializers.IntegerField()


class SyncChangeSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["unit", "person"])
    external_id = serializers.CharField()
    action = serializers.ChoiceField(choices=["created", "updated", "ended"])
    fields = serializers.ListField(child=serializers.CharField())


class SyncResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    full = serializers.BooleanField()
    units = SyncCountsSerializer()
    people = SyncCountsSerializer()
    changes = SyncChangeSerializer(many=True, help_text="The first 1,000 changes.")


class SyncRowErrorSerializer(serializers.Serializer):
    list = serializers.ChoiceField(choices=["units", "people", "request"])
    row = serializers.IntegerField(allow_null=True, help_text="Index in the list, from 0")
    external_id = serializers.CharField(allow_null=True)
    messages = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class SyncErrorSerializer(serializers.Serializer):
    errors = SyncRowErrorSerializer(many=True)


# --- meetings and documents -----------------------------------------------------------------------


class AttachmentSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="Where the file is fetched (this API).")

    def get_url(self, attachment) -> str:
        return self.context["request"].build_absolute_uri(
            f"/api/v1/attachments/{attachment.public_id}/"
        )


class AgendaItemSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    position = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    recommendation = serializers.CharField()
    attachments = AttachmentSerializer(many=True, help_text="The item's material (bilag).")


class ReferatSummarySerializer(serializers.Serializer):
    published_at = serializers.DateTimeField()
    pdf = serializers.CharField(help_text="Where the referat's PDF is fetched (this API).")


class MeetingSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    committee = ScopedRef(Committee, read_only=True, allow_null=True)
    agenda = serializers.SerializerMethodField(
        help_text="The agenda's items once it has been sent to the members; empty before."
    )
    agenda_pdf = serializers.SerializerMethodField(
        help_text="Where the agenda's PDF is fetched once it has been sent; null before."
    )
    referat = serializers.SerializerMethodField(help_text="The published referat, or null.")

    class Meta:
        model = Meeting
        fields = [
            "id",
            "committee",
            "kind",
            "title",
            "date",
            "start_time",
            "end_time",
            "location",
            "case_number",
            "status",
            "dispatched_at",
            "agenda",
            "agenda_pdf",
            "referat",
        ]

    @extend_schema_field(AgendaItemSerializer(many=True))
    def get_agenda(self, meeting):
        if meeting.dispatched_at is None:
            return []
        items = [item for item in meeting.items.all() if item.status == "accepted"]
        return AgendaItemSerializer(
            sorted(items, key=lambda i: i.position), many=True, context=self.context
        ).data

    def get_agenda_pdf(self, meeting) -> str | None:
        if meeting.dispatched_at is None:
            return None
        return self.context["request"].build_absolute_uri(
            f"/api/v1/meetings/{meeting.public_id}/agenda/"
        )

    @extend_schema_field(ReferatSummarySerializer(allow_null=True))
    def get_referat(self, meeting):
        referat = getattr(meeting, "referat", None)
        if referat is None or referat.state != "published":
            return None
        request = self.context["request"]
        return {
            "published_at": serializers.DateTimeField().to_representation(referat.published_at),
            "pdf": request.build_absolute_uri(f"/api/v1/meetings/{meeting.public_id}/referat/"),
        }


# --- training -------------------------------------------------------------------------------------


class CourseTypeSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField()


class EnrolmentSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    person = serializers.UUIDField(source="person.public_id")
    course_type = CourseTypeSerializer(source="course_date.course_type")
    starts_on = serializers.DateField(source="course_date.starts_on")
    ends_on = serializers.DateField(source="course_date.ends_on")
    status = serializers.CharField()


class CompletionSerializer(CleanedModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    person = ScopedRef(Person)
    course_type = CourseTypeSerializer(read_only=True)
    course_kind = serializers.CharField(
        write_only=True, help_text="amo_basic, amo_supp_first, amo_supp_yearly, med or other"
    )
    course_name = serializers.CharField(
        write_only=True,
        required=False,
        help_text="The course type's name, where a kind has several.",
    )

    class Meta:
        model = Completion
        fields = [
            "id",
            "person",
            "course_type",
            "course_kind",
            "course_name",
            "completed_on",
            "hours",
        ]
        extra_kwargs = {"hours": {"required": False}}

    def validate(self, attrs):
        from training.models import CourseType

        kind = attrs.pop("course_kind", None)
        name = attrs.pop("course_name", None)
        if kind is not None:
            types = CourseType.objects.filter(kind=kind)
            if name:
                types = types.filter(name=name)
            course_type = types.order_by("pk").first()
            if course_type is None:
                raise serializers.ValidationError(
                    {"course_kind": _("Kommunen har ingen kursustype af den art.")}
                )
            attrs["course_type"] = course_type
            attrs.setdefault("hours", course_type.hours)
        return super().validate(attrs)


# --- APV ------------------------------------------------------------------------------------------


class ApvActionItemSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    problem = serializers.CharField()
    measure = serializers.CharField()
    due_on = serializers.DateField()
    status = serializers.CharField()
    closed_on = serializers.DateField(allow_null=True)


class ApvCycleSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    committee = serializers.UUIDField(source="committee.public_id")
    method = serializers.CharField()
    phase = serializers.IntegerField()
    started_on = serializers.DateField()
    mapped_on = serializers.DateField(allow_null=True)
    plan_adopted_on = serializers.DateField(allow_null=True)
    action_items = ApvActionItemSerializer(many=True, help_text="The handlingsplan.")


# --- counts -----------------------------------------------------------------------------------------


class IncidentCountSerializer(serializers.Serializer):
    unit = serializers.UUIDField(allow_null=True)
    kind = serializers.CharField()
    year = serializers.IntegerField()
    count = serializers.IntegerField()


class DeadlineCountSerializer(serializers.Serializer):
    rule = serializers.CharField()
    status = serializers.CharField()
    count = serializers.IntegerField()
