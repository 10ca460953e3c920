"""Duties of the MED and arbejdsmiljø organisation itself (deadline rules)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from deadlines.actions import CommitteeMeetingsAction
from deadlines.dates import add_months, add_years
from deadlines.engine import Action, Param, Rule, Want, register, registry
from deadlines.models import Deadline

from .models import (
    OBLIGATION_SOURCES,
    WAIVABLE_OBLIGATIONS,
    AmoProposal,
    Committee,
    CommitteeUnit,
    HovedMedObligation,
    Membership,
    ObligationWaiver,
)
from .tenure import is_elected_representative, seats_by_person

# What the shared reads touch, for the rules' `reads` (deadlines.engine.Rule.reads):
# open_committees and first_unit; tenure.seats_by_person; the meetings whose referat is locked.
COMMITTEES = ("committees.Committee", "committees.CommitteeUnit")
SEATS = ("committees.Membership", "committees.Committee", "organisations.Person")
LOCKED_MEETINGS = ("meetings.Meeting", "meetings.Referat")


def open_committees(ctx, kinds) -> list[Committee]:
    def load():
        queryset = ctx.filter(Committee.objects.filter(closed_on__isnull=True), "pk", "committee")
        return list(queryset.only("pk", "kind", "established_on", "name"))

    return [c for c in ctx.memo("open_committees", load) if c.kind in kinds]


def agreed_locally(ctx, rule: Rule) -> bool:
    """A local duty that applies only where the kommune's own MED-aftale says so (most do not):
    on once HR has recorded the rule among the kommune's local rules (a RuleSetting that is
    enabled, with the agreement's paragraph). The engine's `Context.enabled` treats a rule
    without a setting as on, which suits the local rules most agreements share; these are the
    opposite case, so they ask for the recorded setting itself."""
    setting = ctx._settings.get(rule.code)
    return setting is not None and setting.enabled


def first_unit(ctx, committee_id: int) -> int | None:
    def load():
        queryset = ctx.filter(CommitteeUnit.objects.all(), "committee_id", "committee")
        first = {}
        for committee, unit in queryset.order_by("pk").values_list("committee_id", "unit_id"):
            first.setdefault(committee, unit)
        return first

    return ctx.memo("first_units", load).get(committee_id)


def completed_cycles(ctx, rule: Rule) -> dict[str, tuple[int, object]]:
    """Recurring duties: prefix -> (last cycle number, its done date) among rows a person marked
    done. The next cycle is due one interval after the last was done."""

    def load():
        ids = ctx.ids_for(rule.subject)
        stored = None if ids is None else ctx.stored_rows(rule, ids)
        if stored is not None:
            # A targeted evaluation has read its subjects' rows already (engine.prefetch_rows).
            rows = [(r.key, r.done_on) for r in stored if r.state == Deadline.State.DONE]
        else:
            queryset = Deadline.objects.filter(rule=rule.code, state=Deadline.State.DONE)
            queryset = ctx.filter(queryset, f"{rule.subject}_id", rule.subject)
            rows = queryset.values_list("key", "done_on")
        last = {}
        for key, done_on in rows:
            prefix, _sep, number = key.rpartition("#")
            number = int(number)
            if prefix not in last or number > last[prefix][0]:
                last[prefix] = (number, done_on)
        return last

    return ctx.memo(("cycles", rule.code), load)


class RecurringCommitteeRule(Rule):
    """A duty a committee fulfils every `months`; one open cycle at a time."""

    subject = "committee"
    kinds: tuple = ()
    parameters = (Param("months", _("Interval i måneder"), 12, minimum=1, maximum=12),)
    reads = COMMITTEES

    def cycles(self, ctx, committee, prefix: str, months: int, **want_kwargs):
        last = completed_cycles(ctx, self).get(prefix)
        if last is None:
            number, due = 1, add_months(committee.established_on, months)
        else:
            number, due = last[0] + 1, add_months(last[1], months)
        return Want(
            key=f"{prefix}#{number}",
            due_date=due,
            committee_id=committee.pk,
            unit_id=first_unit(ctx, committee.pk),
            **want_kwargs,
        )

    def wants(self, ctx):
        months = ctx.param(self, "months")
        for committee in open_committees(ctx, self.kinds):
            yield self.cycles(ctx, committee, f"c{committee.pk}", months)


@register
class YearlyAmoDiscussion(CommitteeMeetingsAction, RecurringCommitteeRule):
    """AML § 6 d and BEK nr. 65 af 22.01.2024 om systematisk arbejdsmiljøarbejde § 4: every level
    of the AMO holds the yearly arbejdsmiljødrøftelse (last year's goals, next year's cooperation,
    how it is organised, new goals, supplementary training), with a written record. Seeds 002, 003."""

    code = "committees.yearly_amo_discussion"
    title = _("Årlig arbejdsmiljødrøftelse")
    source = _("AML § 6 d; BEK om systematisk arbejdsmiljøarbejde § 4")
    local_source = _("den årlige arbejdsmiljødrøftelse")
    what_to_do = _("Hold den årlige arbejdsmiljødrøftelse og skriv referat.")
    kinds = Committee.AMO_KINDS
    reads = COMMITTEES + LOCKED_MEETINGS

    def wants(self, ctx):
        """A cycle is done when marked so by hand, or by the committee's meeting with the
        drøftelse whose referat is finally approved (done on the meeting's date, fulfilled by
        the meeting). Cycles that meetings fulfil are followed in the same pass, so one
        evaluation reaches the open cycle and a second writes nothing."""
        months = ctx.param(self, "months")
        held = self.discussion_meetings(ctx)
        for committee in open_committees(ctx, self.kinds):
            prefix = f"c{committee.pk}"
            want = self.cycles(ctx, committee, prefix, months)
            last = completed_cycles(ctx, self).get(prefix)
            after = last[1] if last else None
            for meeting_id, day in held.get(committee.pk, ()):
                if after is not None and day <= after:
                    continue
                want.done_on, want.fulfilled_by = day, (self.meeting_model(), meeting_id)
                yield want
                number = int(want.key.rpartition("#")[2]) + 1
                want = Want(
                    key=f"{prefix}#{number}",
                    due_date=add_months(day, months),
                    committee_id=committee.pk,
                    unit_id=want.unit_id,
                )
                after = day
            yield want

    @staticmethod
    def meeting_model():
        from meetings.models import Meeting

        return Meeting

    def discussion_meetings(self, ctx) -> dict[int, list[tuple[int, object]]]:
        """Committee -> [(meeting id, date)] of drøftelse meetings with a finally approved
        referat, by date (one query, shared by the evaluation)."""

        def load():
            from meetings.models import Referat

            queryset = ctx.filter(
                self.meeting_model().objects.filter(
                    includes_amo_discussion=True,
                    referat__state__in=Referat.LOCKED_STATES,
                ),
                "committee_id",
                "committee",
            )
            result = defaultdict(list)
            for pk, committee_id, day in queryset.order_by("date", "pk").values_list(
                "pk", "committee_id", "date"
            ):
                result[committee_id].append((pk, day))
            return result

        # Every committee's drøftelse meetings: shared by the AMO rule and the rule for the
        # other MED levels (YearlyMedDiscussion), one query per evaluation.
        return ctx.memo("amo_discussion_meetings", load)


@register
class YearlyMedDiscussion(YearlyAmoDiscussion):
    """Seed 002 (Aabenraa, § 3 stk. 2): "Den lovpligtige årlige arbejdsmiljødrøftelse
    gennemføres på alle niveauer. Den enkelte MED- og arbejdsmiljøorganisation gennemfører hvert
    år en drøftelse af ..." — where the kommune's MED-aftale says so, also the LokalMED/
    ArbejdspladsMED and the personalemøde med MED-status hold the yearly drøftelse (AML § 6 d's
    points). Fulfilled like the AMO's: by the committee's drøftelse meeting with a finally
    approved referat, or marked done. A local rule that applies only once the kommune has
    recorded it (agreed_locally): Albertslund's agreement, for one, leaves it to the AMO."""

    code = "committees.yearly_med_discussion"
    title = _("Årlig drøftelse af MED- og arbejdsmiljøforhold")
    local_source = _("den årlige arbejdsmiljødrøftelse på alle niveauer")
    statutory = False
    what_to_do = _(
        "Hold årets drøftelse af MED- og arbejdsmiljøforhold på et møde (årlig "
        "arbejdsmiljødrøftelse) og få referatet godkendt."
    )
    kinds = (Committee.Kind.LOKALMED, Committee.Kind.PERSONALEMOEDE)

    def wants(self, ctx):
        if not agreed_locally(ctx, self):
            return
        yield from super().wants(ctx)


