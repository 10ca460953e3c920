"""Elections of AMR, TR and the employee side of a MED committee (medarbejderrepræsentanter): the
call for candidates, candidacies, the secret ballot and the result.

An election moves through its states once: candidates are nominated until the nomination
deadline (kandidatfrist); with no more accepted candidates than seats they are elected unopposed
(fredsvalg), with more a secret ballot is held in the portal; then the result is registered as
the membership (committees.elections.election_register); for an AMR and a TR the employer is told
by e-mail with a PDF notice (it starts their protection), for a medarbejderrepræsentant not.

The ballot is secret by construction: `Voter` says only whether an eligible employee has voted
(no time, no history), `Ballot` says only which candidate got a vote (a random primary key, no
time, no voter, no history). With several seats a voter marks up to `seats` different candidates on
one ballot paper, one `Ballot` row per mark. Nothing links the two; the count is shown only once
voting closed.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, Membership
from core.models import OutboxRow
from core.tenancy import TenantModel, tenant_history


class Election(TenantModel):
    class Role(models.TextChoices):
        AMR = Membership.Role.AMR.value, Membership.Role.AMR.label
        TR = Membership.Role.TR.value, Membership.Role.TR.label
        MED = (
            Membership.Role.MEDARBEJDERREPRAESENTANT.value,
            Membership.Role.MEDARBEJDERREPRAESENTANT.label,
        )

    class State(models.TextChoices):
        NOMINATION = "nomination", _("Kandidater opstilles")
        VOTING = "voting", _("Afstemning")
        ELECTED = "elected", _("Afsluttet")
        NO_CANDIDATES = "no_candidates", _("Ingen kandidater")
        CANCELLED = "cancelled", _("Aflyst")

    OPEN_STATES = (State.NOMINATION, State.VOTING)
    # The MED committees whose employee side is elected among the employees of the units they
    # cover. Not an AMG or a TRIO (no MED employee side), not a personalemøde med MED-status (all
    # employees take part, nobody is elected to it) and not an ad hoc MED-udvalg (its members are
    # appointed by the MED committee that sets it up).
    MED_KINDS = (
        Committee.Kind.HOVEDMED,
        Committee.Kind.AFDELINGSMED,
        Committee.Kind.LOKALMED,
    )
    # The seats whose election the employer is told of (the notice starts the protection against
    # dismissal: AML § 9 a, the TR-aftale) and the union kreds is told of
    # (committees.elections.election_register). Not the MED employee side.
    NOTIFIED_ROLES = (Role.AMR, Role.TR)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    committee = models.ForeignKey(
        "committees.Committee",
        on_delete=models.PROTECT,
        related_name="elections",
        verbose_name=_("udvalg"),
    )
    role = models.CharField(_("valg af"), max_length=30, choices=Role.choices)
    seats = models.PositiveSmallIntegerField(
        _("antal pladser"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    replaces = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afløser"),
        help_text=_("Den plads, hvis valgperiode udløber."),
    )
    state = models.CharField(
        _("status"), max_length=20, choices=State.choices, default=State.NOMINATION
    )
    message = models.TextField(
        _("besked til de ansatte"),
        blank=True,
        max_length=2000,
        help_text=_("Kommer med i indkaldelsen af kandidater."),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("åbnet af"),
    )
    opened_at = models.DateTimeField(_("åbnet"), default=timezone.now)
    nomination_deadline = models.DateField(
        _("kandidatfrist"), help_text=_("Kandidater kan opstilles til og med denne dag.")
    )
    voting_days = models.PositiveSmallIntegerField(
        _("afstemningens længde (dage)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    voting_closes_on = models.DateField(
        _("afstemningen slutter"),
        null=True,
        blank=True,
        help_text=_("Der kan stemmes til og med denne dag."),
    )
    term_start = models.DateField(_("valgperioden begynder"))
    closed_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    # The count, written once when the election closes: eligible voters, ballots cast, and per
    # candidate the votes and whether elected (and whether a tie was settled by lot).
    result = models.JSONField(_("resultat"), default=dict, blank=True, editable=False)

    history = tenant_history(excluded_fields=["result"])

    class Meta:
        verbose_name = _("valg")
        verbose_name_plural = _("valg")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "role"],
                condition=models.Q(state__in=["nomination", "voting"]),
                name="election_one_open_per_committee_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.committee}"

    @classmethod
    def roles_for(cls, committee: Committee) -> list[str]:
        """The seats an election can fill in `committee`: an AMR in the AMO (a group or a MED
        committee with AMO tasks), a TR anywhere, the employee side in a MED committee."""
        roles = []
        if committee.kind in Committee.AMO_KINDS:
            roles.append(cls.Role.AMR)
        if committee.kind in cls.MED_KINDS:
            roles.append(cls.Role.MED)
        roles.append(cls.Role.TR)
        return roles

    @property
    def role_short(self) -> str:
        """The seat's name in a sentence ("Valg af …"): AMR or TR (the legal terms keep their
        names), or "medarbejderrepræsentant(er)"."""
        if self.role == self.Role.MED:
            return (
                _("medarbejderrepræsentanter") if self.seats > 1 else _("medarbejderrepræsentant")
            )
        return self.role.upper()

    @property
    def role_name(self) -> str:
        """The seat's full name in the e-mails' sentences ("Der skal vælges …")."""
        if self.role == self.Role.MED:
            return self.role_short
        return self.get_role_display()

    @property
    def notifies_employer(self) -> bool:
        return self.role in self.NOTIFIED_ROLES

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class Candidacy(TenantModel):
    class State(models.TextChoices):
        PROPOSED = "proposed", _("Foreslået, afventer svar")
        ACCEPTED = "accepted", _("Stiller op")
        DECLINED = "declined", _("Har sagt nej")
        WITHDRAWN = "withdrawn", _("Trukket tilbage")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="candidacies", verbose_name=_("valg")
    )
    person = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        related_name="candidacies",
        verbose_name=_("kandidat"),
    )
    state = models.CharField(
        _("status"), max_length=20, choices=State.choices, default=State.PROPOSED
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("foreslået af"),
    )
    nominated_at = models.DateTimeField(_("foreslået"), default=timezone.now)
    answered_at = models.DateTimeField(_("besvaret"), null=True, blank=True)
    votes = models.PositiveIntegerField(_("stemmer"), null=True, blank=True)
    elected = models.BooleanField(_("valgt"), default=False)
    membership = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("plads"),
    )

    history = tenant_history()

    class Meta:
        verbose_name = _("kandidat")
        verbose_name_plural = _("kandidater")
        ordering = ["person__last_name", "person__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["election", "person"], name="candidacy_unique")
        ]

    def __str__(self) -> str:
        return str(self.person)


class Voter(TenantModel):
    """An eligible employee of an election (valgbar og stemmeberettiget): whether they voted, and
    nothing more (no time: it could be matched with the ballots' order)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="voters")
    person = models.ForeignKey("organisations.Person", on_delete=models.CASCADE, related_name="+")
    has_voted = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("stemmeberettiget")
        verbose_name_plural = _("stemmeberettigede")
        constraints = [models.UniqueConstraint(fields=["election", "person"], name="voter_unique")]


class Ballot(TenantModel):
    """One mark for one candidate (a ballot paper of a several-seat election is several rows).
    A random key, no time, no voter: not linkable to anyone."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="ballots")
    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="ballots")

    class Meta:
        verbose_name = _("stemmeseddel")
        verbose_name_plural = _("stemmesedler")


class ElectionMessage(OutboxRow):
    """One e-mail of an election (core.outbox): the call for candidates and the opening of the
    vote to each eligible employee, the nomination to the nominee, the result to the candidates,
    the notice to the employer (the leaders of the units the committee covers)."""

    class Kind(models.TextChoices):
        CALL = "call", _("Indkaldelse af kandidater")
        NOMINATED = "nominated", _("Foreslået som kandidat")
        VOTING = "voting", _("Afstemningen er åben")
        RESULT = "result", _("Resultat")
        EMPLOYER = "employer", _("Meddelelse til arbejdsgiveren")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    person = models.ForeignKey(
        "organisations.Person",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modtager"),
    )
    # The employer's notice is about one elected seat; its protection date is set when it is sent.
    membership = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(OutboxRow.Meta):
        verbose_name = _("e-mail om valg")
        verbose_name_plural = _("e-mails om valg")
