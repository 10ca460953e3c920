"""A deadline is a row: what is due, by whom, when, which rule made it and what fulfilled it."""

from __future__ import annotations

import datetime
import uuid

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel, kommune_pk_index, scoped_manager, tenant_history


class Status(models.TextChoices):
    """What a person sees. Derived from the stored state and the due date."""

    UPCOMING = "upcoming", _("Kommende")
    DUE_SOON = "due_soon", _("Snart")
    OVERDUE = "overdue", _("Overskredet")
    DONE = "done", _("Opfyldt")
    WAIVED = "waived", _("Fraveget")


DUE_SOON_DAYS = 30


class DeadlineQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=Deadline.State.OPEN)

    def with_status(self, today: datetime.date | None = None):
        """Annotate `status` in the database so lists and counts can filter and group on it."""
        today = today or timezone.localdate()
        soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
        return self.annotate(
            status=models.Case(
                models.When(state=Deadline.State.DONE, then=models.Value(Status.DONE)),
                models.When(state=Deadline.State.WAIVED, then=models.Value(Status.WAIVED)),
                models.When(due_date__lt=today, then=models.Value(Status.OVERDUE)),
                models.When(due_date__lte=soon, then=models.Value(Status.DUE_SOON)),
                default=models.Value(Status.UPCOMING),
                output_field=models.CharField(),
            )
        )

    def visible(self):
        return self.exclude(state=Deadline.State.CANCELLED)


class Deadline(TenantModel):
    class State(models.TextChoices):
        OPEN = "open", _("Åben")
        DONE = "done", _("Opfyldt")
        WAIVED = "waived", _("Fraveget")
        # The duty no longer applies (the person left, the committee closed, the rule changed).
        CANCELLED = "cancelled", _("Bortfaldet")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    rule = models.CharField(_("regel"), max_length=80, db_index=True)
    # The rule's identity of the duty, e.g. "p123" or "c45#3" (committee 45, third cycle).
    key = models.CharField(max_length=120)
    person = models.ForeignKey(
        "organisations.Person",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name=_("ansvarlig person"),
    )
    committee = models.ForeignKey(
        "committees.Committee",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name=_("ansvarligt udvalg"),
    )
    unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name=_("enhed"),
        help_text=_("Enheden hvis leder får fristen eskaleret."),
    )
    due_date = models.DateField(_("frist"), db_index=True)
    state = models.CharField(
        _("tilstand"), max_length=20, choices=State.choices, default=State.OPEN
    )
    params = models.JSONField(default=dict, blank=True)
    done_on = models.DateField(_("opfyldt den"), null=True, blank=True)
    fulfilled_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    fulfilled_id = models.PositiveBigIntegerField(null=True, blank=True)
    fulfilled_by = GenericForeignKey("fulfilled_type", "fulfilled_id")
    # Marked done or waived by a person (not derived from a record in the system): the engine
    # keeps that state until the person reopens it.
    manual = models.BooleanField(_("manuelt registreret"), default=False)
    note = models.TextField(_("bemærkning"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = scoped_manager(DeadlineQuerySet)

    history = tenant_history(excluded_fields=["updated"])

    class Meta:
        verbose_name = _("frist")
        verbose_name_plural = _("frister")
        ordering = ["due_date"]
        constraints = [
            models.UniqueConstraint(fields=["kommune", "rule", "key"], name="deadline_unique_key")
        ]
        indexes = [
            models.Index(fields=["kommune", "state", "due_date"]),
            models.Index(fields=["person", "state"]),
            models.Index(fields=["committee", "state"]),
            # A person's next open deadline (the kreds overview orders its members by it).
            models.Index(
                fields=["person", "due_date"],
                condition=models.Q(state="open"),
                name="deadline_open_person_due",
            ),
            kommune_pk_index("deadline_kommune_pk"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.due_date:%d.%m.%Y})"

    @property
    def rule_obj(self):
        from .engine import registry

        return registry.get(self.rule)

    @property
    def title(self) -> str:
        rule = self.rule_obj
        return rule.render_title(self) if rule else self.rule

    @property
    def source(self) -> str:
        """The rule's source without the kommune's names (lists use `sources.rule_sources`)."""
        rule = self.rule_obj
        return rule.source_for() if rule else ""

    def status_on(self, today: datetime.date) -> str:
        if self.state == self.State.DONE:
            return Status.DONE
        if self.state == self.State.WAIVED:
            return Status.WAIVED
        if self.due_date < today:
            return Status.OVERDUE
        if (self.due_date - today).days <= DUE_SOON_DAYS:
            return Status.DUE_SOON
        return Status.UPCOMING


class RuleSetting(TenantModel):
    """A kommune's local numbers for one rule (its MED-aftale), validated against the law."""

    rule = models.CharField(_("regel"), max_length=80)
    enabled = models.BooleanField(
        _("gælder"),
        default=True,
        help_text=_("Kun lokale regler kan slås fra; lovpligtige regler gælder altid."),
    )
    values = models.JSONField(_("lokale værdier"), default=dict, blank=True)
    local_reference = models.CharField(
        _("sted i MED-aftalen"),
        max_length=120,
        blank=True,
        help_text=_(
            "Paragraf eller bilag i kommunens MED-aftale, fx “§ 3 stk. 3” eller “bilag 3”."
        ),
    )

    history = tenant_history()

    class Meta:
        verbose_name = _("lokal regel")
        verbose_name_plural = _("lokale regler (MED-aftale)")
        constraints = [
            models.UniqueConstraint(fields=["kommune", "rule"], name="rulesetting_unique_rule")
        ]

    def __str__(self) -> str:
        from .engine import registry

        rule = registry.get(self.rule)
        return str(rule.title_plain) if rule else self.rule


class DailyCount(TenantModel):
    """The kommune's deadline counts on one day (kept by the nightly evaluation), for the trend
    on HR's dashboard. The whole kommune's numbers; a limited HR sees the trend of the whole
    kommune's counts only when it administers the whole kommune."""

    day = models.DateField(_("dag"))
    overdue = models.PositiveIntegerField(_("overskredet"), default=0)
    due_soon = models.PositiveIntegerField(_("snart"), default=0)
    upcoming = models.PositiveIntegerField(_("kommende"), default=0)
    done = models.PositiveIntegerField(_("opfyldt"), default=0)
    waived = models.PositiveIntegerField(_("fraveget"), default=0)

    class Meta:
        verbose_name = _("dagens optælling")
        verbose_name_plural = _("daglige optællinger")
        constraints = [
            models.UniqueConstraint(fields=["kommune", "day"], name="dailycount_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.day:%d.%m.%Y}"
