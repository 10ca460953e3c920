from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from core.admin import TenantAdmin, TenantImportExportAdmin, TenantInline, count_of
from core.admin_filters import AutocompleteFilter
from core.admin_site import site
from core.history import set_history_user

from .models import (
    AmoProposal,
    Committee,
    CommitteeUnit,
    Membership,
    ObligationWaiver,
    ProposalMessage,
)
from .resources import MembershipResource
from .services import (
    committee_members_changed,
    committee_save,
    membership_delete,
    membership_save,
    obligation_waiver_save,
    proposal_save,
)


def covers_units(unit_ids, committee_ref="pk"):
    return Exists(
        CommitteeUnit.objects.filter(committee=OuterRef(committee_ref), unit__in=unit_ids)
    )


class CommitteeUnitInline(TenantInline):
    model = CommitteeUnit
    autocomplete_fields = ("unit",)
    verbose_name = _("dækket enhed")
    verbose_name_plural = _("dækker enheder")


class MembershipInline(TenantInline):
    """The seats on the committee's page: who, in which role, from when to when. How a seat was
    filled and when the employer was notified are on the seat's own page (the change link),
    so the list fits the screen."""

    model = Membership
    fields = ("person", "role", "side", "start_date", "term_end", "ended_on")
    autocomplete_fields = ("person",)
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")


class ActiveFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", _("Aktiv")), ("ended", _("Ophørt/nedlagt"))]

    def queryset(self, request, queryset):
        field = "ended_on" if queryset.model is Membership else "closed_on"
        if self.value() == "active":
            return queryset.filter(**{f"{field}__isnull": True})
        if self.value() == "ended":
            return queryset.filter(**{f"{field}__isnull": False})
        return queryset


@admin.register(Committee, site=site)
class CommitteeAdmin(TenantAdmin):
    list_display = ("name", "kind", "parent", "member_count", "closed_on")
    list_filter = ("kind", ActiveFilter, ("parent", AutocompleteFilter))
    list_select_related = ("parent",)
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    fields = ("name", "code", "kind", "parent", "established_on", "ends_on", "closed_on")
    prepopulated_fields = {"code": ("name",)}
    inlines = [CommitteeUnitInline, MembershipInline]
    unit_lookups = ("coverage__unit",)

    def limit_to_units(self, queryset, unit_ids):
        return queryset.filter(covers_units(unit_ids))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(active_members=count_of(Membership, "committee", ended_on__isnull=True))
        )

    @admin.display(description=_("aktive medlemmer"), ordering="active_members")
    def member_count(self, obj):
        return obj.active_members

    def save_via_service(self, request, obj, form, change):
        committee_save(obj, acting_user=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            request.removed_seat_persons.add(deleted.person_id)
            set_history_user(deleted, request.user)
            deleted.delete()
        for membership in instances:
            if not membership.kommune_id:
                membership.kommune = request.kommune
            membership_save(membership, acting_user=request.user)

    def save_related(self, request, form, formsets, change):
        """The inlines (covered units, seats) change what the committee and its members owe:
        refresh their deadlines once all of them are saved."""
        request.removed_seat_persons = set()  # per request: the admin instance is shared
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            committee_members_changed(
                form.instance, persons=request.removed_seat_persons, acting_user=request.user
            )


@admin.register(Membership, site=site)
class MembershipAdmin(TenantImportExportAdmin):
    resource_classes = [MembershipResource]
    list_display = (
        "person",
        "role",
        "committee",
        "side",
        "chosen",
        "start_date",
        "term_end",
        "ended_on",
    )
    list_filter = (
        "role",
        ActiveFilter,
        "side",
        "chosen",
        ("committee__kind"),
        ("committee", AutocompleteFilter),
    )
    list_select_related = ("person", "committee")
    search_fields = (
        "person__first_name",
        "person__last_name",
        "person__employee_number",
        "committee__name",
    )
    autocomplete_fields = ("person", "committee")
    date_hierarchy = "start_date"
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

    # A seat lies in its committee's units and in its person's unit: HR limited to an område
    # reads the seats of a committee covering it, and changes one only when both lie inside.
    unit_lookups = ("committee__coverage__unit", "person__unit")

    def limit_to_units(self, queryset, unit_ids):
        return queryset.filter(covers_units(unit_ids, "committee_id"))

    def save_via_service(self, request, obj, form, change):
        membership_save(obj, acting_user=request.user)

    def delete_model(self, request, obj):
        membership_delete(obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            membership_delete(membership, acting_user=request.user)


@admin.register(CommitteeUnit, site=site)
class CommitteeUnitAdmin(TenantAdmin):
    """Needed for autocomplete/history of coverage; not shown in the index."""

    unit_lookup = "unit"
    unit_lookups = ("unit", "committee__coverage__unit")
    list_display = ("committee", "unit")
    list_select_related = ("committee", "unit")
    search_fields = ("committee__name", "unit__name")

    def has_module_permission(self, request):
        return False


@admin.register(ObligationWaiver, site=site)
class ObligationWaiverAdmin(TenantAdmin):
    """HovedMED's consensus to waive obligation A, H or I; withdrawing it brings the duty back."""

    list_display = ("committee", "obligation", "agreed_on", "withdrawn_on", "withdrawn_by_side")
    list_filter = ("obligation", "withdrawn_on")
    list_select_related = ("committee",)
    autocomplete_fields = ("committee",)

    def limit_to_units(self, queryset, unit_ids):
        return queryset.none()  # kommune-wide (HovedMED): HR with the whole kommune only

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agenda_item":
            # The items of HovedMED's meetings whose referat the formandskab has approved.
            from meetings.models import AgendaItem, Referat

            kwargs["queryset"] = (
                AgendaItem.objects.filter(
                    meeting__committee__kind=Committee.Kind.HOVEDMED,
                    meeting__referat__state__in=Referat.APPROVED_STATES,
                    status=AgendaItem.Status.ACCEPTED,
                )
                .select_related("meeting")
                .order_by("-meeting__date", "position")
            )
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = lambda item: f"{item.meeting.date:%d.%m.%Y}: {item.title}"
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_via_service(self, request, obj, form, change):
        obligation_waiver_save(obj, acting_user=request.user)


class ProposalMessageInline(TenantInline):
    """The e-mails about the proposal: who was told what, and whether it went out."""

    model = ProposalMessage
    fields = ("recipient", "kind", "state", "to_email", "sent_at", "attempts", "last_error")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AmoProposal, site=site)
class AmoProposalAdmin(TenantAdmin):
    """HR keeps the proposals (the portal is where the AMO submits and the employer answers):
    the same invariants hold here (`AmoProposal.clean`), and the deadline for the reasons
    follows every save."""

    list_display = (
        "title",
        "committee",
        "submitted_on",
        "outcome",
        "decided_on",
        "reasons_given_on",
    )
    list_filter = ("outcome",)
    list_select_related = ("committee",)
    search_fields = ("title", "committee__name")
    autocomplete_fields = ("committee", "submitted_by", "decided_by")
    fields = (
        "committee",
        "title",
        "description",
        "submitted_on",
        "submitted_by",
        "outcome",
        "decided_on",
        "decided_by",
        "reasons",
        "reasons_given_on",
    )
    inlines = [ProposalMessageInline]
    unit_lookups = ("committee__coverage__unit",)

    def limit_to_units(self, queryset, unit_ids):
        return queryset.filter(covers_units(unit_ids, "committee_id"))

    def save_via_service(self, request, obj, form, change):
        proposal_save(obj, acting_user=request.user)


from . import admin_views  # noqa: E402,F401  (registers the structural checks page)
