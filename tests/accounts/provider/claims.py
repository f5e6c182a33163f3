"""The fiscal number as an Italian provider gives it (SPID and CIE: «TINIT-» and the codice fiscale), under the
scope `fiscal_number`: django-oidc-provider tells only claims of the scopes asked."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from oidc_provider.lib.claims import ScopeClaims


class FiscalNumberClaims(ScopeClaims):
    info_fiscal_number = ("Codice fiscale", "Il codice fiscale della persona.")

    def scope_fiscal_number(self) -> dict[str, Any]:
        claims = getattr(settings, "PEOPLE")[self.user.username]["claims"]  # noqa: B009  # the provider's own setting
        return {"fiscal_number": claims["fiscal_number"]} if "fiscal_number" in claims else {}
