from collections.abc import Sequence

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from committees.models import Membership
from core.access import hr_area
from core.admin import TenantAdmin
from core.admin_site import site
from core.cache import KommuneCache
from organisations.models import Unit

from .engine import registry
from .models import Deadline, RuleSetting, Status
from .overview import limit_to_units, omraade_of_unit
from .services import deadline_mark_done, deadline_reopen


class RuleFilter(admin.SimpleListFilter):
    title = _("regel")
    parameter_name = "rule"

    def lookups(self, request, model_admin):
        return registry.choices()

    def queryset(self, request, queryset):
        return queryset.filter(rule=self.value()) if self.value() else queryset


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


class OmraadeFilter(admin.SimpleListFilter):
    title = _("område")
    parameter_name = "omraade"

    def lookups(self, request, model_admin):
        return filter_reads(request)["omraader"]

    def queryset(self, request, queryset):
        # The område is joined only when it is filtered on: every other list and count of the
        # deadlines would join the units twice for nothing.
        if not self.value():
            return queryset
        queryset = queryset.alias(omraade=omraade_of_unit())
        if self.value() == "none":
            return queryset.filter(omraade__isnull=True)
        return queryset.filter(omraade=self.value())


class CommitteeFilter(admin.SimpleListFilter):
    """A committee's own duties and those of its active members (as in the overview)."""

    title = _("udvalg")
    parameter_name = "committee"

    def lookups(self, request, model_admin):
        # Reached from the overview's links; a kommune has too many committees for a sidebar,
        # so only the chosen one is shown (and can be cleared).
        return filter_reads(request)["committee"]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # The active members are read first (a committee has tens of them, the kommune tens of
        # thousands of deadlines): `committee = X OR person IN (…)` is two index scans, where an
        # EXISTS per deadline inside the OR made PostgreSQL filter every deadline of the kommune.
        members = filter_reads(request)["members"] if self.value().isdigit() else []
        return queryset.filter(
            Q(committee_id=self.value()) | Q(committee__isnull=True, person_id__in=members)
        )


def filter_reads(request) -> dict:
    """What the område and committee filters read: the kommune's områder, and the committee
    asked for (its name and its active members). Read once per request from the kommune cache
    (units, committees and seats replace its token) instead of three queries on every page."""
    reads = getattr(request, "_deadline_filter_reads", None)
    if reads is not None:
        return reads
    from committees.models import Committee

    value = request.GET.get(CommitteeFilter.parameter_name) or ""
    committee_id = int(value) if value.isdigit() else None

    def read() -> dict:
        reads = {
            "omraader": list(Unit.objects.filter(kind=Unit.Kind.OMRAADE).values_list("pk", "name")),
            "committee": [],
            "members": [],
        }
        if committee_id is not None:
            reads["committee"] = list(
                Committee.objects.filter(pk=committee_id).values_list("pk", "name")
            )
            reads["members"] = list(
                Membership.objects.filter(committee_id=committee_id, ended_on__isnull=True)
                .order_by()
                .values_list("person_id", flat=True)
                .distinct()
            )
        return reads

    reads = KommuneCache(request.kommune.pk).get_or_set(
        ("deadlines.filter_reads", committee_id), read
    )
    request._deadline_filter_reads = reads
    return reads


ROW_MARKER = "row-id"  # in place of a row's id in its change page's address


class CountedRows(Sequence):
    """The page's deadlines, read when the rows are written: the page's length is known from
    the count Django has made (its "0 of N selected" asks for it), so a page whose rows come
    from the kommune cache reads none of them."""

    def __init__(self, queryset, length: int):
        self.queryset, self.length = queryset, length
        self._rows = None

    def _read(self) -> list:
        if self._rows is None:
            self._rows = list(self.queryset)
        return self._rows

    def __len__(self) -> int:
        return self.length if self._rows is None else len(self._rows)

    def __getitem__(self, index):
        return self._read()[index]

    def __iter__(self):
        return iter(self._read())


