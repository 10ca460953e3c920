"""The SAML provider as the kommuner use it: allauth's, with what the login adapter needs beyond
the attributes — the assertion's id and expiry (so an assertion is accepted once) and the
AuthnContextClassRef (so an IdP's second factor can count as ours). Registered in place of
allauth's through SOCIALACCOUNT_PROVIDERS["saml"]["provider_class"]."""

from __future__ import annotations

from allauth.socialaccount.providers.saml.provider import SAMLProvider

# Keys added to the SAML attributes in SocialAccount.extra_data: no IdP attribute name starts
# with an underscore.
ASSERTION_ID = "_assertion_id"
NOT_ON_OR_AFTER = "_not_on_or_after"
AUTHN_CONTEXTS = "_authn_contexts"
NAME_ID = "_name_id"
NAME_ID_FORMAT = "_name_id_format"
SESSION_INDEX = "_session_index"


class KommuneSAMLProvider(SAMLProvider):
    # allauth imports "<package>.urls" for a provider's URLs: those of allauth's SAML views.
    package = "allauth.socialaccount.providers.saml"

    def extract_extra_data(self, data):
        extra = dict(data.get_attributes())
        extra[ASSERTION_ID] = data.get_last_assertion_id()
        extra[NOT_ON_OR_AFTER] = data.get_last_assertion_not_on_or_after()
        extra[AUTHN_CONTEXTS] = list(data.get_last_authn_contexts() or [])
        # For the LogoutRequest at logout (single logout at the IdP).
        extra[NAME_ID] = data.get_nameid()
        extra[NAME_ID_FORMAT] = data.get_nameid_format()
        extra[SESSION_INDEX] = data.get_session_index()
        return extra
