"""GDPR: what personal data the product holds, for how long, and a person's rights.

Each app declares in `<app>/privacy.py` (found by core.apps):

- `PersonalData`: a model that holds personal data — whose (the path from the row to the
  `Person` it is about), which fields, why (purpose) and on what legal basis, whether it is a
  special category (Art. 9: health, union membership), whether HR may see it, and what happens
  to it when the person is erased. The record of processing (Art. 30), a person's export
  (Art. 15) and erasure (Art. 17) are all generated from these declarations.
- `Retention`: a kind of data with a retention period — a default, the bounds the law allows a
  kommune to choose within, and the rows past it. The nightly job (`retention_run`) counts
  what is past its period in every kommune and, where the kommune has switched the deletion
  on, deletes or anonymises it, recording what it did (`core.models.RetentionRun`). Until it
  is switched on, the run is a dry run HR can read.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from core.tenancy import tenant_scope

logger = logging.getLogger(__name__)

DAY = 1
YEAR = 365


@dataclass(frozen=True, eq=False)
class PersonalData:
    """One model's personal data (see the module docstring)."""

    model: type
    subject: str  # the lookup from the row to the Person it is about: "person", "recipient"
    fields: tuple[str, ...]
    purpose: str
    basis: str
    special: bool = False  # GDPR Art. 9 (health, union membership)
    hr_visible: bool = True  # False: never in what HR sees or exports (union membership)
    # On erasure (Art. 17): "delete" the rows, "anonymise" the fields, or "keep" (with why).
    erasure: str = "delete"
    kept_because: str = ""
    retention: str = ""  # the key of its Retention, if it has one
    subjects: str = ""  # who the data is about, in words ("medarbejdere", "tilskadekomne")
    # Labels of `fields` that are properties, not model fields (a deadline's title).
    labels: dict = field(default_factory=dict)

    def label(self, name: str) -> str:
        if name in self.labels:
            return str(self.labels[name])
        return str(self.model._meta.get_field(name).verbose_name)

    recipients: str = ""  # who receives it


@dataclass(frozen=True)
class Retention:
    """A kind of data with a retention period, in days (see the module docstring)."""

    key: str
    label: str
    default_days: int
    min_days: int
    max_days: int
    basis: str  # why these bounds: the law or the reason
    action: str  # what happens to it, in words ("slettes", "anonymiseres")
    # (cutoff) -> queryset of rows past their period, in the active kommune's scope.
    expired: Callable
    # (queryset) -> how many rows were deleted or anonymised.
    apply: Callable = field(default=lambda rows: rows.delete()[0])


_data: list[PersonalData] = []
_retentions: dict[str, Retention] = {}


def delete_with_files(rows, field_name: str = "file") -> int:
    """Delete rows that hold an uploaded file, the file in storage with each."""
    count = 0
    for row in rows.iterator():
        getattr(row, field_name).delete(save=False)
        row.delete()
        count += 1
    return count


def personal_data(*declarations: PersonalData) -> None:
    _data.extend(declarations)


def retention(item: Retention) -> Retention:
    _retentions[item.key] = item
    return item


def declarations() -> list[PersonalData]:
    return list(_data)


def retentions() -> list[Retention]:
    return sorted(_retentions.values(), key=lambda r: r.label)


def get_retention(key: str) -> Retention:
    return _retentions[key]


# --- the schedule per kommune ---------------------------------------------------------------------


def policies(kommune_id: int) -> dict[str, object]:
    """Every retention's policy in a kommune (rows made with the defaults where missing, switched
    off: a dry run until HR switches the deletion on). Call in the kommune's scope."""
    from core.models import RetentionPolicy

    existing = {p.category: p for p in RetentionPolicy.objects.all()}
    missing = [
        RetentionPolicy(kommune_id=kommune_id, category=r.key, days=r.default_days)
        for r in retentions()
        if r.key not in existing
    ]
    if missing:
        RetentionPolicy.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {p.category: p for p in RetentionPolicy.objects.all()}
    return {key: existing[key] for key in _retentions if key in existing}


