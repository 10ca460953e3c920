"""What the login audit keeps (core.privacy): who logged in, when, from which IP address and
browser. Kept for the period the kommune sets, a year by default."""

from django.utils.translation import gettext_lazy as _

from core.privacy import YEAR, Retention, retention


def _old_events(cutoff):
    from .models import LoginEvent

    return LoginEvent.objects.filter(at__lt=cutoff)


def _delete(rows) -> int:
    return rows.delete()[0]


retention(
    Retention(
        key="accounts.login_log",
        label=_(
            "Login-log (logins, fejlede logins, MFA-ændringer, afviste SSO-forsøg, IP-adresser)"
        ),
        default_days=1 * YEAR,
        min_days=90,
        max_days=5 * YEAR,
        basis=_("dokumenterer, hvem der har haft adgang, og opklarer misbrug af konti"),
        action=_("slettes"),
        expired=_old_events,
        apply=_delete,
    )
)
