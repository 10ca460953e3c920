"""Shared pieces for django-import-export resources of tenant models.

Imports are all-or-nothing: any bad row rejects the whole file with a Danish message per row
(`rollback_on_validation_errors`), and every lookup is limited to what the importing staff
member may see."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import resources, widgets

from core.cache import cache_call
from core.models import ImportJob
from core.tenancy import scopes_disabled, tenant_scope

logger = logging.getLogger(__name__)


class ScopedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Looks a related row up by a natural key among the rows the importer may see."""

    def __init__(self, model, field, *, label: str = "", **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.label = label
        self.queryset = None  # set by TenantResource from the admin of the related model

    def get_queryset(self, value, row, *args, **kwargs):
        return self.queryset if self.queryset is not None else self.model.objects.all()

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("%(what)s med %(field)s “%(value)s” findes ikke i kommunen.")
                % {
                    "what": self.label or self.model._meta.verbose_name,
                    "field": self.field,
                    "value": value,
                }
            ) from None
        except self.model.MultipleObjectsReturned:
            raise ValueError(
                _("%(what)s “%(value)s” er ikke entydig.")
                % {"what": self.label or self.model._meta.verbose_name, "value": value}
            ) from None


class DateWidget(widgets.DateWidget):
    """Dates as HR systems and Danish spreadsheets write them, with a Danish message."""

    FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%d-%m-%y", "%d.%m.%y")

    def __init__(self, format=None, coerce_to_string=True):
        super().__init__(format, coerce_to_string)
        if format is None:
            self.formats = self.FORMATS

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = value.strip()
        try:
            return super().clean(value, row, **kwargs)
        except (ValueError, TypeError):
            raise ValueError(
                _("“%(value)s” er ikke en dato; skriv den som ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ.")
                % {"value": value}
            ) from None


class IntegerWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except (ValueError, TypeError, ArithmeticError):
            raise ValueError(_("“%(value)s” er ikke et helt tal.") % {"value": value}) from None


class TenantResource(resources.ModelResource):
    """Resource of a tenant model. Rows are created in the importer's kommune."""

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "DateField": DateWidget,
        "IntegerField": IntegerWidget,
        "PositiveIntegerField": IntegerWidget,
        "PositiveSmallIntegerField": IntegerWidget,
        "SmallIntegerField": IntegerWidget,
    }

    def __init__(self, request=None, **kwargs):
        super().__init__(**kwargs)
        self.request = request
        if request is None:
            return
        admin_site = _admin_site()
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, ScopedForeignKeyWidget):
                related_admin = admin_site._registry.get(widget.model)
                if related_admin is not None:
                    widget.queryset = related_admin.get_queryset(request)

    progress = None  # called after every row by a background import (core.imports.run_import)

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        if self.progress is not None:
            self.progress()

    def init_instance(self, row=None):
        instance = super().init_instance(row)
        if self.request is not None:
            instance.kommune = self.request.kommune
        return instance

    def get_instance(self, instance_loader, row):
        # A key column that fails to resolve (e.g. an unknown person) is reported as that row's
        # validation error by import_instance() instead of aborting with a traceback.
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None

    def get_queryset(self):
        # Existing rows are matched only among those the importer may see.
        if self.request is not None:
            return _admin_site()._registry[self._meta.model].get_queryset(self.request)
        return super().get_queryset()


def _admin_site():
    from core.admin_site import site

    return site


# --- imports in the background --------------------------------------------------------------------
#
# A file with more than IMPORT_BACKGROUND_ROWS rows is not imported inside the request (3,000
# people take minutes, past the web server's timeout): the admin stores it as an `ImportJob` and a
# Celery worker runs the dry run, then, once HR confirms, the import. The worker acts as the HR
# member who uploaded the file: the same admin, the same resource, the same område limits and the
# same history user as an import in the request.

IMPORT_BACKGROUND_ROWS = 200
ERROR_LIMIT = 200  # rows with errors kept for the page; the count covers them all
STALE_AFTER = datetime.timedelta(minutes=40)  # longer than the task's time limit
PROGRESS_EVERY = 50


def background_rows() -> int:
    return getattr(settings, "IMPORT_BACKGROUND_ROWS", IMPORT_BACKGROUND_ROWS)


def actor_request(user, kommune) -> HttpRequest:
    """A request-like object for work done on behalf of `user` in `kommune` outside a request:
    what the admin's querysets, permissions and the access module read from a request."""
    request = HttpRequest()
    request.method = "POST"
    request.user = user
    request.kommune = kommune
    request.available_kommuner = [kommune]
    request.session = {}
    return request


