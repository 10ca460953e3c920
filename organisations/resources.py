from import_export import fields

from core.imports import ScopedForeignKeyWidget, TenantResource

from .models import Person, Unit
from .services import unit_save


class UnitResource(TenantResource):
    parent = fields.Field(
        attribute="parent",
        column_name="parent",
        widget=ScopedForeignKeyWidget(Unit, "code", label="Overordnet enhed"),
    )

    class Meta:
        model = Unit
        import_id_fields = ("code",)
        fields = ("code", "name", "kind", "parent", "headcount", "closed_on")
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True

    def save_instance(self, instance, is_create, row, **kwargs):
        unit_save(instance, acting_user=getattr(self.request, "user", None))


class PersonResource(TenantResource):
    unit = fields.Field(
        attribute="unit",
        column_name="unit",
        widget=ScopedForeignKeyWidget(Unit, "code", label="Enhed"),
    )

    class Meta:
        model = Person
        import_id_fields = ("employee_number",)
        fields = (
            "employee_number",
            "first_name",
            "last_name",
            "email",
            "phone",
            "job_title",
            "unit",
            "hired_on",
            "left_on",
        )
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
