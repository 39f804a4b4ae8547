"""Date formats of our own where Django's locale defaults do not suit (FORMAT_MODULE_PATH).

Templates show dates with `date:"SHORT_DATE_FORMAT"` / `date:"SHORT_DATETIME_FORMAT"`, so each
language gets its own order; only the formats below differ from Django's.
"""
