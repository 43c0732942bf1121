"""Dates and times as every page and chart writes them ("1 Dec 2026, 14:58"; 24-hour clock),
for what Django formats itself: the admin, and templates that use a named format."""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
