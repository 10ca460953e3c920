"""Panels of the portal home. Each app registers its own in `<app>/panels.py` (found by the
portal's app config), so the home page grows with the capabilities without the portal knowing
them, and no app imports the portal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    order: int
    context: Callable  # (request, viewer) -> dict | None (None hides the panel)


_panels: dict[str, Panel] = {}


def register_panel(key: str, title, template: str, order: int = 100):
    def decorator(func):
        _panels[key] = Panel(key, title, template, order, func)
        return func

    return decorator


def panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda p: p.order)
