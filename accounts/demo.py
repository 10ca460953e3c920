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
    # Where the development IdP runs now (bin/run may have been given another port).
    IdentityProvider.objects.filter(slug="albertslund").update(
        saml_metadata_url=f"{base}/saml/metadata/", saml_entity_id=f"{base}/saml/metadata/"
    )
    IdentityProvider.objects.filter(slug="aabenraa").update(oidc_issuer=f"{base}/oidc")
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
    """Albertslund's AMR, TR and leader (their accounts are Albertslund's only), and in
    Aabenraa an AMR without an account yet (it is made at the first login). amr.aabenraa is not
    offered: an account that also works in Albertslund is not linked by Aabenraa's login."""
    from committees.models import Membership
    from organisations.models import Person

    def entry(person, key, kommune, role):
        return {
            "identity": getattr(person, key),
            "employee_number": person.employee_number,
            "email": person.email,
            "name": f"{person.first_name} {person.last_name}",
            "role": role,
            "kommune": kommune.name,
        }

    people = []
    with tenant_scope(albertslund):
        for person in Person.objects.filter(
            user__username__in=["amr.albertslund", "tr.albertslund", "leder.albertslund"]
        ).select_related("user"):
            people.append(entry(person, "employee_number", albertslund, person.user.username))
    with tenant_scope(aabenraa):
        amr = (
            Person.objects.filter(
                user__isnull=True,
                memberships__role=Membership.Role.AMR,
                memberships__ended_on__isnull=True,
            )
            .exclude(email="")
            .order_by("pk")
            .first()
        )
        if amr is not None:
            people.append(entry(amr, "email", aabenraa, "AMR"))
    directory = Path(settings.DEVIDP_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "people.json").write_text(json.dumps(people, ensure_ascii=False, indent=1))
