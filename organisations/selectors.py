"""Reading the organisation."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Unit


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
