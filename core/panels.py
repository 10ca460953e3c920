"""Panels of the portal home. Each app registers its own in `<app>/panels.py` (found by the
portal's app config), so the home page grows with the capabilities without the portal knowing
them, and no app imports the portal.

A panel that declares what it `reads` (model labels) is kept in the kommune cache per viewer
and day: its value is keyed with the kommune's token (seats, committees, units, people and
deadlines replace it) and with the token of the panels' topic, which a save or delete of any
model a panel reads replaces (`connect_panel_signals`). A test checks each declaration against
the tables the panel's queries join. A panel whose data also changes without signals (bulk
updates) declares nothing and is computed on every request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone, translation

from .cache import KommuneCache, clear_kommune_topic

TOPIC = "panels"


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    order: int
    context: Callable  # (request, viewer) -> dict | None (None hides the panel)
    reads: tuple[str, ...] | None = None  # model labels; None: not cached


_panels: dict[str, Panel] = {}


def register_panel(
    key: str, title, template: str, order: int = 100, reads: tuple[str, ...] | None = None
):
    def decorator(func):
        earlier = _panels.get(key)
        if earlier is not None and (
            earlier.context.__module__,
            earlier.context.__qualname__,
        ) != (func.__module__, func.__qualname__):
            # Two apps with one key: the later would silently hide the earlier panel.
            raise ValueError(f"Panel key {key!r} is registered twice.")
        _panels[key] = Panel(key, title, template, order, func, reads)
        return func

    return decorator


def panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda p: p.order)


def panel_contexts(request, viewer) -> list[tuple[Panel, dict]]:
    """The shown panels with their contexts, in order: the cached ones in one batch from the
    kommune cache (keyed by viewer, day and language), the others computed."""
    shown = panels()
    contexts = {}
    cached = [p for p in shown if p.reads is not None and request.kommune is not None]
    if cached:
        person = viewer.person.pk if viewer.person is not None else None
        common = (
            request.user.pk,
            person,
            timezone.localdate().isoformat(),
            translation.get_language(),
        )
        entries = {
            p.key: (("panel", p.key, *common), lambda p=p: p.context(request, viewer))
            for p in cached
        }
        contexts = KommuneCache(request.kommune.pk).get_many_or_set(entries, TOPIC)
    blocks = []
    for panel in shown:
        context = contexts[panel.key] if panel.key in contexts else panel.context(request, viewer)
        if context is not None:
            blocks.append((panel, context))
    return blocks


def _read_changed(sender, instance, **kwargs) -> None:
    clear_kommune_topic(getattr(instance, "kommune_id", None), TOPIC)


def connect_panel_signals() -> None:
    """Replace the panels' token on every save and delete of a model a cached panel reads."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    labels = {label for p in _panels.values() for label in (p.reads or ())}
    for label in sorted(labels):
        model = apps.get_model(label)
        uid = f"core.panels:{label}"
        post_save.connect(_read_changed, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_read_changed, sender=model, dispatch_uid=uid + ":delete")
