"""Signals of the deadline engine."""

from django.dispatch import Signal

# Sent after the engine wrote deadlines in bulk (no model signals then), with `rows`: the
# Deadline rows it created or updated. Apps that keep values derived from deadlines listen.
deadlines_written = Signal()
