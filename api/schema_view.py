"""The schema's view: drf-spectacular's, serving each rendering of the cached schema (api.schema) as first rendered."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api.schema import CachedSchemaGenerator, rendered


class SchemaView(SpectacularAPIView):
    """drf-spectacular's schema view, serving each rendering of the cached schema as it was first rendered.

    With the schema cached, writing it as YAML was still most of a request (about 190 ms for a document of some
    hundreds of kB). The rendered bytes depend on the language, the format and the version alone, so they are kept
    per process beside the schema. The parameters that pick them are checked first: a language or a version the
    API does not have is a 400 (before, each new `?lang=` or `?version=` generated and kept another schema)."""

    generator_class = CachedSchemaGenerator

    @extend_schema(exclude=True)  # as drf-spectacular's own view, with SERVE_INCLUDE_SCHEMA off
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        _check_choices(request)
        kept = rendered.get(_rendering(request))
        if kept is not None:
            content, headers = kept
            return HttpResponse(content, headers=headers)
        response: HttpResponse = super().get(request, *args, **kwargs)
        return response

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and response.status_code == 200 and request.method == "GET":
            response.render()
            rendered[_rendering(request)] = (response.content, dict(response.items()))
        return response


def _check_choices(request: Request) -> None:
    languages = [code for code, _name in settings.LANGUAGES]
    lang = request.query_params.get("lang")
    if lang and lang not in languages:  # an empty value is no value, as drf-spectacular and the API's filters read it
        message = _("Lingua «%(lang)s» non disponibile: usa una tra %(choices)s, o togli il parametro.")
        raise ValidationError({"lang": [message % {"lang": lang, "choices": ", ".join(languages)}]})
    version = request.query_params.get("version")
    if version and version != spectacular_settings.VERSION:
        message = _("Versione «%(version)s» non disponibile: l'API ha solo la versione %(current)s.")
        raise ValidationError({"version": [message % {"version": version, "current": spectacular_settings.VERSION}]})


def _rendering(request: Request) -> tuple[str | None, str | None, str | None, str]:
    """What a rendered schema depends on: the language (the request's, or ?lang=), the version and the format."""
    media_type = getattr(request, "accepted_media_type", "")
    lang, version = request.query_params.get("lang") or None, request.query_params.get("version") or None
    return (get_language(), lang, version, media_type)
