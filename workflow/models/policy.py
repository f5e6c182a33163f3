"""Who must approve each transition: the approval policy, per organization, with sensible defaults."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from plans.models import Organization


class TargetKind(models.TextChoices):
    ACTIVITY = "activity", _("attività")
    OBJECTIVE = "objective", _("obiettivo")
    PLAN = "plan", _("piano")


class TransitionName(models.TextChoices):
    AVVIA = "avvia", _("avvia")
    CONCLUDI = "concludi", _("concludi")
    RINVIA = "rinvia", _("rinvia")
    RIPRENDI = "riprendi", _("riprendi")
    RIAPRI = "riapri", _("riapri")


class PlanTransition(models.TextChoices):
    """The plan's steps an organization may put under an approval chain (workflow.services.plan_lifecycle). The
    OIV's validation and the superuser's reopening have rules of their own and no chain."""

    ADOPT = "adopt", _("adotta il piano")
    START = "start", _("avvia l'esecuzione")
    CLOSE = "close", _("chiudi l'anno")


# How Italian text names what a request asks, as a noun ("Richiesta di rinvio") and with its article ("chiede il
# rinvio"): a transition's code is a verb, and reads wrong inside a sentence ("chiede di «rinvia»").
TRANSITION_NOUNS: dict[str, tuple[Promise, Promise]] = {
    TransitionName.AVVIA: (_("avvio"), _("l'avvio")),
    TransitionName.CONCLUDI: (_("conclusione"), _("la conclusione")),
    TransitionName.RINVIA: (_("rinvio"), _("il rinvio")),
    TransitionName.RIPRENDI: (_("ripresa"), _("la ripresa")),
    TransitionName.RIAPRI: (_("riapertura"), _("la riapertura")),
    PlanTransition.ADOPT: (_("adozione del piano"), _("l'adozione del piano")),
    PlanTransition.START: (_("avvio dell'esecuzione"), _("l'avvio dell'esecuzione")),
    PlanTransition.CLOSE: (_("chiusura dell'anno"), _("la chiusura dell'anno")),
    "rimodula": (_("rimodulazione"), _("la rimodulazione")),
}

# What a request or a policy row may name: a work item's transition or a plan's step.
TRANSITION_CHOICES = [*TransitionName.choices, *PlanTransition.choices]


class Step(models.TextChoices):
    AREA_HEAD = "area_head", _("responsabile d'area")
    DIRECTOR = "director", _("direttore")


class Chain(models.TextChoices):
    NONE = "none", _("nessuna approvazione")
    AREA_HEAD = "area_head", _("responsabile d'area")
    DIRECTOR = "director", _("direttore")
    AREA_HEAD_THEN_DIRECTOR = "area_head_director", _("responsabile d'area, poi direttore")

    @property
    def steps(self) -> tuple[Step, ...]:
        return {
            Chain.NONE: (),
            Chain.AREA_HEAD: (Step.AREA_HEAD,),
            Chain.DIRECTOR: (Step.DIRECTOR,),
            Chain.AREA_HEAD_THEN_DIRECTOR: (Step.AREA_HEAD, Step.DIRECTOR),
        }[self]


DEFAULT_CHAINS: dict[tuple[TargetKind, str], Chain] = {
    (TargetKind.ACTIVITY, TransitionName.AVVIA): Chain.NONE,
    (TargetKind.ACTIVITY, TransitionName.CONCLUDI): Chain.AREA_HEAD,
    (TargetKind.ACTIVITY, TransitionName.RINVIA): Chain.AREA_HEAD_THEN_DIRECTOR,
    (TargetKind.ACTIVITY, TransitionName.RIPRENDI): Chain.AREA_HEAD,
    (TargetKind.ACTIVITY, TransitionName.RIAPRI): Chain.DIRECTOR,
    (TargetKind.OBJECTIVE, TransitionName.AVVIA): Chain.AREA_HEAD,
    (TargetKind.OBJECTIVE, TransitionName.CONCLUDI): Chain.AREA_HEAD_THEN_DIRECTOR,
    (TargetKind.OBJECTIVE, TransitionName.RINVIA): Chain.AREA_HEAD_THEN_DIRECTOR,
    (TargetKind.OBJECTIVE, TransitionName.RIPRENDI): Chain.AREA_HEAD,
    (TargetKind.OBJECTIVE, TransitionName.RIAPRI): Chain.DIRECTOR,
    # The director adopts, starts and closes the plan himself: no approval unless the body asks for one.
    (TargetKind.PLAN, PlanTransition.ADOPT): Chain.NONE,
    (TargetKind.PLAN, PlanTransition.START): Chain.NONE,
    (TargetKind.PLAN, PlanTransition.CLOSE): Chain.NONE,
}

# The chains a plan's step may have: none, or another director of the body (the one who asks is a director, and
# never approves his own request: workflow.separation.approved_with_request). An area head has no say on a plan.
PLAN_CHAINS = (Chain.NONE, Chain.DIRECTOR)

# What an organization may not delegate away: postponing or closing an objective needs the director, and
# reopening anything is the director's alone.
DIRECTOR_RESERVED = {
    (TargetKind.OBJECTIVE, TransitionName.CONCLUDI),
    (TargetKind.OBJECTIVE, TransitionName.RINVIA),
    (TargetKind.ACTIVITY, TransitionName.RIAPRI),
    (TargetKind.OBJECTIVE, TransitionName.RIAPRI),
}


class ApprovalPolicy(models.Model):
    """An organization's own chain for one transition of one kind of item; without a row the default holds."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="approval_policies")
    target_kind = models.CharField(_("oggetto"), max_length=10, choices=TargetKind.choices)
    transition = models.CharField(_("transizione"), max_length=10, choices=TRANSITION_CHOICES)
    chain = models.CharField(_("approvazioni richieste"), max_length=20, choices=Chain.choices)

    class Meta:
        verbose_name = _("regola di approvazione")
        verbose_name_plural = _("regole di approvazione")
        ordering = ["organization", "target_kind", "transition"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "target_kind", "transition"], name="unique_policy"),
        ]

    def __str__(self) -> str:
        return f"{self.get_target_kind_display()} · {self.transition}: {self.get_chain_display()}"

    def clean(self) -> None:
        if self.target_kind == TargetKind.PLAN:
            self._clean_plan_step()
            return
        if self.transition not in TransitionName.values:
            raise ValidationError(
                {"transition": _("Questa transizione riguarda il piano: scegli come oggetto «piano».")}
            )
        key = (TargetKind(self.target_kind), TransitionName(self.transition))
        if key in DIRECTOR_RESERVED and Step.DIRECTOR not in Chain(self.chain).steps:
            raise ValidationError(
                {"chain": _("Questa transizione è riservata al direttore: scegli una catena che lo comprenda.")}
            )
        if key[1] == TransitionName.RIAPRI and self.chain != Chain.DIRECTOR:
            raise ValidationError({"chain": _("La riapertura spetta al solo direttore.")})

    def _clean_plan_step(self) -> None:
        if self.transition not in PlanTransition.values:
            raise ValidationError(
                {"transition": _("Per un piano si regolano solo l'adozione, l'avvio dell'esecuzione e la chiusura.")}
            )
        if self.chain not in PLAN_CHAINS:
            raise ValidationError(
                {
                    "chain": _(
                        "Un passo del piano lo approva, se serve, un altro direttore dell'ente: scegli «nessuna "
                        "approvazione» o «direttore»."
                    )
                }
            )