class DeadlineChangeList(ChangeList):
    """Django's list, with the filters kept in each row's link added once for the page.

    Django's `items_for_result` adds them to every row's link through `add_preserved_filters`,
    which resolves the link's URL for each row to learn whether it is the list itself (it never
    is here). The links are the same; the rows written by `deadline_admin.written_rows` take
    them as they are."""

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.row_link_filters = self.preserved_filters
        self.preserved_filters = ""  # read only by `items_for_result`
        self._change_url = None  # `url_for_result`
        # What the filters and the date links print besides deadlines, committees and units
        # (whose changes replace the kommune's token): the query, the day the statuses are
        # computed for, and the HR user's area, which limits the deadlines the dates are
        # read from. They are kept in the kommune cache (change_list.html).
        area = hr_area(request)
        self.fragment_key = (
            tuple(sorted(request.GET.lists())),
            timezone.localdate().isoformat(),
            None if area.unit_ids is None else tuple(sorted(area.unit_ids)),
        )
        # The rows are kept too (people's, committees' and units' names replace the token):
        # besides, they depend on the columns the user's permissions give (the actions' check
        # boxes) and on the user's links.
        self.rows_key = (request.user.pk, tuple(map(str, self.list_display)))

    def get_results(self, request):
        super().get_results(request)
        if self.show_all and self.can_show_all or not self.multi_page:
            length = self.result_count
        else:
            first = (self.page_num - 1) * self.list_per_page
            length = max(0, min(self.list_per_page, self.result_count - first))
        self.result_list = CountedRows(self.result_list, length)

    def url_for_result(self, result):
        # Django reverses the change page's address for every row; the address of one row
        # with the marker in place of the id gives all of them.
        if self._change_url is None:
            marked = super().url_for_result(Deadline(pk=ROW_MARKER))
            self._change_url = marked.split(ROW_MARKER)
        before, after = self._change_url
        url = f"{before}{quote(result.pk)}{after}"
        return f"{url}?{self.row_link_filters}" if self.row_link_filters else url


@admin.register(Deadline, site=site)
class DeadlineAdmin(TenantAdmin):
    list_display = (
        "title_display",
        "status_display",
        "due_date",
        "person",
        "committee",
        "unit",
        "done_on",
    )
    list_filter = (StatusFilter, RuleFilter, OmraadeFilter, CommitteeFilter, "manual")
    list_select_related = ("person", "committee", "unit")
    search_fields = ("person__first_name", "person__last_name", "committee__name", "unit__name")
    date_hierarchy = "due_date"
    # The kommune's total beside a filtered count would count all its deadlines on every page
    # (tens of thousands at København's size); the list says how many it shows, and "Vis alle"
    # clears the search.
    show_full_result_count = False
    readonly_fields = (
        "title_display",
        "source_display",
        "status_display",
        "rule",
        "due_date",
        "person",
        "committee",
        "unit",
        "state",
        "done_on",
        "manual",
        "fulfilled_display",
        "note",
    )
    fields = readonly_fields
    actions = ["mark_done", "reopen"]
    unit_lookups = ("unit", "person__unit", "committee__coverage__unit")

    def limit_to_units(self, queryset, unit_ids):
        return limit_to_units(queryset, unit_ids)

    def get_changelist(self, request, **kwargs):
        return DeadlineChangeList

    def get_queryset(self, request):
        return super().get_queryset(request).visible().with_status(timezone.localdate())

    def has_add_permission(self, request):
        return False  # deadlines are made by the rules

    def has_delete_permission(self, request, obj=None):
        return False

    def action_checkbox(self, obj):
        # Django renders a form widget through the template engine for every row's checkbox,
        # the largest part of rendering the list; the same markup, written out.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )

    @admin.display(description=_("frist"))
    def title_display(self, obj):
        return obj.title

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return Status(obj.status).label

    @admin.display(description=_("kilde"))
    def source_display(self, obj):
        from .sources import rule_sources

        return rule_sources(obj.kommune_id).get(obj.rule) or obj.source

    @admin.display(description=_("opfyldt af"))
    def fulfilled_display(self, obj):
        return obj.fulfilled_by or "—"

    class DoneForm(forms.Form):
        done_on = forms.DateField(label=_("Opfyldt den"), initial=timezone.localdate)
        note = forms.CharField(label=_("Bemærkning"), required=False, widget=forms.Textarea)

    @admin.action(description=_("Markér som opfyldt"), permissions=["change"])
    def mark_done(self, request, queryset):
        if "apply" in request.POST:
            form = self.DoneForm(request.POST)
            if form.is_valid():
                count = 0
                for deadline in queryset:
                    try:
                        deadline_mark_done(
                            deadline,
                            done_on=form.cleaned_data["done_on"],
                            note=form.cleaned_data["note"],
                            acting_user=request.user,
                        )
                        count += 1
                    except ValidationError as error:
                        self.message_user(
                            request, f"{deadline}: {error.messages[0]}", messages.ERROR
                        )
                self.message_user(request, _("%(n)s frister markeret som opfyldt.") % {"n": count})
                return None
        else:
            form = self.DoneForm()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Markér som opfyldt"),
            "form": form,
            "deadlines": queryset,
            "action": "mark_done",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "deadlines/admin/mark_done.html", context)

    @admin.action(description=_("Genåbn (fortryd manuel registrering)"), permissions=["change"])
    def reopen(self, request, queryset):
        for deadline in queryset.filter(manual=True):
            deadline_reopen(deadline, acting_user=request.user)
        self.message_user(request, _("Fristerne er genåbnet."))


