"""Who may see an incident. Incident details are health data (GDPR art. 9); this module is the
one place that decides, for the portal, the admin and the unions app alike.

May see a case:
- the injured person (their own case);
- the leader of the unit, and every leader above it (Unit.path, via `Viewer.led_unit_ids`);
- the members of the AMO group handling it (`Incident.committee`, normally the unit's AMG);
- the members of the arbejdsmiljøudvalg the case was brought to (BEK § 31 stk. 2 nr. 8): they
  must handle it once it is theirs;
- HR/arbejdsmiljø staff of the kommune with a `HealthDataAccess` grant (and, for staff limited
  to some units, only within those). Plain HR sees counts, never details;
- a union kreds, for a case forwarded to it with the injured person's consent (that case only).

Nobody else — not the reporter as such, not a colleague, not an AMR of another group. Another
kommune's incident and a missing one are the same 404.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, CommitteeUnit, Membership
from committees.viewer import Viewer, get_viewer
from core.access import READ_ONLY, Access, allowed_unit_ids, decides, either, hr_area
from core.admin_site import staff_role
from core.rawsql import Columns
from core.tenancy import scopes_disabled
from organisations.models import Kommune, Unit

from .models import (
    HealthDataAccess,
    Incident,
    IncidentAttachment,
    IncidentForward,
    IncidentMeasure,
    InspectionOrder,
    InspectionVisit,
)
from .selectors import incident_queryset

INJURED = "injured"
LEADER = "leader"
AMG = "amg"
UDVALG = "udvalg"
HR = "hr"
HANDLER_ROLES = frozenset({LEADER, AMG, UDVALG, HR})

# The arbejdsmiljøgruppe is the leder and the AMR (AML § 7, BEK § 31: the AMO investigates).
# A TR or another representative who sits in the group's meetings does not handle the case,
# so neither reads its health data nor is notified of it.
AMG_CASE_ROLES = frozenset(
    {
        Membership.Role.LEDER,
        Membership.Role.LEDELSESREPRAESENTANT,
        Membership.Role.AMR,
        Membership.Role.FORMAND,
        Membership.Role.NAESTFORMAND,
    }
)


def has_health_data_access(request) -> bool:
    """HR staff of the request's kommune with an explicit grant. Superusers need one too: a
    technical administrator does not read health data by default."""
    if not hasattr(request, "_health_data_access"):
        staff = staff_role(request) if request.kommune is not None else None
        request._health_data_access = (
            staff is not None and HealthDataAccess.objects.filter(staff=staff).exists()
        )
    return request._health_data_access


def hr_incident_unit_ids(request) -> set[int] | None:
    """Units whose incidents the HR user with a grant may see; None = the whole kommune."""
    ids = allowed_unit_ids(request)
    return None if ids is None else set(ids)


def incident_roles(
    viewer: Viewer, incident: Incident, *, hr: bool = False, hr_unit_ids: set[int] | None = None
) -> set[str]:
    """The viewer's reasons to see this incident (empty: they may not)."""
    roles = set()
    person = viewer.person
    if person is not None:
        if incident.injured_id == person.pk:
            roles.add(INJURED)
        if incident.unit_id in viewer.led_unit_ids:
            roles.add(LEADER)
        if incident.committee_id in viewer.committee_ids and any(
            seat.committee_id == incident.committee_id and seat.role in AMG_CASE_ROLES
            for seat in viewer.seats
        ):
            roles.add(AMG)
        if incident.escalated_to_id and incident.escalated_to_id in viewer.committee_ids:
            roles.add(UDVALG)
    if hr and (hr_unit_ids is None or incident.unit_id in hr_unit_ids):
        roles.add(HR)
    return roles


