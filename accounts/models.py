from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from stdnum.exceptions import ValidationError as InvalidNumber
from stdnum.it import codicefiscale


def validate_fiscal_code(value: str) -> None:
    """A person's codice fiscale: 16 characters whose last one checks the others (omocodia included)."""
    if len(value) != 16:
        raise ValidationError(
            ngettext(
                "«%(value)s» non è un codice fiscale di persona: ha %(length)d carattere, ne servono 16.",
                "«%(value)s» non è un codice fiscale di persona: ha %(length)d caratteri, ne servono 16.",
                len(value),
            ),
            params={"value": value, "length": len(value)},
        )
    try:
        codicefiscale.validate(value)
    except InvalidNumber:
        raise ValidationError(
            _("«%(value)s» non è un codice fiscale valido: controlla le lettere e le cifre, anche l'ultima."),
            params={"value": value},
        ) from None


class FiscalCode(models.Model):
    """The codice fiscale of a person, the identifier SPID, CIE and the bodies' identity providers assert: single
    sign-on recognizes the person by it first, then by the e-mail address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fiscal_code", verbose_name=_("persona")
    )
    code = models.CharField(
        _("codice fiscale"),
        max_length=16,
        unique=True,
        validators=[validate_fiscal_code],
        help_text=_("Sedici caratteri, ad esempio RSSMRA80A01H501U."),
    )

    class Meta:
        verbose_name = _("codice fiscale")
        verbose_name_plural = _("codici fiscali")

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        self.code = normalized_fiscal_code(self.code)


def normalized_fiscal_code(value: str) -> str:
    """As written by people and providers: upper case, no spaces, without the «TINIT-» prefix of SPID and CIE."""
    code = "".join(value.split()).upper()
    return code.removeprefix("TINIT-")
