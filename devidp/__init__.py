"""The development identity provider (see devidp/settings.py)."""

# The product's OpenID Connect client at the development IdP: fixed, for the demo and the tests.
CLIENT_ID = "medorg-demo"
CLIENT_SECRET = "demo-secret-never-in-production"