@register
class CompetenceNeeds(RecurringCommitteeRule):
    """Seed 003 (Albertslund, kompetenceudvikling i MED-organisationen): "Med afsæt i aktuelle og
    kommende udfordringer i MED-regi drøfter KommuneMED behovet for kompetenceudvikling en gang
    om året." HovedMED/KommuneMED's own yearly item, next cycle 12 months (local number) after
    the last was done; marked done by the formandskab with the meeting it was discussed at. A
    local rule the kommune may switch off."""

    code = "committees.competence_needs"
    title = _("KommuneMED's årlige drøftelse af behovet for kompetenceudvikling")
    manual_done = True
    source = ""
    local_source = _("kompetenceudvikling i MED-organisationen")
    statutory = False
    what_to_do = _(
        "Drøft i HovedMED/KommuneMED behovet for kompetenceudvikling i MED-organisationen, og "
        "registrér mødet."
    )
    kinds = (Committee.Kind.HOVEDMED,)
    parameters = (Param("months", _("Interval i måneder"), 12, minimum=1, maximum=24),)


@register
class SicknessStatistics(RecurringCommitteeRule):
    """Aftale om trivsel og sundhed; seed 003: the management presents an institution-based
    sygefraværsstatistik to the local MED committee every year."""

    code = "committees.sickness_statistics"
    title = _("Sygefraværsstatistik fremlagt for lokalt MED")
    manual_done = True
    source = _("Aftale om trivsel og sundhed på arbejdspladserne")
    local_source = _("sygefraværsstatistik")
    what_to_do = _("Fremlæg årets sygefraværsstatistik på et MED-møde.")
    kinds = (Committee.Kind.LOKALMED, Committee.Kind.PERSONALEMOEDE)


