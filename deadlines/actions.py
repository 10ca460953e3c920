"""The action that fulfils a deadline, for the rules to use (`Rule.action`). Built from the
deadline's own columns (its committee is loaded with the lists), so a list of deadlines costs no
query per action."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.urls import address

from .engine import Action


class ApvAction:
    def action(self, deadline):
        if deadline.committee_id is None:
            return None
        return Action(_("Åbn gruppens APV"), address("apv:amg", deadline.committee.public_id))


class CommitteeMeetingsAction:
    def action(self, deadline):
        if deadline.committee_id is None:
            return None
        return Action(
            _("Åbn udvalgets møder"),
            address("meetings:committee", deadline.committee.public_id),
        )


class IncidentsAction:
    def action(self, deadline):
        return Action(_("Åbn hændelserne"), address("incidents:index"))
