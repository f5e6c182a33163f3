"""web.widgets.QuickSelect writes the HTML Django's own Select writes, escaping included."""

from __future__ import annotations

from django import forms

from web.widgets import QuickSelect

CHOICES = [
    ("", "Tutte"),
    (1, "Servizi <sociali> & famiglie"),
    ('Gruppo "B"', [(2, "Servizi tecnici"), (3, "Area 'amministrativa'")]),
]


def test_the_html_is_djangos_own_for_every_option_and_attribute() -> None:
    attrs = {"class": "form-select", "required": True, "disabled": False, "aria-describedby": 'x"y'}
    for value in (None, "", 1, "2", [3]):
        expected = forms.Select(choices=CHOICES).render("area", value, attrs=attrs)
        assert QuickSelect(choices=CHOICES).render("area", value, attrs=attrs) == expected
    selected = QuickSelect(choices=CHOICES).render("area", 2)
    assert '<option value="2" selected>Servizi tecnici</option>' in selected
    assert "Servizi &lt;sociali&gt; &amp; famiglie" in selected and 'label="Gruppo &quot;B&quot;"' in selected
