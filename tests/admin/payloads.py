"""What the admin's forms would post: built from an existing row through the admin's own form, so that the
attack posts exactly what a browser would."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import Model
from django.test import RequestFactory
from django.urls import reverse


def admin_request(user: User) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def admin_url(model: type[Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def object_id(obj: Model) -> Any:
    """The id in the row's admin address."""
    return obj.pk


def _posted(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def add_payload(model_admin: admin.ModelAdmin[Any], operator: User, row: Model, **changes: Any) -> dict[str, Any]:
    """The add form of `model_admin` filled with `row`'s values (the form the platform operator sees),
    then `changes`; inlines empty."""
    request = admin_request(operator)
    form = model_admin.get_form(request, None, change=False)(instance=row)
    data: dict[str, Any] = {"_save": "Salva"}
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        if isinstance(value, dt.datetime):  # the admin splits date and time
            data[f"{field.html_name}_0"], data[f"{field.html_name}_1"] = (
                value.date().isoformat(),
                value.strftime("%H:%M"),
            )
            continue
        data[field.html_name] = "on" if value is True else _posted(value)
    for formset, _inline in model_admin.get_formsets_with_inlines(request):
        prefix = formset.get_default_prefix()
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | {name: _posted(value) for name, value in changes.items()}
