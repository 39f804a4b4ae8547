from .directory import ContactPoint, Language
from .geography import Country, NationalCentralBureau, Region, SubRegionalBureau
from .keys import NCBPublicKey
from .legislation import CountryLegislation
from .people import ApiToken, Notification, Officer
from .reference import ReferenceDataLoad
from .support import SupportOrganisation

__all__ = [
    "ApiToken",
    "ContactPoint",
    "Country",
    "CountryLegislation",
    "Language",
    "NCBPublicKey",
    "NationalCentralBureau",
    "Notification",
    "Officer",
    "ReferenceDataLoad",
    "Region",
    "SubRegionalBureau",
    "SupportOrganisation",
]
