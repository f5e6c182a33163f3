"""A ModelSerializer that reads its model once per class.

DRF builds a ModelSerializer's fields from the model's metadata for every instance: for the request
serializer (a person and a list of approvals nested) that is most of the cost of an answer. The fields
only depend on the class, so they are built once and each instance gets its own copy, as DRF itself does
for the declared fields.
"""

from __future__ import annotations

import copy
from typing import Any

from django.db.models import Model
from rest_framework import serializers

from api.serializers.text import TEXT_COLUMNS


class ModelSerializer[M: Model](serializers.ModelSerializer[M]):
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, **TEXT_COLUMNS}

    def get_fields(self) -> dict[str, Any]:
        cls = type(self)
        built: dict[str, Any] | None = cls.__dict__.get("_fields_built")
        if built is None:
            built = super().get_fields()
            cls._fields_built = built
        return copy.deepcopy(built)
