"""Committees of the MED and arbejdsmiljø organisation, and the memberships in them."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import OutboxRow
from core.tenancy import TenantModel, kommune_pk_index, tenant_history


class Committee(TenantModel):
    """One model for every kind of committee; `parent` gives the MED/AMO hierarchy."""

    class Kind(models.TextChoices):
        HOVEDMED = "hovedmed", _("HovedMED/KommuneMED")
        AFDELINGSMED = "afdelingsmed", _("AfdelingsMED/OmrådeMED")
        LOKALMED = "lokalmed", _("LokalMED/ArbejdspladsMED")
        PERSONALEMOEDE = "personalemoede", _("Personalemøde med MED-status")
        AMG = "amg", _("Arbejdsmiljøgruppe (AMG)")
        TRIO = "trio", _("TRIO")
        ADHOC = "adhoc", _("Ad hoc MED-udvalg")

    # The kinds that are part of the arbejdsmiljøorganisation (AMO). HovedMED and AfdelingsMED are
    # arbejdsmiljøudvalg in the enstrenget structure (Albertslund's and Aabenraa's MED-aftaler).
    AMO_KINDS = (Kind.HOVEDMED, Kind.AFDELINGSMED, Kind.AMG)
    MED_KINDS = (Kind.HOVEDMED, Kind.AFDELINGSMED, Kind.LOKALMED, Kind.PERSONALEMOEDE, Kind.ADHOC)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(_("kode"), max_length=80)
    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("overordnet udvalg"),
    )
    units = models.ManyToManyField(
        "organisations.Unit",
        through="CommitteeUnit",
        related_name="committees",
        verbose_name=_("dækker enheder"),
        blank=True,
    )
    established_on = models.DateField(_("oprettet den"), default=timezone.localdate)
    closed_on = models.DateField(_("nedlagt den"), null=True, blank=True)
    # An ad hoc MED committee lives for its project: it is closed on this day by the daily
    # tick (committees.tasks).
    ends_on = models.DateField(
        _("nedlægges den"),
        null=True,
        blank=True,
        help_text=_("Ad hoc-udvalg: den sidste dag, udvalget findes. Tom: ingen slutdato."),
    )

    history = tenant_history()

    class Meta:
        verbose_name = _("udvalg")
        verbose_name_plural = _("udvalg")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["kommune", "code"], name="committee_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_amo(self) -> bool:
        return self.kind in self.AMO_KINDS

    def clean(self):
        super().clean()
        if self.kind == self.Kind.HOVEDMED and self.parent_id:
            raise ValidationError({"parent": _("HovedMED har intet overordnet udvalg.")})
        if self.kind != self.Kind.HOVEDMED and not self.parent_id:
            raise ValidationError({"parent": _("Vælg det overordnede udvalg.")})
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("Et udvalg kan ikke ligge under sig selv.")})


class CommitteeUnit(TenantModel):
    """A unit a committee covers (its part of the organisation)."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="coverage", verbose_name=_("udvalg")
    )
    unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.CASCADE,
        related_name="coverage",
        verbose_name=_("enhed"),
    )

    history = tenant_history()

    class Meta:
        verbose_name = _("dækket enhed")
        verbose_name_plural = _("dækkede enheder")
        constraints = [
            models.UniqueConstraint(fields=["committee", "unit"], name="committeeunit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.committee} → {self.unit}"


class Membership(TenantModel):
    """A person's seat in a committee, from start to end; ended seats are kept for history."""

    class Role(models.TextChoices):
        FORMAND = "formand", _("Formand")
        NAESTFORMAND = "naestformand", _("Næstformand")
        LEDER = "leder", _("Leder/arbejdsmiljøleder")
        LEDELSESREPRAESENTANT = "ledelsesrepraesentant", _("Ledelsesrepræsentant")
        MEDARBEJDERREPRAESENTANT = "medarbejderrepraesentant", _("Medarbejderrepræsentant")
        TR = "tr", _("Tillidsrepræsentant (TR)")
        AMR = "amr", _("Arbejdsmiljørepræsentant (AMR)")
        SEKRETAER = "sekretaer", _("Sekretær")

    class Side(models.TextChoices):
        LEDELSE = "ledelse", _("Ledelsessiden")
        MEDARBEJDER = "medarbejder", _("Medarbejdersiden")
        NONE = "", _("Ingen (sekretær)")

    class Chosen(models.TextChoices):
        ELECTED = "elected", _("Valgt")
        APPOINTED = "appointed", _("Udpeget")

    # Roles that are always on one side; formand/næstformand depend on the committee.
    FIXED_SIDE = {
        Role.LEDER: Side.LEDELSE,
        Role.LEDELSESREPRAESENTANT: Side.LEDELSE,
        Role.MEDARBEJDERREPRAESENTANT: Side.MEDARBEJDER,
        Role.TR: Side.MEDARBEJDER,
        Role.AMR: Side.MEDARBEJDER,
        Role.SEKRETAER: Side.NONE,
    }
    LEADER_ROLES = (Role.LEDER, Role.LEDELSESREPRAESENTANT)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("person"),
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("udvalg")
    )
    role = models.CharField(_("rolle"), max_length=30, choices=Role.choices)
    side = models.CharField(_("side"), max_length=20, choices=Side.choices, blank=True)
    chosen = models.CharField(
        _("valgt/udpeget"), max_length=20, choices=Chosen.choices, default=Chosen.ELECTED
    )
    start_date = models.DateField(_("startdato"))
    term_end = models.DateField(_("valgperiode slutter"), null=True, blank=True)
    ended_on = models.DateField(_("ophørt den"), null=True, blank=True)
    # AMR/TR: the day the employer was told of the election; the representative's protection
    # against dismissal runs from then (see committees/elections.py).
    employer_notified_on = models.DateField(
        _("arbejdsgiver underrettet den"),
        null=True,
        blank=True,
        help_text=_(
            "Dagen arbejdsgiveren fik besked om valget; beskyttelsen mod afskedigelse gælder herfra."
        ),
    )

    history = tenant_history()

    class Meta:
        verbose_name = _("medlemskab")
        verbose_name_plural = _("medlemskaber")
        ordering = ["committee__name", "role", "person__last_name"]
        indexes = [
            models.Index(fields=["kommune", "role", "ended_on"]),
            models.Index(fields=["person", "ended_on"]),
            kommune_pk_index("membership_kommune_pk"),
        ]

    def get_role_display(self) -> str:
        return self.role_label(self.role)

    @classmethod
    def role_label(cls, role: str) -> str:
        """A role's label. Django's generated `get_role_display` hashes every choice (lazy
        labels) on each call; long lists of seats (the kreds overview) ask many times."""
        try:
            return cls.Role(role).label
        except ValueError:
            return role

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()} – {self.committee}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    def clean(self):
        super().clean()
        fixed = self.FIXED_SIDE.get(self.role)
        if fixed is not None:
            if self.side and self.side != fixed:
                raise ValidationError(
                    {
                        "side": _("Rollen %(role)s hører til %(side)s.")
                        % {"role": self.get_role_display(), "side": self.Side(fixed).label}
                    }
                )
            self.side = fixed
        elif not self.side:
            raise ValidationError(
                {"side": _("Vælg om formand/næstformand er fra ledelses- eller medarbejdersiden.")}
            )
        if self.term_end and self.term_end < self.start_date:
            raise ValidationError({"term_end": _("Valgperioden kan ikke slutte før den starter.")})
        if self.ended_on and self.ended_on < self.start_date:
            raise ValidationError({"ended_on": _("Medlemskabet kan ikke ophøre før det starter.")})


