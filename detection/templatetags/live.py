"""Template helpers for live sessions."""

from django import template

from detection.live.selectors import live_session_duration
from detection.models import LiveSession

register = template.Library()


@register.filter
def duration(session: LiveSession) -> str:
    """How long a live session ran, e.g. "1 min 05 s"."""
    return live_session_duration(session)
