"""Creates the development IdP's OpenID Connect client for the product (fixed demo credentials)
with the product's callback addresses."""

from django.core.management.base import BaseCommand
from oauth2_provider.models import get_application_model

from devidp import CLIENT_ID, CLIENT_SECRET


class Command(BaseCommand):
    help = "Registers the product as an OpenID Connect client of the development IdP."

    def add_arguments(self, parser):
        parser.add_argument("--redirect-uri", action="append", default=[])
        parser.add_argument("--post-logout-uri", action="append", default=[])

    def handle(self, *args, redirect_uri, post_logout_uri, **options):
        Application = get_application_model()
        app = Application.objects.filter(client_id=CLIENT_ID).first() or Application(
            client_id=CLIENT_ID
        )
        app.name = "MED-systemet (demo)"
        app.client_type = Application.CLIENT_CONFIDENTIAL
        app.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
        app.client_secret = CLIENT_SECRET
        app.redirect_uris = " ".join(redirect_uri)
        app.post_logout_redirect_uris = " ".join(post_logout_uri)
        app.algorithm = Application.RS256_ALGORITHM
        app.skip_authorization = True
        app.save()
        self.stdout.write(f"OIDC client {CLIENT_ID}: {app.redirect_uris}")