@register
class WellbeingSurvey(RecurringCommitteeRule):
    """Aftale om trivsel og sundhed på arbejdspladserne § 3: a trivselsmåling at least every
    3 years, with guidelines agreed in HovedMED."""

    code = "committees.wellbeing_survey"
    title = _("Trivselsmåling (psykisk arbejdsmiljø)")
    manual_done = True
    source = _("Trivselsaftalen § 3")
    what_to_do = _("Gennemfør kommunens trivselsmåling.")
    kinds = (Committee.Kind.HOVEDMED,)
    parameters = (Param("months", _("Interval i måneder"), 36, minimum=1, maximum=36),)


@register
class StrategyPlan(RecurringCommitteeRule):
    """Seed 002 (Aabenraa): HovedMED prepares a strategiplan every second year. A local rule."""

    code = "committees.strategy_plan"
    title = _("HovedMED's strategiplan (hvert 2. år)")
    manual_done = True
    source = ""
    local_source = _("strategiplan for arbejdsmiljø")
    statutory = False
    what_to_do = _("Udarbejd den nye strategiplan i HovedMED.")
    kinds = (Committee.Kind.HOVEDMED,)
    parameters = (Param("months", _("Interval i måneder"), 24, minimum=6, maximum=60),)


@register
class StrategyMidterm(Rule):
    """Seed 002: midway through the strategiplan's period HovedMED reviews whether the goals are
    met and revises the plan for its last year."""

    code = "committees.strategy_midterm"
    title = _("Midtvejsvurdering af strategiplanen")
    manual_done = True
    source = ""
    local_source = _("strategiplan for arbejdsmiljø")
    subject = "committee"
    statutory = False
    what_to_do = _("Vurdér om strategiplanens mål er nået, og tilret planen.")
    parameters = (Param("months", _("Måneder efter vedtagelse"), 12, minimum=3, maximum=36),)
    reads = COMMITTEES

    def wants(self, ctx):
        months = ctx.param(self, "months")
        plans = completed_cycles(ctx, registry.get("committees.strategy_plan"))
        for committee in open_committees(ctx, (Committee.Kind.HOVEDMED,)):
            last = plans.get(f"c{committee.pk}")
            if last is None:
                continue
            yield Want(
                key=f"c{committee.pk}:plan{last[0]}",
                due_date=add_months(last[1], months),
                committee_id=committee.pk,
                unit_id=first_unit(ctx, committee.pk),
            )


