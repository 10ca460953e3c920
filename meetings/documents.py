"""The PDF documents, rendered by core/pdf.py from the same selectors as the pages.

- agenda and referat of a meeting (small: rendered on request and for the e-mails);
- the kommune's MED organisation chart and AMO organisation chart, built from live data as
  trees drawn by Graphviz (meetings/diagrams.py: A3 landscape, an overview and a page per
  område for a large kommune, a single område can be ordered alone; lists where Graphviz is
  missing), and the AMO plan with its members that every employee must be able to know (BEK
  om samarbejde om arbejdsmiljø § 33 stk. 2);
- a person's training record."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from committees.models import Committee, Membership
from core.cache import KommuneCache
from core.pdf import render_pdf
from organisations.models import Person, Unit

from .charts import AMO_CHART_KINDS, AMO_GROUPS, MED_GROUPS, build_chart
from .diagrams import legend, safe_pdf
from .models import Meeting, Referat
from .selectors import agenda_for, attendance_rows, referat_of

# --- agenda and referat --------------------------------------------------------------------------


def agenda_context(meeting: Meeting) -> dict:
    return {
        "kommune": meeting.kommune,
        "meeting": meeting,
        "agenda": agenda_for(meeting),
        "attendance": attendance_rows(meeting),
    }


def next_meeting(meeting: Meeting) -> Meeting | None:
    """The committee's next meeting after this one (not cancelled), as a referat names it."""
    if meeting.committee_id is None:
        return None
    return (
        Meeting.objects.filter(committee_id=meeting.committee_id)
        .filter(Q(date__gt=meeting.date) | Q(date=meeting.date, start_time__gt=meeting.start_time))
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("date", "start_time")
        .first()
    )


def referent_of(meeting: Meeting, referat: Referat | None) -> Person | None:
    """Who wrote the referat; before anybody has, the committee's sekretær."""
    if referat is not None and referat.referent_id:
        return referat.referent
    seat = (
        Membership.objects.filter(
            committee_id=meeting.committee_id,
            role=Membership.Role.SEKRETAER,
            ended_on__isnull=True,
        )
        .select_related("person")
        .first()
    )
    return seat.person if seat else None


def referat_context(meeting: Meeting, referat: Referat | None = None) -> dict:
    referat = referat if referat is not None else referat_of(meeting)
    rows = attendance_rows(meeting)
    return {
        "kommune": meeting.kommune,
        "meeting": meeting,
        "referat": referat,
        "referent": referent_of(meeting, referat),
        "next_meeting": next_meeting(meeting),
        "agenda": agenda_for(meeting),
        "present": [r for r in rows if r.status == "present"],
        "afbud": [r for r in rows if r.status == "afbud"],
        "absent": [r for r in rows if r.status == "absent"],
        "unrecorded": [r for r in rows if not r.status],
    }


def agenda_pdf(meeting: Meeting) -> bytes:
    return render_pdf("meetings/pdf/agenda.html", agenda_context(meeting))


def referat_pdf(meeting: Meeting, referat: Referat | None = None) -> bytes:
    return render_pdf("meetings/pdf/referat.html", referat_context(meeting, referat))


# --- organisation charts and the AMO plan --------------------------------------------------------


def chart_context(
    kind: str, kommune, omraade: Unit | None = None, proposals: list[str] | None = None
) -> dict:
    from .models import DocumentJob

    if kind == DocumentJob.Kind.MED_CHART:
        chart = build_chart(Committee.MED_KINDS, MED_GROUPS, omraade)
        title = _("MED-organisationen i %(kommune)s") % {"kommune": kommune}
        template = "meetings/pdf/med_chart.html"
    elif kind == DocumentJob.Kind.AMO_CHART:
        chart = build_chart(AMO_CHART_KINDS, AMO_GROUPS, omraade)
        title = _("Arbejdsmiljøorganisationen i %(kommune)s") % {"kommune": kommune}
        template = "meetings/pdf/amo_chart.html"
    else:
        chart = build_chart(AMO_CHART_KINDS, AMO_GROUPS, omraade)
        title = _("Arbejdsmiljøorganisationen og dens medlemmer")
        template = "meetings/pdf/amo_plan.html"
    return {
        "template": template,
        "kommune": kommune,
        "title": title,
        "omraade": omraade,
        "chart": chart,
        "legend": legend(chart),
        "today": timezone.localdate(),
        "proposals": proposed_changes() if proposals is None else proposals,
    }


def proposed_changes() -> list[str]:
    """The changes to the charts awaiting HovedMED, one line each (seed 003: every change to the
    charts is approved by KommuneMED): printed beside the approved structure, marked as such."""
    from django.utils import formats

    from reorganisation.selectors import pending_changes

    lines = []
    for change in pending_changes():
        day = formats.date_format(change.effective_on, "DATE_FORMAT")
        line = _("%(title)s (fra %(day)s)") % {"title": change.title, "day": day}
        lines.append(f"{line}: {change.summary}" if change.summary else line)
    return lines


def chart_pdf(kind: str, kommune, omraade: Unit | None = None) -> bytes:
    """The MED and AMO charts as diagrams drawn by Graphviz (meetings/diagrams.py); the AMO
    plan with its members, and the charts where Graphviz is missing, as lists. Drawn now
    (`stored_chart` is the chart as the browser gets it)."""
    return _chart_pdf(kind, kommune, omraade)