class AreaHeadSubstitutes(models.TextChoices):
    """Who may stand in for an absent area head."""

    HEADS_OR_DIRECTOR = "heads_or_director", _("un altro responsabile d'area o il direttore")
    DIRECTOR = "director", _("solo il direttore")
    WITH_AREA_STAFF = "with_area_staff", _("un altro responsabile d'area, il direttore o il personale delle sue aree")


class DirectorSubstitutes(models.TextChoices):
    """Who may stand in for an absent director."""

    AREA_HEADS = "area_heads", _("un responsabile d'area")
    NOBODY = "nobody", _("nessuno: il direttore non si fa sostituire")


class SeparationPolicy(models.Model):
    """An organization's separation of duties: who may stand in for whom, and whether the director may also
    decide the area-head step of a request. At most one row per organization; without a row the defaults
    of the fields hold (read through `workflow.separation.separation_policy`)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="separation_policy", verbose_name=_("ente")
    )
    area_head_substitutes = models.CharField(
        _("chi può sostituire un responsabile d'area"),
        max_length=20,
        choices=AreaHeadSubstitutes.choices,
        default=AreaHeadSubstitutes.HEADS_OR_DIRECTOR,
    )
    director_substitutes = models.CharField(
        _("chi può sostituire il direttore"),
        max_length=20,
        choices=DirectorSubstitutes.choices,
        default=DirectorSubstitutes.AREA_HEADS,
    )
    director_covers_area_head = models.BooleanField(
        _("il direttore copre il responsabile d'area"),
        default=False,
        help_text=_(
            "Se attivo, il direttore che è anche responsabile dell'area di un elemento, o che copre un'area "
            "senza responsabile, decide sia il passo del responsabile d'area sia il proprio. Se non attivo, "
            "il passo del direttore spetta a un'altra persona (un altro direttore o il suo sostituto)."
        ),
    )

    measurements_need_confirmation = models.BooleanField(
        _("i valori degli indicatori vanno confermati"),
        default=False,
        help_text=_(
            "Se attivo, ogni valore consuntivo registrato resta «da confermare» finché il responsabile d'area "
            "dell'obiettivo o il direttore non lo conferma; nessuno conferma un valore che ha registrato lui stesso."
        ),
    )

    class Meta:
        verbose_name = _("separazione dei compiti")
        verbose_name_plural = _("separazione dei compiti")
        ordering = ["organization"]

    def __str__(self) -> str:
        return str(self.organization)
