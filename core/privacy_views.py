"""The HR admin's GDPR pages: the retention schedule with its dry run, and the record of
processing (Art. 30) generated from the apps' declarations (core.privacy)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import privacy
from core.access import hr_area
from core.admin_site import site
from core.models import RetentionRun

RETENTION_TITLE = gettext_lazy("Opbevaring og sletning af persondata")
RECORD_TITLE = gettext_lazy("Fortegnelse over behandlinger (art. 30)")


class PolicyForm(forms.Form):
    days = forms.IntegerField(label=gettext_lazy("Opbevares i dage"), min_value=0)
    enabled = forms.BooleanField(label=gettext_lazy("Slet/anonymisér automatisk"), required=False)


def _latest_runs_portable() -> dict[str, RetentionRun]:
    """The newest run per category (PostgreSQL's DISTINCT ON is not in SQLite)."""
    latest: dict[str, RetentionRun] = {}
    for item in privacy.retentions():
        run = RetentionRun.objects.filter(category=item.key).order_by("-ran_at").first()
        if run is not None:
            latest[item.key] = run
    return latest


def retention_view(request):
    kommune = request.kommune
    may_change = hr_area(request).whole_kommune
    policies = privacy.policies(kommune.pk)
    rows = []
    errors = False
    for item in privacy.retentions():
        policy = policies[item.key]
        data = request.POST if request.method == "POST" and "preview" not in request.POST else None
        form = PolicyForm(
            data, prefix=item.key, initial={"days": policy.days, "enabled": policy.enabled}
        )
        rows.append({"item": item, "policy": policy, "form": form})
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if "preview" in request.POST:
            privacy.retention_run_kommune(kommune.pk, dry_run_only=True)
            messages.success(request, _("Prøvekørslen er opdateret."))
            return redirect("admin:privacy_retention")
        for row in rows:
            form, policy = row["form"], row["policy"]
            if not form.is_valid():
                errors = True
                continue
            policy.days, policy.enabled = form.cleaned_data["days"], form.cleaned_data["enabled"]
            try:
                policy.full_clean()
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("days", message)
                errors = True
        if not errors:
            for row in rows:
                row["policy"].save()
            messages.success(request, _("Opbevaringsperioderne er gemt."))
            return redirect("admin:privacy_retention")
        messages.error(request, _("Ret fejlene nedenfor. Intet er gemt."))
    latest = _latest_runs_portable()
    for row in rows:
        row["run"] = latest.get(row["item"].key)
    context = {
        **site.each_context(request),
        "title": RETENTION_TITLE,
        "rows": rows,
        "may_change": may_change,
        "record_title": RECORD_TITLE,
    }
    return TemplateResponse(request, "admin/privacy_retention.html", context)


def record_view(request):
    """Art. 30: one entry per kind of personal data, with its purpose, legal basis, data
    subjects, categories of data, recipients and retention — from the declarations."""
    policies = privacy.policies(request.kommune.pk)
    entries = []
    for item in privacy.declarations():
        model = item.model
        names = [item.label(name) for name in item.fields]
        retention = privacy.get_retention(item.retention) if item.retention else None
        policy = policies.get(item.retention) if item.retention else None
        entries.append(
            {
                "data": model._meta.verbose_name_plural,
                "subjects": item.subjects,
                "fields": names,
                "purpose": item.purpose,
                "basis": item.basis,
                "special": item.special,
                "recipients": item.recipients,
                "retention": retention,
                "days": policy.days if policy else None,
                "erasure": item.erasure,
                "kept_because": item.kept_because,
            }
        )
    context = {
        **site.each_context(request),
        "title": RECORD_TITLE,
        "entries": entries,
        "retention_title": RETENTION_TITLE,
    }
    return TemplateResponse(request, "admin/privacy_record.html", context)


site.register_view("persondata/", retention_view, "privacy_retention", RETENTION_TITLE)
site.register_view("persondata/fortegnelse/", record_view, "privacy_record", RECORD_TITLE)
