"""Organised crime groups, their members, and links between related cases."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _

from ncb_cases.choices import CaseLinkType, GroupMemberRole, OrganisationKind
from ncb_cases.models.case import Case
from ncb_cases.models.person import Person
from ncb_cases.validators import validate_text_list


class OrganisedCrimeGroup(models.Model):
    """An organised crime group (or a front company) as known in one case.

    Groups belong to one case; the same network seen in two cases is two groups, related by a
    `CaseLink` and by the phones, documents and vehicles that cross-case matching finds.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="crime_groups")
    name = models.CharField(max_length=150)
    kind = models.CharField(
        max_length=24,
        choices=OrganisationKind.choices,
        default=OrganisationKind.ORGANISED_CRIME_GROUP,
    )
    aliases = models.JSONField(default=list, blank=True, validators=[validate_text_list])
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "name"], name="%(app_label)s_%(class)s_name_unique_in_case"
            )
        ]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    """A person of the group's case who belongs to the group."""

    group = models.ForeignKey(
        OrganisedCrimeGroup, on_delete=models.CASCADE, related_name="memberships"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(
        max_length=12, choices=GroupMemberRole.choices, default=GroupMemberRole.MEMBER
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "person"], name="%(app_label)s_%(class)s_once_per_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()}, {self.group}"

    def clean(self) -> None:
        if self.group_id and self.person_id and self.group.case_id != self.person.case_id:
            raise ValidationError({"person": [_("Only persons of the group's case can join it.")]})


class CaseLink(models.Model):
    """Two related cases; shown only to users who may see both ends."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    from_case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="links_from")
    to_case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="links_to")
    link_type = models.CharField(
        max_length=16, choices=CaseLinkType.choices, default=CaseLinkType.RELATED
    )
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_case", "to_case"], name="%(app_label)s_%(class)s_once_per_pair"
            ),
            models.CheckConstraint(
                condition=~Q(from_case=F("to_case")), name="%(app_label)s_%(class)s_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_case.reference} → {self.to_case.reference}"
