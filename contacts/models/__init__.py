from .directory import ContactPoint, Language
from .geography import Country, NationalCentralBureau, Region, SubRegionalBureau
from .people import ApiToken, Notification, Officer

__all__ = [
    "ApiToken",
    "ContactPoint",
    "Country",
    "Language",
    "NationalCentralBureau",
    "Notification",
    "Officer",
    "Region",
    "SubRegionalBureau",
]
