"""Who may see which kreds. A kreds officer's account belongs to the kreds, not to a kommune:
these helpers never look at `request.kommune`. Missing, another kreds' and not-yours all give the
same 404."""

from __future__ import annotations

import uuid
from functools import lru_cache

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from committees.viewer import get_viewer
from core.access import Access, decides
from core.rawsql import Columns
from core.tenancy import scopes_disabled
from organisations.models import Kommune

from .models import (
    Kreds,
    KredsInquiry,
    KredsOfficer,
    NetworkGroup,
    NetworkInvitation,
    NetworkMeeting,
    Union,
    UnionMembership,
)


def officer_kredse(user) -> QuerySet[Kreds]:
    if not getattr(user, "is_authenticated", False):
        return Kreds.objects.none()
    return (
        Kreds.objects.filter(officers__user=user)
        .select_related("union")
        .order_by("name")
        .distinct()
    )


def officer_kredse_of(request) -> list[Kreds]:
    """`officer_kredse` of the request's user, read once per request (the navigation and the
    portal's kreds panel both ask). No query for a user loaded by core.auth who is no officer."""
    if not hasattr(request, "_officer_kredse"):
        if getattr(request.user, "is_kreds_officer_flag", True) is False:
            request._officer_kredse = []
        else:
            request._officer_kredse = list(officer_kredse(request.user))
    return request._officer_kredse


def is_kreds_officer(user) -> bool:
    """For the portal: send an officer without a kommune to their kreds pages."""
    return (
        getattr(user, "is_authenticated", False) and KredsOfficer.objects.filter(user=user).exists()
    )


def get_kreds_for_officer(user, public_id) -> Kreds:
    kreds = officer_kredse(user).filter(public_id=public_id).first()
    if kreds is None:
        raise Http404
    return kreds


def get_kreds_and_kommuner_for_officer(user, public_id) -> tuple[Kreds, list[Kommune]]:
    """`get_kreds_for_officer` and the kommuner the kreds covers, by name, in one statement
    (one row per kommune the kreds covers, or one without a kommune): the kreds' member pages
    read both on every request, so it is written out (core.rawsql) rather than built by the
    ORM each time. Missing, another's and not-yours: the same 404."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    kreds, union, kommune = _officer_columns()
    links = Kreds.kommuner.through._meta.db_table
    sql = f"""
        SELECT {kreds.sql}, {union.sql}, {kommune.sql}
        FROM {Kreds._meta.db_table} k
          JOIN {Union._meta.db_table} u ON u.id = k.union_id
          LEFT JOIN {links} l ON l.kreds_id = k.id
          LEFT JOIN {Kommune._meta.db_table} m ON m.id = l.kommune_id
        WHERE k.public_id = %s AND EXISTS (
          SELECT 1 FROM {KredsOfficer._meta.db_table} o WHERE o.kreds_id = k.id AND o.user_id = %s
        )
        ORDER BY m.name, m.id"""
    try:
        key = Kreds._meta.get_field("public_id").get_db_prep_value(
            uuid.UUID(str(public_id)), connection
        )
    except ValueError:
        raise Http404 from None
    with connection.cursor() as cursor:
        cursor.execute(sql, (key, user.pk))
        rows = cursor.fetchall()
    if not rows:
        raise Http404
    first = rows[0]
    found = kreds.instance(first)
    found.union = union.instance(first[kreds.width :])
    start = kreds.width + union.width
    kommuner = [kommune.instance(row[start:]) for row in rows if row[start] is not None]
    return found, kommuner


@lru_cache(maxsize=1)
def _officer_columns() -> tuple[Columns, Columns, Columns]:
    return Columns(Kreds, "k"), Columns(Union, "u"), Columns(Kommune, "m")


def get_group_for_officer(kreds: Kreds, public_id) -> NetworkGroup:
    group = (
        NetworkGroup.objects.filter(kreds=kreds, public_id=public_id)
        .select_related("kommunegruppe")
        .first()
    )
    if group is None:
        raise Http404
    return group


def get_meeting_for_officer(kreds: Kreds, public_id) -> NetworkMeeting:
    meeting = (
        NetworkMeeting.objects.filter(group__kreds=kreds, public_id=public_id)
        .select_related("group", "group__kommunegruppe")
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def get_inquiry_for_officer(kreds: Kreds, public_id) -> KredsInquiry:
    """An inquiry to the officer's kreds from a member who still consents (unions.selectors:
    the same rule as the list); anything else is the 404 of a missing one."""
    from .selectors import visible_inquiries

    with scopes_disabled():
        inquiry = (
            visible_inquiries(kreds)
            .filter(public_id=public_id)
            .select_related("union_membership__person", "union_membership__kommune", "answered_by")
            .first()
        )
    if inquiry is None:
        raise Http404
    return inquiry


def get_inquiry_for_member(person, public_id) -> KredsInquiry:
    """The member's own inquiry, read in their kommune's scope."""
    if person is None:
        raise Http404
    inquiry = (
        KredsInquiry.objects.filter(public_id=public_id, union_membership__person=person)
        .select_related("kreds__union", "answered_by")
        .first()
    )
    if inquiry is None:
        raise Http404
    return inquiry


def get_meeting_for_member(person, public_id) -> NetworkMeeting:
    """A network meeting the member was invited to (the invitation, a tenant row of their
    kommune, leaves with the consent)."""
    if person is None:
        raise Http404
    invitation = (
        NetworkInvitation.objects.filter(
            meeting__public_id=public_id, union_membership__person=person
        )
        .select_related("meeting__group__kreds__union")
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation.meeting


# --- the decision (core.access.access_to) -------------------------------------------------------


@decides(UnionMembership)
def union_membership_access(request, membership: UnionMembership) -> Access:
    """A person's statement of union membership (GDPR art. 9): read and changed (consent
    given, withdrawn, removed) by the person; read by the officers of their kreds while the
    consent lasts. HR never, whatever its rights in the kommune."""
    person = get_viewer(request).person if getattr(request, "kommune", None) else None
    if person is not None and membership.person_id == person.pk:
        return Access(True, True)
    if (
        membership.has_consent
        and KredsOfficer.objects.filter(
            user_id=request.user.pk, kreds_id=membership.kreds_id
        ).exists()
    ):
        return Access(True, False, _("Kun medlemmet selv kan ændre sine oplysninger."))
    return Access(
        False,
        False,
        _("Medlemskab af en faglig organisation ser kun medlemmet selv og, med samtykke, kredsen."),
    )


@decides(KredsInquiry)
def kreds_inquiry_access(request, inquiry: KredsInquiry) -> Access:
    """A member's inquiry to their kreds (GDPR art. 9, like the membership): read by the
    member; read and answered by the officers of the kreds while the member consents and is
    still of that kreds. HR and leaders never."""
    person = get_viewer(request).person if getattr(request, "kommune", None) else None
    membership = inquiry.union_membership
    if person is not None and membership.person_id == person.pk:
        return Access(True, False, _("Kredsen svarer på henvendelsen."))
    if (
        membership.has_consent
        and membership.kreds_id == inquiry.kreds_id
        and KredsOfficer.objects.filter(user_id=request.user.pk, kreds_id=inquiry.kreds_id).exists()
    ):
        return Access(True, not inquiry.is_answered, _("Henvendelsen er besvaret."))
    return Access(
        False,
        False,
        _("En henvendelse til kredsen ser kun medlemmet selv og, med samtykke, kredsen."),
    )
