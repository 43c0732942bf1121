"""``{% load presentation %}``: the stress unit and level, and the uncertain state, in
templates (see detection/core/presentation.py)."""

from django import template

from detection.core import presentation
from ml.emotions import stress_level as ml_stress_level

register = template.Library()


@register.filter
def stress_percent(score: float | None) -> str:
    return presentation.stress_percent(score)


@register.filter
def stress_level(score: float | None) -> str:
    return "" if score is None else ml_stress_level(score)


@register.filter
def uncertain(confidence: float | None) -> bool:
    return presentation.is_uncertain(confidence)


@register.filter
def percent(value: float | None) -> str:
    """A probability or share as a whole percentage."""
    return "–" if value is None else f"{round(value * 100)}%"
