"""SAML 2.0 settings of a kommune's IdP for allauth (python3-saml underneath: it checks the XML
signatures, audience, destination, InResponseTo and validity times; none of that is ours), the
IdP metadata parsed into fields."""

from __future__ import annotations

from django.conf import settings


def saml_settings(idp) -> dict:
    if idp.saml_metadata_url and not idp.saml_x509cert:
        idp_config = {
            "metadata_url": idp.saml_metadata_url,
            "entity_id": idp.saml_entity_id,
            # Fetched metadata is kept 15 minutes (allauth: 4 hours), so a new IdP certificate
            # is picked up soon after the IdP publishes it.
            "metadata_cache_timeout": 15 * 60,
        }
    else:
        idp_config = {
            "entity_id": idp.saml_entity_id,
            "sso_url": idp.saml_sso_url,
            "x509cert": idp.saml_x509cert,
        }
        if idp.saml_slo_url:
            idp_config["slo_url"] = idp.saml_slo_url
    return {
        "idp": idp_config,
        "advanced": {
            "strict": True,
            "x509cert": idp.sp_certificate,
            "private_key": idp.sp_private_key,
            "authn_request_signed": idp.saml_sign_requests and bool(idp.sp_private_key),
            "logout_request_signed": bool(idp.sp_private_key),
            "logout_response_signed": bool(idp.sp_private_key),
            # Every assertion must carry the IdP's signature: an unsigned one is refused even
            # when the response around it is signed.
            "want_assertion_signed": True,
            "want_attribute_statement": False,
            "reject_idp_initiated_sso": True,
            "reject_deprecated_algorithm": True,
            # "localhost" and "testserver" in development and tests; real hosts have dots.
            "allow_single_label_domains": settings.SAML_ALLOW_SINGLE_LABEL_DOMAINS,
        },
    }


def parse_idp_metadata(xml: str) -> dict:
    """entity id, SSO and SLO addresses and signing certificate from an IdP's metadata XML.
    Raises ValueError when the XML holds no usable IdP."""
    from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

    try:
        parsed = OneLogin_Saml2_IdPMetadataParser.parse(xml.encode())
    except Exception as exc:
        raise ValueError(str(exc)) from exc
    idp = parsed.get("idp") or {}
    cert = idp.get("x509cert") or next(
        iter((idp.get("x509certMulti") or {}).get("signing") or []), ""
    )
    result = {
        "saml_entity_id": idp.get("entityId", ""),
        "saml_sso_url": (idp.get("singleSignOnService") or {}).get("url", ""),
        "saml_slo_url": (idp.get("singleLogoutService") or {}).get("url", ""),
        "saml_x509cert": cert,
    }
    if not result["saml_entity_id"] or not result["saml_sso_url"] or not cert:
        raise ValueError("no IdP entity id, SSO address or signing certificate")
    return result
