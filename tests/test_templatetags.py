"""The shared template tags (core/templatetags/medorg.py)."""

import datetime

from django.template import Context, Template
from django.utils import translation

from deadlines.engine import registry
from deadlines.models import Deadline


def render(deadlines) -> str:
    template = Template("{% load deadline_tags %}{% deadline_lines deadlines %}")
    return template.render(Context({"deadlines": deadlines}))


def deadline(rule, status, due, params=None) -> Deadline:
    row = Deadline(rule=rule, due_date=due, params=params or {})
    row.status = status  # as `with_status()` annotates it
    return row


def test_deadline_lines_show_status_title_and_short_date_escaped():
    basic = registry.get("training.amo_basic")
    rows = [
        deadline("training.amo_basic", "overdue", datetime.date(2026, 10, 1)),
        deadline('<script>alert("x")</script>', "upcoming", datetime.date(2027, 3, 1)),
    ]
    with translation.override("da"):
        html = render(rows)
    assert html == (
        f'<div><span class="badge overdue">Overskredet</span> {basic.title_plain} – 01.10.2026'
        "</div>"
        '<div><span class="badge upcoming">Kommende</span> '
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; – 01.03.2027</div>"
    )
    with translation.override("en"):
        assert "Overdue" in render(rows[:1]) and "10/01/2026" in render(rows[:1])