def retention_run_kommune(
    kommune_id: int, now: datetime.datetime | None = None, *, dry_run_only: bool = False
) -> list:
    """Count what is past its period in one kommune and delete or anonymise it where the
    kommune switched that on (never with `dry_run_only`: HR's "count now"). Each category in
    its own transaction; a failing category is recorded and never stops the others."""
    from core.models import RetentionRun

    now = now or timezone.now()
    runs = []
    with tenant_scope(kommune_id):
        for key, policy in policies(kommune_id).items():
            item = _retentions[key]
            cutoff = now - datetime.timedelta(days=policy.days)
            run = RetentionRun(
                kommune_id=kommune_id,
                category=key,
                cutoff=cutoff,
                days=policy.days,
                dry_run=dry_run_only or not policy.enabled,
            )
            try:
                with transaction.atomic():
                    rows = item.expired(cutoff)
                    run.found = _count(rows)
                    if not run.dry_run and run.found:
                        run.done = item.apply(rows)
            except Exception as error:  # noqa: BLE001 - recorded; the other categories go on
                logger.exception("retention: %s in kommune %s failed", key, kommune_id)
                run.error = f"{type(error).__name__}: {error}"[:1000]
            run.save()
            runs.append(run)
    return runs


def _count(rows) -> int:
    return sum(q.count() for q in rows) if isinstance(rows, list) else rows.count()


def retention_run(now: datetime.datetime | None = None) -> int:
    """The nightly job: every kommune. Returns how many rows were deleted or anonymised."""
    from core.directory import directory

    done = login_logs_cleanup(now)
    for kommune_id in directory().kommune_ids():
        try:
            done += sum(run.done for run in retention_run_kommune(kommune_id, now))
        except Exception:  # noqa: BLE001 - one kommune never stops the others
            logger.exception("retention: kommune %s failed", kommune_id)
    return done


def login_logs_cleanup(now: datetime.datetime | None = None) -> int:
    """The login logs (django-axes: attempts, successes, failures with IP addresses) belong to
    no kommune: kept ACCESS_LOG_RETENTION_DAYS for the whole installation."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.conf import settings

    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)
    deleted = sum(
        model.objects.filter(attempt_time__lt=cutoff).delete()[0]
        for model in (AccessLog, AccessFailureLog, AccessAttempt)
    )
    if deleted:
        logger.info("retention: %s login log rows older than %s deleted", deleted, cutoff)
    return deleted


@shared_task(name="core.retention_run")
def retention_run_task() -> int:
    return retention_run()


# --- what core keeps for every app: copies of sent e-mails, change history ---------------------


def register_core_retentions() -> None:
    """Called once the apps' outboxes and models are known (core.apps)."""
    from django.apps import apps
    from django.utils.translation import gettext_lazy as _

    from core import outbox
    from core.tenancy import current_kommune_id

    def sent_copies(cutoff):
        return [
            o.model.objects.filter(created__lt=cutoff)
            .exclude(state__in=(outbox.State.PENDING, outbox.State.SENDING))
            .exclude(to_email="", subject="", last_error="")
            for o in outbox.outboxes()
        ]

    def blank_copies(rows) -> int:
        return sum(q.update(to_email="", subject="", last_error="", errors=[]) for q in rows)

    retention(
        Retention(
            key="core.sent_emails",
            label=_("Kopier af sendte e-mails (modtageradresse, emne, fejl)"),
            default_days=1 * YEAR,
            min_days=30,
            max_days=5 * YEAR,
            basis=_("viser HR, at en besked er sendt; selve indholdet gemmes ikke"),
            action=_("anonymiseres: adresse, emne og fejltekster fjernes"),
            expired=sent_copies,
            apply=blank_copies,
        )
    )

    history_models = [
        model
        for model in apps.get_models()
        if model.__name__.startswith("Historical")
        and hasattr(model, "history_date")
        and any(f.name == "kommune" for f in model._meta.concrete_fields)
    ]

    def old_history(cutoff):
        kommune_id = current_kommune_id()
        return [
            model._base_manager.filter(kommune_id=kommune_id, history_date__lt=cutoff)
            for model in history_models
        ]

    retention(
        Retention(
            key="core.history",
            label=_("Ændringshistorik (hvem ændrede hvad)"),
            default_days=5 * YEAR,
            min_days=1 * YEAR,
            max_days=10 * YEAR,
            basis=_(
                "dokumenterer ændringer, så længe de kan efterprøves; de gældende data bevares"
            ),
            action=_("slettes (historikken ældre end perioden)"),
            expired=old_history,
            apply=lambda rows: sum(q.delete()[0] for q in rows),
        )
    )


