"""The browsable API's forms show what an operation reads.

DRF fills a view's HTML and raw JSON forms from `get_serializer()`, the serializer of the view's answers: the form
of «transitions» offered the 19 fields of an activity, and since a body may not name a field the operation does not
take (api.serializers.inputs), posting it back as offered was refused. A viewset names each writing action's input
serializer in `input_serializers`; the forms of those actions are drawn from it. The actions themselves read their
bodies with their input serializers explicitly, and every answer is serialized explicitly too, so this changes
only what the forms offer.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework.serializers import BaseSerializer

WRITING = ("POST", "PUT", "PATCH")


class InputForms:
    input_serializers: ClassVar[dict[str, type[BaseSerializer[Any]]]] = {}

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        request = getattr(self, "request", None)
        action = getattr(self, "action", None)
        if request is not None and request.method in WRITING and action in self.input_serializers:
            return self.input_serializers[action]
        return super().get_serializer_class()  # type: ignore[misc]
