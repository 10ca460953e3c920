"""The ID token and userinfo claims of the development OpenID provider: the identity typed on
its login page as `sub`, `email` and `employee_number`, and `amr` saying whether the user
claimed a second factor there."""

from __future__ import annotations

from oauth2_provider.oauth2_validators import OAuth2Validator

# The login page keeps "used a second factor" on the user: the dev IdP has no model of its own.
MFA_MARK = "mfa"


class ClaimsValidator(OAuth2Validator):
    # Every claim goes out whatever scopes were asked (a kommune's IdP is configured the same).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "employee_number": user.username,
            "name": user.first_name or user.username,
            "amr": ["pwd", "mfa"] if user.last_name == MFA_MARK else ["pwd"],
        }
