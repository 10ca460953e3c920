"""Changes to the organisation charts, approved by HovedMED before they take effect.

Seed 003 (Albertslund's MED-aftale): "Enhver ændring i organisationsdiagrammerne skal godkendes
af KommuneMED." HR proposes a change (a new AMG, units merged, a committee moved under another);
it is put on HovedMED's next agenda by itself, as an item that asks for the committee's decision.
The referent records HovedMED's decision on that item in the referat (Godkendt / Ikke godkendt);
once the referat is finally approved, that decision decides the change (the daily tick) and an
approved change is applied on the day it was approved for (at once when that day has come, else
by the daily tick). When the referat records no decision, HR registers it in the admin instead.
Until then the charts show the approved structure, and the proposal beside it, marked as such."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel, tenant_history


class OrganisationChange(TenantModel):
    class Kind(models.TextChoices):
        NEW_AMG = "new_amg", _("Ny arbejdsmiljøgruppe")
        MERGE_UNITS = "merge_units", _("Enheder lægges sammen")
        MOVE_COMMITTEE = "move_committee", _("Udvalg flyttes i strukturen")
        OTHER = "other", _("Anden ændring")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Foreslået, venter på et møde i HovedMED")
        ON_AGENDA = "on_agenda", _("På HovedMED's dagsorden")
        APPROVED = "approved", _("Godkendt, træder i kraft")
        APPLIED = "applied", _("Gennemført")
        REJECTED = "rejected", _("Ikke godkendt")

    PENDING_STATES = (State.PROPOSED, State.ON_AGENDA)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("overskrift"), max_length=200)
    description = models.TextField(_("beskrivelse og begrundelse"), max_length=10_000)
    effective_on = models.DateField(
        _("træder i kraft"), help_text=_("Dagen ændringen gennemføres, når den er godkendt.")
    )
    # New AMG: its name, the units it covers, the committee above it.
    new_name = models.CharField(_("navn på det nye udvalg"), max_length=200, blank=True)
    units = models.ManyToManyField(
        "organisations.Unit",
        blank=True,
        related_name="+",
        verbose_name=_("enheder"),
        help_text=_("Ny AMG: de enheder, den dækker. Sammenlægning: de enheder, der nedlægges."),
    )
    # Merge: the unit the others are merged into.
    target_unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("samles i enheden"),
    )
    # Move: the committee moved; New AMG and move: the committee above.
    committee = models.ForeignKey(
        "committees.Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("udvalg der flyttes"),
    )
    new_parent = models.ForeignKey(
        "committees.Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nyt overordnet udvalg"),
    )
    state = models.CharField(
        _("status"), max_length=20, choices=State.choices, default=State.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("foreslået af"),
    )
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dagsordenspunkt"),
    )
    decided_on = models.DateField(_("behandlet den"), null=True, blank=True)
    decision = models.TextField(_("beslutning i referatet"), blank=True, max_length=2000)
    applied_on = models.DateField(_("gennemført den"), null=True, blank=True)
    # What the change made (the new committee), for the history and the links.
    created_committee = models.ForeignKey(
        "committees.Committee",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oprettet udvalg"),
    )

    history = tenant_history()

    class Meta:
        verbose_name = _("organisationsændring")
        verbose_name_plural = _("organisationsændringer")
        ordering = ["-effective_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_pending(self) -> bool:
        return self.state in self.PENDING_STATES
