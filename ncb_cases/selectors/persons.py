"""Reads of persons, always presented through `ncb_cases.pseudonyms`.

A protected person's identity (victim, possible victim, child) leaves this module only from
`victim_identity_reveal`: permission checked, purpose required, audited. Everything else
returns masked `PersonView`s or `Person` rows for adapters that present them through
`person_view(..., identity_visible=False)`.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ncb_cases.audit import AuditedNotFound, audit_record
from ncb_cases.choices import AuditAction
from ncb_cases.models import Case, Person
from ncb_cases.pseudonyms import PersonView, person_view, person_views
from ncb_cases.selectors._common import as_uuid, denied
from ncb_cases.selectors.access import (
    editable_cases,
    identity_matchable_q,
    victim_identity_permitted,
    visible_cases,
)
from ncb_cases.validators import fold_text

User = AbstractBaseUser | AnonymousUser

PURPOSE_MIN_LENGTH = 5


def _persons() -> QuerySet[Person]:
    return Person.objects.select_related("case", "country_of_birth").prefetch_related(
        "phones", "documents"
    )


def person_list_for_case(*, user: User, case: Case) -> QuerySet[Person]:
    """The persons of `case` if `user` may read it (else none), in order of entry.

    Rows carry every field: present them only through `ncb_cases.pseudonyms.person_view(p,
    identity_visible=False)` (or use `person_views_for_case`). Three queries (persons, phones,
    documents) whatever the number of persons.
    """
    return _persons().filter(case=case, case__in=visible_cases(user))


def person_views_for_case(*, user: User, case: Case) -> list[PersonView]:
    """The persons of `case` as masked `PersonView`s (protected persons as "Victim V-3")."""
    return person_views(person_list_for_case(user=user, case=case), identity_visible=False)


def person_get_for_user(*, user: User, person_id, for_change: bool = False) -> Person:
    """The person with public id `person_id` if `user` may read (or change) its case.

    Http404 for missing and forbidden alike. Not audited: for a person a user reads, call
    `person_detail_for_user`. Present the row through `ncb_cases.pseudonyms`.
    """
    cases = editable_cases(user) if for_change else visible_cases(user)
    public_id = as_uuid(person_id)
    try:
        return _persons().get(public_id=public_id, case__in=cases)
    except Person.DoesNotExist as exc:
        raise denied(user, Person, public_id, for_change) from exc


def person_detail_for_user(*, user: User, person_id, ip: str | None = None) -> PersonView:
    """A person as a reader sees it: one VIEW audit row per call; protected persons masked.

    Http404 (and a DENIED audit row if the person exists) when the user may not see it.
    """
    person = _get_or_audit_denial(
        user=user, person_id=person_id, ip=ip, attempted=AuditAction.VIEW
    )
    with transaction.atomic():
        audit_record(actor=user, action=AuditAction.VIEW, obj=person, ip=ip)
    return person_view(person, identity_visible=False)


def victim_identity_reveal(
    *, user: User, person_id, purpose: str, ip: str | None = None
) -> PersonView:
    """The full identity of a person, for a reader who states why (issue 3 item 4).

    - Http404 if the person is missing or its case is not visible to `user`;
    - PermissionDenied if the person is protected and `user` lacks the case's
      `view_victim_identity` grant (the API answers 404);
    - ValidationError `{"purpose": [...]}` if no purpose is stated (the adapter answers 400).

    Each refusal of an existing person writes a DENIED audit row that is committed although
    the request fails (do not call this inside an outer transaction). Success writes one
    VIEW_VICTIM_IDENTITY row (VIEW for a non-protected person) with the purpose.
    """
    person = _get_or_audit_denial(
        user=user,
        person_id=person_id,
        ip=ip,
        purpose=purpose,
        attempted=AuditAction.VIEW_VICTIM_IDENTITY,
    )
    if person.identity_protected and not victim_identity_permitted(user=user, case=person.case):
        _audit_denial(user, person, ip=ip, purpose=purpose, reason="no_permission")
        raise PermissionDenied(_("You may not see this person's identity."))
    purpose = (purpose or "").strip()
    if len(purpose) < PURPOSE_MIN_LENGTH:
        _audit_denial(user, person, ip=ip, purpose=purpose, reason="no_purpose")
        raise ValidationError(
            {"purpose": [_("State why you need to see this identity (a few words at least).")]}
        )
    action = AuditAction.VIEW_VICTIM_IDENTITY if person.identity_protected else AuditAction.VIEW
    with transaction.atomic():
        audit_record(actor=user, action=action, obj=person, purpose=purpose, ip=ip)
    return person_view(person, identity_visible=True)


def _get_or_audit_denial(
    *, user: User, person_id, ip, attempted: str, purpose: str = ""
) -> Person:
    # `person_get_for_user` would audit the refusal without the purpose and the attempt.
    public_id = as_uuid(person_id)
    try:
        return _persons().get(public_id=public_id, case__in=visible_cases(user))
    except Person.DoesNotExist as exc:
        if user.is_authenticated:
            existing = Person.objects.select_related("case").filter(public_id=public_id)
            for person in existing:
                _audit_denial(
                    user, person, ip=ip, purpose=purpose, reason="not_visible", attempted=attempted
                )
        raise AuditedNotFound from exc


def _audit_denial(
    user: User,
    person: Person,
    *,
    ip,
    purpose: str,
    reason: str,
    attempted: str = AuditAction.VIEW_VICTIM_IDENTITY,
) -> None:
    # Outside any transaction of ours: the record must outlive the failing request.
    audit_record(
        actor=user,
        action=AuditAction.DENIED,
        obj=person,
        ip=ip,
        purpose=purpose or "",
        details={"attempted": attempted, "reason": reason},
    )


def person_search_for_user(*, user: User, q: str) -> QuerySet[Person]:
    """Persons in visible cases whose name, original-script name or alias contains `q`.

    Protected persons match only in cases where `user` holds `view_victim_identity`; even
    then present them masked (the match says where they are, the reveal says who). Case- and
    accent-insensitive. Empty query: nothing. Three queries.
    """
    folded = fold_text(q or "")
    if not folded:
        return Person.objects.none()
    return (
        _persons()
        .filter(case__in=visible_cases(user), search_names__contains=folded)
        .filter(identity_matchable_q(user))
    )
