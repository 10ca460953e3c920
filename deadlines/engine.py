"""The deadline engine.

Rules live in the app they concern (`<app>/rules.py`) and register here. A rule says, for the
subjects it is asked about, which duties exist (`Want`s): key, due date, who is responsible and
whether something in the system already fulfils it. The engine reconciles those wants with the
stored `Deadline` rows of the kommune in scope:

- a new want becomes an open (or done/waived) row;
- a changed want updates its row (due date moved, fulfilled, waiver ended);
- an open row that is no longer wanted is cancelled (the person left, the committee closed);
- a row a person marked done or waived by hand keeps that state.

Services call `refresh()` for the people/committees a change touched, inside the same transaction;
the scheduled `evaluate_all()` re-evaluates everything and repairs whatever was missed. Both are
idempotent: running them again writes nothing.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.cache import clear_kommune_caches
from core.tenancy import scopes_disabled, tenant_scope

from .models import Deadline, RuleSetting
from .signals import deadlines_written

logger = logging.getLogger(__name__)

Subject = Literal["person", "committee"]

# A targeted evaluation reads the rows of its wanted keys with its stored rows (`read_rows`) up
# to this many keys; beyond (a refresh of many people) the moved duties are looked up apart.
MOVED_KEYS_IN_ONE_READ = 200

# What the engine reads of a stored deadline to compare it with a want. Stored rows are read as
# named tuples of these columns, not model instances: a full evaluation reads every row of the
# kommune (a model instance and its two timestamps cost several times the tuple) and changes a
# handful, which `Writes.flush` then reads whole to update them with their history.
STORED = (
    "pk",
    "rule",
    "key",
    "state",
    "manual",
    "due_date",
    "params",
    "done_on",
    "fulfilled_type_id",
    "fulfilled_id",
    "person_id",
    "committee_id",
    "unit_id",
)


def stored_values(queryset) -> models.QuerySet:
    """The stored rows of a Deadline queryset as `STORED` named tuples, unordered."""
    return queryset.order_by().values_list(*STORED, named=True)


@dataclass(frozen=True)
class Param:
    """A local number of a rule. `minimum`/`maximum` are the law's bounds: a kommune can make a
    duty stricter, never weaker than the law (e.g. the AMR course "within 3 months": maximum 3)."""

    name: str
    label: str
    default: int
    minimum: int | None = None
    maximum: int | None = None

    def validate(self, value) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationError(_("%(label)s skal være et helt tal.") % {"label": self.label})
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(
                _("%(label)s kan ikke være under %(min)s.")
                % {"label": self.label, "min": self.minimum}
            )
        if self.maximum is not None and value > self.maximum:
            raise ValidationError(
                _("%(label)s kan ikke være over %(max)s (lovens krav).")
                % {"label": self.label, "max": self.maximum}
            )
        return value


@dataclass
class Want:
    key: str
    due_date: datetime.date
    person_id: int | None = None
    committee_id: int | None = None
    unit_id: int | None = None
    params: dict = field(default_factory=dict)
    done_on: datetime.date | None = None
    fulfilled_by: tuple[type[models.Model], int] | None = None
    waived: bool = False
    note: str = ""


@dataclass(frozen=True)
class Action:
    """What fulfils a deadline, one click away: a page of the portal."""

    label: str
    url: str


class Rule:
    code: str = ""
    title: str = ""  # may use %(name)s placeholders filled from the deadline's params
    # The title of the rule's deadlines as a group (filters, overviews): required when `title`
    # has placeholders, so no list ever shows a raw "%(year)s".
    group_title: str = ""
    source: str = ""  # the law (or the framework agreement): the same in every kommune
    # What the kommune's own MED-aftale says about it ("uddannelse", "forretningsorden…"): shown
    # with the name of the kommune's agreement and the paragraph HR records (RuleSetting).
    local_source: str = ""
    subject: Subject = "person"
    statutory: bool = True
    parameters: tuple[Param, ...] = ()
    what_to_do: str = ""
    # Done outside the system (a talk held, a statistic presented): those who answer for the
    # deadline mark it done in the portal with a date and a note. Rules fulfilled by a record
    # (a course, a meeting, an APV) are not: the record fulfils them.
    manual_done: bool = False
    # The models whose rows `wants` reads ("app.Model"), beside the deadlines and the kommune's
    # rule settings. A service that tells `refresh` what it changed evaluates only the rules
    # that read it (an AMR elected cannot move an APV or an incident's deadline); a rule that
    # declares nothing (None) is evaluated after every change. tests/test_engine_reads.py
    # checks the declaration against the tables the rule's queries touch.
    reads: tuple[str, ...] | None = None

    def action(self, deadline: Deadline) -> Action | None:
        """The page where the deadline is fulfilled (see deadlines.actions), or None."""
        return None

    def wants(self, ctx: Context) -> Iterable[Want]:
        raise NotImplementedError

    def scope(self, ctx: Context) -> set[int] | None:
        """The ids of `subject` whose rows this evaluation reconciles (None: all of them). A rule
        whose duties depend on other subjects than the one a change touched widens it here, and
        its `wants` must then cover exactly these ids."""
        return ctx.ids_for(self.subject)

    @property
    def title_plain(self) -> str:
        return str(self.group_title or self.title)

    def render_title(self, deadline: Deadline) -> str:
        text = str(self.title)
        if "%(" not in text:
            return text
        try:
            return text % (deadline.params or {})
        except (KeyError, TypeError, ValueError):
            return self.title_plain

    def source_for(self, agreement: str = "", reference: str = "") -> str:
        """The "Kilde" shown to users: the law, then the kommune's own agreement (its name and
        paragraph, from the kommune's settings) with what it says about the duty."""
        parts = [str(self.source)] if self.source else []
        if self.local_source:
            name = " ".join(
                p for p in (agreement or str(_("kommunens MED-aftale")), reference) if p
            )
            parts.append(
                str(
                    _("%(agreement)s (%(topic)s)") % {"agreement": name, "topic": self.local_source}
                )
            )
        return "; ".join(parts)

    def param_defaults(self) -> dict[str, int]:
        return {p.name: p.default for p in self.parameters}


