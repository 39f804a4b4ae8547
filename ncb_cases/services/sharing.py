"""Writes of access: shares with other NCBs, their expiry, and victim-identity grants.

A share is realised as django-guardian grants to the recipient NCB's group on the direct-FK
table: `view_case`, plus `change_case` for READ_WRITE. Ending a share (revocation, expiry,
replacement) removes the grants in the same transaction, so the next request no longer sees
the case. Victim-identity access is a personal guardian grant (`view_victim_identity`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from contacts.models import NationalCentralBureau
from contacts.permissions import is_instance_admin
from contacts.services import ncb_ensure_group
from ncb_cases import permissions
from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction, NoteKind, ShareAccess
from ncb_cases.models import Case, CaseShare, CaseUserObjectPermission
from ncb_cases.selectors.access import CHANGE, VIEW, VIEW_VICTIM_IDENTITY, visible_cases
from ncb_cases.services._common import Errors, require_visible_case, timeline

# A share is a temporary need-to-know grant: it must end, within a year at most.
CASE_SHARE_MAX_DAYS = 365


def _lock_shareable_case(actor: AbstractBaseUser, case: Case) -> Case:
    require_visible_case(actor, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not permissions.can_share_case(actor, case):
        raise PermissionDenied(_("Only a supervisor of the owner NCB can do this."))
    return case


def _expiry(value, errors: Errors, now: datetime) -> datetime | None:
    if value in (None, ""):
        errors.add("expires_at", _("Say until when the case is shared."))
        return None
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
    elif isinstance(value, date):
        # A date means "until the end of that day" in the instance's time zone.
        value = timezone.make_aware(datetime.combine(value, time.max))
    else:
        errors.add("expires_at", _("Give a date and time."))
        return None
    if value <= now:
        errors.add("expires_at", _("The expiry must be in the future."))
    latest = now + timedelta(days=CASE_SHARE_MAX_DAYS)
    if value > latest:
        errors.add(
            "expires_at",
            _("A share lasts at most %(days)s days (until %(latest)s); renew it if needed.")
            % {"days": CASE_SHARE_MAX_DAYS, "latest": latest.date().isoformat()},
        )
    return value


def _recipient(value, errors: Errors) -> NationalCentralBureau | None:
    if isinstance(value, NationalCentralBureau):
        return value
    found = NationalCentralBureau.objects.filter(code=str(value or "").strip().upper()).first()
    if found is None:
        errors.add("recipient_ncb", _("“%(value)s” is not an NCB.") % {"value": value or ""})
    return found


@transaction.atomic
def case_share(
    *,
    actor: AbstractBaseUser,
    case: Case,
    recipient_ncb: NationalCentralBureau | str,
    access: str,
    purpose: str,
    expires_at: datetime | date,
) -> CaseShare:
    """Share a case with another NCB (an instance or its code) until `expires_at`.

    Owner-NCB supervisors and admins only. Refused, naming the field: the owner NCB itself,
    an unknown NCB, an unknown access level, an empty purpose, an expiry not in the future or
    more than CASE_SHARE_MAX_DAYS ahead. A share to an NCB that already has an open one
    replaces it (changing access or expiry). Writes a SHARE timeline entry and audit row.
    """
    case = _lock_shareable_case(actor, case)
    now = timezone.now()
    errors = Errors()
    recipient = _recipient(recipient_ncb, errors)
    if recipient is not None and recipient.pk == case.owner_ncb_id:
        errors.add("recipient_ncb", _("A case is not shared with the NCB that owns it."))
    if access not in ShareAccess.values:
        errors.add(
            "access", _("Choose one of: %(values)s.") % {"values": ", ".join(ShareAccess.values)}
        )
    purpose = (purpose or "").strip()
    if not purpose:
        errors.add("purpose", _("Say why the case is shared."))
    expiry = _expiry(expires_at, errors, now)
    errors.raise_if_any()

    previous = (
        CaseShare.objects.open().select_for_update().filter(case=case, recipient_ncb=recipient)
    )
    for share in previous:
        if share.expires_at <= now:
            _expire(share, now=now)
        else:
            # Replaced by the new share at once: the recipient keeps its access throughout,
            # so its victim-identity grants stay.
            _end_share(share, actor=actor, now=now, keep_identity_grants=True)
    share = CaseShare(
        case=case,
        recipient_ncb=recipient,
        access=access,
        purpose=purpose,
        expires_at=expiry,
        granted_by=actor,
    )
    share.full_clean()
    share.save()
    group = ncb_ensure_group(ncb=recipient)
    assign_perm(VIEW, group, case)
    if access == ShareAccess.READ_WRITE:
        assign_perm(CHANGE, group, case)
    timeline(
        case=case,
        kind=NoteKind.SHARE,
        text=_("Shared with %(ncb)s (%(access)s) until %(until)s. Purpose: %(purpose)s")
        % {
            "ncb": recipient.name,
            "access": share.get_access_display(),
            "until": expiry.date().isoformat(),
            "purpose": purpose,
        },
        author=actor,
        details={"recipient_ncb": recipient.code, "access": access, "share": share.public_id},
    )
    audit_record(
        actor=actor,
        action=AuditAction.SHARE,
        obj=share,
        case=case,
        purpose=purpose,
        details={"recipient_ncb": recipient.code, "access": access, "expires_at": expiry},
    )
    return share


@transaction.atomic
def case_unshare(*, actor: AbstractBaseUser, share: CaseShare) -> CaseShare:
    """Revoke a share now: from the next request on, the recipient NCB no longer sees the case
    and its users lose their victim-identity grants on it. Owner-NCB supervisors and admins
    only. Writes an UNSHARE timeline entry and audit row."""
    case = _lock_shareable_case(actor, share.case)
    share = CaseShare.objects.select_for_update().select_related("recipient_ncb").get(pk=share.pk)
    now = timezone.now()
    if not share.is_active(now=now):
        raise ValidationError(_("This share has already ended."))
    _end_share(share, actor=actor, now=now)
    timeline(
        case=case,
        kind=NoteKind.UNSHARE,
        text=_("Share with %(ncb)s revoked.") % {"ncb": share.recipient_ncb.name},
        author=actor,
        details={"recipient_ncb": share.recipient_ncb.code, "share": share.public_id},
    )
    audit_record(
        actor=actor,
        action=AuditAction.UNSHARE,
        obj=share,
        case=case,
        details={"recipient_ncb": share.recipient_ncb.code},
    )
    return share


def expire_case_shares(*, now: datetime | None = None) -> int:
    """End every open share past its expiry: remove its grants, record it. Returns how many.

    For the beat task `ncb_cases.tasks.expire_case_shares`. Selectors already ignore a share
    the moment it expires; this cleans up the grant rows and writes the history (timeline
    SHARE_EXPIRED, audit UNSHARE by the system). Each share is ended in its own transaction
    under a row lock, so concurrent runs and retries never end a share twice.
    """
    now = now or timezone.now()
    due = list(CaseShare.objects.open().filter(expires_at__lte=now).values_list("pk", flat=True))
    ended = 0
    for share_pk in due:
        with transaction.atomic():
            locked = CaseShare.objects.open().filter(pk=share_pk, expires_at__lte=now)
            if connection.features.has_select_for_update_skip_locked:
                locked = locked.select_for_update(skip_locked=True, of=("self",))
            share = locked.select_related("case", "recipient_ncb").first()
            if share is None:
                continue
            _expire(share, now=now)
            ended += 1
    return ended


def _expire(share: CaseShare, *, now: datetime) -> None:
    _end_share(share, actor=None, now=now, expired=True)
    timeline(
        case=share.case,
        kind=NoteKind.SHARE_EXPIRED,
        text=_("Share with %(ncb)s expired.") % {"ncb": share.recipient_ncb.name},
        author=None,
        details={"recipient_ncb": share.recipient_ncb.code, "share": share.public_id},
    )
    audit_record(
        actor=None,
        action=AuditAction.UNSHARE,
        obj=share,
        case=share.case,
        details={"recipient_ncb": share.recipient_ncb.code, "reason": "expired"},
    )


def _end_share(
    share: CaseShare,
    *,
    actor: AbstractBaseUser | None,
    now: datetime,
    expired: bool = False,
    keep_identity_grants: bool = False,
) -> None:
    if expired:
        share.expired_at = now
        share.save(update_fields=["expired_at"])
    else:
        share.revoked_at = now
        share.revoked_by = actor
        share.save(update_fields=["revoked_at", "revoked_by"])
    group = share.recipient_ncb.group
    if group is not None:
        remove_perm(VIEW, group, share.case)
        remove_perm(CHANGE, group, share.case)
    if not keep_identity_grants:
        CaseUserObjectPermission.objects.filter(
            content_object_id=share.case_id,
            permission__codename=VIEW_VICTIM_IDENTITY,
            user__officer__ncb_id=share.recipient_ncb_id,
        ).delete()


# --- Victim identity --------------------------------------------------------------------------


def _lock_identity_grantable_case(actor: AbstractBaseUser, case: Case) -> Case:
    require_visible_case(actor, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not permissions.can_grant_victim_identity(actor, case):
        raise PermissionDenied(_("Only a supervisor of the owner NCB can do this."))
    return case


def _holds_identity_grant(user: AbstractBaseUser, case: Case) -> bool:
    return CaseUserObjectPermission.objects.filter(
        user=user, content_object=case, permission__codename=VIEW_VICTIM_IDENTITY
    ).exists()


@transaction.atomic
def victim_identity_grant(*, actor: AbstractBaseUser, case: Case, user: AbstractBaseUser) -> bool:
    """Let `user` reveal the identity of the case's victims (audited reveals, with purpose).

    Owner-NCB supervisors and admins only; `user` must be active and allowed to see the case
    (a member of the owner NCB or of an NCB it is shared with, or an admin). Returns False
    if they already held it. Writes a timeline entry and a GRANT audit row.
    """
    case = _lock_identity_grantable_case(actor, case)
    user_model = get_user_model()
    user = user_model.objects.get(pk=user.pk)
    if not user.is_active or not (
        is_instance_admin(user) or visible_cases(user).filter(pk=case.pk).exists()
    ):
        raise ValidationError(
            {
                "user": [
                    _("%(user)s may not see this case; share it with their NCB first.")
                    % {"user": user}
                ]
            }
        )
    if _holds_identity_grant(user, case):
        return False
    assign_perm(VIEW_VICTIM_IDENTITY, user, case)
    timeline(
        case=case,
        kind=NoteKind.VICTIM_IDENTITY_GRANT,
        text=_("%(user)s may now see victims' identities.") % {"user": user.get_username()},
        author=actor,
        details={"user": user.get_username()},
    )
    audit_record(
        actor=actor,
        action=AuditAction.GRANT,
        obj=case,
        details={"user": user.get_username(), "permission": VIEW_VICTIM_IDENTITY},
    )
    return True


@transaction.atomic
def victim_identity_revoke(*, actor: AbstractBaseUser, case: Case, user: AbstractBaseUser) -> bool:
    """Withdraw `user`'s victim-identity grant on the case; False if they did not hold it."""
    case = _lock_identity_grantable_case(actor, case)
    if not _holds_identity_grant(user, case):
        return False
    remove_perm(VIEW_VICTIM_IDENTITY, user, case)
    timeline(
        case=case,
        kind=NoteKind.VICTIM_IDENTITY_REVOKE,
        text=_("%(user)s may no longer see victims' identities.") % {"user": user.get_username()},
        author=actor,
        details={"user": user.get_username()},
    )
    audit_record(
        actor=actor,
        action=AuditAction.REVOKE,
        obj=case,
        details={"user": user.get_username(), "permission": VIEW_VICTIM_IDENTITY},
    )
    return True
