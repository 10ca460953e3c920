"""APV duties of the arbejdsmiljøgrupper (deadline rules)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committees.models import Committee
from committees.rules import COMMITTEES, first_unit, open_committees
from deadlines.actions import ApvAction
from deadlines.dates import add_months
from deadlines.engine import Param, Rule, Want, register

from .models import ApvActionItem, ApvCycle, ApvFollowUp, ApvMajorChange

# A duty done longer ago than this is settled history: the engine keeps done rows as they are
# (only open rows lapse), so the rules need not re-derive them on every evaluation.
SETTLED_AFTER_DAYS = 400


def adopted_cycles(ctx) -> dict[int, list[tuple[datetime.date, int]]]:
    """AMG id -> [(plan adopted on, cycle id)] oldest first: the written APVs."""

    def load():
        queryset = ctx.filter(
            ApvCycle.objects.filter(plan_adopted_on__isnull=False), "committee_id", "committee"
        )
        result = defaultdict(list)
        for committee_id, adopted_on, pk in queryset.values_list(
            "committee_id", "plan_adopted_on", "pk"
        ):
            result[committee_id].append((adopted_on, pk))
        for rows in result.values():
            rows.sort()
        return result

    return ctx.memo("apv_adopted", load)


def major_changes(ctx) -> dict[int, list[datetime.date]]:
    def load():
        queryset = ctx.filter(ApvMajorChange.objects.all(), "committee_id", "committee")
        result = defaultdict(list)
        for committee_id, changed_on in queryset.values_list("committee_id", "changed_on"):
            result[committee_id].append(changed_on)
        return result

    return ctx.memo("apv_changes", load)


def revision_due(
    *,
    established_on: datetime.date,
    previous: datetime.date | None,
    changes: list[datetime.date],
    months: int,
    change_months: int,
) -> datetime.date:
    """When the next written APV is due.

    At least every `months` after the previous one, and within `change_months` of a major change
    made after it. A group without any APV counts its establishment as such a change: a new AMG
    is a reorganisation, and its area must have a current APV."""
    since = previous or established_on
    candidates = [add_months(day, change_months) for day in changes if day > since]
    if previous is None:
        candidates.append(add_months(established_on, change_months))
    else:
        candidates.append(add_months(previous, months))
    return min(candidates)


@register
class ApvRevision(ApvAction, Rule):
    """AML § 15 a and BEK om systematisk arbejdsmiljøarbejde § 2: the written APV is revised at
    least every 3 years, and when changes in the work, its methods or premises matter for safety
    and health. Seed 003: the four phases; the written handlingsplan (phase 3) fulfils the duty.
    How soon after a major change the APV is due is local (default 3 months)."""

    code = "apv.revision"
    title = _("APV (arbejdspladsvurdering)")
    source = _("AML § 15 a; BEK om systematisk arbejdsmiljøarbejde § 2")
    local_source = _("APV-procedure")
    subject = "committee"
    what_to_do = _(
        "Gennemfør APV'en: kortlæg og risikovurdér, inddrag sygefravær og vedtag en skriftlig "
        "handlingsplan."
    )
    parameters = (
        Param("months", _("Højst måneder mellem to APV'er"), 36, minimum=1, maximum=36),
        Param("change_months", _("Måneder efter en væsentlig ændring"), 3, minimum=1, maximum=12),
    )
    reads = COMMITTEES + ("apv.ApvCycle", "apv.ApvMajorChange")

    def wants(self, ctx):
        months = ctx.param(self, "months")
        change_months = ctx.param(self, "change_months")
        adopted = adopted_cycles(ctx)
        changes = major_changes(ctx)
        for amg in open_committees(ctx, (Committee.Kind.AMG,)):
            unit_id = first_unit(ctx, amg.pk)
            previous = None
            history = adopted.get(amg.pk, [])
            for number, (adopted_on, cycle_id) in enumerate([*history, (None, None)], start=1):
                due = revision_due(
                    established_on=amg.established_on,
                    previous=previous,
                    changes=changes.get(amg.pk, []),
                    months=months,
                    change_months=change_months,
                )
                yield Want(
                    key=f"c{amg.pk}#{number}",
                    due_date=due,
                    committee_id=amg.pk,
                    unit_id=unit_id,
                    done_on=adopted_on,
                    fulfilled_by=(ApvCycle, cycle_id) if cycle_id else None,
                )
                previous = adopted_on


@register
class ApvPlanFollowUp(ApvAction, Rule):
    """Seed 002 (Aabenraa, MED-aftale § 4 stk. 4): "APV på alle arbejdspladser med årlig
    opfølgning" — the group follows up on its current handlingsplan every year (phase 4 of
    seed 003, BEK § 2). A local rule: the kommune may switch it off or shorten the interval."""

    code = "apv.plan_follow_up"
    title = _("Årlig opfølgning på APV-handlingsplanen")
    source = ""
    local_source = _("årlig opfølgning på APV-handlingsplanen")
    subject = "committee"
    statutory = False
    what_to_do = _("Gennemgå handlingsplanen i arbejdsmiljøgruppen og registrér opfølgningen.")
    parameters = (Param("months", _("Interval i måneder"), 12, minimum=1, maximum=12),)
    reads = COMMITTEES + ("apv.ApvCycle", "apv.ApvFollowUp")

    def wants(self, ctx):
        months = ctx.param(self, "months")
        adopted = adopted_cycles(ctx)
        current = {
            amg.pk: adopted[amg.pk][-1]
            for amg in open_committees(ctx, (Committee.Kind.AMG,))
            if adopted.get(amg.pk)
        }
        held = defaultdict(list)
        rows = ApvFollowUp.objects.filter(cycle_id__in=[c for _d, c in current.values()])
        for cycle_id, held_on, pk in rows.values_list("cycle_id", "held_on", "pk"):
            held[cycle_id].append((held_on, pk))
        for committee_id, (adopted_on, cycle_id) in current.items():
            previous = adopted_on
            unit_id = first_unit(ctx, committee_id)
            entries = sorted(held[cycle_id])
            for number, (held_on, pk) in enumerate([*entries, (None, None)], start=1):
                yield Want(
                    key=f"c{committee_id}:a{cycle_id}#{number}",
                    due_date=add_months(previous, months),
                    committee_id=committee_id,
                    unit_id=unit_id,
                    done_on=held_on,
                    fulfilled_by=(ApvFollowUp, pk) if pk else None,
                )
                previous = held_on


@register
class ApvActionItemDue(ApvAction, Rule):
    """BEK om systematisk arbejdsmiljøarbejde § 2 and seed 003 (fase 3–4): the written
    handlingsplan says who solves each problem and when; each item's due date is a deadline of
    its owner, fulfilled when the item is closed."""

    code = "apv.action_item"
    title = _("APV-handlingsplan: %(problem)s")
    group_title = _("APV-handlingsplan")
    source = _("BEK om systematisk arbejdsmiljøarbejde § 2")
    local_source = _("APV-procedure, fase 3–4")
    subject = "committee"
    what_to_do = _("Gennemfør tiltaget i handlingsplanen og luk punktet.")
    reads = COMMITTEES + ("apv.ApvActionItem", "apv.ApvCycle")

    def wants(self, ctx):
        settled = ctx.today - datetime.timedelta(days=SETTLED_AFTER_DAYS)
        open_ids = {c.pk for c in open_committees(ctx, (Committee.Kind.AMG,))}
        queryset = ctx.filter(
            ApvActionItem.objects.filter(Q(closed_on__isnull=True) | Q(closed_on__gte=settled)),
            "cycle__committee_id",
            "committee",
        )
        for pk, committee_id, owner_id, due_on, closed_on, problem in queryset.values_list(
            "pk", "cycle__committee_id", "owner_id", "due_on", "closed_on", "problem"
        ):
            if committee_id not in open_ids:
                continue
            yield Want(
                key=f"c{committee_id}:i{pk}",
                due_date=due_on,
                person_id=owner_id,
                committee_id=committee_id,
                unit_id=first_unit(ctx, committee_id),
                params={"problem": problem[:80]},
                done_on=closed_on,
                fulfilled_by=(ApvActionItem, pk) if closed_on else None,
            )