# --- a person's rights ----------------------------------------------------------------------------


def _value(obj, name: str):
    value = getattr(obj, name)
    if hasattr(obj, f"get_{name}_display"):
        return str(getattr(obj, f"get_{name}_display")())
    if isinstance(value, datetime.date | datetime.datetime):
        return value  # shown in the reader's format; JSON gets ISO 8601 (DjangoJSONEncoder)
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, str | int | float | bool | list | dict) or value is None:
        return value
    return str(value)


def person_export(person, *, for_hr: bool) -> dict:
    """Everything the product holds about one person (GDPR Art. 15), from the declarations:
    per kind of data its purpose, legal basis and rows with the declared fields. `for_hr`
    leaves out what HR may never see (union membership): the person gets it from their own
    "Mine data" page. Call in the person's kommune's scope."""
    sections = []
    for item in declarations():
        if for_hr and not item.hr_visible:
            continue
        model = item.model
        rows = model._default_manager.filter(**{item.subject: person.pk}).order_by("pk")
        sections.append(
            {
                "data": str(model._meta.verbose_name_plural),
                "purpose": str(item.purpose),
                "basis": str(item.basis),
                "special_category": item.special,
                "rows": [
                    {item.label(name): _value(row, name) for name in item.fields} for row in rows
                ],
            }
        )
    return {
        "person": str(person),
        "exported_at": timezone.now().isoformat(),
        "sections": [s for s in sections if s["rows"]],
    }


@dataclass
class Erasure:
    deleted: dict[str, int] = field(default_factory=dict)
    anonymised: dict[str, int] = field(default_factory=dict)
    kept: dict[str, str] = field(default_factory=dict)  # kind of data -> why it is kept


ANONYMOUS = "Anonymiseret"


@transaction.atomic
def person_erase(person, *, anonymise: Callable) -> Erasure:
    """Erase a person who has left (GDPR Art. 17): per declaration, delete the rows about them,
    anonymise the fields, or keep them where a legal duty does (and say which). `anonymise`
    blanks the person row itself (the organisations app's). Their history rows go too: they
    hold the old names. Call in the person's kommune's scope."""
    result = Erasure()
    for item in declarations():
        model = item.model
        label = str(model._meta.verbose_name_plural)
        if model is type(person):
            continue
        rows = model._default_manager.filter(**{item.subject: person.pk})
        if item.erasure == "keep":
            if rows.exists():
                result.kept[label] = str(item.kept_because)
            continue
        if item.erasure == "anonymise":
            blank = {
                name: model._meta.get_field(name).get_default()
                if not model._meta.get_field(name).null
                else None
                for name in item.fields
                if name != item.subject.split("__")[0]
            }
            result.anonymised[label] = rows.update(**blank)
            continue
        ids = list(rows.values_list("pk", flat=True))
        if ids:
            model._default_manager.filter(pk__in=ids).delete()
            history = getattr(model, "history", None)
            if history is not None:  # the old versions hold the same data
                history.model._base_manager.filter(
                    **{f"{model._meta.pk.attname}__in": ids}
                ).delete()
            result.deleted[label] = len(ids)
    anonymise(person)
    history = getattr(type(person), "history", None)
    if history is not None:
        history.filter(id=person.pk).delete()
    result.anonymised[str(type(person)._meta.verbose_name)] = 1
    return result