@dataclass
class IncidentAccess:
    incident: Incident
    viewer: Viewer
    roles: set[str]

    @property
    def can_handle(self) -> bool:
        """Record the investigation, measures, absence, EASY, closure and escalation."""
        return bool(self.roles & HANDLER_ROLES)

    @property
    def is_injured(self) -> bool:
        return INJURED in self.roles

    @property
    def can_forward(self) -> bool:
        """Seed 000: the AMR collects injuries and forwards them to the kreds. An AMR of the
        handling group, and only for a case with an injured person (whose consent it needs)."""
        if self.incident.injured_id is None:
            return False
        return Membership.Role.AMR in self.viewer.roles_in(self.incident.committee)


def get_incident_for_user(request, public_id) -> IncidentAccess:
    viewer = get_viewer(request)
    incident = incident_queryset().filter(public_id=public_id).first()
    if incident is None:
        raise Http404
    hr = has_health_data_access(request)
    roles = incident_roles(
        viewer, incident, hr=hr, hr_unit_ids=hr_incident_unit_ids(request) if hr else None
    )
    if not roles:
        raise Http404
    return IncidentAccess(incident, viewer, roles)


def get_attachment_for_user(request, public_id) -> tuple[IncidentAttachment, IncidentAccess]:
    """A photo or attachment of a case: whoever reads the case (another kommune's, a missing
    one and one of a case the viewer may not read give the same 404)."""
    attachment = (
        IncidentAttachment.objects.filter(public_id=public_id).select_related("incident").first()
    )
    if attachment is None:
        raise Http404
    access = get_incident_for_user(request, attachment.incident.public_id)
    return attachment, access


def get_measure_for_user(request, public_id) -> tuple[IncidentMeasure, IncidentAccess | None]:
    """A preventive measure, for those who handle its case and for its owner. The owner of a
    measure need not see the case itself (health data): they get the measure and nothing more,
    so the second value is None for them."""
    measure = (
        IncidentMeasure.objects.select_related("incident", "owner")
        .filter(public_id=public_id)
        .first()
    )
    if measure is None:
        raise Http404
    viewer = get_viewer(request)
    try:
        access = get_incident_for_user(request, measure.incident.public_id)
    except Http404:
        access = None
    is_owner = viewer.person is not None and measure.owner_id == viewer.person.pk
    if access is not None and (access.can_handle or is_owner):
        return measure, access
    if is_owner:
        return measure, None
    raise Http404


def get_forward_for_injured(request, public_id) -> IncidentForward:
    """Only the injured person withdraws their consent."""
    forward = IncidentForward.objects.select_related("incident").filter(public_id=public_id).first()
    viewer = get_viewer(request)
    if forward is None or viewer.person is None or forward.incident.injured_id != viewer.person.pk:
        raise Http404
    return forward


# --- for the unions app (a kreds officer works across kommuner, outside any tenant scope) ------


def incident_visible_to_kreds_officer(incident: Incident, kreds_public_ids: Iterable) -> bool:
    """May an officer of one of these kredse see this incident? Only when it was forwarded to
    one of them with the injured person's consent, and the consent was not withdrawn.

    The unions app decides which kredse the user is an officer of (unions.KredsOfficer) and
    records the view with `incidents.services.incident_log_view(..., channel=KREDS)`."""
    wanted = {uuid.UUID(str(k)) for k in kreds_public_ids}
    if not wanted:
        return False
    with scopes_disabled():
        return IncidentForward.objects.filter(
            incident_id=incident.pk,
            kreds_public_id__in=wanted,
            withdrawn_on__isnull=True,
        ).exists()


