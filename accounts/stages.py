"""allauth's MFA step at login, skipped when the kommune's IdP asserted a second factor and
the IdP is trusted for it (IdentityProvider.trust_idp_mfa)."""

from __future__ import annotations

from allauth.mfa.stages import AuthenticateStage as BaseAuthenticateStage

SESSION_IDP_MFA = "sso_idp_mfa"


class AuthenticateStage(BaseAuthenticateStage):
    def _should_handle(self, request) -> bool:
        if request.session.get(SESSION_IDP_MFA):
            return False
        return super()._should_handle(request)
