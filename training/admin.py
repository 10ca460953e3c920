from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import TenantAdmin, TenantInline, count_of
from core.admin_site import site

from .models import Completion, CourseDate, CourseType, Enrolment, Provider
from .services import completion_delete, completion_save


@admin.register(CourseType, site=site)
class CourseTypeAdmin(TenantAdmin):
    list_display = ("name", "kind", "days", "hours")
    list_filter = ("kind",)
    search_fields = ("name",)

    def limit_to_units(self, queryset, unit_ids):
        return queryset  # course types are shared by the whole kommune


@admin.register(Provider, site=site)
class ProviderAdmin(TenantAdmin):
    list_display = ("name", "email", "url")
    search_fields = ("name",)

    def limit_to_units(self, queryset, unit_ids):
        return queryset


class EnrolmentInline(TenantInline):
    model = Enrolment
    fields = ("person", "status", "requested_at")
    readonly_fields = ("requested_at",)
    autocomplete_fields = ("person",)
    ordering = ("status", "requested_at")


@admin.register(CourseDate, site=site)
class CourseDateAdmin(TenantAdmin):
    list_display = (
        "course_type",
        "starts_on",
        "ends_on",
        "provider",
        "location",
        "capacity",
        "booked",
        "waiting",
    )
    list_filter = (("course_type", admin.RelatedOnlyFieldListFilter), "starts_on")
    list_select_related = ("course_type", "provider")
    search_fields = ("course_type__name", "location")
    date_hierarchy = "starts_on"
    inlines = [EnrolmentInline]

    def limit_to_units(self, queryset, unit_ids):
        return queryset

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                booked_count=count_of(Enrolment, "course_date", status__in=Enrolment.SEATED),
                waiting_count=count_of(
                    Enrolment, "course_date", status=Enrolment.Status.WAITLISTED
                ),
            )
        )

    @admin.display(description=_("tilmeldte"), ordering="booked_count")
    def booked(self, obj):
        return obj.booked_count

    @admin.display(description=_("venteliste"), ordering="waiting_count")
    def waiting(self, obj):
        return obj.waiting_count

    def save_formset(self, request, form, formset, change):
        """A booking marked completed records the completion, which fulfils the person's
        training deadline (the rules look for completions, not bookings)."""
        super().save_formset(request, form, formset, change)
        if formset.model is not Enrolment:
            return
        from .services import enrolment_complete

        changed = [obj for obj, fields in formset.changed_objects if "status" in fields]
        for enrolment in [*formset.new_objects, *changed]:
            if enrolment.status == Enrolment.Status.COMPLETED:
                enrolment_complete(enrolment, acting_user=request.user)


@admin.register(Completion, site=site)
class CompletionAdmin(TenantAdmin):
    unit_lookup = "person__unit"
    list_display = ("person", "course_type", "completed_on", "hours", "has_certificate")
    list_filter = (("course_type", admin.RelatedOnlyFieldListFilter), "course_type__kind")
    list_select_related = ("person", "course_type")
    search_fields = ("person__first_name", "person__last_name", "person__employee_number")
    autocomplete_fields = ("person",)
    date_hierarchy = "completed_on"
    fields = ("person", "course_type", "completed_on", "hours", "certificate", "certificate_link")
    readonly_fields = ("certificate_link",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "certificate":
            # Not AdminFileWidget: it links to certificate.url (/media/), which is never served;
            # the file is fetched through the access-checked view below.
            kwargs["widget"] = forms.FileInput
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("hent kursusbevis"))
    def certificate_link(self, obj):
        if obj is None or not obj.pk or not obj.certificate:
            return "–"
        url = reverse("training:certificate", args=[obj.public_id])
        return format_html('<a href="{}">{}</a>', url, _("Hent"))

    @admin.display(description=_("kursusbevis"), boolean=True)
    def has_certificate(self, obj):
        return bool(obj.certificate)

    def save_via_service(self, request, obj, form, change):
        completion_save(obj, acting_user=request.user)

    def delete_model(self, request, obj):
        completion_delete(obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for completion in queryset:
            completion_delete(completion, acting_user=request.user)
