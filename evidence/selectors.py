"""Every read of evidence (DESIGN.md §5): visible exactly to those who may see the case.

There is no second access model: an item is readable by whoever `ncb_cases.selectors`
lets read its case, and changeable by whoever may change the case. `*_get_for_user` raise
Http404 for missing and forbidden alike; `*_list_*` return querysets already restricted.
Only `evidence_detail_for_user` writes (one VIEW audit row, or DENIED).
Court-dossier exports are narrower still: only their requester reads them
(`dossier_get_for_user`).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from contacts.permissions import officer_of
from evidence.choices import RELEASE_ACTIONS, EvidenceKind, EvidenceState
from evidence.models import CustodyEvent, DossierExport, EvidenceFile, EvidenceItem
from ncb_cases.audit import audited_read
from ncb_cases.models import Case
from ncb_cases.selectors import editable_cases, visible_cases
from ncb_cases.selectors._common import as_uuid, denied

User = AbstractBaseUser | AnonymousUser

EVIDENCE_FILTER_KEYS = ("case", "kind", "state", "integrity_failed", "q", "ordering")
EVIDENCE_ORDERINGS = {
    "item_number",
    "-item_number",
    "collected_at",
    "-collected_at",
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "state",
    "-state",
}
_TRUE = {True, "true", "1", "yes", "on"}
_FALSE = {False, "false", "0", "no", "off"}


def _items() -> QuerySet[EvidenceItem]:
    return EvidenceItem.objects.select_related("case")


def _cases(user: User, for_change: bool) -> QuerySet[Case]:
    return editable_cases(user) if for_change else visible_cases(user)


# --- Items -----------------------------------------------------------------------------------


def evidence_list_for_user(
    *, user: User, filters: Mapping[str, object] | None = None
) -> QuerySet[EvidenceItem]:
    """The evidence items of every case `user` may read, filtered, newest first.

    `filters` (all optional; unknown keys or values: ValidationError naming the key): `case`
    (the case's public id or reference), `kind` (EvidenceKind), `state` (EvidenceState),
    `integrity_failed` (true / false), `q` (in item number, description, seal number,
    storage location; case-insensitive), `ordering` (one of EVIDENCE_ORDERINGS).
    `select_related("case")`: one query when evaluated.
    """
    items = _items().filter(case__in=visible_cases(user))
    filters = filters or {}
    errors: dict[str, list[str]] = {}
    for key in filters:
        if key not in EVIDENCE_FILTER_KEYS:
            errors[key] = [_("Unknown filter.")]
    case = filters.get("case")
    if case not in (None, ""):
        try:
            items = items.filter(case__public_id=as_uuid(case))
        except Http404:
            items = items.filter(case__reference=str(case).strip().upper())
    for key, choices in (("kind", EvidenceKind), ("state", EvidenceState)):
        value = filters.get(key)
        if value in (None, ""):
            continue
        if value not in choices.values:
            errors[key] = [_("“%(value)s” is not one of the choices.") % {"value": value}]
        else:
            items = items.filter(**{key: value})
    failed = filters.get("integrity_failed")
    if failed not in (None, ""):
        value = failed.lower() if isinstance(failed, str) else failed
        if value in _TRUE:
            items = items.filter(integrity_failed=True)
        elif value in _FALSE:
            items = items.filter(integrity_failed=False)
        else:
            errors["integrity_failed"] = [_("Say true or false.")]
    q = str(filters.get("q") or "").strip()
    if q:
        items = items.filter(
            Q(item_number__icontains=q)
            | Q(description__icontains=q)
            | Q(seal_number__icontains=q)
            | Q(storage_location__icontains=q)
        )
    ordering = filters.get("ordering") or ""
    if ordering and ordering not in EVIDENCE_ORDERINGS:
        errors["ordering"] = [
            _("Order by one of: %(orderings)s.")
            % {"orderings": ", ".join(sorted(EVIDENCE_ORDERINGS))}
        ]
    if errors:
        raise ValidationError(errors)
    if ordering:
        return items.order_by(ordering, "-id")
    return items.order_by("-created_at", "-id")


def evidence_list_for_case(*, user: User, case: Case) -> QuerySet[EvidenceItem]:
    """The items of `case` if `user` may read it (else none), in item-number order. One query."""
    return _items().filter(case=case, case__in=visible_cases(user)).order_by("number")


def evidence_get_for_user(*, user: User, item_id, for_change: bool = False) -> EvidenceItem:
    """The item with public id `item_id` if `user` may read its case (change it, `for_change`).

    Http404 when missing or forbidden alike; a refused attempt on an existing item is audited
    as DENIED. A granted read is not audited here (see `evidence_detail_for_user`). One query.
    """
    public_id = as_uuid(item_id)
    try:
        return _items().get(public_id=public_id, case__in=_cases(user, for_change))
    except EvidenceItem.DoesNotExist as exc:
        raise denied(user, EvidenceItem, public_id, for_change) from exc


def evidence_detail_for_user(*, user: User, item_id, ip: str | None = None) -> EvidenceItem:
    """`evidence_get_for_user` for a person reading the item: one VIEW audit row per call, a
    refused read of an existing item recorded as DENIED (`ncb_cases.audit.audited_read`)."""
    return audited_read(
        user=user,
        read=lambda: evidence_get_for_user(user=user, item_id=item_id),
        existing=EvidenceItem.objects.select_related("case").filter(public_id=as_uuid(item_id)),
        ip=ip,
    )


def evidence_awaiting_acceptance_for_user(*, user: User) -> QuerySet[EvidenceItem]:
    """Items in transit that `user` may accept: released to their NCB's country, in cases
    they may change, not released by themselves. Each carries `release_sequence`.

    One query (the pending release is a subquery). Empty for users without an NCB.
    """
    officer = officer_of(user)
    if officer is None:
        return EvidenceItem.objects.none()
    release = CustodyEvent.objects.filter(item=OuterRef("pk"), action__in=RELEASE_ACTIONS)
    release = release.order_by("-sequence")
    return (
        _items()
        .filter(state=EvidenceState.IN_TRANSIT, case__in=editable_cases(user))
        .annotate(
            release_sequence=Subquery(release.values("sequence")[:1]),
            release_to_country=Subquery(release.values("to_country")[:1]),
            released_by_id=Subquery(release.values("recorded_by_id")[:1]),
        )
        .filter(release_to_country=officer.ncb.country.iso2)
        .exclude(released_by_id=user.pk)
        .order_by("-updated_at", "-id")
    )


# --- Custody events and files ------------------------------------------------------------------


def custody_event_list_for_item(*, user: User, item: EvidenceItem) -> QuerySet[CustodyEvent]:
    """The custody events of `item` in sequence order if `user` may read its case (else none).

    Rows carry the canonical bytes and hashes (for the API and the dossier) and
    `recorded_by` (select_related). One query.
    """
    return (
        CustodyEvent.objects.filter(item=item, item__case__in=visible_cases(user))
        .select_related("recorded_by")
        .order_by("sequence")
    )


def evidence_file_list_for_item(*, user: User, item: EvidenceItem) -> QuerySet[EvidenceFile]:
    """The files of `item` (originals and derived copies) if `user` may read its case.

    `select_related("parent")`. One query.
    """
    return (
        EvidenceFile.objects.filter(item=item, item__case__in=visible_cases(user))
        .select_related("parent")
        .order_by("created_at", "id")
    )


def evidence_file_get_for_user(*, user: User, file_id) -> EvidenceFile:
    """The file with public id `file_id` if `user` may read its item's case; else Http404.

    Downloading its content is an export: the adapter audits it. One query.
    """
    public_id = as_uuid(file_id)
    try:
        return EvidenceFile.objects.select_related("item__case").get(
            public_id=public_id, item__case__in=visible_cases(user)
        )
    except EvidenceFile.DoesNotExist as exc:
        raise denied(user, EvidenceFile, public_id) from exc


# --- Court dossiers ----------------------------------------------------------------------------


def dossier_get_for_user(*, user: User, dossier_id) -> DossierExport:
    """The dossier export `dossier_id` if `user` asked for it and may still read its case.

    Only the requester, not an instance administrator nor a colleague of the same NCB: the
    export (and every download of it) is audited under the purpose the requester stated, so
    nobody else may take the ZIP under that purpose; they ask for their own export. Losing
    sight of the case (an expired share, a transfer) loses the export too.
    Http404 when missing or forbidden alike. `select_related("case__owner_ncb", "item")`:
    one query.
    """
    if not user.is_authenticated:
        raise Http404
    public_id = as_uuid(dossier_id)
    try:
        return DossierExport.objects.select_related("case__owner_ncb", "item").get(
            public_id=public_id, requested_by=user, case__in=visible_cases(user)
        )
    except DossierExport.DoesNotExist as exc:
        raise denied(user, DossierExport, public_id) from exc
