"""Meetings of the MED and arbejdsmiljø committees: forretningsorden, årshjul, agenda, attendance,
referat, calendar feeds, the outbox of invitations and the PDF documents rendered in the background.

The forretningsorden (seed 003, Albertslund's KommuneMED, offered as the model for every other
MED committee): at least five meetings a year, the plan for next year by December, items proposed
at least 14 days before, agenda and material sent at least 7 days before, fixed points on every
agenda, the referat approved by formand and næstformand, then finally at the next meeting.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import OutboxRow, StoredFile
from core.tenancy import TenantModel, tenant_history

# --- the forretningsorden ------------------------------------------------------------------------


class StandingKind(models.TextChoices):
    """The fixed points of seed 003's forretningsorden, and a kommune's own."""

    APPROVAL = "approval", _("Godkendelse af dagsorden og referat")
    AMO_INFO = "amo_info", _("Orientering om arbejdsmiljø")
    CHAIR_INFO = "chair_info", _("Orientering fra formand/næstformand")
    STORIES = "stories", _("Historier til videreformidling")
    MISC = "misc", _("Eventuelt")
    OTHER = "other", _("Andet fast punkt")


class Placement(models.TextChoices):
    BEFORE = "before", _("Før de foreslåede punkter")
    AFTER = "after", _("Efter de foreslåede punkter")


# (kind, placement, title): seed 003, "Faste punkter på dagsordenen". A committee without its own
# forretningsorden gets these; a new forretningsorden starts from them and can be edited.
DEFAULT_STANDING_ITEMS = (
    (
        StandingKind.APPROVAL,
        Placement.BEFORE,
        _("Godkendelse af dagsorden samt godkendelse af referat fra sidste møde"),
    ),
    (StandingKind.AMO_INFO, Placement.BEFORE, _("Orientering om arbejdsmiljø")),
    (StandingKind.CHAIR_INFO, Placement.BEFORE, _("Orientering fra formanden og næstformanden")),
    (StandingKind.STORIES, Placement.AFTER, _("Historier til videreformidling")),
    (StandingKind.MISC, Placement.AFTER, _("Eventuelt")),
)

DEFAULT_PROPOSAL_DAYS = 14
DEFAULT_DISPATCH_DAYS = 7
DEFAULT_FORMOEDE_DAYS = 1
MAX_FORMOEDE_DAYS = 14


class Procedure(TenantModel):
    """A committee's forretningsorden: its local numbers and its fixed agenda points. A committee
    without one follows seed 003's (KommuneMED's forretningsorden is the model for all)."""

    committee = models.OneToOneField(
        "committees.Committee",
        on_delete=models.CASCADE,
        related_name="procedure",
        verbose_name=_("udvalg"),
    )
    meetings_per_year = models.PositiveSmallIntegerField(
        _("mindste antal møder om året"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text=_(
            "Tom: intet krav (HovedMED/KommuneMED følger kommunens lokale regel, som standard 5)."
        ),
    )
    plan_required = models.BooleanField(
        _("mødeplan for næste år påkrævet"),
        default=True,
        help_text=_("Mødeplanen for det kommende år lægges senest i december."),
    )
    proposal_days = models.PositiveSmallIntegerField(
        _("frist for forslag (dage før mødet)"),
        default=DEFAULT_PROPOSAL_DAYS,
        validators=[MinValueValidator(0), MaxValueValidator(90)],
    )
    dispatch_days = models.PositiveSmallIntegerField(
        _("udsendelse af dagsorden (dage før mødet)"),
        default=DEFAULT_DISPATCH_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    # Seed 003 (KommuneMED's forretningsorden): "Medarbejderne kan afholde en 1 times formøde
    # inden det planlagte møde." A right of the employee side, not a duty: off unless the
    # committee's own forretningsorden grants it.
    formoede = models.BooleanField(
        _("medarbejdersiden kan holde formøde"),
        default=False,
        help_text=_(
            "Medarbejdersiden har ret til at holde formøde i arbejdstiden før hvert ordinært "
            "møde. Medarbejdersidens formand/næstformand indkalder til det fra mødesiden."
        ),
    )
    formoede_days = models.PositiveSmallIntegerField(
        _("formøde senest (dage før mødet)"),
        default=DEFAULT_FORMOEDE_DAYS,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_FORMOEDE_DAYS)],
        help_text=_("Hvor mange dage før mødet formødet senest holdes (0: samme dag, før mødet)."),
    )

    history = tenant_history()

    class Meta:
        verbose_name = _("forretningsorden")
        verbose_name_plural = _("forretningsordener")
        ordering = ["committee__name"]

    def __str__(self) -> str:
        return str(self.committee)


class StandingItem(TenantModel):
    """A fixed point of a committee's agenda, added to every new meeting automatically."""

    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.CASCADE,
        related_name="standing_items",
        verbose_name=_("forretningsorden"),
    )
    kind = models.CharField(_("art"), max_length=20, choices=StandingKind.choices)
    placement = models.CharField(
        _("placering"), max_length=10, choices=Placement.choices, default=Placement.BEFORE
    )
    position = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    title = models.CharField(_("titel"), max_length=200)

    history = tenant_history()

    class Meta:
        verbose_name = _("fast punkt")
        verbose_name_plural = _("faste punkter")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class MeetingPlan(TenantModel):
    """The årshjul of one committee for one year; adopting it fulfils the "plan by December"
    duty. The meetings themselves are the committee's meetings dated in that year."""

    committee = models.ForeignKey(
        "committees.Committee",
        on_delete=models.CASCADE,
        related_name="meeting_plans",
        verbose_name=_("udvalg"),
    )
    year = models.PositiveSmallIntegerField(
        _("år"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    adopted_on = models.DateField(_("vedtaget den"), null=True, blank=True)
    note = models.TextField(_("bemærkning"), blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("mødeplan")
        verbose_name_plural = _("mødeplaner")
        ordering = ["-year", "committee__name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "year"], name="meetingplan_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.committee} {self.year}"


# --- meetings ------------------------------------------------------------------------------------


class Meeting(TenantModel):
    """One meeting of a committee.

    Extension point: AMR network meetings of a union kreds (seed 001) will use the same machinery
    by adding a `network_group` foreign key beside `committee` and widening the constraint
    `meeting_has_organiser` to "exactly one of committee / network_group". Everything that asks
    who the meeting is for goes through `organiser` and the helpers in meetings/access.py and
    meetings/selectors.py (`invitees`), so that is where the network case is added."""

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinært møde")
        EXTRAORDINARY = "extraordinary", _("Ekstraordinært møde")
        THEME = "theme", _("Temamøde")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        CANCELLED = "cancelled", _("Aflyst")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    committee = models.ForeignKey(
        "committees.Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("udvalg"),
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.ORDINARY)
    title = models.CharField(_("titel"), max_length=200, blank=True)
    date = models.DateField(_("dato"))
    start_time = models.TimeField(_("starttidspunkt"), default=datetime.time(9, 0))
    end_time = models.TimeField(_("sluttidspunkt"), default=datetime.time(11, 0))
    location = models.CharField(_("sted"), max_length=200, blank=True)
    case_number = models.CharField(
        _("sagsnummer"),
        max_length=60,
        blank=True,
        help_text=_(
            "Sagens nummer i kommunens ESDH-system, hvor dagsorden og referat journaliseres."
        ),
    )
    includes_amo_discussion = models.BooleanField(
        _("årlig arbejdsmiljødrøftelse"),
        default=False,
        help_text=_(
            "Mødet rummer den årlige arbejdsmiljødrøftelse (AML § 6 d): dens punkter kommer på "
            "dagsordenen, og det endeligt godkendte referat opfylder fristen."
        ),
    )
    adjacent_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adjacent_meetings",
        verbose_name=_("holdes i tilknytning til"),
        help_text=_("TRIO-møder holdes i tilknytning til arbejdsmiljøgruppens møder."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    cancel_reason = models.CharField(_("årsag til aflysning"), max_length=300, blank=True)
    # RFC 5545 SEQUENCE: raised whenever time, place or status change, so calendars replace the
    # earlier invitation (same UID) instead of adding a second event.
    sequence = models.PositiveIntegerField(_("version af invitationen"), default=0, editable=False)
    agenda_settled_at = models.DateTimeField(_("dagsorden fastlagt"), null=True, blank=True)
    # Set by the one run that claims the dispatch (a conditional UPDATE in the same transaction
    # that queues the e-mails): two workers or two runs queue the agenda once.
    dispatched_at = models.DateTimeField(_("dagsorden udsendt"), null=True, blank=True)
    created = models.DateTimeField(_("oprettet"), auto_now_add=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("møde")
        verbose_name_plural = _("møder")
        ordering = ["date", "start_time"]
        constraints = [
            # The network-group extension widens this to "exactly one organiser".
            models.CheckConstraint(
                condition=models.Q(committee__isnull=False), name="meeting_has_organiser"
            ),
        ]
        indexes = [
            models.Index(fields=["kommune", "status", "date"]),
            models.Index(fields=["committee", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.display_title} {self.date:%d.%m.%Y}"

    @property
    def organiser(self):
        """Who holds the meeting (a committee now; a kreds network group later)."""
        return self.committee

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        # Whole sentences with a placeholder (not an f-string around `_()`), so makemessages
        # finds them and each language can word them its own way.
        if self.includes_amo_discussion:
            return _("Årlig arbejdsmiljødrøftelse – %(organiser)s") % {"organiser": self.organiser}
        return _("Møde i %(organiser)s") % {"organiser": self.organiser}

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def starts_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.start_time))

    def ends_at(self) -> datetime.datetime:
        end = datetime.datetime.combine(self.date, self.end_time)
        if self.end_time <= self.start_time:
            end += datetime.timedelta(days=1)
        return timezone.make_aware(end)

    @property
    def ical_uid(self) -> str:
        return f"{self.public_id}@medorg"


class ItemKind(models.TextChoices):
    APPROVAL = StandingKind.APPROVAL.value, StandingKind.APPROVAL.label
    AMO_INFO = StandingKind.AMO_INFO.value, StandingKind.AMO_INFO.label
    CHAIR_INFO = StandingKind.CHAIR_INFO.value, StandingKind.CHAIR_INFO.label
    STORIES = StandingKind.STORIES.value, StandingKind.STORIES.label
    MISC = StandingKind.MISC.value, StandingKind.MISC.label
    OTHER = StandingKind.OTHER.value, StandingKind.OTHER.label
    PROPOSAL = "proposal", _("Punkt")
    # The points of the yearly arbejdsmiljødrøftelse (AML § 6 d, BEK om systematisk
    # arbejdsmiljøarbejde § 4; seed 002 § 3 stk. 2; seed 003).
    AMO_GOALS_FOLLOWUP = "amo_goals", _("Opfølgning på sidste års mål")
    AMO_COOPERATION = "amo_cooperation", _("Det kommende års samarbejde om arbejdsmiljøet")
    AMO_ORGANISATION = "amo_organisation", _("Samarbejdsform og mødeintervaller")
    AMO_NEW_GOALS = "amo_new_goals", _("Nye mål for det kommende år")
    AMO_TRAINING = "amo_training", _("Supplerende uddannelse og kompetencer")


STANDING_ITEM_KINDS = frozenset(StandingKind.values)
AMO_DISCUSSION_POINTS = (
    (ItemKind.AMO_GOALS_FOLLOWUP, _("Opfølgning på og vurdering af, om sidste års mål er nået")),
    (
        ItemKind.AMO_COOPERATION,
        _("Tilrettelæggelse af det kommende års samarbejde om arbejdsmiljøarbejdet"),
    ),
    (
        ItemKind.AMO_ORGANISATION,
        _("Hvordan samarbejdet skal foregå, herunder samarbejdsformen og mødeintervallerne"),
    ),
    (ItemKind.AMO_NEW_GOALS, _("Fastlæggelse af mål for det kommende års samarbejde")),
    (
        ItemKind.AMO_TRAINING,
        _(
            "Behov for supplerende uddannelse og kompetencer for "
            "arbejdsmiljøorganisationens medlemmer"
        ),
    ),
)
AMO_POINT_KINDS = frozenset(kind for kind, _title in AMO_DISCUSSION_POINTS)

# Positions: fixed points before the proposed items, the drøftelse, proposals, fixed points after.
POSITION_BEFORE = 100
POSITION_AMO = 1000
POSITION_PROPOSAL = 2000
POSITION_AFTER = 9000


class AgendaItem(TenantModel):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Foreslået")
        ACCEPTED = "accepted", _("På dagsordenen")
        REJECTED = "rejected", _("Ikke optaget")

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Godkendt")
        REJECTED = "rejected", _("Ikke godkendt")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("møde")
    )
    kind = models.CharField(
        _("art"), max_length=20, choices=ItemKind.choices, default=ItemKind.PROPOSAL
    )
    position = models.PositiveIntegerField(_("rækkefølge"), default=POSITION_PROPOSAL)
    title = models.CharField(_("overskrift"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    # The indstilling: what the committee is asked to decide (the sagsfremstilling is the
    # description above).
    recommendation = models.TextField(_("indstilling"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACCEPTED
    )
    proposed_by = models.ForeignKey(
        "organisations.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_items",
        verbose_name=_("foreslået af"),
    )
    proposed_at = models.DateTimeField(_("foreslået"), null=True, blank=True)
    rejection_reason = models.CharField(_("begrundelse"), max_length=300, blank=True)
    # The referat of this item (written by the sekretær or the formandskab).
    minutes = models.TextField(_("referat"), blank=True)
    # HovedMED's obligation A–K handled under this item (committees.HovedMedObligation): the
    # finally approved referat fulfils that year's duty (committees.hovedmed_obligation).
    obligation = models.CharField(
        _("HovedMED-opgave"),
        max_length=1,
        blank=True,
        choices=[(letter, letter) for letter in "ABCDEFGHIJK"],
        help_text=_("Den af HovedMED's opgaver A–K, punktet behandler."),
    )
    # Set by the procedure that put the item on the agenda when it waits for the committee's
    # yes or no (an organisation change: reorganisation.services.change_schedule). The referent
    # records the answer in `outcome`; the finally approved referat makes it binding, and the
    # procedure reads it from there (reorganisation.services.changes_decided_by_referat).
    asks_approval = models.BooleanField(
        _("kræver udvalgets afgørelse"),
        default=False,
        editable=False,
        help_text=_("Udvalget skal godkende eller afvise punktet i referatet."),
    )
    outcome = models.CharField(
        _("udvalgets afgørelse"), max_length=10, choices=Outcome.choices, blank=True
    )

    history = tenant_history()

    class Meta:
        verbose_name = _("dagsordenspunkt")
        verbose_name_plural = _("dagsordenspunkter")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_standing(self) -> bool:
        return self.kind in STANDING_ITEM_KINDS

    @property
    def is_amo_point(self) -> bool:
        return self.kind in AMO_POINT_KINDS


def attachment_path(instance: ItemAttachment, filename: str) -> str:
    # Opaque names: the original name is kept in `name`, never used as a path.
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"meetings/{instance.kommune_id}/{uuid.uuid4()}.{suffix}"


class ItemAttachment(StoredFile, TenantModel):
    """Material for an agenda item. Served only through the access-checked view."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("punkt")
    )
    file = models.FileField(_("fil"), upload_to=attachment_path)
    uploaded_by = models.ForeignKey(
        "organisations.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploadet af"),
    )

    history = tenant_history()

    class Meta:
        verbose_name = _("bilag")
        verbose_name_plural = _("bilag")
        ordering = ["pk"]


class Decision(TenantModel):
    """A decision recorded in the referat, numbered "item.n" (4.1, 4.2 …)."""

    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("punkt")
    )
    position = models.PositiveSmallIntegerField(_("nummer"), default=1)
    text = models.TextField(_("beslutning"))

    history = tenant_history()

    class Meta:
        verbose_name = _("beslutning")
        verbose_name_plural = _("beslutninger")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ActionItem(TenantModel):
    """A follow-up action from the referat: owner and due date. Once the formandskab has approved
    the referat it is a deadline of its owner (rule `meetings.action_follow_up`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="actions", verbose_name=_("punkt")
    )
    text = models.CharField(_("opfølgning"), max_length=300)
    owner = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        related_name="meeting_actions",
        verbose_name=_("ansvarlig"),
    )
    due_on = models.DateField(_("frist"))
    done_on = models.DateField(_("udført den"), null=True, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("opfølgningspunkt")
        verbose_name_plural = _("opfølgningspunkter")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "done_on"])]

    def __str__(self) -> str:
        return self.text


class Attendance(TenantModel):
    class Status(models.TextChoices):
        AFBUD = "afbud", _("Afbud")
        PRESENT = "present", _("Til stede")
        ABSENT = "absent", _("Fraværende uden afbud")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("møde")
    )
    person = models.ForeignKey(
        "organisations.Person",
        on_delete=models.CASCADE,
        related_name="meeting_attendance",
        verbose_name=_("person"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    note = models.CharField(_("bemærkning"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("registreret"), auto_now=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("fremmøde")
        verbose_name_plural = _("fremmøde")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_unique_person")
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_status_display()}"


class Referat(TenantModel):
    """The referat of a meeting and its approval.

    draft → approved (formand AND næstformand) → sent to the members → finally approved as the
    first item of the next meeting → published to the members and the employees the committee
    covers. Locked after the final approval; every change is kept in history."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Kladde")
        APPROVED = "approved", _("Godkendt af formandskabet")
        SENT = "sent", _("Udsendt til medlemmerne")
        FINAL = "final", _("Endeligt godkendt")
        PUBLISHED = "published", _("Offentliggjort")

    LOCKED_STATES = (State.FINAL, State.PUBLISHED)
    APPROVED_STATES = (State.APPROVED, State.SENT, State.FINAL, State.PUBLISHED)

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="referat", verbose_name=_("møde")
    )
    state = models.CharField(
        _("tilstand"), max_length=10, choices=State.choices, default=State.DRAFT
    )
    notes = models.TextField(_("indledning"), blank=True)
    referent = models.ForeignKey(
        "organisations.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referent"),
        help_text=_("Den der skriver referatet; sættes, når referatet første gang skrives."),
    )
    # Raised each time the referat is reopened: the next approval is a new round of sending.
    round = models.PositiveSmallIntegerField(default=0, editable=False)
    first_approved_by = models.ForeignKey(
        "organisations.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("godkendt af formanden"),
    )
    first_approved_at = models.DateTimeField(null=True, blank=True)
    second_approved_by = models.ForeignKey(
        "organisations.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("godkendt af næstformanden"),
    )
    second_approved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("udsendt"), null=True, blank=True)
    final_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="finally_approved_referater",
        verbose_name=_("endeligt godkendt på mødet"),
    )
    final_approved_at = models.DateTimeField(_("endeligt godkendt"), null=True, blank=True)
    final_approved_by = models.ForeignKey(
        "organisations.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("endelig godkendelse registreret af"),
    )
    published_at = models.DateTimeField(_("offentliggjort"), null=True, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("referat")
        verbose_name_plural = _("referater")

    def __str__(self) -> str:
        return f"{_('Referat')}: {self.meeting}"

    @property
    def is_locked(self) -> bool:
        return self.state in self.LOCKED_STATES

    @property
    def is_editable(self) -> bool:
        return self.state == self.State.DRAFT


class MeetingRequest(TenantModel):
    """Seed 003: a meeting is held when a majority of the employee representatives ask the
    formand or næstformand for it, naming the questions they want dealt with."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    committee = models.ForeignKey(
        "committees.Committee",
        on_delete=models.CASCADE,
        related_name="meeting_requests",
        verbose_name=_("udvalg"),
    )
    questions = models.TextField(_("spørgsmål, der ønskes behandlet"))
    created_by = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("oprettet af"),
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    majority_at = models.DateTimeField(_("flertal opnået"), null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("indkaldt møde"),
    )

    history = tenant_history()

    class Meta:
        verbose_name = _("anmodning om møde")
        verbose_name_plural = _("anmodninger om møde")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.committee}: {self.questions[:60]}"


class MeetingRequestSignature(TenantModel):
    request = models.ForeignKey(
        MeetingRequest,
        on_delete=models.CASCADE,
        related_name="signatures",
        verbose_name=_("anmodning"),
    )
    person = models.ForeignKey(
        "organisations.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    signed_at = models.DateTimeField(_("tilsluttet"), auto_now_add=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("tilslutning til anmodning")
        verbose_name_plural = _("tilslutninger til anmodning")
        constraints = [
            models.UniqueConstraint(fields=["request", "person"], name="requestsignature_unique")
        ]


# The seats that convene the employee side's formøde: the formand or næstformand who sits for
# the medarbejderside (seed 003: the næstformand "udpeges blandt medarbejdersiden").
EMPLOYEE_CHAIR_ROLES = ("formand", "naestformand")


class PreMeeting(TenantModel):
    """The employee side's formøde before an ordinary meeting, where the committee's
    forretningsorden grants it (`Procedure.formoede`; seed 003: "Medarbejderne kan afholde en
    1 times formøde inden det planlagte møde"). The note is the employees' own: the ledelsesside
    does not read it (meetings/access.py)."""

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="pre_meeting", verbose_name=_("møde")
    )
    date = models.DateField(_("dato"))
    start_time = models.TimeField(_("starttidspunkt"), default=datetime.time(8, 0))
    end_time = models.TimeField(_("sluttidspunkt"), default=datetime.time(9, 0))
    location = models.CharField(_("sted"), max_length=200, blank=True)
    note = models.TextField(_("bemærkning til medarbejdersiden"), blank=True)
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indkaldt af"),
    )
    convened_at = models.DateTimeField(_("indkaldt"), default=timezone.now)
    # Raised when time or place change: the invitation goes out again (MeetingMessage's
    # sequence), once per version.
    sequence = models.PositiveIntegerField(_("version af indkaldelsen"), default=0, editable=False)

    history = tenant_history()

    class Meta:
        verbose_name = _("formøde")
        verbose_name_plural = _("formøder")
        ordering = ["date", "start_time"]

    def __str__(self) -> str:
        return _("Formøde før %(meeting)s") % {"meeting": self.meeting}


# --- sending --------------------------------------------------------------------------------------


class MeetingMessage(OutboxRow):
    """One e-mail about a meeting to one person: a row of the outbox (core.outbox) and the
    record of what was sent. Unique per (meeting, recipient, kind, sequence): queueing it again
    is a no-op."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Dagsorden og invitation")
        UPDATE = "update", _("Ændret mødetidspunkt/-sted")
        CANCEL = "cancel", _("Aflysning")
        REFERAT = "referat", _("Referat til godkendelse")
        FORMOEDE = "formoede", _("Indkaldelse til formøde")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="messages", verbose_name=_("møde")
    )
    recipient = models.ForeignKey(
        "organisations.Person",
        on_delete=models.CASCADE,
        related_name="meeting_messages",
        verbose_name=_("modtager"),
    )
    kind = models.CharField(_("art"), max_length=10, choices=Kind.choices)
    # The meeting's SEQUENCE (agenda, update, cancel) or the referat's round.
    sequence = models.PositiveIntegerField(default=0)

    class Meta(OutboxRow.Meta):
        verbose_name = _("mødeudsendelse")
        verbose_name_plural = _("mødeudsendelser")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "recipient", "kind", "sequence"], name="meetingmessage_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"


class CalendarFeed(TenantModel):
    """A person's secret calendar address. Only a hash of the token is stored: the address is
    shown once when made; a new one replaces it and the old link stops working (404)."""

    person = models.OneToOneField(
        "organisations.Person",
        on_delete=models.CASCADE,
        related_name="meeting_feed",
        verbose_name=_("person"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("senest hentet"), null=True, blank=True)

    history = tenant_history(excluded_fields=["token_hash", "last_used_at"])

    class Meta:
        verbose_name = _("kalenderabonnement")
        verbose_name_plural = _("kalenderabonnementer")

    def __str__(self) -> str:
        return str(self.person)


def document_path(instance: DocumentJob, filename: str) -> str:
    return f"documents/{instance.kommune_id}/{instance.public_id}.pdf"


class DocumentJob(TenantModel):
    """A large PDF rendered in the background (org charts, AMO plan); the requester downloads it
    when done. Old files are removed by the cleanup job."""

    class Kind(models.TextChoices):
        MED_CHART = "med_chart", _("MED-organisationen")
        AMO_CHART = "amo_chart", _("Arbejdsmiljøorganisationen")
        AMO_PLAN = "amo_plan", _("Arbejdsmiljøorganisationen med medlemmer (BEK § 33)")

    class State(models.TextChoices):
        PENDING = "pending", _("Venter")
        RUNNING = "running", _("Dannes")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Fejlede")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("dokument"), max_length=20, choices=Kind.choices)
    omraade = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("område"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("bestilt af"),
    )
    state = models.CharField(
        _("tilstand"), max_length=10, choices=State.choices, default=State.PENDING
    )
    file = models.FileField(_("fil"), upload_to=document_path, blank=True)
    error = models.TextField(_("fejl"), blank=True)
    created = models.DateTimeField(_("bestilt"), auto_now_add=True)
    finished_at = models.DateTimeField(_("færdig"), null=True, blank=True)

    class Meta:
        verbose_name = _("dokument")
        verbose_name_plural = _("dokumenter")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.get_kind_display()
