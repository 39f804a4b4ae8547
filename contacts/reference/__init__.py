"""INTERPOL reference data: regions, bureaus, countries, NCBs and languages.

`data` holds the facts as Python data (sources and assumptions in its docstring), `loader`
puts them into the database: `reference_data_load()`, or `manage.py load_reference_data`.
"""

from contacts.reference.loader import (
    ReferenceDataReport,
    reference_data_load,
    reference_data_version,
)

__all__ = ["ReferenceDataReport", "reference_data_load", "reference_data_version"]