class Registry:
    def __init__(self):
        self._rules: dict[str, Rule] = {}

    def register(self, rule_class: type[Rule]) -> type[Rule]:
        rule = rule_class()
        if not rule.code or rule.code in self._rules:
            raise ValueError(f"Rule code missing or registered twice: {rule.code!r}")
        if "%(" in str(rule.title) and not rule.group_title:
            raise ValueError(
                f"Rule {rule.code!r} has placeholders in its title: give a group_title"
            )
        self._rules[rule.code] = rule
        return rule_class

    def reading(self, changed: Iterable) -> list[Rule]:
        """The rules that read any of these models (classes or instances); every rule when
        none are named."""
        labels = {model._meta.label_lower for model in changed}
        if not labels:
            return self.all()
        return [
            rule
            for rule in self._rules.values()
            if rule.reads is None or labels & {label.lower() for label in rule.reads}
        ]

    def get(self, code: str) -> Rule | None:
        return self._rules.get(code)

    def all(self) -> list[Rule]:
        return list(self._rules.values())

    def choices(self) -> list[tuple[str, str]]:
        return [(r.code, r.title_plain) for r in self._rules.values()]


registry = Registry()
register = registry.register


class Context:
    """One evaluation: the kommune in scope, today, the local settings and the subjects asked
    about (None = all). Rules share loaded data through `memo`."""

    def __init__(self, kommune, today: datetime.date, person_ids=None, committee_ids=None):
        self.kommune = kommune
        self.today = today
        self.person_ids = None if person_ids is None else set(person_ids)
        self.committee_ids = None if committee_ids is None else set(committee_ids)
        self._memo: dict = {}
        self._settings = {s.rule: s for s in RuleSetting.objects.all()}
        self._rows: dict[str, list] | None = None
        self._prefetched: dict[str, set[int]] = {}
        self._moved: dict[str, list[Deadline]] | None = None

    @property
    def is_full(self) -> bool:
        return self.person_ids is None and self.committee_ids is None

    def ids_for(self, subject: Subject) -> set[int] | None:
        """The subject ids to evaluate (None: all of them)."""
        if self.is_full:
            return None
        ids = self.person_ids if subject == "person" else self.committee_ids
        return ids or set()

    def filter(self, queryset, lookup: str, subject: Subject):
        ids = self.ids_for(subject)
        return queryset if ids is None else queryset.filter(**{f"{lookup}__in": ids})

    def enabled(self, rule: Rule) -> bool:
        setting = self._settings.get(rule.code)
        return rule.statutory or setting is None or setting.enabled

    def param(self, rule: Rule, name: str) -> int:
        """The kommune's local number, never beyond the law's bounds: a stored value that fails
        `Param.validate` (written around the admin) is clamped to the bound, or the default."""
        param = next(p for p in rule.parameters if p.name == name)
        setting = self._settings.get(rule.code)
        if setting is None or name not in setting.values:
            return param.default
        value = setting.values[name]
        try:
            return param.validate(value)
        except ValidationError:
            if not isinstance(value, int) or isinstance(value, bool):
                return param.default
            if param.minimum is not None:
                value = max(value, param.minimum)
            if param.maximum is not None:
                value = min(value, param.maximum)
            return value

    def memo(self, key, loader):
        if key not in self._memo:
            self._memo[key] = loader()
        return self._memo[key]

    def prefetch_rows(self, scopes: Iterable[tuple[Rule, set[int]]] = ()) -> None:
        """A targeted evaluation reads the stored deadlines of its people and committees once,
        for all rules, instead of once per rule (one change stays a few milliseconds). `scopes`
        are the rules' own scopes: a rule that widened its scope (AmrTermEnd: the other AMRs of
        a touched committee) finds its rows here too. The read itself waits for
        `read_rows` (after the rules' wants, to take the rows of moved duties along), unless a
        rule asks for its stored rows before."""
        if self.is_full:
            return
        ids = {"person": set(self.person_ids or ()), "committee": set(self.committee_ids or ())}
        for rule, scope in scopes:
            ids[rule.subject] |= scope
        self._prefetched = ids

    def read_rows(self, planned: list[tuple[Rule, list[Want]]] | None = None) -> None:
        """Read the rows `prefetch_rows` planned; with the rules' wants (`planned`), in the same
        query the rows of wanted keys that lie outside the rules' scopes (a duty whose subject
        moved, see `reconcile`), as long as the keys are few (one change)."""
        if self._rows is not None or not self._prefetched:
            return
        ids = self._prefetched
        query = models.Q(person_id__in=ids["person"]) | models.Q(committee_id__in=ids["committee"])
        wanted = {}
        if planned is not None:
            wanted = {rule.code: {w.key for w in wants} for rule, wants in planned if wants}
            if sum(len(keys) for keys in wanted.values()) > MOVED_KEYS_IN_ONE_READ:
                wanted = {}
            for code, keys in wanted.items():
                query |= models.Q(rule=code, key__in=keys)
        rows: dict[str, list] = {}
        others: dict[str, list] = {}
        for row in stored_values(Deadline.objects.filter(query)):
            inside = row.person_id in ids["person"] or row.committee_id in ids["committee"]
            (rows if inside else others).setdefault(row.rule, []).append(row)
        self._rows = rows
        if wanted:
            moved = {}
            for rule, wants in planned:
                if missing := self._missing_keys(rule, wants):
                    candidates = rows.get(rule.code, []) + others.get(rule.code, [])
                    moved[rule.code] = [row for row in candidates if row.key in missing]
            self._moved = moved

    def _missing_keys(self, rule: Rule, wants: list[Want]) -> set[str]:
        """The rule's wanted keys not among its own stored rows (a duty that moved, or a new
        one); none when its stored rows are not prefetched (`reconcile` reads them itself)."""
        ids = rule.scope(self)
        stored = self.stored_rows(rule, ids) if ids else None
        if stored is None:
            return set()
        return {want.key for want in wants} - {row.key for row in stored}

    def unevaluated_committees(self) -> set[int]:
        """The committees asked about that have no stored deadline at all (from
        `read_rows`)."""
        if self._rows is None or not self.committee_ids:
            return set()
        seen = {row.committee_id for rows in self._rows.values() for row in rows}
        return self.committee_ids - seen

    def stored_rows(self, rule: Rule, ids: set[int]) -> list | None:
        """The rule's stored rows (`STORED` tuples) for these subject ids from `prefetch_rows`,
        or None when nothing was prefetched or the ids reach beyond it."""
        if not self._prefetched or not ids <= self._prefetched[rule.subject]:
            return None
        self.read_rows()  # a rule's wants may ask before the engine reads them (recurring duties)
        column = f"{rule.subject}_id"
        return [row for row in self._rows.get(rule.code, ()) if getattr(row, column) in ids]

    def prefetch_moved(self, planned: list[tuple[Rule, list[Want]]]) -> None:
        """The rows of wanted keys that lie outside the rules' scopes (a duty whose subject
        moved, see `reconcile`), for all rules of a targeted evaluation in one query, when
        `read_rows` did not read them with the stored rows."""
        if self._rows is None or self._moved is not None:
            return
        query, moved = models.Q(), {}
        for rule, wants in planned:
            if missing := self._missing_keys(rule, wants):
                query |= models.Q(rule=rule.code, key__in=missing)
                moved[rule.code] = []
        if moved:
            for row in stored_values(Deadline.objects.filter(query)):
                moved[row.rule].append(row)
        self._moved = moved

    def moved_rows(self, rule: Rule, keys: set[str]) -> list | None:
        """Rows of these keys found by `read_rows` or `prefetch_moved`; None when they did not
        look for them."""
        if self._moved is None or rule.code not in self._moved:
            return None
        return [row for row in self._moved[rule.code] if row.key in keys]


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    failed: list[str] = field(default_factory=list)  # kommuner whose evaluation raised

    def __iadd__(self, other: Result) -> Result:
        self.created += other.created
        self.updated += other.updated
        self.cancelled += other.cancelled
        self.failed += other.failed
        return self

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.cancelled