def start_import(
    model_admin, request, *, data: bytes, file_format: int, file_name: str, rows: int
) -> ImportJob:
    """Store the uploaded file and queue its dry run."""
    job = ImportJob.objects.create(
        kommune=request.kommune,
        model=model_admin.model._meta.label_lower,
        file_format=file_format,
        file_name=file_name[:255],
        data=data,
        rows=rows,
        requested_by=request.user,
    )
    transaction.on_commit(lambda: _enqueue(job.pk), robust=True)
    return job


def confirm_import(job: ImportJob) -> bool:
    """HR confirms a checked file: queue the real import. False when it is not (or no longer)
    waiting for confirmation (a second click, another tab)."""
    confirmed = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.CHECKED).update(
        state=ImportJob.State.IMPORTING, claimed_at=None, finished_at=None
    )
    if confirmed:
        transaction.on_commit(lambda: _enqueue(job.pk), robust=True)
    return bool(confirmed)


def progress_key(job: ImportJob | int) -> str:
    return f"import-progress:{getattr(job, 'pk', job)}"


def import_progress(job: ImportJob) -> int | None:
    """Rows done by the running step, when the cache holds it (it is an optimisation only)."""
    return cache_call(lambda: cache.get(progress_key(job)), None)


def run_import(job_id: int) -> str:
    """Run the job's next step (dry run or import). Safe to run twice: the step is claimed with
    a conditional UPDATE, and a claim older than STALE_AFTER (a worker that died) is taken over."""
    with scopes_disabled():
        job = ImportJob.objects.select_related("kommune", "requested_by").filter(pk=job_id).first()
    if job is None:
        return "missing"
    with tenant_scope(job.kommune):
        now = timezone.now()
        claimed = (
            ImportJob.objects.filter(pk=job.pk, state__in=ImportJob.RUNNING)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_AFTER))
            .update(claimed_at=now)
        )
        if not claimed:
            return "not_claimed"
        job.refresh_from_db()
        dry_run = job.state == ImportJob.State.CHECKING
        try:
            outcome = _run_step(job, dry_run=dry_run)
        except Exception as error:
            # Including Celery's SoftTimeLimitExceeded: the transaction is rolled back, so
            # nothing of the file is written.
            logger.exception("imports: job %s failed", job.pk)
            ImportJob.objects.filter(pk=job.pk).update(
                state=ImportJob.State.FAILED,
                errors=[{"row": None, "messages": [unexpected_message(error)]}],
                finished_at=timezone.now(),
                claimed_at=None,
            )
            return "failed"
    return outcome


def _run_step(job: ImportJob, *, dry_run: bool) -> str:
    from django.apps import apps
    from import_export.signals import post_import
    from simple_history.models import HistoricalRecords

    request = actor_request(job.requested_by, job.kommune)
    model = apps.get_model(job.model)
    model_admin = _admin_site()._registry.get(model)
    if (
        model_admin is None
        or not job.requested_by.is_active
        or not model_admin.has_import_permission(request)
    ):
        return _finish(
            job,
            ImportJob.State.FAILED,
            errors=[{"row": None, "messages": [_("Du har ikke længere adgang til denne import.")]}],
        )
    input_format = model_admin.get_import_formats()[job.file_format](
        encoding=model_admin.from_encoding
    )
    data = bytes(job.data)
    if not input_format.is_binary():
        data = data.decode(model_admin.from_encoding or "utf-8-sig")
    dataset = input_format.create_dataset(data)
    resource = model_admin.get_import_resource_classes(request)[0](
        **model_admin.get_import_resource_kwargs(request)
    )
    done = [0]

    def progress():
        done[0] += 1
        if done[0] % PROGRESS_EVERY == 0:
            cache_call(lambda: cache.set(progress_key(job), done[0], 3600), None)

    resource.progress = progress
    kwargs = model_admin.get_import_data_kwargs(request=request)
    kwargs["retain_instance_in_row_result"] = True  # for the admin's log entries
    HistoricalRecords.context.request = request  # the history's user: the HR member
    try:
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            file_name=job.file_name,
            user=job.requested_by,
            **kwargs,
        )
    finally:
        del HistoricalRecords.context.request
    errors, error_rows = result_errors(result)
    totals = {key: result.totals.get(key, 0) for key in ("new", "update", "skip", "delete")}
    if errors:
        return _finish(
            job, ImportJob.State.INVALID, errors=errors, error_rows=error_rows, totals=totals
        )
    if dry_run:
        return _finish(job, ImportJob.State.CHECKED, totals=totals, finished=False)
    model_admin.generate_log_entries(result, request)
    post_import.send(sender=None, model=model)
    return _finish(job, ImportJob.State.DONE, totals=totals)