class HovedMedObligation(models.TextChoices):
    """HovedMED's obligations under the framework agreements (seed 003, Albertslund 26.10.2020)."""

    A = "A", _("Retningslinjer for indhold og opfølgning på trivselsmålinger")
    B = "B", _("Budgettets konsekvenser for arbejds- og personaleforhold")
    C = "C", _("Retningslinjer for sygefraværssamtaler")
    D = "D", _("Retningslinjer for indsatsen mod arbejdsbetinget stress")
    E = "E", _("Retningslinjer mod vold, mobning og chikane (også fra 3. person)")
    F = "F", _("Overvågning og revision af retningslinjerne under E")
    G = "G", _("Retningslinjer for beskæftigelse af personer med nedsat arbejdsevne og ledige")
    H = "H", _("Regelmæssig evaluering af anvendelsen af MUS")
    I = "I", _("Retningslinjer for sundhed med konkrete sundhedsfremmeinitiativer")  # noqa: E741
    J = "J", _("Drøftelse af kommunens seniorpolitiske indsats")
    K = "K", _("Anvendelse af lokalt afsatte AKUT-midler")


OBLIGATION_SOURCES = {
    "A": "Aftale om trivsel og sundhed på arbejdspladsen § 3 stk. 2",
    "B": "Aftale om trivsel og sundhed på arbejdspladsen § 5",
    "C": "Aftale om trivsel og sundhed på arbejdspladsen § 7 stk. 4",
    "D": "Aftale om trivsel og sundhed på arbejdspladsen § 9",
    "E": "Aftale om trivsel og sundhed på arbejdspladsen § 10",
    "F": "Protokollat om indsats mod vold, mobning og chikane",
    "G": "Rammeaftale om socialt kapitel § 3",
    "H": "Aftale om kompetenceudvikling § 4 stk. 2",
    "I": "Aftale om trivsel og sundhed på arbejdspladsen § 4 stk. 1",
    "J": "Rammeaftale om seniorpolitik § 3",
    "K": "Protokollat om bidrag til AKUT-fonden",
}
# "Hovedudvalget kan aftale at fravige punkt A, H og I, såfremt der er enighed i udvalget herom."
WAIVABLE_OBLIGATIONS = ("A", "H", "I")


