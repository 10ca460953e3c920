"""The entries of a reminder digest (reminders/email/digest.txt and .html), built in one call.

The first tick after go-live sends thousands of digests, and a leader's lists every overdue
deadline of their units with the reason for each: a template loop resolved, translated and
formatted every value of every entry one by one (most of the time of sending). The text and
markup are the ones the loops made; every value of the HTML is escaped here."""

from __future__ import annotations

import functools

from django import template
from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()

# The colour of an entry's left border: overdue, due later, due today.
OVERDUE, LATER, TODAY = "#b3261e", "#1f5fa8", "#c77700"


def _labels() -> dict[str, str]:
    """The labels of every entry, translated once per e-mail (in the recipient's language: the
    e-mail helper renders inside it)."""
    return {
        "due": gettext("Frist"),
        "responsible": gettext("Ansvarlig"),
        "you_do": gettext("Det skal du gøre"),
        "they_do": gettext("Det skal den ansvarlige gøre"),
        "as_leader": gettext(
            "Som leder: Følg op på, at opgaven bliver løst, og hjælp den ansvarlige videre."
        ),
        "see": gettext("Se fristen"),
        "source": gettext("Kilde"),
    }


@functools.lru_cache(maxsize=2048)
def _day(language: str, value) -> str:
    """A due date in the language's DATE_FORMAT (the `date` filter): a tick formats the same
    few hundred dates in thousands of e-mails."""
    return date_format(value)


def _texts(entry: dict) -> tuple[str, str, list[str]]:
    """The entry's title, due date and the reasons of its items in the active language, made
    once for both parts of the e-mail (rendered one after the other in the same language)."""
    language = get_language()
    memo = entry.get("_texts")
    if memo is None or memo[0] != language:
        deadline = entry["deadline"]
        memo = entry["_texts"] = (
            language,
            str(deadline.title),
            _day(language, deadline.due_date),
            [item.why for item in entry["items"]],
        )
    return memo[1], memo[2], memo[3]


@register.simple_tag
def digest_entries_text(entries) -> str:
    """The entries of `reminders.services.digest_context` as the plain-text part shows them."""
    label = _labels()
    parts = []
    for number, entry in enumerate(entries, start=1):
        title, due, whys = _texts(entry)
        parts.append(f"\n{localize(number)}. {title}\n{label['due']}: {due}. {entry['status']}\n")
        if entry["escalation"]:
            parts.append(f"{label['responsible']}: {entry['responsible']}\n")
        if entry["what_to_do"]:
            doer = label["you_do"] if entry["own"] else label["they_do"]
            parts.append(f"{doer}: {entry['what_to_do']}\n")
        if entry["escalation"]:
            parts.append(f"{label['as_leader']}\n")
        if entry["action"]:
            parts.append(f"{entry['action']['label']}: {entry['action']['url']}\n")
        parts.append(f"{label['see']}: {entry['url']}\n")
        if entry["source"]:
            parts.append(f"{label['source']}: {entry['source']}\n")
        parts.extend(f"{why}\n" for why in whys)
    return "".join(parts)


@register.simple_tag
def digest_entries_html(entries) -> str:
    """The entries as the HTML part shows them: one table each."""
    e = conditional_escape
    label = {key: e(text) for key, text in _labels().items()}
    parts = []
    for entry in entries:
        title, due, whys = _texts(entry)
        if entry["days_overdue"]:
            colour = OVERDUE
        elif entry["days_left"]:
            colour = LATER
        else:
            colour = TODAY
        url = e(entry["url"])
        parts.append(
            '\n  <table role="presentation" style="width: 100%; max-width: 640px; '
            f'border-left: 4px solid {colour}; margin: 0 0 16px 0; padding: 4px 12px;">\n'
            f'    <tr><td><strong><a href="{url}" style="color: #1a1a1a;">{e(title)}'
            "</a></strong></td></tr>\n"
            f"    <tr><td>{label['due']}: <strong>{e(due)}</strong>. "
            f"{e(entry['status'])}</td></tr>\n    "
        )
        if entry["escalation"]:
            parts.append(f"<tr><td>{label['responsible']}: {e(entry['responsible'])}</td></tr>")
        parts.append("\n    ")
        if entry["what_to_do"]:
            doer = label["you_do"] if entry["own"] else label["they_do"]
            parts.append(f"<tr><td>{doer}: {e(entry['what_to_do'])}</td></tr>")
        parts.append("\n    ")
        if entry["escalation"]:
            parts.append(f"<tr><td>{label['as_leader']}</td></tr>")
        parts.append("\n    <tr><td>")
        action = entry["action"]
        if action:
            parts.append(
                f'<a href="{e(action["url"])}" style="color: #1f5fa8;">{e(action["label"])}</a> · '
            )
        parts.append(f'<a href="{url}" style="color: #1f5fa8;">{label["see"]}</a></td></tr>\n    ')
        if entry["source"]:
            parts.append(
                f'<tr><td style="color: #555;">{label["source"]}: {e(entry["source"])}</td></tr>'
            )
        parts.append("\n    ")
        parts.extend(
            f'<tr><td style="color: #555; font-style: italic;">{e(why)}</td></tr>' for why in whys
        )
        parts.append("\n  </table>\n  ")
    return mark_safe("".join(parts))  # every value escaped above
