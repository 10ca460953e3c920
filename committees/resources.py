from import_export import fields

from core.imports import ScopedForeignKeyWidget, TenantResource
from organisations.models import Person

from .models import Committee, Membership
from .services import membership_save


class MembershipResource(TenantResource):
    person = fields.Field(
        attribute="person",
        column_name="employee_number",
        widget=ScopedForeignKeyWidget(Person, "employee_number", label="Person"),
    )
    committee = fields.Field(
        attribute="committee",
        column_name="committee",
        widget=ScopedForeignKeyWidget(Committee, "code", label="Udvalg"),
    )

    class Meta:
        model = Membership
        import_id_fields = ("person", "committee", "role", "start_date")
        fields = (
            "person",
            "committee",
            "role",
            "side",
            "chosen",
            "start_date",
            "term_end",
            "ended_on",
            "employer_notified_on",
        )
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True

    def save_instance(self, instance, is_create, row, **kwargs):
        membership_save(instance, acting_user=getattr(self.request, "user", None))