@register
class HovedMedObligations(Rule):
    """Seed 003 (Albertslund, 26.10.2020): HovedMED's obligations A–K under the framework
    agreements, handled every year. A, H and I may be waived when both sides agree; when either
    side withdraws, the duty returns at once. B, C, E, F, G, J and K can never be waived (D is
    not waivable either: the agreement lists it under neither)."""

    code = "committees.hovedmed_obligation"
    title = _("HovedMED-opgave %(letter)s: %(text)s")
    group_title = _("HovedMED-opgaver")
    manual_done = True
    source = _("Rammeaftale om medindflydelse og medbestemmelse")
    local_source = _("hovedudvalgets obligatoriske opgaver")
    subject = "committee"
    what_to_do = _("Behandl opgaven i HovedMED og registrér det.")
    parameters = (Param("months", _("Interval i måneder"), 12, minimum=1, maximum=12),)
    reads = COMMITTEES + LOCKED_MEETINGS + ("committees.ObligationWaiver", "meetings.AgendaItem")

    def wants(self, ctx):
        months = ctx.param(self, "months")
        committees = open_committees(ctx, (Committee.Kind.HOVEDMED,))
        if not committees:
            return
        waivers = defaultdict(list)
        queryset = ctx.filter(ObligationWaiver.objects.all(), "committee_id", "committee")
        for waiver in queryset:
            waivers[(waiver.committee_id, waiver.obligation)].append(waiver)
        cycles = completed_cycles(ctx, self)
        handled = self.handled_items(ctx)
        for committee in committees:
            for letter, text in HovedMedObligation.choices:
                prefix = f"c{committee.pk}:{letter}"
                last = cycles.get(prefix)
                if last is None:
                    number, due = 1, add_months(committee.established_on, months)
                else:
                    number, due = last[0] + 1, add_months(last[1], months)
                waived = letter in WAIVABLE_OBLIGATIONS and any(
                    w.is_active_on(ctx.today) for w in waivers[(committee.pk, letter)]
                )
                params = {"letter": letter, "text": str(text), "source": OBLIGATION_SOURCES[letter]}
                after = last[1] if last else None
                # Each agenda item that handled the obligation in a finally approved referat
                # fulfils the open cycle (on the meeting's date); the next is due a year later.
                for item_id, day in handled.get((committee.pk, letter), ()):
                    if after is not None and day <= after:
                        continue
                    yield Want(
                        key=f"{prefix}#{number}",
                        due_date=due,
                        committee_id=committee.pk,
                        unit_id=first_unit(ctx, committee.pk),
                        params=params,
                        done_on=day,
                        fulfilled_by=(self.item_model(), item_id),
                    )
                    number, due, after = number + 1, add_months(day, months), day
                yield Want(
                    key=f"{prefix}#{number}",
                    due_date=due,
                    committee_id=committee.pk,
                    unit_id=first_unit(ctx, committee.pk),
                    params=params,
                    waived=waived,
                )

    @staticmethod
    def item_model():
        from meetings.models import AgendaItem

        return AgendaItem

    def handled_items(self, ctx) -> dict[tuple[int, str], list[tuple[int, object]]]:
        """(committee, letter) -> [(agenda item id, meeting date)] of items marked with an
        obligation in meetings whose referat is finally approved, by date (one query)."""

        def load():
            from meetings.models import AgendaItem, Referat

            queryset = ctx.filter(
                AgendaItem.objects.exclude(obligation="").filter(
                    status=AgendaItem.Status.ACCEPTED,
                    meeting__referat__state__in=Referat.LOCKED_STATES,
                ),
                "meeting__committee_id",
                "committee",
            )
            result = defaultdict(list)
            rows = queryset.order_by("meeting__date", "pk").values_list(
                "pk", "meeting__committee_id", "obligation", "meeting__date"
            )
            for pk, committee_id, letter, day in rows:
                result[(committee_id, letter)].append((pk, day))
            return result

        return ctx.memo(("obligation_items", self.code), load)


