"""The route of a case: ordered legs from recruitment to exploitation (HST `route_legs[]`)."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _

from contacts.models import Country
from ncb_cases.choices import BorderCrossingMethod, RouteStage, TransportMode
from ncb_cases.models.case import Case
from ncb_cases.models.person import Person


class RouteLeg(models.Model):
    """One leg of a case's route; `seq` runs 1, 2, 3 … without gaps (the services renumber)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="route_legs")
    seq = models.PositiveSmallIntegerField(editable=False)
    stage = models.CharField(max_length=14, choices=RouteStage.choices)
    from_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_place = models.CharField(max_length=150, blank=True)
    to_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_place = models.CharField(max_length=150, blank=True)
    mode = models.CharField(max_length=4, choices=TransportMode.choices)
    # None: no border on this leg, or not known.
    border_crossing_regular = models.BooleanField(null=True, blank=True)
    border_crossing_method = models.CharField(
        max_length=24, choices=BorderCrossingMethod.choices, blank=True
    )
    departed_on = models.DateField(null=True, blank=True)
    arrived_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    persons = models.ManyToManyField(Person, blank=True, related_name="route_legs")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "seq"], name="%(app_label)s_%(class)s_seq_unique_in_case"
            ),
            models.CheckConstraint(
                condition=Q(departed_on__isnull=True)
                | Q(arrived_on__isnull=True)
                | Q(arrived_on__gte=F("departed_on")),
                name="%(app_label)s_%(class)s_arrival_after_departure",
            ),
        ]

    def __str__(self) -> str:
        origin = self.from_place or (self.from_country.name if self.from_country else "?")
        destination = self.to_place or (self.to_country.name if self.to_country else "?")
        return f"{self.seq}. {origin} → {destination} ({self.get_mode_display()})"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.departed_on and self.arrived_on and self.arrived_on < self.departed_on:
            errors["arrived_on"] = [_("The arrival cannot be before the departure.")]
        if self.border_crossing_method and self.border_crossing_regular is None:
            errors["border_crossing_regular"] = [
                _("Say whether the crossing was regular when you give its method.")
            ]
        if not (self.from_country_id or self.from_place):
            errors["from_country"] = [_("Give the country or the place of departure.")]
        if not (self.to_country_id or self.to_place):
            errors["to_country"] = [_("Give the country or the place of arrival.")]
        if errors:
            raise ValidationError(errors)