def _finish(job, state, *, errors=(), error_rows=0, totals=None, finished=True) -> str:
    ImportJob.objects.filter(pk=job.pk).update(
        state=state,
        errors=list(errors),
        error_rows=error_rows or len(errors),
        totals=totals or {},
        claimed_at=None,
        finished_at=timezone.now() if finished else None,
    )
    cache_call(lambda: cache.delete(progress_key(job)), None)
    return state


def result_errors(result) -> tuple[list[dict], int]:
    """The rows with errors of an import result, as Danish messages for the user: validation
    messages as they are, anything unexpected as a plain sentence (its traceback goes to the
    log, never to the page)."""
    rows: dict = {}
    values: dict = {}
    for error in result.base_errors:
        logger.error("imports: %s\n%s", error.error, error.traceback)
        rows.setdefault(None, []).append(unexpected_message(error.error))
    for invalid in result.invalid_rows:
        messages = rows.setdefault(invalid.number, [])
        values[invalid.number] = invalid.values
        for field, field_messages in invalid.error_dict.items():
            for message in field_messages:
                messages.append(message if field == NON_FIELD_ERRORS else f"{field}: {message}")
    for number, row_errors in result.row_errors():
        for error in row_errors:
            logger.error("imports: row %s: %s\n%s", number, error.error, error.traceback)
            rows.setdefault(number, []).append(unexpected_message(error.error))
            if error.row is not None:
                values.setdefault(number, list(getattr(error.row, "values", lambda: [])()))
    ordered = sorted(rows.items(), key=lambda pair: (pair[0] is not None, pair[0] or 0))
    return [
        {"row": n, "messages": m, "values": _row_label(values.get(n))}
        for n, m in ordered[:ERROR_LIMIT]
    ], len(ordered)


def _row_label(values) -> str:
    """The first cells of a row, so HR finds it in the file (an employee number, a name)."""
    cells = [str(v) for v in (values or ())[:3] if v not in (None, "")]
    return ", ".join(cells)[:120]


def unexpected_message(error) -> str:
    from django.db import IntegrityError

    if isinstance(error, ValueError | ValidationError):
        return "; ".join(getattr(error, "messages", None) or [str(error)])
    if isinstance(error, IntegrityError):
        return _("Rækken strider mod en regel i databasen, fx en dublet. Intet blev importeret.")
    return _("Uventet fejl; intet blev importeret. Fejlen er logget, så support kan finde den.")


def sweep_imports(now=None) -> int:
    """Queue again the steps whose task was lost (the broker was down at commit) or whose worker
    died: not claimed for a minute, or claimed longer than STALE_AFTER."""
    now = now or timezone.now()
    with scopes_disabled():
        ids = list(
            ImportJob.objects.filter(state__in=ImportJob.RUNNING)
            .filter(
                Q(claimed_at__isnull=True, created__lt=now - datetime.timedelta(minutes=1))
                | Q(claimed_at__lt=now - STALE_AFTER)
            )
            .values_list("pk", flat=True)
        )
    for pk in ids:
        _enqueue(pk)
    return len(ids)


def imports_cleanup(*, older_than_days: int = 7, now=None) -> int:
    """Uploaded files are personal data: a job and its file go after a week."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=older_than_days)
    with scopes_disabled():
        removed, _counts = (
            ImportJob.objects.filter(created__lt=cutoff)
            .exclude(state__in=ImportJob.RUNNING)
            .delete()
        )
    return removed


def _enqueue(job_id: int) -> None:
    try:
        run_import_job.delay(job_id)
    except Exception:
        # The sweep picks the job up again.
        logger.warning("imports: could not queue job %s", job_id, exc_info=True)


# --- Celery tasks: they take ids and are safe to run twice (the step is claimed in run_import).


@shared_task(name="core.run_import_job", soft_time_limit=30 * 60, time_limit=35 * 60)
def run_import_job(job_id: int) -> str:
    return run_import(job_id)


@shared_task(name="core.sweep_import_jobs")
def sweep_import_jobs() -> int:
    return sweep_imports()


@shared_task(name="core.cleanup_import_jobs")
def cleanup_import_jobs() -> int:
    return imports_cleanup()