@register
class AmrTermEnd(Rule):
    """AML § 8 and BEK om samarbejde om sikkerhed og sundhed: the AMR is elected for 2 years
    (up to 4 by local agreement). A new election is due when the term ends: on the seat's
    `term_end`, the valgperiode's last day (deadlines.periods.term_last_day: a term from
    1 January 2025 ends 31 December 2026, and the next begins 1 January 2027). It is fulfilled
    when a new AMR seat in the same committee starts (the same person re-elected or a
    successor)."""

    code = "committees.amr_term_end"
    title = _("Valg af AMR ved valgperiodens udløb")
    source = _("AML § 8")
    local_source = _("valgperiode, 2–4 år")
    what_to_do = _("Afhold valg af arbejdsmiljørepræsentant og registrér resultatet.")
    reads = SEATS

    def action(self, deadline):
        """The term-end deadline leads into the election (elections: open it for this seat)."""
        from django.urls import reverse

        return Action(_("Åbn valget"), reverse("elections:for_deadline", args=[deadline.public_id]))

    def scope(self, ctx):
        """The people whose AMR seats a change touched, and the AMRs of the committees it touched:
        a successor's new seat fulfils the predecessor's deadline at once."""

        def load():
            ids = ctx.ids_for("person")
            committee_ids = ctx.ids_for("committee")
            if ids is None or not committee_ids:
                return ids
            queryset = Membership.objects.filter(
                role=Membership.Role.AMR, committee_id__in=committee_ids
            )
            return ids | set(queryset.values_list("person_id", flat=True))

        return ctx.memo(("scope", self.code), load)

    def wants(self, ctx):
        ids = self.scope(ctx)
        if ids is not None and not ids:
            return
        candidates = Membership.objects.filter(role=Membership.Role.AMR, term_end__isnull=False)
        if ids is not None:
            candidates = candidates.filter(person_id__in=ids)
        # Every AMR seat of the committees where a candidate sits, in one query: the candidates
        # are among them, and the successor may be someone else.
        seats = Membership.objects.filter(
            role=Membership.Role.AMR, committee_id__in=candidates.values("committee_id")
        ).order_by()
        amr_seats = defaultdict(list)  # committee -> (pk, committee, start, person)
        rows = list(
            seats.values(
                "pk",
                "person_id",
                "committee_id",
                "start_date",
                "term_end",
                "ended_on",
                "person__left_on",
                "person__unit_id",
                "committee__closed_on",
            )
        )
        for row in rows:
            amr_seats[row["committee_id"]].append(
                (row["pk"], row["committee_id"], row["start_date"], row["person_id"])
            )
        for seat in rows:
            if seat["term_end"] is None or (ids is not None and seat["person_id"] not in ids):
                continue  # not a candidate
            if seat["person__left_on"] and seat["person__left_on"] <= ctx.today:
                continue
            if seat["committee__closed_on"]:
                continue
            ended = seat["ended_on"] is not None and seat["ended_on"] <= ctx.today
            # The same person re-elected, or someone else elected once this seat has ended (a
            # second AMR joining the committee while this one sits on is no successor).
            successor = min(
                (
                    s
                    for s in amr_seats[seat["committee_id"]]
                    if s[0] != seat["pk"]
                    and s[2] > seat["start_date"]
                    and s[2] >= add_months(seat["term_end"], -6)
                    and (s[3] == seat["person_id"] or seat["ended_on"] is not None)
                ),
                key=lambda s: (s[2], s[0]),
                default=None,
            )
            if ended and successor is None:
                continue  # left the AMO without a successor: the structural check shows it
            yield Want(
                key=f"m{seat['pk']}",
                due_date=seat["term_end"],
                person_id=seat["person_id"],
                committee_id=seat["committee_id"],
                unit_id=seat["person__unit_id"],
                done_on=successor[2] if successor else None,
                fulfilled_by=(Membership, successor[0]) if successor else None,
            )


