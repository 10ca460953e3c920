"""Portal pages of the AMO proposals: the committees whose proposals the viewer follows, one
committee's proposals with their status and the deadline for the reasons, the form to submit
one, a proposal with its decision and reasons, and the employer's forms to decide and to give
the reasons.

Thin views: objects come from committees.proposals (404 for what the viewer may not see, 403
for what they may see but not do); each POST calls one service and redirects."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.tenancy import kommune_required

from . import proposals as services
from .access import get_amo_committee_for_user, get_proposal_for_user, get_proposal_to_decide
from .forms import DecisionForm, ProposalForm, ReasonsForm
from .proposals import committee_proposals, visible_amo_committees, with_answer_due
from .viewer import get_viewer

PER_PAGE = 25


def _proposal_url(proposal) -> str:
    return reverse("committees:proposal", args=[proposal.public_id])


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal shown on the form: on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@kommune_required
@require_GET
def index(request):
    """The AMO committees the viewer sits in or leads units of, with what waits."""
    return render(
        request, "committees/proposals_index.html", {"committees": visible_amo_committees(request)}
    )


@kommune_required
@require_GET
def committee(request, public_id):
    committee, can_submit = get_amo_committee_for_user(request, public_id)
    page = Paginator(committee_proposals(committee), PER_PAGE).get_page(request.GET.get("side"))
    with_answer_due(page.object_list)
    return render(
        request,
        "committees/proposals.html",
        {
            "committee": committee,
            "page": page,
            "can_submit": can_submit and committee.closed_on is None,
            "today": timezone.localdate(),
        },
    )


@kommune_required
@require_http_methods(["GET", "POST"])
def submit(request, public_id):
    committee, can_submit = get_amo_committee_for_user(request, public_id)
    if not can_submit:
        raise PermissionDenied
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_submit(
                committee=committee,
                submitted_by=get_viewer(request).person,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                acting_user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Forslaget er sendt til arbejdsgiveren."))
            return HttpResponseRedirect(_proposal_url(proposal))
    return render(request, "committees/proposal_form.html", {"committee": committee, "form": form})


@kommune_required
@require_GET
def proposal(request, public_id):
    access = get_proposal_for_user(request, public_id)
    with_answer_due([access.proposal])
    return render(
        request,
        "committees/proposal.html",
        {
            "proposal": access.proposal,
            "access": access,
            "decision_form": DecisionForm() if access.decision_open else None,
            "reasons_form": ReasonsForm() if access.reasons_open else None,
            "today": timezone.localdate(),
        },
    )


@kommune_required
@require_http_methods(["GET", "POST"])
def decide(request, public_id):
    """The employer records the decision and its day (and the reasons, if given at once)."""
    proposal = get_proposal_to_decide(request, public_id)
    if proposal.outcome != proposal.Outcome.PENDING:
        messages.info(request, _("Forslaget er allerede besluttet."))
        return HttpResponseRedirect(_proposal_url(proposal))
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_decide(
                proposal,
                outcome=form.cleaned_data["outcome"],
                decided_on=form.cleaned_data["decided_on"],
                decided_by=get_viewer(request).person,
                reasons=form.cleaned_data["reasons"],
                acting_user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Beslutningen er registreret, og udvalget har fået besked.")
            )
            return HttpResponseRedirect(_proposal_url(proposal))
    return render(request, "committees/decision_form.html", {"proposal": proposal, "form": form})


@kommune_required
@require_http_methods(["GET", "POST"])
def reasons(request, public_id):
    """The employer's written reasons for not following the proposal."""
    proposal = get_proposal_to_decide(request, public_id)
    if not proposal.awaits_reasons:
        messages.info(request, _("Forslaget venter ikke på en begrundelse."))
        return HttpResponseRedirect(_proposal_url(proposal))
    form = ReasonsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_give_reasons(
                proposal,
                reasons=form.cleaned_data["reasons"],
                given_by=get_viewer(request).person,
                acting_user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Begrundelsen er givet, og udvalget har fået besked."))
            return HttpResponseRedirect(_proposal_url(proposal))
    with_answer_due([proposal])
    return render(request, "committees/reasons_form.html", {"proposal": proposal, "form": form})
