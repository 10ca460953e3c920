"""The election's two documents: the printable result and the notice to the employer."""

from __future__ import annotations

from django.utils import timezone

from core.pdf import render_pdf
from organisations.models import Person, path_ids
from organisations.selectors import leaders_by_unit, nearest_leader

from .models import Election


def result_context(election: Election) -> dict:
    result = election.result or {}
    candidates = sorted(
        result.get("candidates", []),
        key=lambda c: (not c["elected"], -(c["votes"] or 0), c["name"]),
    )
    return {
        "election": election,
        "committee": election.committee,
        "kommune": election.kommune,
        "result": result,
        "candidates": candidates,
        "by_lot": bool(result.get("lot")),
    }


def result_pdf(election: Election) -> bytes:
    return render_pdf("elections/pdf/result.html", result_context(election))


def employer_of(person: Person) -> list[Person]:
    """The employer's representative told of an election: the nearest leader above the elected
    person (their own unit's leader, else the unit above …), never the person themself."""
    if person.unit_id is None:
        return []
    path = person.unit.path
    leader = nearest_leader(path, leaders_by_unit(path_ids(path)), passing=person.pk)
    return list(Person.objects.filter(pk=leader)) if leader else []


def employer_notice_pdf(election: Election, seat, day=None) -> bytes:
    return render_pdf(
        "elections/pdf/employer_notice.html",
        {
            "election": election,
            "seat": seat,
            "person": seat.person,
            "committee": seat.committee,
            "kommune": election.kommune,
            "day": day or timezone.localdate(),
            "unopposed": (election.result or {}).get("unopposed", False),
        },
    )
