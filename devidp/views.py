"""The development IdP's pages: who are you (typed, or one of the demo's people), SAML SSO with
the POST binding back to the SP, its SAML metadata."""

from __future__ import annotations

import json
import logging
import urllib.request
from functools import cache
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from .oidc import MFA_MARK
from .saml import NSIS_SUBSTANTIAL, PASSWORD, SamlIdP, logout_answer

logger = logging.getLogger(__name__)


@cache
def saml_idp() -> SamlIdP:
    return SamlIdP(
        entity_id=f"{settings.DEVIDP_URL}/saml/metadata/",
        sso_url=f"{settings.DEVIDP_URL}/saml/sso/",
        slo_url=f"{settings.DEVIDP_URL}/saml/slo/",
        key_dir=settings.DATA_DIR / "saml",
        name="devidp",
    )


def suggestions() -> list[dict]:
    """People of the demo to log in as (written by the product's demo loader)."""
    path = settings.DATA_DIR / "people.json"
    return json.loads(path.read_text()) if path.exists() else []


def login_page(request):
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if request.method == "POST":
        identity = (request.POST.get("identity") or "").strip()
        if identity:
            User = get_user_model()
            user, _created = User.objects.get_or_create(username=identity[:150])
            user.email = identity if "@" in identity else ""
            for person in suggestions():
                if identity in (person.get("employee_number"), person.get("email")):
                    user.email = person.get("email", user.email)
                    user.first_name = person.get("name", "")[:150]
            user.last_name = MFA_MARK if request.POST.get("mfa") else ""
            user.save()
            login(request, user)
            if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                next_url = "/"
            return redirect(next_url)
    return render(request, "devidp/login.html", {"next": next_url, "people": suggestions()})


def saml_metadata(request):
    return HttpResponse(saml_idp().metadata_xml(), content_type="text/xml")


def _trust_on_first_use(idp: SamlIdP, entity_id: str) -> None:
    """A development IdP trusts an SP on loopback by fetching its metadata from its entity id
    (the product's entity id is its metadata address)."""
    host = urlparse(entity_id).hostname
    if host not in ("127.0.0.1", "localhost"):
        raise ValueError(f"not a loopback SP: {entity_id}")
    if entity_id in getattr(idp, "_trusted", set()):
        return
    with urllib.request.urlopen(entity_id, timeout=10) as response:  # noqa: S310 (loopback)
        idp.trust_sp(response.read().decode())
    idp._trusted = getattr(idp, "_trusted", set()) | {entity_id}


@login_required
def saml_sso(request):
    idp = saml_idp()
    query = {
        key: request.GET[key]
        for key in ("SAMLRequest", "RelayState", "SigAlg", "Signature")
        if key in request.GET
    }
    if "SAMLRequest" not in query:
        return HttpResponseBadRequest("SAMLRequest missing")
    try:
        _trust_on_first_use(idp, SamlIdP.request_issuer(query["SAMLRequest"]))
        answer = idp.respond_to(
            query,
            request.user.username,
            attributes={"mail": [request.user.email]} if request.user.email else {},
            authn_class=NSIS_SUBSTANTIAL if request.user.last_name == MFA_MARK else PASSWORD,
        )
    except Exception as exc:
        logger.exception("SAML request refused")
        return HttpResponseBadRequest(f"SAML request refused: {exc}")
    return render(request, "devidp/post.html", {"answer": answer})


def saml_slo(request):
    """Single logout started by the SP: checks its signed LogoutRequest, ends this IdP's
    session and sends the browser back with a signed LogoutResponse."""
    query = {
        key: request.GET[key]
        for key in ("SAMLRequest", "RelayState", "SigAlg", "Signature")
        if key in request.GET
    }
    if "SAMLRequest" not in query:
        return HttpResponseBadRequest("SAMLRequest missing")
    try:
        _name_id, location = logout_answer(saml_idp(), query)
    except Exception as exc:
        logger.exception("SAML logout request refused")
        return HttpResponseBadRequest(f"SAML logout request refused: {exc}")
    logout(request)
    return redirect(location)
