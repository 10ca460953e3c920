"""The member rows of the kreds overview (unions/overview.html), built in one call for the page:
a page lists 25 members with their seats, deadlines, courses and network groups, and a template
loop resolved, escaped and date-formatted every value one by one (about half the page's
rendering at L). The markup is the one the loop made."""

from __future__ import annotations

from django import template
from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.urls import address_of_each
from deadlines.templatetags.deadline_tags import deadline_lines
from incidents.models import Kind as IncidentKind

register = template.Library()

NONE = '<span class="muted">–</span>'

# The numeric parts of a date format, as django.utils.dateformat writes them.
_DATE_PARTS = {
    "d": lambda value: f"{value.day:02d}",
    "j": lambda value: str(value.day),
    "m": lambda value: f"{value.month:02d}",
    "n": lambda value: str(value.month),
    "Y": lambda value: f"{value.year:04d}",
    "y": lambda value: f"{value.year % 100:02d}",
}


def _date_formatter(pattern: str):
    """`dateformat.format(value, pattern)` for the numeric short formats (d.m.Y, m/d/Y, …)
    without parsing the pattern again for every date (a page shows a couple of hundred);
    any other pattern goes through dateformat."""
    if "\\" in pattern or any(c.isalpha() and c not in _DATE_PARTS for c in pattern):
        return lambda value: dateformat.format(value, pattern)
    parts = [_DATE_PARTS.get(c, c) for c in pattern]
    return lambda value: "".join(p if isinstance(p, str) else p(value) for p in parts)


@register.simple_tag
def member_rows(rows) -> str:
    """One <tr class="member"> per `unions.selectors.MemberRow`; every value escaped here."""
    pattern = get_format("SHORT_DATE_FORMAT")
    elected_from, term_until = escape(_("Valgt fra")), escape(_("valgperiode til"))
    no_deadlines = f'<span class="muted">{escape(_("Ingen åbne frister"))}</span>'
    formatted = _date_formatter(pattern)
    days = {}  # every date of the page, formatted once

    def day(value) -> str:
        if not value:
            return ""
        text = days.get(value)
        if text is None:
            text = days[value] = formatted(value)
        return text

    # Labels, titles and dates of the deadlines, looked up once for the page; their dates
    # formatted here, like the others.
    memo = {"date_pattern": pattern, "days": days}
    for row in rows:
        for deadline in row.deadlines:
            day(deadline.due_date)

    roles = {}  # each role's label, translated once

    def seat_item(seat, workplace: str) -> str:
        term = f", {term_until} {day(seat.term_end)}" if seat.term_end else ""
        if (role := roles.get(seat.role)) is None:
            role = roles[seat.role] = escape(seat.get_role_display())
        return (
            f"<li>{role} – {escape(seat.committee_name)}{workplace}"
            f'<br><span class="muted">{elected_from} {day(seat.start_date)}{term}</span></li>'
        )

    def row_html(row) -> str:
        person = row.person
        email = ""
        if person.email:
            email = f'<br><a href="mailto:{escape(person.email)}">{escape(person.email)}</a>'
        grupper = "".join(
            f'<br><span class="muted">{escape(g.name)}</span>' for g in row.kommunegrupper
        )
        workplace = (
            f'<br><span class="muted">{escape(row.workplace)}</span>' if row.workplace else ""
        )
        seats = "".join(seat_item(seat, workplace) for seat in row.seats)
        deadlines = deadline_lines(row.deadlines, memo) if row.deadlines else no_deadlines
        courses = "".join(
            f"<div>{escape(c.name)} ({day(c.completed_on)})</div>" for c in row.completions
        )
        groups = "".join(f"<div>{escape(g.name)}</div>" for g in row.network_groups)
        return (
            f'<tr class="member">\n  <th scope="row">{escape(person.full_name)}{email}</th>\n'
            f"  <td>{escape(row.kommune.name)}{grupper}</td>\n"
            f'  <td><ul class="plain">{seats}</ul></td>\n'
            f"  <td>{deadlines}</td>\n"
            f"  <td>{courses or NONE}</td>\n"
            f"  <td>{groups or NONE}</td>\n</tr>\n"
        )

    return mark_safe("".join(map(row_html, rows)))  # every value escaped above


@register.simple_tag
def forwarded_rows(incidents, kreds) -> str:
    """One <tr class="forwarded"> per injury forwarded to the kreds (unions/_forwarded.html):
    its date linking to the case, kind, kommune, workplace and days of absence; the address
    reversed once for all of them. Every value escaped here."""
    formatted = _date_formatter(get_format("SHORT_DATE_FORMAT"))
    address = address_of_each("unions:incident", kreds.public_id)
    # The kinds' labels, translated once (Django's `get_kind_display` hashes every choice's
    # lazy label on each call: most of this tag's time).
    kinds = {kind.value: escape(kind.label) for kind in IncidentKind}

    def row_html(incident) -> str:
        url = escape(address(incident.public_id))
        kind = kinds.get(incident.kind) or escape(incident.kind)
        return (
            f'\n<tr class="forwarded">\n  <td><a href="{url}">'
            f"{escape(formatted(incident.occurred_on))}</a></td>\n"
            f"  <td>{kind}</td>\n"
            f"  <td>{escape(incident.kommune.name)}</td>\n"
            f"  <td>{escape(incident.unit.name)}</td>\n"
            f"  <td>{incident.absence_days}</td>\n</tr>\n"
        )

    return mark_safe("".join(map(row_html, incidents)))  # every value escaped above
