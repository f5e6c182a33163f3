from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse

from plans.importing.template import template_workbook
from plans.importing.validation import SCHEMA_PATH


def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        template_workbook(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="traguardi-modello-piano.xlsx"'
    return response


def plan_schema(request: HttpRequest) -> FileResponse:
    return FileResponse(SCHEMA_PATH.open("rb"), content_type="application/schema+json")