def _target_state(row, want: Want) -> tuple[str, datetime.date | None]:
    if want.done_on is not None:
        return Deadline.State.DONE, want.done_on
    if row is not None and row.manual and row.state in (Deadline.State.DONE, Deadline.State.WAIVED):
        return row.state, row.done_on
    if want.waived:
        return Deadline.State.WAIVED, None
    return Deadline.State.OPEN, None


@dataclass
class Writes:
    """The rows an evaluation creates and updates, written together at its end: two INSERTs
    (rows and history), one SELECT of the rows to update and one UPDATE per batch for all
    rules, not two per rule. `update` holds the changed columns by row id; the UPDATE sets only
    the columns that changed in some row: Django's bulk update writes a CASE per column and
    row, and most changes touch two or three columns (a duty fulfilled: state, done date, what
    fulfilled it)."""

    create: list[Deadline] = field(default_factory=list)
    update: dict[int, dict] = field(default_factory=dict)

    def flush(self, acting_user=None) -> None:
        rows = list(self.create)
        if self.update:
            now = timezone.now()
            fields = {"updated"}
            # The whole rows (the history copies every column), read in this transaction.
            for row in Deadline.objects.filter(pk__in=self.update).order_by("pk"):
                changes = self.update[row.pk]
                for name, value in changes.items():
                    setattr(row, name, value)
                fields.update(changes)
                row.updated = now
                rows.append(row)
        # Bulk writes send no model signals: drop the kommune's cached counts
        # (deadlines/overview.py) and tell who keeps other derived values.
        clear_kommune_caches(row.kommune_id for row in rows)
        if self.create:
            if connection.vendor == "postgresql":
                insert_with_history(self.create, acting_user)
            else:
                bulk_create_with_history(
                    self.create, Deadline, batch_size=1000, default_user=acting_user
                )
        if self.update:
            bulk_update_with_history(
                rows[len(self.create) :],
                Deadline,
                sorted(fields),
                batch_size=1000,
                default_user=acting_user,
            )
        self.create, self.update = [], {}
        if rows:
            deadlines_written.send(sender=Deadline, rows=rows)


