"""A real SAML 2.0 identity provider: pysaml2's IdP side with its own key pair, signing with
xmlsec1 (Debian's package). It reads our SP's real AuthnRequest (HTTP-Redirect binding, signature
checked against the SP's metadata) and answers with a real signed Response for the POST binding.

The development IdP (devidp.views) serves it over HTTP for the demo and the browser tests; the
SSO tests (tests/test_accounts_sso.py) call it in-process, where `respond(...)` also builds what
an attacker or a broken IdP would send: unsigned, expired, for another audience, tampered after
signing."""

from __future__ import annotations

import base64
import shutil
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse
from xml.etree import ElementTree

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

from core.keys import make_keypair

XMLSEC = shutil.which("xmlsec1") or "/usr/bin/xmlsec1"
PASSWORD = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
NSIS_SUBSTANTIAL = "https://data.gov.dk/concept/core/nsis/loa/Substantial"


@dataclass
class Answer:
    acs_url: str
    saml_response: str  # base64, as the browser POSTs it
    relay_state: str

    def form(self) -> dict:
        return {"SAMLResponse": self.saml_response, "RelayState": self.relay_state}


class SamlIdP:
    def __init__(self, entity_id: str, sso_url: str, slo_url: str, key_dir: Path, name: str):
        self.dir = Path(key_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        if not (self.dir / "key.pem").exists():
            key, cert = make_keypair(f"Test IdP {name}")
            (self.dir / "key.pem").write_text(key)
            (self.dir / "cert.pem").write_text(cert)
        self.cert_pem = (self.dir / "cert.pem").read_text()
        self.entity_id = entity_id
        self.sso_url = sso_url
        self.slo_url = slo_url
        self.sp_metadata: list[str] = []
        self._server = None

    @staticmethod
    def request_issuer(saml_request: str) -> str:
        """The entity id of the SP that sent a Redirect-binding AuthnRequest (only read, to
        find its metadata; the request's signature is checked when it is parsed)."""
        xml = zlib.decompress(base64.b64decode(saml_request), -15)
        issuer = ElementTree.fromstring(xml).find("{urn:oasis:names:tc:SAML:2.0:assertion}Issuer")
        return (issuer.text or "").strip() if issuer is not None else ""

    def trust_sp(self, sp_metadata_xml: str) -> None:
        self.sp_metadata.append(sp_metadata_xml)
        self._server = None

    def config(self) -> IdPConfig:
        metadata_files = []
        for n, xml in enumerate(self.sp_metadata):
            path = self.dir / f"sp{n}.xml"
            path.write_text(xml)
            metadata_files.append(str(path))
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "xmlsec_binary": XMLSEC,
                "key_file": str(self.dir / "key.pem"),
                "cert_file": str(self.dir / "cert.pem"),
                "metadata": {"local": metadata_files},
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [(self.sso_url, BINDING_HTTP_REDIRECT)],
                            "single_logout_service": [(self.slo_url, BINDING_HTTP_REDIRECT)],
                        },
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                        "want_authn_requests_signed": True,
                        "policy": {"default": {"lifetime": {"minutes": 5}}},
                    }
                },
            }
        )
        return config

    @property
    def server(self) -> Server:
        if self._server is None:
            self._server = Server(config=self.config())
        return self._server

    def metadata_xml(self) -> str:
        return create_metadata_string(None, config=self.config(), valid=24)

    def respond(
        self,
        redirect_url: str,
        name_id: str,
        **kwargs,
    ) -> Answer:
        """The IdP's answer to the AuthnRequest in `redirect_url` (our SP's redirect to the
        IdP's SSO address), for the user `name_id`."""
        query = parse_qs(urlparse(redirect_url).query, keep_blank_values=True)
        return self.respond_to({key: values[0] for key, values in query.items()}, name_id, **kwargs)

    def respond_to(
        self,
        query: dict,
        name_id: str,
        *,
        attributes: dict | None = None,
        authn_class: str = PASSWORD,
        sign_assertion: bool = True,
        sign_response: bool = False,
        encrypt_for: str | None = None,
        audience: str | None = None,
    ) -> Answer:
        # The Redirect binding signs the query string: the IdP checks it with our SP's key.
        request = self.server.parse_authn_request(
            query["SAMLRequest"],
            BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query.get("SigAlg"),
            signature=query.get("Signature"),
        )
        message = request.message
        sp_entity_id = message.issuer.text
        acs_url = message.assertion_consumer_service_url
        response = self.server.create_authn_response(
            attributes or {},
            in_response_to=message.id,
            destination=acs_url,
            sp_entity_id=audience or sp_entity_id,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=name_id),
            authn={"class_ref": authn_class, "authn_auth": self.entity_id},
            sign_assertion=sign_assertion,
            sign_response=sign_response,
            sign_alg="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            digest_alg="http://www.w3.org/2001/04/xmlenc#sha256",
            # Encrypted for the SP's certificate (PEM) when asked: an EncryptedAssertion.
            encrypt_assertion=encrypt_for is not None,
            encrypt_assertion_self_contained=False,
            encrypt_cert_assertion=encrypt_for,
        )
        encoded = base64.b64encode(str(response).encode()).decode()
        return Answer(acs_url, encoded, query.get("RelayState") or "")


def logout_answer(idp: SamlIdP, query: dict) -> tuple[str, str]:
    """The IdP's side of single logout: checks the SP's signed LogoutRequest (Redirect
    binding) and answers with a signed LogoutResponse. Returns (the request's NameID, the
    address to send the browser to)."""
    request = idp.server.parse_logout_request(
        query["SAMLRequest"],
        BINDING_HTTP_REDIRECT,
        relay_state=query.get("RelayState"),
        sigalg=query.get("SigAlg"),
        signature=query.get("Signature"),
    )
    response = idp.server.create_logout_response(request.message, [BINDING_HTTP_REDIRECT])
    services = idp.server.metadata.single_logout_service(
        request.message.issuer.text, BINDING_HTTP_REDIRECT, "spsso"
    )
    destination = services[0]["location"]
    http = idp.server.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(response),
        destination,
        query.get("RelayState") or "",
        response=True,
        sigalg="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        sign=True,
    )
    location = dict(http["headers"])["Location"]
    return request.message.name_id.text, location


def tamper(answer: Answer, old: str, new: str) -> Answer:
    """The same answer with text changed after signing (e.g. another employee number)."""
    xml = base64.b64decode(answer.saml_response).decode()
    assert old in xml, old
    changed = xml.replace(old, new)
    return Answer(answer.acs_url, base64.b64encode(changed.encode()).decode(), answer.relay_state)


class TestIdP(SamlIdP):
    """An IdP for one test, with a key pair of its own in a temporary directory."""

    __test__ = False  # not a test class

    def __init__(self, base_url: str, name: str = "idp"):
        super().__init__(
            entity_id=f"{base_url}/{name}/metadata",
            sso_url=f"{base_url}/{name}/sso",
            slo_url=f"{base_url}/{name}/slo",
            key_dir=Path(tempfile.mkdtemp(prefix=f"saml-{name}-")),
            name=name,
        )


__all__ = [
    "BINDING_HTTP_POST",
    "NSIS_SUBSTANTIAL",
    "PASSWORD",
    "Answer",
    "TestIdP",
    "logout_answer",
    "tamper",
]
