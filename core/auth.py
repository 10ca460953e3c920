"""Log in with username or e-mail address."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and "@" in username:
            User = get_user_model()
            matches = list(User.objects.filter(email__iexact=username.strip())[:2])
            # An e-mail shared by two accounts is ambiguous: ask for the username instead.
            if len(matches) == 1:
                username = matches[0].get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        """The user of each request, with whether they are a union kreds officer (the portal's
        navigation asks on every page) read in the same query."""
        from unions.models import KredsOfficer

        User = get_user_model()
        user = (
            User._default_manager.annotate(
                is_kreds_officer_flag=Exists(KredsOfficer.objects.filter(user=OuterRef("pk")))
            )
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
