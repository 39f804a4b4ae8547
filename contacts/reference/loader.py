"""Loads the shipped reference data into the database: idempotent, versioned, in bulk.

The version in the database is the newest `ReferenceDataLoad`. Loading a version for the first
time (or with `force`) makes every row match the shipped data. Loading the version the database
already holds only adds what is missing, so that an administrator's corrections in Django admin
(a membership, a capital, an NCB's name) survive `make run` and later loads of that version.
Either way it compares first and writes only what differs, in a handful of bulk queries.
"""

from collections import Counter
from dataclasses import dataclass, field
from importlib.metadata import version as package_version
from typing import Any

import pycountry
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils import timezone

from contacts.models import (
    Country,
    Language,
    NationalCentralBureau,
    ReferenceDataLoad,
    Region,
    SubRegionalBureau,
)
from contacts.reference import data
from contacts.services import ncb_group_name


def reference_data_version() -> str:
    """The shipped data's version; pycountry's is part of it since countries come from there."""
    return f"{data.REFERENCE_DATA_VERSION}+pycountry.{package_version('pycountry')}"


@dataclass
class ReferenceDataReport:
    """What one load did, per model: rows created, updated, and left as an admin changed them."""

    version: str
    previous_version: str | None
    applied: bool
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated)

    def changes(self) -> dict[str, dict[str, int]]:
        labels = dict.fromkeys([*self.created, *self.updated])  # in the order loaded
        return {
            label: {"created": self.created[label], "updated": self.updated[label]}
            for label in labels
            if self.created[label] or self.updated[label]
        }

    def summary_lines(self) -> list[str]:
        if self.previous_version is None:
            lines = [f"Reference data {self.version}: first load."]
        elif self.previous_version != self.version:
            lines = [f"Reference data {self.version}: replaces {self.previous_version}."]
        elif self.applied:
            lines = [f"Reference data {self.version}: re-applied (--force)."]
        else:
            lines = [f"Reference data {self.version}: already loaded."]
        for label, counts in self.changes().items():
            lines.append(f"  {label}: {counts['created']} created, {counts['updated']} updated")
        if not self.changed:
            lines.append("  Nothing changed.")
        kept = sum(self.kept.values())
        if kept:
            lines.append(
                f"  {kept} rows differ from the shipped data and were kept as corrected "
                "(load_reference_data --force resets them)."
            )
        return lines


@dataclass(frozen=True)
class ShippedCountry:
    iso2: str
    iso3: str
    name: str
    region: str
    bureau: str | None
    capital: str
    is_member: bool


def shipped_countries() -> list[ShippedCountry]:
    """Every pycountry country plus the extras, with the INTERPOL facts of `data`."""
    region_of = {
        iso2: region for region, codes in data.COUNTRIES_BY_REGION.items() for iso2 in codes
    }
    bureau_of = {iso2: bureau for bureau, codes in data.BUREAU_COVERAGE.items() for iso2 in codes}
    entries = [
        (c.alpha_2, c.alpha_3, getattr(c, "common_name", None) or c.name)
        for c in pycountry.countries
    ]
    entries.extend(data.EXTRA_COUNTRIES)
    missing = sorted(iso2 for iso2, _iso3, _name in entries if iso2 not in region_of)
    if missing:
        # A newer pycountry added a code: say where to put it rather than guess a region.
        raise LookupError(
            f"No INTERPOL region for {', '.join(missing)}; add them to contacts/reference/data.py."
        )
    return [
        ShippedCountry(
            iso2=iso2,
            iso3=iso3,
            name=data.NAME_OVERRIDES.get(iso2, name),
            region=region_of[iso2],
            bureau=bureau_of.get(iso2),
            capital=data.CAPITALS.get(iso2, ""),
            is_member=iso2 in data.MEMBERS,
        )
        for iso2, iso3, name in entries
    ]


def shipped_languages() -> dict[str, str]:
    """ISO 639-1 code → English name, for every language that has a two-letter code."""
    return {
        language.alpha_2: getattr(language, "common_name", None) or language.name
        for language in pycountry.languages
        if hasattr(language, "alpha_2")
    }


def ncb_name(*, iso2: str, capital: str, country_name: str) -> str:
    return f"INTERPOL {data.NCB_SEATS.get(iso2) or capital or country_name}"