class ObligationWaiver(TenantModel):
    """HovedMED's consensus to waive obligation A, H or I. When either side withdraws, the duty
    returns at once (seed 003: "genindtræder forpligtelsen")."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="waivers", verbose_name=_("udvalg")
    )
    obligation = models.CharField(
        _("opgave"), max_length=1, choices=[(k, f"{k}") for k in WAIVABLE_OBLIGATIONS]
    )
    agreed_on = models.DateField(_("aftalt den"))
    decision = models.TextField(_("beslutning"), help_text=_("Referat af den enige beslutning."))
    # Seed 003: the waiver is agreed in HovedMED; the referat's item records it.
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aftalt under punkt"),
        help_text=_("Punktet i HovedMED's godkendte referat, hvor fravigelsen blev aftalt."),
    )
    withdrawn_on = models.DateField(_("trukket tilbage den"), null=True, blank=True)
    withdrawn_by_side = models.CharField(
        _("trukket tilbage af"), max_length=20, choices=Membership.Side.choices, blank=True
    )

    history = tenant_history()

    class Meta:
        verbose_name = _("fravigelse af HovedMED-opgave")
        verbose_name_plural = _("fravigelser af HovedMED-opgaver")
        ordering = ["-agreed_on"]

    def __str__(self) -> str:
        return f"{self.committee}: {self.obligation} ({self.agreed_on:%d.%m.%Y})"

    def is_active_on(self, day) -> bool:
        return self.agreed_on <= day and (self.withdrawn_on is None or self.withdrawn_on > day)

    def clean(self):
        super().clean()
        if self.committee_id and self.committee.kind != Committee.Kind.HOVEDMED:
            raise ValidationError({"committee": _("Kun HovedMED kan fravige disse opgaver.")})
        if self.obligation not in WAIVABLE_OBLIGATIONS:
            raise ValidationError({"obligation": _("Kun opgave A, H og I kan fraviges.")})
        if self.agenda_item_id:
            from meetings.models import Referat

            item = self.agenda_item
            referat = Referat.objects.filter(meeting_id=item.meeting_id).first()
            if item.meeting.committee_id != self.committee_id:
                raise ValidationError(
                    {"agenda_item": _("Vælg et punkt fra et af udvalgets egne møder.")}
                )
            if referat is None or referat.state not in Referat.APPROVED_STATES:
                raise ValidationError(
                    {"agenda_item": _("Referatet af mødet er ikke godkendt endnu.")}
                )
        if self.withdrawn_on and not self.withdrawn_by_side:
            raise ValidationError(
                {"withdrawn_by_side": _("Angiv hvilken side der trak fravigelsen tilbage.")}
            )


class AmoProposal(TenantModel):
    """A proposal of the arbejdsmiljøorganisation to the employer (BEK om systematisk
    arbejdsmiljøarbejde § 30 stk. 2 nr. 5 and stk. 3): an AMG or an arbejdsmiljøudvalg
    (HovedMED/AfdelingsMED in the enstrenget structure) proposes; the employer decides and records
    the day; if the employer does not follow it, the committee is entitled to the reasons within
    3 weeks of that decision (`committees.proposal_answer`). Written through
    `committees.proposals`; the history keeps who did what."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Afventer arbejdsgiverens beslutning")
        FOLLOWED = "followed", _("Fulgt")
        NOT_FOLLOWED = "not_followed", _("Ikke fulgt")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("udvalg")
    )
    title = models.CharField(_("forslag"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    submitted_on = models.DateField(_("fremsat den"))
    submitted_by = models.ForeignKey(
        "organisations.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="amo_proposals",
        verbose_name=_("fremsat af"),
    )
    outcome = models.CharField(
        _("udfald"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    decided_on = models.DateField(_("besluttet den"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "organisations.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="amo_proposals_decided",
        verbose_name=_("besluttet af"),
    )
    reasons_given_on = models.DateField(_("begrundelse givet den"), null=True, blank=True)
    reasons = models.TextField(_("begrundelse"), blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("forslag fra arbejdsmiljøorganisationen")
        verbose_name_plural = _("forslag fra arbejdsmiljøorganisationen")
        ordering = ["-submitted_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def awaits_reasons(self) -> bool:
        return self.outcome == self.Outcome.NOT_FOLLOWED and self.reasons_given_on is None

    def clean(self):
        """The same invariants for every door (the portal's services and HR's admin)."""
        super().clean()
        errors = {}
        if self.committee_id and self.committee.kind not in Committee.AMO_KINDS:
            errors["committee"] = _(
                "Forslag kommer fra en arbejdsmiljøgruppe eller et arbejdsmiljøudvalg."
            )
        if self.outcome == self.Outcome.PENDING:
            if self.decided_on:
                errors["decided_on"] = _("Et forslag, der afventer beslutning, har ingen dato.")
            if self.reasons_given_on or self.reasons:
                errors["reasons"] = _("Begrundelsen gives, når forslaget ikke følges.")
        elif not self.decided_on:
            errors["decided_on"] = _("Angiv hvornår arbejdsgiveren besluttede.")
        elif self.submitted_on and self.decided_on < self.submitted_on:
            errors["decided_on"] = _("Beslutningen kan ikke ligge før forslaget blev fremsat.")
        if self.outcome == self.Outcome.FOLLOWED and (self.reasons_given_on or self.reasons):
            errors["reasons"] = _("Et forslag, der følges, skal ikke begrundes.")
        if self.reasons_given_on and not self.reasons.strip():
            errors["reasons"] = _("Skriv begrundelsen.")
        if self.reasons.strip() and not self.reasons_given_on and "reasons" not in errors:
            errors["reasons_given_on"] = _("Angiv hvornår begrundelsen blev givet.")
        if (
            self.reasons_given_on
            and self.decided_on
            and self.reasons_given_on < self.decided_on
            and "reasons" not in errors
        ):
            errors["reasons_given_on"] = _("Begrundelsen kan ikke gives før beslutningen.")
        if errors:
            raise ValidationError(errors)


class ProposalMessage(OutboxRow):
    """One e-mail about an AMO proposal to one person, a row of the outbox (core.outbox): the
    employer told of a new proposal, the committee's members told of the decision and of the
    reasons. One row per proposal, person and event: nothing is sent twice."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Nyt forslag til arbejdsgiveren")
        DECIDED = "decided", _("Arbejdsgiverens beslutning")
        REASONS = "reasons", _("Arbejdsgiverens begrundelse")

    proposal = models.ForeignKey(
        AmoProposal, on_delete=models.CASCADE, related_name="messages", verbose_name=_("forslag")
    )
    recipient = models.ForeignKey(
        "organisations.Person",
        on_delete=models.CASCADE,
        related_name="proposal_messages",
        verbose_name=_("modtager"),
    )
    kind = models.CharField(_("besked"), max_length=10, choices=Kind.choices)

    class Meta(OutboxRow.Meta):
        verbose_name = _("besked om forslag")
        verbose_name_plural = _("beskeder om forslag")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "recipient", "kind"], name="proposalmessage_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal} → {self.recipient}"
