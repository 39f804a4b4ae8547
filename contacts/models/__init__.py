from .directory import ContactPoint, Language
from .geography import Country, NationalCentralBureau, Region, SubRegionalBureau
from .keys import NCBPublicKey
from .people import ApiToken, Notification, Officer
from .reference import ReferenceDataLoad

__all__ = [
    "ApiToken",
    "ContactPoint",
    "Country",
    "Language",
    "NCBPublicKey",
    "NationalCentralBureau",
    "Notification",
    "Officer",
    "ReferenceDataLoad",
    "Region",
    "SubRegionalBureau",
]
