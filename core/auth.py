"""Log in with username or e-mail address; one account, one lockout counter; throttled
password-reset e-mails."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.views import PasswordResetView
from django.core.cache import cache
from django.shortcuts import redirect

logger = logging.getLogger(__name__)


def resolve_login_identifier(identifier: str | None) -> str | None:
    """The canonical username an identifier typed at login stands for: the account's username
    when the identifier (stripped, any case) is the username or the e-mail address of exactly one
    account; otherwise the stripped identifier. An e-mail address shared by two accounts is
    ambiguous and stays as typed: the person must log in with the username."""
    if identifier is None:
        return None
    identifier = identifier.strip()
    if not identifier:
        return identifier
    User = get_user_model()
    if "@" in identifier:
        lookup = {"email__iexact": identifier}
    else:
        lookup = {f"{User.USERNAME_FIELD}__iexact": identifier}
    matches = list(User._default_manager.filter(**lookup)[:2])
    # None, or two accounts ("anne" and "Anne", or a shared address): exactly as typed.
    return matches[0].get_username() if len(matches) == 1 else identifier


def axes_username(request, credentials: dict | None = None) -> str:
    """AXES_USERNAME_CALLABLE: the key django-axes counts failed logins under.

    Without it, "Anne@X.dk", "anne@x.dk", " ANNE " and "anne" were four counters, and cycling
    through case variants gave an attacker AXES_FAILURE_LIMIT guesses per variant. Every spelling
    of one account's username or e-mail address now counts against that account's username,
    lowercased (so an unknown identifier's variants share one counter too)."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    if credentials is not None and field in credentials:
        raw = credentials.get(field)
    else:
        raw = getattr(request, "POST", {}).get(field) if request is not None else None
    if not raw:
        return ""
    # Axes asks several times per login attempt (is it locked? record the failure): look the
    # account up once per request and identifier.
    memo = getattr(request, "_axes_username_memo", None) if request is not None else None
    if memo is None:
        memo = {}
        if request is not None:
            request._axes_username_memo = memo
    if raw not in memo:
        memo[raw] = (resolve_login_identifier(raw) or "").lower()
    return memo[raw]


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username:
            # The same resolution axes counts under (axes_username), so the account that is
            # locked out is the account that would have been logged in.
            username = resolve_login_identifier(username)
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        """The user of each request, with what the apps asked to know of every user read in the
        same query (`user_annotation`: e.g. whether they are a union kreds officer, which the
        portal's navigation asks on every page)."""
        User = get_user_model()
        annotations = {name: make() for name, make in _user_annotations.items()}
        user = User._default_manager.annotate(**annotations).filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


_user_annotations: dict = {}


def user_annotation(name: str, make) -> None:
    """An app asks for `name` on every request's user: `make()` returns the expression (called
    per request, so it may build a fresh subquery)."""
    _user_annotations[name] = make


# --- Password reset throttle ---------------------------------------------------------------------

_cache_failure_logged = False


def _hit(key: str, window: int) -> int:
    """Count one hit on `key` in a window of `window` seconds that starts at its first hit."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def password_reset_allowed(request, email: str) -> bool:
    """Whether a password-reset e-mail may be sent for `email` from this client: at most
    PASSWORD_RESET_LIMIT_PER_ADDRESS per address and PASSWORD_RESET_LIMIT_PER_IP per client IP
    in PASSWORD_RESET_LIMIT_WINDOW seconds. Known and unknown addresses count alike, so the
    throttle tells nothing about which addresses have accounts.

    When the cache is unreachable the request is allowed (and the failure logged once per
    process): a broken Redis must not stop people from resetting their password."""
    global _cache_failure_logged
    from axes.helpers import get_client_ip_address

    window = settings.PASSWORD_RESET_LIMIT_WINDOW
    # Hashed: the cache holds no e-mail addresses, and any address makes a valid key.
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    ip = get_client_ip_address(request) or "unknown"
    try:
        per_address = _hit(f"pwreset:addr:{address}", window)
        per_ip = _hit(f"pwreset:ip:{ip}", window)
    except Exception:
        if not _cache_failure_logged:
            logger.exception("Password reset throttle: the cache failed; not throttling.")
            _cache_failure_logged = True
        return True
    return (
        per_address <= settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
        and per_ip <= settings.PASSWORD_RESET_LIMIT_PER_IP
    )


class PasswordResetThrottleMiddleware:
    """Throttles every PasswordResetView (the portal's, and the admin's should one be added).

    A throttled request sends no e-mail and gets the same redirect to the "check your e-mail"
    page as one that sent an e-mail, so the answer is the same for known, unknown and throttled
    addresses. A middleware (rather than a view subclass) so no URL pattern can forget it. Place
    it after CsrfViewMiddleware: a request without a valid CSRF token never counts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "view_class", None)
        if request.method != "POST" or view_class is None:
            return None
        if not issubclass(view_class, PasswordResetView):
            return None
        email = request.POST.get("email", "").strip()
        if not email:
            return None  # the form shows its own error; nothing is sent
        if password_reset_allowed(request, email):
            return None
        logger.warning("Password reset throttled (ip=%s).", request.META.get("REMOTE_ADDR"))
        success_url = view_func.view_initkwargs.get("success_url") or view_class.success_url
        return redirect(str(success_url))
