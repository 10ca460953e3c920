"""Cells for spreadsheet exports (CSV): the APV handlingsplan, the kreds member list."""

from __future__ import annotations

# OWASP "CSV Injection": a cell starting with one of these is read by Excel and LibreOffice as a
# formula (=HYPERLINK(...), +cmd|..., @SUM(...)), tab and carriage return as the start of one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value) -> str:
    """The value as text that a spreadsheet shows and never evaluates: a leading single quote
    makes a cell starting like a formula plain text (the quote itself is not shown by Excel).
    Only such cells change, so an ordinary text keeps its exact form."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def spreadsheet_row(values) -> list[str]:
    return [spreadsheet_cell(value) for value in values]
