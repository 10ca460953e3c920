"""The HR staff role: which model permissions the "HR" group gets."""

from django.contrib.auth.models import Group, Permission

# Apps whose models HR maintains in the admin. Kommuner and HR staff themselves are managed by
# superusers; union data is never HR's (GDPR art. 9).
HR_APPS = (
    "organisations",
    "committees",
    "deadlines",
    "reminders",
    "training",
    "meetings",
    "apv",
    "incidents",
    "api",
    "accounts",
    "elections",
    "reorganisation",
    "budget",
)
# Identity providers are installation configuration: superusers only.
# Nobody reads an election's ballots or its list of who voted, HR included.
HR_EXCLUDED_MODELS = {"kommune", "kommunestaff", "identityprovider", "ballot", "voter"}


def hr_permissions():
    return (
        Permission.objects.filter(content_type__app_label__in=HR_APPS)
        .exclude(content_type__model__in=HR_EXCLUDED_MODELS)
        .exclude(content_type__model__startswith="historical")
    )


def hr_group() -> Group:
    """The HR group with its permissions brought up to date (new models get theirs)."""
    group, _created = Group.objects.get_or_create(name="HR")
    group.permissions.set(hr_permissions())
    return group
