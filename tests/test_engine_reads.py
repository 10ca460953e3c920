"""The engine's targeted refresh after a named change (`refresh(changed=...)`, `Rule.reads`) and
the nightly job per kommune (deadlines.tasks)."""

from __future__ import annotations

from datetime import date

import pytest

from committees.models import Committee, Membership
from committees.services import membership_save
from core.tenancy import tenant_scope
from deadlines.engine import Context, refresh, registry
from deadlines.models import DailyCount, Deadline, RuleSetting
from deadlines.tasks import deadlines_evaluate_kommune
from training.models import Completion

from . import factories as f
from .querytables import tables_joined
from .test_engine import TODAY, at, build_world

# Read by every evaluation, whatever the change: the rows themselves and the local settings.
ALWAYS = {"deadlines.deadline", "deadlines.rulesetting"}


@pytest.fixture
def world(db):
    with at(TODAY):
        k = f.kommune("laesekommune")
        with tenant_scope(k):
            w = build_world(k, size=2)
            # The local rules that apply only where the kommune recorded them run too.
            for rule in registry.all():
                if not rule.statutory:
                    RuleSetting.objects.create(kommune=k, rule=rule.code, enabled=True)
            yield w


def tables_read(rule, ctx) -> set[str]:
    """The models of every table a query of the rule joins (also queries that are never sent,
    e.g. an IN () that Django knows to be empty)."""

    def run():
        rule.scope(ctx)
        list(rule.wants(ctx))

    return tables_joined(run) - ALWAYS


def test_it_declares_what_every_rule_reads(world):
    """A refresh after a named change skips the rules that do not read it, so each rule's
    `reads` must name every table its queries touch (a full and a targeted evaluation, each
    with its own context: no read is hidden by another rule's shared one)."""
    people = {p.pk for p in world.people}
    committees = {c.pk for c in world.committees}
    for rule in registry.all():
        assert rule.reads is not None, rule.code
        declared = {label.lower() for label in rule.reads}
        for ctx in (
            Context(world.kommune, TODAY),
            Context(world.kommune, TODAY, people, committees),
        ):
            read = tables_read(rule, ctx)
            assert read <= declared, (rule.code, read - declared)
            assert read, rule.code  # the world is rich enough to make every rule read


def test_a_named_change_evaluates_only_the_rules_that_read_it(world):
    """An AMR elected reads seats: the AMR rules run at once; a duty of the committee that no
    seat can move (a yearly overview of incidents) is left to the nightly evaluation, while a
    refresh without a named change evaluates it too."""
    overview = Deadline.objects.filter(rule="incidents.yearly_overview", committee=world.afd)
    assert overview.exists()
    overview.delete()  # stale: as if written around the engine
    with at(TODAY):
        person = f.person(world.kommune, "Ny")
        membership_save(
            Membership(
                kommune=world.kommune,
                person=person,
                committee=world.afd,
                role=Membership.Role.AMR,
                side=Membership.Side.MEDARBEJDER,
                start_date=TODAY,
            )
        )
    assert Deadline.objects.filter(rule="committees.amr_term_end", person=person).exists()
    assert not overview.exists()
    assert refresh(world.kommune, committees=[world.afd], changed=[Completion]).created == 0
    assert refresh(world.kommune, committees=[world.afd], today=TODAY).created > 0
    assert overview.exists()


def test_a_committee_never_evaluated_gets_all_its_duties_after_a_named_change(world):
    """A committee made around the services (an import) has no deadline yet: the first named
    change evaluates every rule of it, not only those that read the change."""
    with at(TODAY):
        amg = f.committee(
            world.kommune, "Ny AMG", Committee.Kind.AMG, established_on=date(2024, 1, 1)
        )
        assert not Deadline.objects.filter(committee=amg).exists()
        f.membership(world.people[0], amg, Membership.Role.LEDER, start=TODAY)
    rules = set(Deadline.objects.filter(committee=amg).values_list("rule", flat=True))
    assert {"apv.revision", "committees.yearly_amo_discussion"} <= rules


def test_registry_reading_names_the_rules_of_a_model():
    reading = {rule.code for rule in registry.reading([Completion])}
    assert reading == {rule.code for rule in registry.all() if rule.code.startswith("training.")}
    assert len(registry.reading([])) == len(registry.all())


def test_the_nightly_job_per_kommune_evaluates_counts_and_is_idempotent(world):
    """deadlines.evaluate_kommune (queued per kommune by deadlines.evaluate_each): the full
    evaluation of one kommune and its count of the day; a second run writes nothing."""
    Deadline.objects.filter(rule="committees.amr_term_end").delete()
    with at(TODAY):
        assert deadlines_evaluate_kommune.run(world.kommune.pk) > 0
        assert deadlines_evaluate_kommune.run(world.kommune.pk) == 0
    assert DailyCount.objects.filter(day=TODAY).count() == 1
