"""The one e-mail helper: `subject / text / html` templates rendered in the recipient's language.

Every e-mail the system sends goes through `send_templated`, so each one has a plain-text and an
HTML part, is rendered in the language of the person who reads it (Danish unless they chose
otherwise), and carries the headers that keep auto-responders quiet.

A template prefix `reminders/email/digest` means three templates:
`reminders/email/digest_subject.txt`, `reminders/email/digest.txt` and
`reminders/email/digest.html`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_templated(
    template_prefix: str, context: dict, language: str | None = None
) -> RenderedEmail:
    """Render the three templates inside the recipient's language, so lazy strings in the
    context (rule titles, sources, role names) and date formats come out in that language."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template_prefix}_subject.txt", context)
        text = render_to_string(f"{template_prefix}.txt", context)
        html = render_to_string(f"{template_prefix}.html", context)
    # A subject is one line: a newline in it would start a new header.
    return RenderedEmail(subject=" ".join(subject.split()), text=text, html=html)


def send_templated(
    to: str | Sequence[str],
    template_prefix: str,
    context: dict,
    language: str | None = None,
    *,
    from_email: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: Sequence[tuple[str, bytes | str, str]] | None = None,
    connection=None,
) -> RenderedEmail:
    """Render and send one e-mail (text + HTML). Raises on failure: callers record the error.

    `attachments`: (filename, content, mimetype) triples, e.g. a PDF or a calendar invitation
    ("text/calendar; method=REQUEST"). `connection`: an open mail connection to send through
    (the outbox sends a batch over one); without it, one is opened for this message."""
    language = language or settings.LANGUAGE_CODE
    rendered = render_templated(template_prefix, context, language)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=[to] if isinstance(to, str) else list(to),
        # RFC 3834: a machine-sent message; out-of-office replies must not answer it.
        headers={
            "Auto-Submitted": "auto-generated",
            "Content-Language": language,
            **(headers or {}),
        },
        connection=connection,
    )
    message.attach_alternative(rendered.html, "text/html")
    for filename, content, mimetype in attachments or ():
        message.attach(filename, content, mimetype)
    message.send(fail_silently=False)
    return rendered