def insert_with_history(rows: list[Deadline], acting_user=None, batch_size: int = 1000) -> None:
    """INSERT new rows and their history rows ('+') in one statement per batch (PostgreSQL: the
    history is inserted from the INSERT's RETURNING), where simple-history's
    `bulk_create_with_history` sends two. The history row is what `bulk_history_create` writes:
    the tracked columns, one date, no change reason, the acting user or the request's."""
    if not rows:
        return
    history = Deadline.history.model
    fields = [f for f in Deadline._meta.concrete_fields if not f.primary_key]
    tracked = [f.column for f in history.tracked_fields]
    user = acting_user or history.get_default_history_user(rows[0])
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    copied = ", ".join(quote(c) for c in tracked)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    by_public_id = {}
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        params = []
        for row in batch:
            params += [
                f.get_db_prep_save(f.pre_save(row, True), connection=connection) for f in fields
            ]
            by_public_id[row.public_id] = row
        sql = (
            f"WITH new AS (INSERT INTO {quote(Deadline._meta.db_table)} ({columns}) "
            f"VALUES {', '.join([row_sql] * len(batch))} RETURNING *) "
            f"INSERT INTO {quote(history._meta.db_table)} ({copied}, history_date, "
            "history_change_reason, history_type, history_user_id) "
            f"SELECT {copied}, %s, NULL, '+', %s FROM new RETURNING id, public_id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, timezone.now(), getattr(user, "pk", None)])
            for pk, public_id in cursor.fetchall():
                row = by_public_id[public_id]
                row.pk = pk
                row._state.adding, row._state.db = False, connection.alias


def reconcile(
    ctx: Context,
    rule: Rule,
    wants: Iterable[Want],
    acting_user=None,
    writes: Writes | None = None,
) -> Result:
    """Reconcile the rule's wants with its stored rows. The writes go to `writes` when given
    (the caller flushes them), otherwise they are made at once."""
    result = Result()
    ids = rule.scope(ctx)
    if ids is None:
        rows = stored_values(Deadline.objects.filter(rule=rule.code))
    elif not ids:
        return result
    else:
        rows = ctx.stored_rows(rule, ids)
        if rows is None:
            column = f"{rule.subject}_id__in"
            rows = stored_values(Deadline.objects.filter(rule=rule.code, **{column: ids}))
    existing = {row.key: row for row in rows}
    wants = list(wants)
    if ids is not None:
        # A duty whose subject moved (a proposal moved to another udvalg) has its row outside
        # this scope: adopt it instead of creating the key twice.
        missing = {want.key for want in wants} - existing.keys()
        if missing:
            outside = ctx.moved_rows(rule, missing)
            if outside is None:
                outside = stored_values(Deadline.objects.filter(rule=rule.code, key__in=missing))
            existing.update((row.key, row) for row in outside)
    content_types = {}
    to_create, to_update = [], {}
    seen = set()
    for want in wants:
        seen.add(want.key)
        row = existing.get(want.key)
        state, done_on = _target_state(row, want)
        fulfilled_type_id = fulfilled_id = None
        if want.fulfilled_by is not None and state == Deadline.State.DONE:
            model, fulfilled_id = want.fulfilled_by
            if model not in content_types:
                content_types[model] = ContentType.objects.get_for_model(model).pk
            fulfilled_type_id = content_types[model]
        values = {
            "due_date": want.due_date,
            "state": state,
            "params": want.params,
            "done_on": done_on,
            "fulfilled_type_id": fulfilled_type_id,
            "fulfilled_id": fulfilled_id,
            "person_id": want.person_id,
            "committee_id": want.committee_id,
            "unit_id": want.unit_id,
        }
        if row is None:
            to_create.append(
                Deadline(
                    kommune_id=ctx.kommune.pk,
                    rule=rule.code,
                    key=want.key,
                    note=want.note,
                    **values,
                )
            )
            continue
        if row.manual and state == Deadline.State.DONE and want.done_on is None:
            # Kept as the person registered it.
            values["fulfilled_type_id"] = row.fulfilled_type_id
            values["fulfilled_id"] = row.fulfilled_id
        changes = {name: value for name, value in values.items() if getattr(row, name) != value}
        if changes:
            if want.done_on is not None and row.manual:
                changes["manual"] = False
            to_update[row.pk] = changes
    for key, row in existing.items():
        # Open rows, and rows the engine itself waived (a waiver of a closed committee), lapse;
        # done rows and a person's own registration stay as history.
        lapses = row.state == Deadline.State.OPEN or (
            row.state == Deadline.State.WAIVED and not row.manual
        )
        if key not in seen and lapses:
            to_update[row.pk] = {"state": Deadline.State.CANCELLED}
            result.cancelled += 1
    result.created += len(to_create)
    result.updated += len(to_update) - result.cancelled
    if writes is None:
        Writes(to_create, to_update).flush(acting_user)
    else:
        writes.create += to_create
        writes.update.update(to_update)
    return result


def evaluate(ctx: Context, acting_user=None, rules: Iterable[Rule] | None = None) -> Result:
    """Every rule's wants reconciled with the stored rows.

    A targeted evaluation (one change: a few rows) makes the writes of all rules together at
    the end. That is safe because no rule reads rows another rule writes in the same evaluation
    (a rule reads only stored rows of done duties, which the engine never marks done for
    another rule). A full evaluation writes per rule, in batches whose number follows the rows
    of each rule."""
    total = Result()
    rules = registry.all() if rules is None else list(rules)
    if ctx.is_full:
        for rule in rules:
            wants = rule.wants(ctx) if ctx.enabled(rule) else ()
            total += reconcile(ctx, rule, wants, acting_user)
        return total
    # Targeted: skip the rules whose subjects the change did not touch (a course completed
    # touches no committee), compute every rule's wants (nothing is written before the end, so
    # the rules see the same database as when interleaved), read the stored rows of all of them
    # and the rows of moved duties at once, then reconcile and write everything together.
    scopes = [(rule, ids) for rule in rules if (ids := rule.scope(ctx))]
    ctx.prefetch_rows(scopes)
    planned = [(rule, list(rule.wants(ctx)) if ctx.enabled(rule) else []) for rule, _ids in scopes]
    ctx.read_rows(planned)
    if len(rules) < len(registry.all()) and ctx.unevaluated_committees():
        # Only the rules that read the change were asked for (refresh(changed=...)), but a
        # touched committee without any deadline has never been evaluated (it was made around
        # the services: an import, a test's factory): all its rules are, as after any change.
        asked = {rule.code for rule in rules}
        planned += [
            (rule, list(rule.wants(ctx)) if ctx.enabled(rule) else [])
            for rule in registry.all()
            if rule.code not in asked and rule.scope(ctx)
        ]
    ctx.prefetch_moved(planned)
    writes = Writes()
    for rule, wants in planned:
        total += reconcile(ctx, rule, wants, acting_user, writes)
    writes.flush(acting_user)
    return total


def refresh(
    kommune, *, persons=(), committees=(), changed=(), acting_user=None, today=None
) -> Result:
    """Update at once the deadlines of the people and committees a change touched. Call inside
    the service's transaction and tenant scope. `changed`: the models the change wrote (e.g.
    `[Membership]`); only the rules that read them are evaluated (`Rule.reads`). Without it
    every rule is; the nightly evaluation moves on what depends only on the date."""
    person_ids = {getattr(p, "pk", p) for p in persons if p is not None}
    committee_ids = {getattr(c, "pk", c) for c in committees if c is not None}
    if not person_ids and not committee_ids:
        return Result()
    ctx = Context(kommune, today or timezone.localdate(), person_ids, committee_ids)
    return evaluate(ctx, acting_user, registry.reading(changed))


def evaluate_kommune(kommune, today=None) -> Result:
    with tenant_scope(kommune), transaction.atomic():
        return evaluate(Context(kommune, today or timezone.localdate()))


def evaluate_all(today=None) -> Result:
    """Full re-evaluation of every kommune; safe to run at any time. One kommune's error (bad
    data, a bug in a rule) is logged and does not stop the others; the caller sees it in
    `Result.failed` and the next run tries again."""
    from organisations.models import Kommune

    total = Result()
    with scopes_disabled():
        kommuner = list(Kommune.objects.all())
    for kommune in kommuner:
        try:
            total += evaluate_kommune(kommune, today)
        except Exception:
            logger.exception("Deadline evaluation failed for kommune %s", kommune.pk)
            total.failed.append(kommune.name)
    return total