@transaction.atomic
def reference_data_load(*, force: bool = False) -> ReferenceDataReport:
    """Bring regions, bureaus, countries, languages and NCBs (with their groups) up to date.

    Idempotent: a second run with the same version writes nothing. Records the version in
    `ReferenceDataLoad` when it is new or the load changed rows. Never deletes: rows the data
    no longer names stay.
    """
    version = reference_data_version()
    latest = ReferenceDataLoad.objects.order_by("-loaded_at", "-pk").first()
    previous_version = latest.version if latest else None
    overwrite = force or previous_version != version
    report = ReferenceDataReport(
        version=version, previous_version=previous_version, applied=overwrite
    )
    sync = _Synchroniser(report=report, overwrite=overwrite)

    regions = sync(Region, key="code", rows={c: {"name": n} for c, n in data.REGIONS.items()})
    bureaus = sync(
        SubRegionalBureau,
        key="code",
        rows={
            code: {"name": name, "city": city, "region_id": regions[region].pk}
            for code, (name, city, region) in data.BUREAUS.items()
        },
    )
    countries = sync(
        Country,
        key="iso2",
        rows={
            c.iso2: {
                "iso3": c.iso3,
                "name": c.name,
                "region_id": regions[c.region].pk,
                "sub_regional_bureau_id": bureaus[c.bureau].pk if c.bureau else None,
                "capital": c.capital,
                "is_member": c.is_member,
            }
            for c in shipped_countries()
        },
    )
    sync(
        Language,
        key="code",
        rows={code: {"name": name} for code, name in shipped_languages().items()},
    )
    # Members as the database has them, so that a membership corrected in admin gets its NCB.
    sync(
        NationalCentralBureau,
        key="country_id",
        rows={
            country.pk: {
                "code": country.iso2,
                "name": ncb_name(
                    iso2=country.iso2, capital=country.capital, country_name=country.name
                ),
            }
            for country in countries.values()
            if country.is_member
        },
    )
    _ensure_ncb_groups(report)

    if previous_version != version or report.changed:
        ReferenceDataLoad.objects.create(version=version, changes=report.changes())
    return report


class _Synchroniser:
    """Compares shipped rows with the table by a key; creates and updates in bulk."""

    def __init__(self, *, report: ReferenceDataReport, overwrite: bool) -> None:
        self.report = report
        self.overwrite = overwrite
        self.now = timezone.now()

    def __call__(
        self, model: type[models.Model], *, key: str, rows: dict[Any, dict[str, Any]]
    ) -> dict[Any, models.Model]:
        label = model._meta.object_name
        lookup = f"{key}__in"
        existing = {getattr(obj, key): obj for obj in model.objects.filter(**{lookup: list(rows)})}
        to_create = [model(**{key: k}, **v) for k, v in rows.items() if k not in existing]
        to_update: list[models.Model] = []
        fields: set[str] = set()
        for k, obj in existing.items():
            differing = {f: v for f, v in rows[k].items() if getattr(obj, f) != v}
            if not differing:
                continue
            if not self.overwrite:
                self.report.kept[label] += 1
                continue
            for name, value in differing.items():
                setattr(obj, name, value)
            fields.update(differing)
            to_update.append(obj)

        # Field checks only (lengths, choices): relations come from rows just loaded, and
        # uniqueness is the key being compared, so per-row validation queries are not needed.
        relations = [f.name for f in model._meta.fields if f.is_relation]
        for obj in [*to_create, *to_update]:
            obj.clean_fields(exclude=relations)
        if to_create:
            model.objects.bulk_create(to_create)
            created_keys = [getattr(obj, key) for obj in to_create]
            existing.update(
                {getattr(o, key): o for o in model.objects.filter(**{lookup: created_keys})}
            )
        if to_update:
            if any(f.name == "updated_at" for f in model._meta.fields):
                # bulk_update does not run auto_now.
                for obj in to_update:
                    obj.updated_at = self.now
                fields.add("updated_at")
            model.objects.bulk_update(to_update, sorted(fields))
        self.report.created[label] += len(to_create)
        self.report.updated[label] += len(to_update)
        return existing


def _ensure_ncb_groups(report: ReferenceDataReport) -> None:
    """Give every NCB its Django group, as `ncb_ensure_group` does, but in three queries."""
    ncbs = list(NationalCentralBureau.objects.filter(group__isnull=True))
    if not ncbs:
        return
    names = {ncb.pk: ncb_group_name(ncb) for ncb in ncbs}
    groups = {g.name: g for g in Group.objects.filter(name__in=names.values())}
    new_groups = [Group(name=name) for name in names.values() if name not in groups]
    Group.objects.bulk_create(new_groups)
    groups.update({g.name: g for g in Group.objects.filter(name__in=names.values())})
    now = timezone.now()
    for ncb in ncbs:
        ncb.group = groups[names[ncb.pk]]
        ncb.updated_at = now
    NationalCentralBureau.objects.bulk_update(ncbs, ["group", "updated_at"])
    report.created["Group"] += len(new_groups)
    # NCBs that found their group already there were changed too, though no group was made.
    report.updated["NationalCentralBureau"] += len(ncbs) - len(new_groups)
