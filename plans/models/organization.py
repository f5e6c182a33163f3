from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def validate_month_day(value: str) -> None:
    """ "MM-GG", a day that exists in some year (02-29 does; 04-31 does not)."""
    month, _sep, day = value.partition("-")
    try:
        if not (len(month) == len(day) == 2 and (month + day).isascii() and (month + day).isdigit()):
            raise ValueError(value)
        dt.date(2024, int(month), int(day))  # 2024: a leap year
    except ValueError:
        raise ValidationError(
            _("«%(value)s» non è un giorno dell'anno nel formato MM-GG, ad esempio 06-24."), params={"value": value}
        ) from None


class Organization(models.Model):
    """The public body (ente): municipality, consortium, ASL, social-services district."""

    class Kind(models.TextChoices):
        COMUNE = "comune", _("Comune")
        CONSORZIO = "consorzio", _("Consorzio")
        UNIONE = "unione", _("Unione di comuni")
        ASL = "asl", _("Azienda sanitaria")
        AMBITO = "ambito", _("Ambito territoriale")
        ALTRO = "altro", _("Altro")

    slug = models.SlugField(_("identificativo"), unique=True)
    name = models.CharField(_("nome"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices, default=Kind.ALTRO)
    patron_saint_day = models.CharField(
        _("festa del santo patrono"),
        max_length=5,
        blank=True,
        validators=[validate_month_day],
        help_text=_("Nel formato MM-GG, ad esempio 06-24."),
    )

    class Meta:
        verbose_name = _("ente")
        verbose_name_plural = _("enti")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganizationRole(models.Model):
    """An organization-wide role. Area heads and staff are given by Area.head and Area.members."""

    class Role(models.TextChoices):
        DIRECTOR = "director", _("Direttore")
        AUDITOR = "auditor", _("Organismo di valutazione (OIV)")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organization_roles")
    role = models.CharField(_("ruolo"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("ruolo nell'ente")
        verbose_name_plural = _("ruoli nell'ente")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user", "role"], name="unique_organization_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organization}"


class Area(models.Model):
    """A responsibility centre (area, servizio, direzione) with one head and its staff."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("codice"), max_length=60)
    slug = models.SlugField(_("identificativo"), max_length=80)
    name = models.CharField(_("nome"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=60, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("area madre")
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_areas",
        verbose_name=_("responsabile"),
    )
    head_name = models.CharField(_("responsabile (come nel documento)"), max_length=200, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="member_areas", verbose_name=_("personale")
    )

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("aree")
        ordering = ["organization", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="unique_area_code"),
            models.UniqueConstraint(fields=["organization", "slug"], name="unique_area_slug"),
        ]

    def __str__(self) -> str:
        return self.name
