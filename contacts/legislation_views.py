"""Browser pages of the legislation tracker (issue 6, item 3), mounted under /contacts/.

Every member of an NCB (and every instance admin) reads the table and exports it; a country's
answers are recorded by its NCB's supervisors and by instance admins, and anyone else gets the
same 404 as for an unknown country.
"""

import csv
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from contacts import legislation_selectors as selectors
from contacts import legislation_services as services
from contacts.choices import LegislationStatus
from contacts.exports import csv_safe_cell
from contacts.legislation_filtersets import CountryLegislationFilterSet
from contacts.legislation_forms import LegislationReviewForm, legislation_filter_form_for_browser
from contacts.legislation_permissions import can_review_legislation
from contacts.models import Country, CountryLegislation
from contacts.views import directory_reader_required


@dataclass(frozen=True)
class LegislationRow:
    """One line of the tracker: a country, its review (None if never reviewed), the answers
    in the table's column order, and whether the review is older than two years."""

    country: Country
    legislation: CountryLegislation | None
    answers: tuple[tuple[str, str, str], ...]  # (ask's label, status code, its label) per ask
    is_stale: bool
    can_review: bool


def _rows(countries, *, user, stale_before: date) -> list[LegislationRow]:
    rows = []
    for country in countries:
        legislation = selectors.legislation_of(country)
        answers = tuple(
            (
                str(ask_label),
                getattr(legislation, field),
                getattr(legislation, f"get_{field}_display")(),
            )
            if legislation is not None
            else (str(ask_label), LegislationStatus.UNKNOWN, LegislationStatus.UNKNOWN.label)
            for field, ask_label in services.LEGISLATION_ASKS
        )
        rows.append(
            LegislationRow(
                country=country,
                legislation=legislation,
                answers=answers,
                is_stale=legislation is not None
                and legislation.last_reviewed_on is not None
                and legislation.last_reviewed_on < stale_before,
                can_review=can_review_legislation(user, country),
            )
        )
    return rows


def _filterset(request) -> CountryLegislationFilterSet:
    filterset = CountryLegislationFilterSet(
        request.GET or None, queryset=selectors.legislation_table()
    )
    legislation_filter_form_for_browser(filterset.form)
    return filterset


def _is_filtered(filterset: CountryLegislationFilterSet) -> bool:
    if not filterset.is_bound:
        return False
    filterset.form.is_valid()
    return any(value not in (None, "") for value in filterset.form.cleaned_data.values())


@directory_reader_required
def legislation_table(request):
    filterset = _filterset(request)
    countries = filterset.qs
    stale_before = selectors.legislation_stale_before()
    coverage = selectors.legislation_coverage(countries)
    return render(
        request,
        "contacts/legislation_table.html",
        {
            "filter_form": filterset.form,
            "is_filtered": _is_filtered(filterset),
            "rows": _rows(countries, user=request.user, stale_before=stale_before),
            "coverage": coverage,
            "status_choices": LegislationStatus.choices,
            "coverage_rows": [
                (ask.label, [ask.counts[status] for status in LegislationStatus.values])
                for ask in coverage.asks
            ],
            "asks": services.LEGISLATION_ASKS,
            "stale_before": stale_before,
        },
    )


@directory_reader_required
def legislation_export_csv(request):
    filterset = _filterset(request)
    stale_before = selectors.legislation_stale_before()
    filename = f"thb-legislation-{timezone.localdate().isoformat()}.csv"
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
    # A byte-order mark, so that spreadsheet programs read accented names as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Country"),
            _("ISO code"),
            _("Region"),
            _("Sub-regional bureau"),
            *(str(label) for _field, label in services.LEGISLATION_ASKS),
            _("Source reference"),
            _("Link to the source"),
            _("Last reviewed on"),
            _("Review older than two years"),
            _("Notes"),
        ]
    )
    for row in _rows(filterset.qs, user=request.user, stale_before=stale_before):
        legislation = row.legislation
        writer.writerow(
            [
                csv_safe_cell(value)
                for value in (
                    row.country.name,
                    row.country.iso2,
                    row.country.region.name,
                    row.country.sub_regional_bureau.name
                    if row.country.sub_regional_bureau
                    else "",
                    *(label for _ask, _code, label in row.answers),
                    legislation.source_reference if legislation else "",
                    legislation.source_url if legislation else "",
                    legislation.last_reviewed_on.isoformat()
                    if legislation and legislation.last_reviewed_on
                    else _("never reviewed"),
                    _("yes") if row.is_stale else _("no"),
                    legislation.notes if legislation else "",
                )
            ]
        )
    return response


@directory_reader_required
@require_http_methods(["GET", "POST"])
def legislation_edit(request, iso2: str):
    country = selectors.legislation_country_get(iso2=iso2)
    if not can_review_legislation(request.user, country):
        raise Http404
    legislation = selectors.legislation_of(country)
    form = LegislationReviewForm.for_legislation(legislation, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.legislation_review_record(
                actor=request.user, country=country, review=form.review()
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("The review of the legislation of %(country)s is saved.")
                % {"country": country.name},
            )
            return redirect("contacts:country", iso2=country.iso2)
    return render(
        request,
        "contacts/legislation_form.html",
        {"form": form, "country": country, "legislation": legislation},
    )