class RuleSettingForm(forms.ModelForm):
    rule = forms.ChoiceField(label=_("regel"))
    med_agreement_name = forms.CharField(
        label=_("MED-aftalens navn (gælder alle regler)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
        help_text=_(
            "Som den hedder i kommunen, fx “MED-aftale for Albertslund Kommune (2020)”. Vises "
            "som kilde sammen med stedet i aftalen."
        ),
    )

    class Meta:
        model = RuleSetting
        fields = ("rule", "enabled", "values", "local_reference", "med_agreement_name")

    def __init__(self, *args, **kwargs):
        from core.tenancy import current_kommune_id
        from organisations.models import Kommune

        super().__init__(*args, **kwargs)
        kommune_id = self.instance.kommune_id or current_kommune_id()
        self.fields["med_agreement_name"].initial = (
            Kommune.objects.filter(pk=kommune_id)
            .values_list("med_agreement_name", flat=True)
            .first()
        )
        self.fields["rule"].choices = [
            (r.code, f"{r.title_plain} ({_('lovpligtig') if r.statutory else _('lokal')})")
            for r in registry.all()
        ]
        self.fields["values"].help_text = _('Fx {"months": 3}. Tilladte værdier: ') + "; ".join(
            f"{r.code}: "
            + ", ".join(
                f"{p.name} ({p.label}, standard {p.default}"
                + (f", min {p.minimum}" if p.minimum is not None else "")
                + (f", max {p.maximum}" if p.maximum is not None else "")
                + ")"
                for p in r.parameters
            )
            for r in registry.all()
            if r.parameters
        )

    def clean(self):
        data = super().clean()
        rule = registry.get(data.get("rule", ""))
        if rule is None:
            return data
        if not data.get("enabled", True) and rule.statutory:
            self.add_error("enabled", _("En lovpligtig regel kan ikke slås fra."))
        values = data.get("values") or {}
        if not isinstance(values, dict):
            self.add_error("values", _("Angiv værdierne som et JSON-objekt."))
            return data
        params = {p.name: p for p in rule.parameters}
        for name, value in values.items():
            if name not in params:
                self.add_error(
                    "values", _("Reglen har ingen værdi ved navn “%(name)s”.") % {"name": name}
                )
                continue
            try:
                params[name].validate(value)
            except ValidationError as error:
                self.add_error("values", error)
        return data


@admin.register(RuleSetting, site=site)
class RuleSettingAdmin(TenantAdmin):
    form = RuleSettingForm
    list_display = ("__str__", "rule", "enabled", "values")
    list_filter = ("enabled",)

    def limit_to_units(self, queryset, unit_ids):
        return queryset.none()  # kommune-wide settings: HR with the whole kommune only

    def save_via_service(self, request, obj, form, change):
        from organisations.services import kommune_agreement_name_save

        from .services import rule_setting_save

        rule_setting_save(obj, acting_user=request.user)
        name = form.cleaned_data.get("med_agreement_name", "").strip()
        if name != request.kommune.med_agreement_name:
            kommune_agreement_name_save(request.kommune, name, acting_user=request.user)


from . import admin_views  # noqa: E402,F401  (registers the compliance overview page)
