"""Download of the OIV's validation document (PDF or DOCX), for the OIV and the director of the body."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from reports.validation_document import CONTENT_TYPES, filename, render_validation_document, validation_section
from reports.views import not_found, plan_not_found, visible_plan
from workflow.services.validation import can_read, validations_of


@require_safe
@login_required
def validation_document(request: HttpRequest, plan_id: int, validation_id: int, fmt: str) -> HttpResponse:
    plan = visible_plan(request, plan_id)
    if plan is None or not can_read(request.user, plan):
        return plan_not_found(request)
    validation = validations_of(plan).exclude(outcome="").filter(pk=validation_id).first()
    if validation is None:
        return not_found(request, _("Validazione non trovata tra gli esiti registrati del piano."), plan)
    if fmt not in CONTENT_TYPES:
        message = _("Il formato «%(format)s» non è disponibile. Formati disponibili: %(known)s.")
        return not_found(request, message % {"format": fmt, "known": ", ".join(CONTENT_TYPES)}, plan)
    return HttpResponse(
        render_validation_document(validation, fmt),
        content_type=CONTENT_TYPES[fmt],
        headers={
            "Content-Disposition": content_disposition_header(True, filename(validation_section(validation), fmt))
        },
    )
