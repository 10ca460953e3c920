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


@functools.lru_cache(maxsize=1024)
def _status(language: str, days: int) -> str:
    """The status line for a deadline due in `days` (negative: overdue) in the language."""
    from reminders.services import status_text

    return status_text(days)


# (language, rule code) -> a rule's "what to do", plain and escaped.
_WHAT_TO_DO: dict[tuple[str, str], tuple[str, str]] = {}


def _what_to_do(language: str, rule: str, text) -> tuple[str, str]:
    """A rule's "what to do" in the language, and escaped: the same few texts in every entry of
    a tick (`text` is the rule's own lazy text, a constant of the rule)."""
    key = (language, rule)
    found = _WHAT_TO_DO.get(key)
    if found is None:
        plain = str(text)
        found = _WHAT_TO_DO[key] = (plain, conditional_escape(plain))
    return found


def _texts(entry: dict) -> dict:
    """The entry's texts in the active language, made once for both parts of the e-mail
    (rendered one after the other in the same language): the lazy titles, labels and sentences
    are translated once per entry, and those of a rule once per tick."""
    language = get_language()
    memo = entry.get("_texts")
    if memo is None or memo["language"] != language:
        deadline = entry["deadline"]
        action = entry["action"]
        what_to_do = (
            _what_to_do(language, deadline.rule, entry["what_to_do"])
            if entry["what_to_do"]
            else ("", "")
        )
        memo = entry["_texts"] = {
            "language": language,
            "title": str(deadline.title),
            "due": _day(language, deadline.due_date),
            "status": _status(language, entry["days_left"] - entry["days_overdue"]),
            "what_to_do": what_to_do[0],
            "what_to_do_html": what_to_do[1],
            "responsible": str(entry["responsible"]) if entry["escalation"] else "",
            "action_label": str(action["label"]) if action else "",
            "source": str(entry["source"]) if entry["source"] else "",
            "whys": [item.why for item in entry["items"]],
        }
    return memo


@register.simple_tag
def digest_entries_text(entries) -> str:
    """The entries of `reminders.services.digest_context` as the plain-text part shows them."""
    label = _labels()
    parts = []
    for number, entry in enumerate(entries, start=1):
        text = _texts(entry)
        parts.append(
            f"\n{localize(number)}. {text['title']}\n{label['due']}: {text['due']}. "
            f"{text['status']}\n"
        )
        if entry["escalation"]:
            parts.append(f"{label['responsible']}: {text['responsible']}\n")
        if text["what_to_do"]:
            doer = label["you_do"] if entry["own"] else label["they_do"]
            parts.append(f"{doer}: {text['what_to_do']}\n")
        if entry["escalation"]:
            parts.append(f"{label['as_leader']}\n")
        if entry["action"]:
            parts.append(f"{text['action_label']}: {entry['action']['url']}\n")
        parts.append(f"{label['see']}: {entry['url']}\n")
        if text["source"]:
            parts.append(f"{label['source']}: {text['source']}\n")
        parts.extend(f"{why}\n" for why in text["whys"])
    return "".join(parts)


@register.simple_tag
def digest_entries_html(entries) -> str:
    """The entries as the HTML part shows them: one table each."""
    e = conditional_escape
    label = {key: e(text) for key, text in _labels().items()}
    parts = []
    for entry in entries:
        text = _texts(entry)
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
            f'    <tr><td><strong><a href="{url}" style="color: #1a1a1a;">{e(text["title"])}'
            "</a></strong></td></tr>\n"
            f"    <tr><td>{label['due']}: <strong>{e(text['due'])}</strong>. "
            f"{e(text['status'])}</td></tr>\n    "
        )
        if entry["escalation"]:
            parts.append(f"<tr><td>{label['responsible']}: {e(text['responsible'])}</td></tr>")
        parts.append("\n    ")
        if text["what_to_do"]:
            doer = label["you_do"] if entry["own"] else label["they_do"]
            parts.append(f"<tr><td>{doer}: {text['what_to_do_html']}</td></tr>")
        parts.append("\n    ")
        if entry["escalation"]:
            parts.append(f"<tr><td>{label['as_leader']}</td></tr>")
        parts.append("\n    <tr><td>")
        action = entry["action"]
        if action:
            parts.append(
                f'<a href="{e(action["url"])}" style="color: #1f5fa8;">{e(text["action_label"])}</a> · '
            )
        parts.append(f'<a href="{url}" style="color: #1f5fa8;">{label["see"]}</a></td></tr>\n    ')
        if text["source"]:
            parts.append(
                f'<tr><td style="color: #555;">{label["source"]}: {e(text["source"])}</td></tr>'
            )
        parts.append("\n    ")
        parts.extend(
            f'<tr><td style="color: #555; font-style: italic;">{e(why)}</td></tr>'
            for why in text["whys"]
        )
        parts.append("\n  </table>\n  ")
    return mark_safe("".join(parts))  # every value escaped above