def incidents_forwarded_to_kreds(
    kreds_public_id, *, offset: int = 0, limit: int | None = None
) -> tuple[list[Incident], int]:
    """The cases forwarded, with live consent, to this kreds, in any kommune, newest first:
    those from `offset` (at most `limit`), and how many there are. Read across kommuner (a
    kreds spans several); the filter on the forward is the access rule. Only what the kreds'
    lists show is read (date, kind, kommune, unit, days of absence): the case's health data
    (description, causes) stays in the database until a case is opened. Written out
    (core.rawsql): the kreds overview reads it on every request, and the ORM took longer to
    build it than PostgreSQL to answer."""
    incident, kommune, unit = _forwarded_columns()
    forward = IncidentForward._meta
    key = forward.get_field("kreds_public_id").get_db_prep_value(
        uuid.UUID(str(kreds_public_id)), connection
    )
    sql = f"""
        SELECT {incident.sql}, {kommune.sql}, {unit.sql}, COUNT(*) OVER () AS total
        FROM {Incident._meta.db_table} i
          JOIN {Kommune._meta.db_table} m ON m.id = i.kommune_id
          JOIN {Unit._meta.db_table} u ON u.id = i.unit_id
        WHERE i.id IN (
          SELECT f.incident_id FROM {forward.db_table} f
          WHERE f.kreds_public_id = %s AND f.withdrawn_on IS NULL
        )
        ORDER BY i.occurred_on DESC, i.id DESC"""
    with connection.cursor() as cursor:
        if limit is None:
            cursor.execute(sql, (key,))
            found = cursor.fetchall()[offset:]
        else:
            cursor.execute(f"{sql} LIMIT %s OFFSET %s", (key, limit, offset))
            found = cursor.fetchall()
        if not found and offset:  # past the last one: how many there are
            cursor.execute(f"{sql} LIMIT 1", (key,))
            first = cursor.fetchone()
            return [], first[-1] if first else 0
    rows = []
    for row in found:
        case = incident.instance(row)
        case.kommune = kommune.instance(row[incident.width :])
        case.unit = unit.instance(row[incident.width + kommune.width :])
        rows.append(case)
    return rows, found[0][-1] if found else 0


@lru_cache(maxsize=1)
def _forwarded_columns() -> tuple[Columns, Columns, Columns]:
    """What a kreds officer's list of forwarded cases shows (unions/_forwarded.html)."""
    return (
        Columns(
            Incident,
            "i",
            ("id", "kommune", "unit", "public_id", "kind", "occurred_on", "absence_days"),
        ),
        Columns(Kommune, "m", ("id", "name")),
        Columns(Unit, "u", ("id", "name")),
    )


def udvalg_for_hr(request, udvalg: list) -> list:
    """The arbejdsmiljøudvalg whose yearly overview HR may read: all for HR of the whole
    kommune; for HR limited to an område those wholly inside it."""
    from committees.access import hr_committee_access

    return [c for c in udvalg if hr_committee_access(request, c.pk).change]


def get_udvalg_for_overview(request, public_id):
    """The yearly overview of an arbejdsmiljøudvalg (counts only): its members and the
    kommune's HR staff read it."""
    from committees.access import hr_committee_access
    from committees.models import Committee

    from .selectors import UDVALG_KINDS

    committee = Committee.objects.filter(public_id=public_id, kind__in=UDVALG_KINDS).first()
    if committee is None:
        raise Http404
    if committee.pk in get_viewer(request).committee_ids:
        return committee
    # HR reads the counts of an udvalg wholly inside its area: a kommune-wide udvalg's
    # overview is the whole kommune's, which HR limited to an område does not see.
    if not hr_committee_access(request, committee.pk).change:
        raise Http404
    return committee


# --- the decisions (core.access.access_to) ------------------------------------------------------


def _incident_roles(request, incident: Incident) -> set[str]:
    hr = has_health_data_access(request)
    return incident_roles(
        get_viewer(request),
        incident,
        hr=hr,
        hr_unit_ids=hr_incident_unit_ids(request) if hr else None,
    )


@decides(Incident)
def incident_access(request, incident: Incident) -> Access:
    """The case, with its health data (there is no view of a case without it): the injured
    person, the unit's leaders, the AMG's leder and AMR, the udvalg it was brought to, HR with
    the grant in its units. Change (investigation, measures, closure): all of them but the
    injured person. Plain HR sees counts in the overviews, never a case."""
    roles = _incident_roles(request, incident)
    if not roles:
        return Access(
            False, False, _("Sagen indeholder helbredsoplysninger, som du ikke har adgang til.")
        )
    return Access(
        True, bool(roles & HANDLER_ROLES), "" if roles & HANDLER_ROLES else READ_ONLY.reason
    )


