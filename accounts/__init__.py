"""Signing in: single sign-on with the body's OpenID Connect provider, the second factor (TOTP) and the fiscal code
that matches a person to the identity the provider asserts."""
