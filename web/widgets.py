"""Form widgets rendered in Python where Django's templates cost too much: the dashboard's filters are on every
view of the dashboard, and Django renders each option of a select through templates of its own (about a tenth
of the dashboard's CPU). The HTML is that of Django's select.html, select_option.html and attrs.html."""

from __future__ import annotations

import html
from typing import Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict[str, Any]) -> str:
    """As attrs.html: `True` is a bare attribute, `False` none, anything else name="value"."""
    return "".join(
        f" {html.escape(name)}" if value is True else f' {html.escape(name)}="{html.escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{html.escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                value_text = html.escape(str(option["value"]))
                label = conditional_escape(option["label"])
                parts.append(f'\n  <option value="{value_text}"{_attrs(option["attrs"])}>{label}</option>\n')
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every value escaped above
