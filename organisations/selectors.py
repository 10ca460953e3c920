"""Reading the organisation."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Unit, path_ids


@dataclass(frozen=True)
class UnitNode:
    kind: str
    parent_id: int | None
    name: str


def unit_nodes() -> dict[int, UnitNode]:
    """Every unit of the active kommune by pk, in one query (a large kommune has ~1,000)."""
    return {
        pk: UnitNode(kind, parent_id, name)
        for pk, kind, parent_id, name in Unit.objects.values_list("pk", "kind", "parent_id", "name")
    }


def omraade_of(nodes: dict[int, UnitNode], unit_id: int | None) -> int | None:
    """The område a unit lies in: område → itself, arbejdsplads → its parent, afdeling → its
    grandparent (as `deadlines.overview.omraade_of_unit` does in SQL); None for no unit."""
    node = nodes.get(unit_id)
    if node is None:
        return None
    if node.kind == Unit.Kind.OMRAADE:
        return unit_id
    if node.kind == Unit.Kind.ARBEJDSPLADS:
        return node.parent_id
    if node.kind == Unit.Kind.AFDELING:
        parent = nodes.get(node.parent_id)
        return parent.parent_id if parent else None
    return None


def leaders_by_unit(unit_ids=None) -> dict[int, int]:
    """unit id -> its leader's person id, for units with an active leader (one query); only
    for `unit_ids` when given (a unit's ancestors, instead of every unit of the kommune)."""
    queryset = Unit.objects.filter(leader__isnull=False, leader__left_on__isnull=True)
    if unit_ids is not None:
        queryset = queryset.filter(pk__in=unit_ids)
    return dict(queryset.values_list("pk", "leader_id"))


def nearest_leader(path: str, leaders: dict[int, int], *, passing: int | None = None) -> int | None:
    """The leader of the unit, or of the nearest unit above it that has one: the employer's
    representative for whoever works there. `passing`: a person who is not their own employer
    (an elected leader, the submitter of a proposal) — the next leader up answers instead."""
    for pk in reversed(path_ids(path)):
        leader = leaders.get(pk)
        if leader is not None and leader != passing:
            return leader
    return None