def _chart_pdf(kind: str, kommune, omraade: Unit | None, context: dict | None = None) -> bytes:
    from django.utils import formats

    from .models import DocumentJob

    context = context or chart_context(kind, kommune, omraade)
    if kind in (DocumentJob.Kind.MED_CHART, DocumentJob.Kind.AMO_CHART):
        chart = context["chart"]
        subtitle = _("Pr. %(day)s · %(n)s udvalg og grupper") % {
            "day": formats.date_format(context["today"], "DATE_FORMAT"),
            "n": chart.total,
        }
        if omraade is not None:
            subtitle = f"{omraade} · {subtitle}"
        data = safe_pdf(
            chart,
            kommune=str(kommune),
            heading=str(context["title"]),
            subtitle=subtitle,
            legend=context["legend"],
            proposals=context["proposals"],
            **({"whole": False, "overview": False} if omraade is not None else {}),
        )
        if data is not None:
            return data
    return render_pdf(context["template"], context)


# --- the charts kept as files ---------------------------------------------------------------------
#
# A København chart takes about a second to draw; the browser gets it from a file. The file is
# named by a digest of everything printed on it (the chart's committees, units and people, the
# proposals awaiting HovedMED, the kommune's name, the language, the day), and which digest is
# current is kept in the kommune cache (core.cache): the structure's models replace the
# kommune's token when they change (deadlines.overview.COUNTED_MODELS, people in meetings/apps),
# so a request finds the digest in the cache and reads the file. After a change the digest is
# computed again (the chart's queries, ~0.2 s at København) and the chart drawn only if it
# differs; a Celery task does that as soon as the structure changes (meetings.tasks), so the
# next request is a file read again. The proposals are read on every request (they do not
# replace the token), and the day is part of the key: the chart's seats start and end by day.

CHARTS = {"med": "med_chart", "amo": "amo_chart"}  # the address's name -> DocumentJob.Kind
# Part of every digest: raise it when the drawing changes, and the files are drawn again.
CHART_DRAWING_VERSION = 1


def chart_folder(kommune_id: int) -> Path:
    root = getattr(settings, "MEETINGS_CHART_DIR", None) or Path(settings.VAR_DIR) / "charts"
    return Path(root) / str(kommune_id)


@dataclass
class StoredChart:
    path: Path
    digest: str
    drawn: bool  # drawn by this call (not found stored)


def stored_chart(kind: str, kommune, omraade: Unit | None = None) -> StoredChart:
    """The chart (`kind` a DocumentJob.Kind of a chart) as a stored PDF file in the current
    language: found, or drawn and stored when what it prints has changed. In the kommune's
    tenant scope."""
    language = get_language() or settings.LANGUAGE_CODE
    proposals = proposed_changes()
    today = timezone.localdate()
    prefix = f"{kind}-{omraade.pk if omraade else 'alle'}-{language}-"
    computed: dict = {}

    def digest() -> str:
        context = chart_context(kind, kommune, omraade, proposals)
        computed["context"] = context
        printed = (CHART_DRAWING_VERSION, prefix, str(kommune), today, proposals, context["chart"])
        return hashlib.sha256(repr(printed).encode()).hexdigest()[:32]

    parts = ("meetings.chart", prefix, str(kommune), today.isoformat(), tuple(proposals))
    current = KommuneCache(kommune.pk).get_or_set(parts, digest)
    path = chart_folder(kommune.pk) / f"{prefix}{current}.pdf"
    if path.exists():
        return StoredChart(path, current, drawn=False)
    data = _chart_pdf(kind, kommune, omraade, computed.get("context"))
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and moved into place: a reader never sees half a file.
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=".drawing-")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    # mkstemp's 0600 would keep it from a web server that is not the worker's user.
    os.chmod(partial, settings.FILE_UPLOAD_PERMISSIONS or 0o644)
    os.replace(partial, path)
    for older in path.parent.glob(f"{prefix}*.pdf"):
        if older != path:  # what the kommune's cache can no longer lead to
            older.unlink(missing_ok=True)
    return StoredChart(path, current, drawn=True)


# --- a person's training record ------------------------------------------------------------------


def training_context(person: Person) -> dict:
    from deadlines.models import Deadline
    from training.models import Completion, Enrolment

    today = timezone.localdate()
    completions = list(
        Completion.objects.filter(person=person)
        .select_related("course_type")
        .order_by("-completed_on")
    )
    enrolments = list(
        Enrolment.objects.filter(person=person, status=Enrolment.Status.ENROLLED)
        .select_related("course_date", "course_date__course_type")
        .order_by("course_date__starts_on")
    )
    deadlines = list(
        Deadline.objects.visible()
        .filter(person=person, rule__startswith="training.")
        .with_status(today)
        .order_by("due_date")
    )
    seats = list(
        Membership.objects.filter(person=person, ended_on__isnull=True)
        .select_related("committee")
        .order_by("committee__name")
    )
    return {
        "kommune": person.kommune,
        "person": person,
        "completions": completions,
        "enrolments": enrolments,
        "deadlines": deadlines,
        "seats": seats,
        "total_hours": sum((c.hours or 0) for c in completions),
        "today": today,
    }


def training_pdf(person: Person) -> bytes:
    return render_pdf("meetings/pdf/training_record.html", training_context(person))
