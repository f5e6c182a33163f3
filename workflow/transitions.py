"""From a transition's input (the API's or a page's) to the one service of that transition."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from plans.models import WorkItem
from workflow.errors import InvalidInput
from workflow.models import TransitionName
from workflow.services import Outcome, item_avvia, item_concludi, item_riapri, item_rinvia, item_riprendi

# The fields each transition takes besides the comment; anything else sent with it is a mistake.
FIELDS: dict[str, tuple[str, ...]] = {
    TransitionName.AVVIA: (),
    TransitionName.CONCLUDI: ("actual_end",),
    TransitionName.RINVIA: ("reason", "new_planned_end"),
    TransitionName.RIPRENDI: (),
    TransitionName.RIAPRI: ("reason",),
}
OPTIONAL = ("reason", "new_planned_end", "actual_end")


def run_transition(actor: Any, item: WorkItem, data: dict[str, Any]) -> Outcome:
    name = TransitionName(data["transition"])
    extra = [field for field in OPTIONAL if data.get(field) and field not in FIELDS[name]]
    if extra:
        message = _("«%(transition)s» non usa questo campo: toglilo dalla richiesta.") % {"transition": name.label}
        raise InvalidInput(message, fields={field: [message] for field in extra})
    comment = data.get("comment", "")
    if name == TransitionName.AVVIA:
        return item_avvia(actor=actor, item=item, comment=comment)
    if name == TransitionName.CONCLUDI:
        return item_concludi(actor=actor, item=item, actual_end=data.get("actual_end"), comment=comment)
    if name == TransitionName.RINVIA:
        return item_rinvia(
            actor=actor,
            item=item,
            reason=data.get("reason", ""),
            new_planned_end=data.get("new_planned_end"),
            comment=comment,
        )
    if name == TransitionName.RIPRENDI:
        return item_riprendi(actor=actor, item=item, comment=comment)
    return item_riapri(actor=actor, item=item, reason=data.get("reason", ""), comment=comment)
