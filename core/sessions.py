"""Idle timeout: a session that has not been used for a while is logged out.

Django's sessions only have an absolute age (SESSION_COOKIE_AGE), counted from the last time the
session was saved. This middleware records the time of the last request in the session and logs
the user out when the gap is longer than SESSION_IDLE_TIMEOUT, or SESSION_ADMIN_IDLE_TIMEOUT on
the HR admin's pages (which can change every person's data, so a forgotten open tab matters
more there).
"""

from __future__ import annotations

import time
from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.contrib.auth import logout
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

LAST_ACTIVITY_KEY = "_last_activity"
# The recorded time is refreshed at most this often (seconds): saving the session on every
# request would cost a write per page view. Timeouts are therefore exact to within a minute.
ACTIVITY_RESOLUTION = 60


class IdleTimeoutMiddleware:
    """Place after AuthenticationMiddleware and MessageMiddleware (it logs out and leaves a
    message) and before anything that acts on the user (tenancy)."""

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def admin_prefixes(self) -> tuple[str, ...]:
        # The admin's path in every language (/admin/, /en/admin/): computed on first use, when
        # the URLconf can be imported.
        prefixes = set()
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                prefixes.add(reverse("admin:index"))
        return tuple(prefixes)

    def timeout_for(self, request) -> int:
        if request.path_info.startswith(self.admin_prefixes):
            return settings.SESSION_ADMIN_IDLE_TIMEOUT
        return settings.SESSION_IDLE_TIMEOUT

    def __call__(self, request):
        session = request.session
        # The session, not request.user: reading the user would cost a query on every request.
        if session.get(AUTH_SESSION_KEY) is not None:
            now = int(time.time())
            last = session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - last > self.timeout_for(request):
                logout(request)
                messages.info(request, _("Du er blevet logget ud, fordi du ikke har været aktiv."))
            elif last is None or now - last >= ACTIVITY_RESOLUTION:
                session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)
