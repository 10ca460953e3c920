"""The election in the portal: open it, stand or propose a colleague, answer a proposal, vote,
see the result and print it. Every page asks elections/access.py."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from committees.models import Committee, Membership
from committees.viewer import get_viewer
from core.access import access_to
from core.tenancy import kommune_required
from organisations.models import Person

from .access import get_election_for_user, may_open
from .documents import result_context, result_pdf
from .forms import OpenForm
from .models import Candidacy, Election, Voter
from .services import (
    ballot_cast,
    candidacy_answer,
    candidacy_nominate,
    election_cancel,
    election_open,
    turnout,
)


def _errors(request, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


def _back(election: Election) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("elections:detail", args=[election.public_id]))


@kommune_required
@require_GET
def election_list(request):
    """The elections the viewer takes part in or follows: open ones first."""
    viewer = get_viewer(request)
    person = viewer.person
    query = Q(committee_id__in=viewer.visible_committee_ids)
    if person is not None:
        query |= Q(pk__in=Voter.objects.filter(person=person).values("election_id"))
        query |= Q(pk__in=Candidacy.objects.filter(person=person).values("election_id"))
    elections = list(
        Election.objects.filter(query).select_related("committee").order_by("-opened_at")[:100]
    )
    return render(
        request,
        "elections/list.html",
        {
            "open": [e for e in elections if e.is_open],
            "closed": [e for e in elections if not e.is_open],
        },
    )


@kommune_required
@require_GET
def election_detail(request, public_id):
    election = get_election_for_user(request, public_id)
    person = get_viewer(request).person
    today = timezone.localdate()
    candidacies = list(election.candidacies.select_related("person", "person__unit"))
    voter = Voter.objects.filter(election=election, person=person).first() if person else None
    eligible, voted = turnout(election)
    nominating = (
        election.state == Election.State.NOMINATION and today <= election.nomination_deadline
    )
    voting = election.state == Election.State.VOTING and today <= election.voting_closes_on
    colleagues = []
    if nominating and voter is not None:
        standing = {c.person_id for c in candidacies}
        colleagues = (
            Person.objects.filter(pk__in=election.voters.values("person_id"))
            .exclude(pk__in=standing)
            .order_by("last_name", "first_name")[:500]
        )
    return render(
        request,
        "elections/detail.html",
        {
            "election": election,
            "candidacies": candidacies,
            "accepted": [c for c in candidacies if c.state == Candidacy.State.ACCEPTED],
            "mine": next((c for c in candidacies if person and c.person_id == person.pk), None),
            "voter": voter,
            "eligible": eligible,
            "voted": voted,
            "nominating": nominating,
            "voting": voting,
            "colleagues": colleagues,
            "can_run": access_to(request, election).change,
            "history": _history(election),
            **(result_context(election) if election.state == Election.State.ELECTED else {}),
        },
    )


def _history(election: Election) -> list[dict]:
    """The election's steps and each candidacy's (proposed, accepted, declined, elected), with
    who took them, in time order. Nothing of the ballots: they have no history."""
    rows = [
        {"at": h.history_date, "text": h.history_change_reason or "", "user": h.history_user}
        for h in election.history.select_related("history_user")
    ]
    steps = [
        h
        for h in Candidacy.history.filter(election_id=election.pk).select_related("history_user")
        if h.history_change_reason
    ]
    names = Person.objects.in_bulk({h.person_id for h in steps})
    for h in steps:
        rows.append(
            {
                "at": h.history_date,
                "text": f"{names.get(h.person_id, '–')}: {h.history_change_reason}",
                "user": h.history_user,
            }
        )
    return sorted(rows, key=lambda row: row["at"])


@kommune_required
@require_http_methods(["GET", "POST"])
def election_new(request, public_id):
    committee = Committee.objects.filter(public_id=public_id).first()
    role = request.POST.get("role") or request.GET.get("role")
    if committee is not None and not role:
        # The committee page links here without a role: the first seat that fits the committee
        # and that the user may open an election of.
        role = next(
            (r for r in Election.roles_for(committee) if may_open(request, committee, r)),
            Election.Role.AMR,
        )
    # HR of the committee's units, its leaders and (for an AMR) its AMR; another kommune's
    # committee, a missing one and one the user may not run an election in are the same 404.
    if committee is None or not may_open(request, committee, role):
        raise Http404
    initial = {"role": role}
    replaces = request.GET.get("replaces")
    if replaces:
        seat = Membership.objects.filter(public_id=replaces, committee=committee).first()
        if seat is not None:
            initial.update(role=seat.role, replaces=seat)
    form = OpenForm(request.POST or None, committee=committee, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            election = election_open(
                committee=committee,
                role=data["role"],
                seats=data["seats"],
                nomination_deadline=data["nomination_deadline"],
                voting_days=data["voting_days"],
                term_start=data["term_start"],
                replaces=data["replaces"],
                message=data["message"],
                acting_user=request.user,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Valget er åbnet. %(n)s ansatte får en e-mail om at opstille kandidater.")
                % {"n": election.voters.count()},
            )
            return _back(election)
    return render(request, "elections/new.html", {"committee": committee, "form": form})


@kommune_required
@require_GET
def for_deadline(request, public_id):
    """From an AMR's term-end deadline (committees.amr_term_end) to the election of its seat:
    the open election if there is one, else the form to open it for that seat."""
    from deadlines.models import Deadline

    deadline = (
        Deadline.objects.filter(public_id=public_id, rule="committees.amr_term_end")
        .select_related("committee", "person")
        .first()
    )
    if deadline is None or deadline.committee is None or not access_to(request, deadline).read:
        raise Http404
    committee = deadline.committee
    running = Election.objects.filter(
        committee=committee, role=Election.Role.AMR, state__in=Election.OPEN_STATES
    ).first()
    if running is not None and access_to(request, running).read:
        return _back(running)
    if not may_open(request, committee, Election.Role.AMR):
        raise Http404
    seat_pk = deadline.key[1:] if deadline.key[:1] == "m" and deadline.key[1:].isdigit() else None
    seat = Membership.objects.filter(pk=seat_pk, committee=committee).first() if seat_pk else None
    url = reverse("elections:new", args=[committee.public_id]) + "?role=amr"
    if seat is not None:
        url += f"&replaces={seat.public_id}"
    return HttpResponseRedirect(url)


@kommune_required
@require_POST
def nominate(request, public_id):
    election = get_election_for_user(request, public_id)
    person = get_viewer(request).person
    if person is None:
        raise Http404
    nominee_id = request.POST.get("person") or ""
    nominee = (
        Person.objects.filter(public_id=nominee_id).first()
        if nominee_id and nominee_id != "self"
        else person
    )
    if nominee is None:
        messages.error(request, _("Vælg en kollega fra listen."))
        return _back(election)
    try:
        candidacy_nominate(election, person=nominee, by=person, acting_user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        if nominee.pk == person.pk:
            messages.success(request, _("Du stiller op."))
        else:
            messages.success(
                request,
                _("%(person)s er foreslået og får en e-mail om at svare.") % {"person": nominee},
            )
    return _back(election)


@kommune_required
@require_POST
def answer(request, public_id):
    candidacy = Candidacy.objects.select_related("election").filter(public_id=public_id).first()
    if candidacy is None or not access_to(request, candidacy).change:
        raise Http404
    accept = request.POST.get("answer") == "yes"
    try:
        candidacy_answer(candidacy, accept=accept, acting_user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Du stiller op.") if accept else _("Du stiller ikke op."))
    return _back(candidacy.election)


@kommune_required
@require_POST
def vote(request, public_id):
    """One ballot paper: one mark (radio) with one seat, up to `seats` marks (checkboxes) with
    several; ballot_cast says what is wrong with the paper, and nothing is saved then."""
    election = get_election_for_user(request, public_id)
    person = get_viewer(request).person
    if person is None:
        raise Http404
    chosen = request.POST.getlist("candidacy")
    if not all(_is_uuid(value) for value in chosen):
        messages.error(request, _("Vælg en af kandidaterne."))
        return _back(election)
    found = {
        str(c.public_id): c
        for c in Candidacy.objects.filter(election=election, public_id__in=chosen)
    }
    if any(str(uuid.UUID(value)) not in found for value in chosen):
        messages.error(request, _("Vælg en af kandidaterne."))
        return _back(election)
    try:
        # Duplicates are kept: the service rejects a candidate marked twice.
        ballot_cast(
            election,
            voter=person,
            candidacies=[found[str(uuid.UUID(value))] for value in chosen],
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Tak, din stemme er afgivet. Den kan ikke ses af nogen."))
    return _back(election)


@kommune_required
@require_POST
def cancel(request, public_id):
    election = get_election_for_user(request, public_id)
    if not access_to(request, election).change:
        raise Http404
    try:
        election_cancel(election, reason=request.POST.get("reason", ""), acting_user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Valget er aflyst."))
    return _back(election)


@kommune_required
@require_GET
def result_document(request, public_id):
    election = get_election_for_user(request, public_id)
    if election.state != Election.State.ELECTED:
        raise Http404
    response = HttpResponse(result_pdf(election), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="valgresultat-{election.closed_at:%Y-%m-%d}.pdf"'
    )
    return response


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
