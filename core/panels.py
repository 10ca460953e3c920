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
        earlier = _panels.get(key)
        if earlier is not None and (
            earlier.context.__module__,
            earlier.context.__qualname__,
        ) != (func.__module__, func.__qualname__):
            # Two apps with one key: the later would silently hide the earlier panel.
            raise ValueError(f"Panel key {key!r} is registered twice.")
        _panels[key] = Panel(key, title, template, order, func)
        return func

    return decorator


def panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda p: p.order)
