"""What the API shows of each object, and what it accepts. Ids are the objects' public UUIDs
("id"), never database keys; the HR system's own keys are `external_id` (a unit's code, a
person's employee number). A reference to another object is its id, looked up inside the
client's kommune only (another kommune's id is "not found", like a missing one)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from committees.models import Committee, Membership
from deadlines.models import Deadline
from organisations.models import Person, Unit


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
    parent = ScopedRef(Committee, read_only=True)
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
    person = ScopedRef(Person, read_only=True)
    committee = ScopedRef(Committee, read_only=True)
    unit = ScopedRef(Unit, read_only=True)

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
