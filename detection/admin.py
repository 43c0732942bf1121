"""The admin: results are written by the analysis task, the live camera and the alert rule, so
their records are view-only here (no SAVE), with timelines, probabilities and scores formatted
for people rather than shown as raw JSON and long floats.

Django imports this module; each concern keeps its own admin beside its code, and importing
them here registers them.
"""

from detection.alerts import admin as alert_admin  # noqa: F401
from detection.analyses import admin as analysis_admin  # noqa: F401
from detection.live import admin as live_admin  # noqa: F401
from detection.videos import admin as video_admin  # noqa: F401