@decides(Incident, "health_data")
def health_data_access(request, incident: Incident) -> Access:
    """The health data of a case (GDPR art. 9): read by the same people as the case; nobody
    changes it except through the case."""
    return incident_access(request, incident)


@decides(IncidentAttachment)
def attachment_access(request, attachment: IncidentAttachment) -> Access:
    """A photo or attachment is health data of its case: read with the case; added and
    removed by those who handle it."""
    return incident_access(request, attachment.incident)


@decides(IncidentMeasure)
def measure_access(request, measure: IncidentMeasure) -> Access:
    """A preventive measure: its case's handlers, and its owner (who gets the measure only)."""
    viewer = get_viewer(request)
    if viewer.person is not None and measure.owner_id == viewer.person.pk:
        return Access(True, True)
    case = incident_access(request, measure.incident)
    return Access(case.read and case.change, case.change, case.reason)


# --- Arbejdstilsynet: visits and påbud ------------------------------------------------------------
#
# A visit and its påbud are no health data: they concern the workplace. They are visible to the
# AMO of that workplace — every member of the AMG covering the visited unit (its AMR, its leder,
# the others who sit in it: they follow up on the påbud, seed 003 "Der tages action på besøg
# eller vejledninger/påbud fra Arbejdstilsynet") — to the leaders of the unit and above it, and
# to HR of the unit. The portal only reads them; HR records and changes them in the admin.


def inspection_unit_ids(viewer: Viewer) -> tuple[set[int], set[int]]:
    """The open AMGs the viewer sits in, and the units whose visits the viewer follows in the
    portal: those covered by those AMGs, with everything below them, and those the viewer
    leads. Two queries, once per request."""
    if "inspection_units" not in viewer._cache:
        amg_ids = {
            s.committee_id
            for s in viewer.seats
            if s.committee.kind == Committee.Kind.AMG and s.committee.closed_on is None
        }
        units = set(viewer.led_unit_ids)
        if amg_ids:
            paths = list(
                CommitteeUnit.objects.filter(committee_id__in=amg_ids).values_list(
                    "unit__path", flat=True
                )
            )
            if paths:
                query = Q()
                for prefix in paths:
                    query |= Q(path__startswith=prefix)
                units |= set(Unit.objects.filter(query).values_list("pk", flat=True))
        viewer._cache["inspection_units"] = (amg_ids, units)
    return viewer._cache["inspection_units"]


def inspection_visits_for(viewer: Viewer):
    """The visits the viewer may read in the portal (a queryset: the panel adds its order and
    limit). The group recorded on the visit counts as well as the unit covered."""
    if viewer.person is None:
        return InspectionVisit.objects.none()
    amg_ids, unit_ids = inspection_unit_ids(viewer)
    if not amg_ids and not unit_ids:
        return InspectionVisit.objects.none()
    return InspectionVisit.objects.filter(Q(committee_id__in=amg_ids) | Q(unit_id__in=unit_ids))


def _portal_reads_visit(viewer: Viewer, visit: InspectionVisit) -> bool:
    if viewer.person is None:
        return False
    amg_ids, unit_ids = inspection_unit_ids(viewer)
    return visit.committee_id in amg_ids or visit.unit_id in unit_ids


@decides(InspectionVisit)
def inspection_visit_access(request, visit: InspectionVisit) -> Access:
    """Read: the members of the AMG covering the visited unit, the leaders of the unit and
    above, HR of the unit. Change: HR of the unit (in the admin); the portal only reads."""
    hr = hr_area(request).decide({visit.unit_id})
    if _portal_reads_visit(get_viewer(request), visit):
        return either(READ_ONLY, hr)
    return hr


@decides(InspectionOrder)
def inspection_order_access(request, order: InspectionOrder) -> Access:
    """A påbud or vejledning is read and changed with its visit."""
    return inspection_visit_access(request, order.visit)
