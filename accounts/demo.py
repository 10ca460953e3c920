"""The demo's single sign-on: Albertslund logs in over SAML 2.0 and Aabenraa over OpenID
Connect, both against the development IdP that `bin/run` starts on loopback (devidp/). The
people a newcomer can log in as are written where the development IdP offers them."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from core.keys import make_keypair
from core.tenancy import tenant_scope
from devidp import CLIENT_ID, CLIENT_SECRET

from .models import IdentityProvider, MatchBy, Protocol


def load_sso_demo(albertslund, aabenraa) -> None:
    base = settings.DEVIDP_URL.rstrip("/")
    if not IdentityProvider.objects.filter(slug="albertslund").exists():
        key, cert = make_keypair("MED-systemet albertslund")
        IdentityProvider.objects.create(
            kommune=albertslund,
            name="Albertslund",
            slug="albertslund",
            protocol=Protocol.SAML,
            email_domains="albertslund.demo.dk",
            match_by=MatchBy.EMPLOYEE_NUMBER,
            trust_idp_mfa=True,
            saml_metadata_url=f"{base}/saml/metadata/",
            saml_entity_id=f"{base}/saml/metadata/",
            sp_private_key=key,
            sp_certificate=cert,
        )
    if not IdentityProvider.objects.filter(slug="aabenraa").exists():
        IdentityProvider.objects.create(
            kommune=aabenraa,
            name="Aabenraa",
            slug="aabenraa",
            protocol=Protocol.OIDC,
            email_domains="aabenraa.demo.dk",
            match_by=MatchBy.EMAIL,
            match_attribute="email",
            trust_idp_mfa=True,
            oidc_issuer=f"{base}/oidc",
            oidc_client_id=CLIENT_ID,
            oidc_client_secret=CLIENT_SECRET,
        )
    _offer_people(albertslund, aabenraa)


def _offer_people(albertslund, aabenraa) -> None:
    from organisations.models import Person

    people = []
    for kommune, usernames, key in (
        (
            albertslund,
            ["amr.albertslund", "tr.albertslund", "leder.albertslund"],
            "employee_number",
        ),
        (aabenraa, ["amr.aabenraa"], "email"),
    ):
        with tenant_scope(kommune):
            for person in Person.objects.filter(user__username__in=usernames).select_related(
                "user"
            ):
                people.append(
                    {
                        "identity": getattr(person, key),
                        "employee_number": person.employee_number,
                        "email": person.email,
                        "name": f"{person.first_name} {person.last_name}",
                        "role": person.user.username,
                        "kommune": kommune.name,
                    }
                )
    directory = Path(settings.DEVIDP_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "people.json").write_text(json.dumps(people, ensure_ascii=False, indent=1))