@register
class SalaryTalk(Rule):
    """Seed 003 (Albertslund): "Senest to år efter at medarbejderrepræsentanten er valgt første
    gang drøftes lønsammensætningen for den enkelte." A local rule. A limit counted from an event
    (the first election), not the end of a period: it ends on the corresponding date
    (deadlines.dates.add_years), unlike a funktionsår or a valgperiode (deadlines.periods)."""

    code = "committees.salary_talk"
    title = _("Drøftelse af lønsammensætning for ny medarbejderrepræsentant")
    manual_done = True
    source = ""
    local_source = _("vilkår for medarbejderrepræsentanter")
    statutory = False
    what_to_do = _("Lederen holder samtalen om lønsammensætning og registrerer den.")
    parameters = (Param("years", _("År efter første valg"), 2, minimum=1, maximum=4),)
    reads = SEATS

    def wants(self, ctx):
        years = ctx.param(self, "years")
        for person_id, seats in seats_by_person(ctx).items():
            elected = [s for s in seats if is_elected_representative(s)]
            if not elected or not any(s.active_on(ctx.today) for s in elected):
                continue
            first = min(s.start for s in elected)
            yield Want(
                key=f"p{person_id}",
                due_date=add_years(first, years),
                person_id=person_id,
                unit_id=elected[0].person_unit_id,
            )


@register
class ProposalAnswer(Rule):
    """BEK om systematisk arbejdsmiljøarbejde § 30 stk. 3 (quoted in seed 003): "Når
    arbejdsmiljøudvalget har bidraget med forslag ... og arbejdsgiveren ikke følger forslaget,
    har arbejdsmiljøudvalget ret til en begrundelse herfor inden for 3 uger." The 3 weeks run
    from the employer's decision not to follow the proposal (`decided_on`), not from its
    submission; a proposal awaiting the decision, or followed, owes no reasons. A row recorded
    before the decision day was kept counts from the submission, the earliest the decision can
    have been. The employer who decided answers for it; the reasons given fulfil it."""

    code = "committees.proposal_answer"
    title = _("Begrundelse til arbejdsmiljøudvalget: %(proposal)s")
    group_title = _("Begrundelse til arbejdsmiljøudvalget")
    source = _("BEK om systematisk arbejdsmiljøarbejde § 30 stk. 3")
    subject = "committee"
    what_to_do = _("Arbejdsgiveren giver udvalget en skriftlig begrundelse.")
    parameters = (Param("days", _("Dage"), 21, minimum=1, maximum=21),)
    reads = COMMITTEES + ("committees.AmoProposal",)

    def action(self, deadline):
        from django.urls import reverse

        from deadlines.engine import Action

        proposal = (deadline.params or {}).get("id")
        if proposal:
            return Action(_("Åbn forslaget"), reverse("committees:proposal", args=[proposal]))
        if deadline.committee_id is None:
            return None
        return Action(
            _("Åbn udvalgets forslag"),
            reverse("committees:committee", args=[deadline.committee.public_id]),
        )

    def wants(self, ctx):
        days = ctx.param(self, "days")
        queryset = ctx.filter(
            AmoProposal.objects.filter(
                committee__closed_on__isnull=True, outcome=AmoProposal.Outcome.NOT_FOLLOWED
            ),
            "committee_id",
            "committee",
        )
        rows = queryset.values_list(
            "pk",
            "public_id",
            "title",
            "committee_id",
            "submitted_on",
            "decided_on",
            "decided_by_id",
            "reasons_given_on",
        )
        for pk, public_id, title, committee_id, submitted, decided, by, given in rows:
            yield Want(
                key=f"pr{pk}",
                due_date=(decided or submitted) + timedelta(days=days),
                person_id=by,
                committee_id=committee_id,
                unit_id=first_unit(ctx, committee_id),
                params={"proposal": title, "id": str(public_id)},
                done_on=given,
                fulfilled_by=(AmoProposal, pk) if given else None,
            )
