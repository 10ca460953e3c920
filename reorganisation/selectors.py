"""Reads of the organisation changes shared by the pages."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import OrganisationChange


def pending_changes(limit: int = 20) -> list[OrganisationChange]:
    """Changes awaiting HovedMED, with a one-line summary of what they do. Three queries."""
    changes = list(
        OrganisationChange.objects.filter(state__in=OrganisationChange.PENDING_STATES)
        .select_related("agenda_item__meeting", "target_unit", "committee", "new_parent")
        .prefetch_related("units")
        .order_by("effective_on", "pk")[:limit]
    )
    Kind = OrganisationChange.Kind
    for change in changes:
        units = ", ".join(sorted(u.name for u in change.units.all()))
        if change.kind == Kind.NEW_AMG:
            change.summary = _("%(name)s under %(parent)s, dækker %(units)s") % {
                "name": change.new_name,
                "parent": change.new_parent,
                "units": units,
            }
        elif change.kind == Kind.MERGE_UNITS:
            change.summary = _("%(units)s lægges sammen med %(target)s") % {
                "units": units,
                "target": change.target_unit,
            }
        elif change.kind == Kind.MOVE_COMMITTEE:
            change.summary = _("%(committee)s flyttes under %(parent)s") % {
                "committee": change.committee,
                "parent": change.new_parent,
            }
        else:
            change.summary = ""
    return changes
