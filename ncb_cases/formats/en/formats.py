# The interface's English is international, not American: officers of every NCB read it, and
# 03/04/2026 means a different day on each side of the Atlantic. ISO 8601 is unambiguous.
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
