"""Form widgets of the pages. The dashboard's filters are on every view of the dashboard, and Django renders
each option of a select through two templates of its own (select_option.html, attrs.html: about a tenth of the
dashboard's CPU): this select writes the same HTML from one template, its options inline."""

from __future__ import annotations

from django import forms


class QuickSelect(forms.Select):
    template_name = "web/widgets/select.html"
