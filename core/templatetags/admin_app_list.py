"""The admin's app list (the index and the navigation sidebar of every admin page), rendered
once per distinct list instead of on every request."""

import hashlib
import threading
from collections import OrderedDict

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


# Rendered app lists by everything they are rendered from; process-local and bounded (a few
# permission sets, pages and languages).
_APP_LISTS: OrderedDict[str, str] = OrderedDict()
_APP_LISTS_LOCK = threading.Lock()
APP_LISTS_KEPT = 128


def _app_list_key(app_list, path: str, show_changelinks: bool, source: str) -> str:
    def describe(entry: dict, skip: str) -> tuple:
        return tuple(sorted((key, str(value)) for key, value in entry.items() if key != skip))

    apps = tuple(
        (describe(app, "models"), tuple(describe(model, "model") for model in app["models"]))
        for app in app_list
    )
    described = repr((get_language(), path, bool(show_changelinks), source, apps))
    return hashlib.sha1(described.encode()).hexdigest()


@register.simple_tag(takes_context=True)
def admin_app_list(context, app_list, show_changelinks=False):
    """`{% include "admin/app_list.html" %}`, rendered once per distinct list.

    Django's template of the app list costs more than the rest of HR's first page, and as
    much again in the sidebar of every other admin page (some 45 models with links, each with
    its translated labels). Its output depends only on the list (names, links and permissions
    as the admin built them for this request), the page's path, `show_changelinks` and the
    language, which make the key (with the template's source): the same permissions show
    exactly the same links."""
    request = context["request"]
    app_template = get_template("admin/app_list.html").template
    key = _app_list_key(app_list, request.path, show_changelinks, app_template.source)
    with _APP_LISTS_LOCK:
        html = _APP_LISTS.get(key)
        if html is not None:
            _APP_LISTS.move_to_end(key)
    if html is None:
        values = {"app_list": app_list, "show_changelinks": show_changelinks, "request": request}
        html = app_template.render(context.new(values))
        with _APP_LISTS_LOCK:
            _APP_LISTS[key] = html
            while len(_APP_LISTS) > APP_LISTS_KEPT:
                _APP_LISTS.popitem(last=False)
    return mark_safe(html)
