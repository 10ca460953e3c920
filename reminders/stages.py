"""When a deadline's people are reminded: the stages around its due date, from the settings.

A stage is a reason code (`before_30`, `before_7`, `due`, `after_7`, … `escalation_leader`,
`escalation_up`) and an offset in days from the due date. The deadline track reminds the people
responsible; the escalation track brings in the responsible leader and then the level above
(seed 003: "inddragelse af det overliggende ledelsesniveau").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

DEADLINE_TRACK = "deadline"
ESCALATION_TRACK = "escalation"

DUE = "due"
ESCALATION_LEADER = "escalation_leader"
ESCALATION_UP = "escalation_up"


@dataclass(frozen=True)
class Stage:
    reason: str
    offset: int  # days after the due date; negative before it
    track: str

    def date_for(self, due_date: datetime.date) -> datetime.date:
        return due_date + datetime.timedelta(days=self.offset)


def deadline_stages() -> list[Stage]:
    """The deadline track in date order: before (largest offset first), on the day, after."""
    before = [Stage(f"before_{d}", -d, DEADLINE_TRACK) for d in settings.REMINDER_DAYS_BEFORE]
    after = [Stage(f"after_{d}", d, DEADLINE_TRACK) for d in settings.REMINDER_DAYS_AFTER]
    return sorted([*before, Stage(DUE, 0, DEADLINE_TRACK), *after], key=lambda s: s.offset)


def escalation_stages() -> list[Stage]:
    return [
        Stage(ESCALATION_LEADER, settings.REMINDER_ESCALATE_LEADER_AFTER_DAYS, ESCALATION_TRACK),
        Stage(ESCALATION_UP, settings.REMINDER_ESCALATE_UP_AFTER_DAYS, ESCALATION_TRACK),
    ]


def all_stages() -> list[Stage]:
    return [*deadline_stages(), *escalation_stages()]


def horizon_days() -> int:
    """How far ahead of its due date a deadline is first looked at."""
    return max([0, *settings.REMINDER_DAYS_BEFORE])


def stage_by_reason(reason: str) -> Stage | None:
    return next((s for s in all_stages() if s.reason == reason), None)


def reason_label(reason: str) -> str:
    """A reason code for people (the admin's lists and filters, the recipient's own page)."""
    if reason == DUE:
        return _("På fristdagen")
    if reason == ESCALATION_LEADER:
        return _("Eskaleret til ansvarlig leder")
    if reason == ESCALATION_UP:
        return _("Eskaleret til det overliggende ledelsesniveau")
    kind, _sep, days = reason.partition("_")
    if kind == "before" and days.isdigit():
        return _("%(days)s dage før fristen") % {"days": days}
    if kind == "after" and days.isdigit():
        return _("%(days)s dage efter fristen") % {"days": days}
    return reason


def reason_choices() -> list[tuple[str, str]]:
    return [(s.reason, reason_label(s.reason)) for s in all_stages()]
