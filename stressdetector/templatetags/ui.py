"""Template helpers for rendering forms with Bootstrap classes, without a forms library."""

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()

CHECKBOX_WIDGETS = {"checkbox"}
SELECT_WIDGETS = {"select", "selectmultiple"}


@register.filter
def bootstrap_widget(field: BoundField) -> SafeString:
    """Render a field's widget with Bootstrap's classes; Django adds the aria attributes."""
    if field.widget_type in CHECKBOX_WIDGETS:
        css_class = "form-check-input"
    elif field.widget_type in SELECT_WIDGETS:
        css_class = "form-select"
    else:
        css_class = "form-control"
    if field.errors:
        css_class += " is-invalid"
    existing = field.field.widget.attrs.get("class")
    if existing:
        css_class = f"{existing} {css_class}"
    return field.as_widget(attrs={"class": css_class})
