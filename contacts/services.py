"""Every state change of the contacts app: designations, verification, officers, tokens.

Services validate with `full_clean()`, raise `ValidationError` with a message a person can act
on (keyed by field where one is at fault) and refuse actors without the right with
`PermissionDenied`; adapters turn the latter into the same 404 as a missing object.
"""

import base64
import hashlib
import re
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.choices import OfficerRole
from contacts.models import (
    ApiToken,
    ContactPoint,
    Language,
    NationalCentralBureau,
    NCBPublicKey,
    Notification,
    Officer,
    SubRegionalBureau,
)
from contacts.models.directory import stale_cutoff
from contacts.models.people import hash_token_key
from contacts.permissions import can_manage_contact_points
from contacts.validators import normalize_phone, validate_time_zone

CONTACT_DETAIL_FIELDS = (
    "full_name",
    "title",
    "unit",
    "phone",
    "phone_24_7",
    "secure_email",
    "time_zone",
    "user",
)


@dataclass(frozen=True)
class ContactDetails:
    """What a person enters about a contact point; the same for designation and edit."""

    full_name: str
    phone_24_7: str
    secure_email: str
    time_zone: str
    languages: tuple[str, ...]
    title: str = ""
    unit: str = ""
    phone: str = ""
    user: AbstractBaseUser | None = None


def _languages_from_codes(codes: Iterable[str]) -> list[Language]:
    codes = sorted({code.strip().lower() for code in codes if code and code.strip()})
    if not codes:
        raise ValidationError({"languages": [_("Name at least one language.")]})
    found = {language.code: language for language in Language.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationError(
            {
                "languages": [
                    _("Not ISO 639-1 language codes: %(codes)s.") % {"codes": ", ".join(unknown)}
                ]
            }
        )
    return [found[code] for code in codes]


def _apply_details(contact: ContactPoint, details: ContactDetails) -> list[Language]:
    """Copy `details` onto `contact`, normalising phones; collect every field error at once."""
    errors: dict[str, list] = defaultdict(list)
    region = contact.ncb.country.iso2
    for field in ("phone", "phone_24_7"):
        try:
            setattr(
                contact, field, normalize_phone(getattr(details, field), default_region=region)
            )
        except ValidationError as exc:
            errors[field].extend(exc.messages)
    if not contact.phone_24_7 and "phone_24_7" not in errors:
        errors["phone_24_7"].append(_("A 24/7 phone number is required."))
    try:
        validate_time_zone(details.time_zone)
    except ValidationError as exc:
        errors["time_zone"].extend(exc.messages)
    languages: list[Language] = []
    try:
        languages = _languages_from_codes(details.languages)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    contact.full_name = details.full_name.strip()
    contact.title = details.title.strip()
    contact.unit = details.unit.strip()
    contact.secure_email = details.secure_email.strip()
    contact.time_zone = details.time_zone
    contact.user = details.user
    try:
        contact.full_clean(exclude=["languages", *errors.keys()])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors[field].extend(messages)
    if errors:
        raise ValidationError(dict(errors))
    return languages


def _require_manager(actor: AbstractBaseUser, ncb: NationalCentralBureau) -> None:
    if not can_manage_contact_points(actor, ncb):
        raise PermissionDenied


@transaction.atomic
def contact_point_designate(
    *,
    actor: AbstractBaseUser,
    ncb: NationalCentralBureau,
    role: str,
    details: ContactDetails,
    designated_from: date | None = None,
) -> ContactPoint:
    """Designate a person as the NCB's `role` contact from `designated_from` (default today).

    The current holder of the role, if any, is closed the day the new designation starts;
    nothing is overwritten. A designation may not start in the future, nor overlap the
    history. Designating counts as verifying. Needs `can_manage_contact_points`.
    """
    _require_manager(actor, ncb)
    today = timezone.localdate()
    designated_from = designated_from or today
    if designated_from > today:
        raise ValidationError(
            {"designated_from": [_("A designation cannot start in the future.")]}
        )
    # Lock the role's history so that two simultaneous designations cannot both succeed.
    history = list(
        ContactPoint.objects.select_for_update().filter(ncb=ncb, role=role).order_by("pk")
    )
    current = next((cp for cp in history if cp.designated_to is None), None)
    if current is not None and designated_from <= current.designated_from:
        raise ValidationError(
            {
                "designated_from": [
                    _(
                        "%(name)s has held this role since %(start)s; a new designation must "
                        "start after that day."
                    )
                    % {"name": current.full_name, "start": current.designated_from.isoformat()}
                ]
            }
        )
    overlapping = [
        cp for cp in history if cp.designated_to is not None and cp.designated_to > designated_from
    ]
    if overlapping:
        raise ValidationError(
            {
                "designated_from": [
                    _("This overlaps the designation of %(name)s (%(start)s to %(end)s).")
                    % {
                        "name": overlapping[0].full_name,
                        "start": overlapping[0].designated_from.isoformat(),
                        "end": overlapping[0].designated_to.isoformat(),
                    }
                ]
            }
        )

    now = timezone.now()
    contact = ContactPoint(
        ncb=ncb,
        role=role,
        designated_from=designated_from,
        designated_by=actor,
        last_verified_at=now,
        last_verified_by=actor,
    )
    if current is not None:
        # Closed first so that the one-open-designation constraint holds when validating;
        # a validation error below rolls this back with the rest of the transaction.
        current.designated_to = designated_from
        current.save(update_fields=["designated_to", "updated_at"])
    languages = _apply_details(contact, details)
    contact.save()
    contact.languages.set(languages)
    return contact


@transaction.atomic
def contact_point_update(
    *, actor: AbstractBaseUser, contact_point: ContactPoint, details: ContactDetails
) -> ContactPoint:
    """Correct the details of a current designation; closed designations are history.

    Editing confirms the details, so it also counts as verifying them.
    """
    _require_manager(actor, contact_point.ncb)
    contact = ContactPoint.objects.select_for_update().get(pk=contact_point.pk)
    if not contact.is_current:
        raise ValidationError(_("This designation has ended; its record is kept as history."))
    languages = _apply_details(contact, details)
    contact.last_verified_at = timezone.now()
    contact.last_verified_by = actor
    contact.stale_reminder_sent_at = None
    contact.save(
        update_fields=[
            *CONTACT_DETAIL_FIELDS,
            "last_verified_at",
            "last_verified_by",
            "stale_reminder_sent_at",
            "updated_at",
        ]
    )
    contact.languages.set(languages)
    return contact


@transaction.atomic
def contact_point_verify(*, actor: AbstractBaseUser, contact_point: ContactPoint) -> ContactPoint:
    """Record that `actor` confirmed the contact's details today; clears staleness."""
    _require_manager(actor, contact_point.ncb)
    if not contact_point.is_current:
        raise ValidationError(_("Only a current designation can be verified."))
    contact_point.last_verified_at = timezone.now()
    contact_point.last_verified_by = actor
    contact_point.stale_reminder_sent_at = None
    contact_point.save(
        update_fields=[
            "last_verified_at",
            "last_verified_by",
            "stale_reminder_sent_at",
            "updated_at",
        ]
    )
    return contact_point


@transaction.atomic
def contact_point_end(
    *, actor: AbstractBaseUser, contact_point: ContactPoint, designated_to: date | None = None
) -> ContactPoint:
    """End a designation without naming a successor (the role is then vacant)."""
    _require_manager(actor, contact_point.ncb)
    contact = ContactPoint.objects.select_for_update().get(pk=contact_point.pk)
    if not contact.is_current:
        raise ValidationError(_("This designation has already ended."))
    designated_to = designated_to or timezone.localdate()
    if designated_to > timezone.localdate():
        # "Current" means open-ended: a future end would hide the contact from today on.
        raise ValidationError({"designated_to": [_("A designation cannot end in the future.")]})
    if designated_to <= contact.designated_from:
        raise ValidationError(
            {"designated_to": [_("A designation must end after the day it started.")]}
        )
    contact.designated_to = designated_to
    contact.save(update_fields=["designated_to", "updated_at"])
    return contact


def stale_contact_points_remind(*, now: datetime | None = None) -> int:
    """Remind each NCB with stale contact points, in the app and by e-mail.

    The NCB's supervisors are told (its officers when it has no supervisor). A contact is
    mentioned again only after CONTACT_POINT_REMINDER_INTERVAL_DAYS, so running this often is
    harmless. Returns the number of notifications written.
    """
    now = now or timezone.now()
    remind_before = now - timedelta(days=settings.CONTACT_POINT_REMINDER_INTERVAL_DAYS)
    with transaction.atomic():
        due = list(
            ContactPoint.objects.current()
            .filter(last_verified_at__lt=stale_cutoff(now=now))
            .exclude(stale_reminder_sent_at__gte=remind_before)
            .select_related("ncb__country")
            .select_for_update(of=("self",))
            .order_by("ncb_id", "role")
        )
        by_ncb: dict[NationalCentralBureau, list[ContactPoint]] = defaultdict(list)
        for contact in due:
            by_ncb[contact.ncb].append(contact)

        notifications: list[Notification] = []
        mails: list[tuple[str, str, str, list[str]]] = []
        for ncb, contacts in by_ncb.items():
            recipients = _reminder_recipients(ncb)
            subject = _("Contact points of %(ncb)s need verifying") % {"ncb": ncb.name}
            lines = [
                _("%(name)s (%(role)s), last verified %(date)s")
                % {
                    "name": contact.full_name,
                    "role": contact.get_role_display(),
                    "date": contact.last_verified_at.date().isoformat(),
                }
                for contact in contacts
            ]
            body = _(
                "These designations have not been verified for %(days)s days. Please confirm "
                "or update them:\n%(lines)s"
            ) % {"days": settings.CONTACT_POINT_STALE_AFTER_DAYS, "lines": "\n".join(lines)}
            link = reverse("contacts:country", kwargs={"iso2": ncb.country.iso2})
            for user in recipients:
                notifications.append(
                    Notification(recipient=user, subject=subject, body=body, link=link)
                )
                if user.email:
                    mails.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
        Notification.objects.bulk_create(notifications)
        ContactPoint.objects.filter(pk__in=[c.pk for c in due]).update(stale_reminder_sent_at=now)
        if mails:
            transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=False))
    return len(notifications)


def _reminder_recipients(ncb: NationalCentralBureau) -> list[AbstractBaseUser]:
    members = Officer.objects.filter(ncb=ncb, user__is_active=True).select_related("user")
    supervisors = [m.user for m in members if m.role == OfficerRole.SUPERVISOR]
    if supervisors:
        return supervisors
    return [m.user for m in members if m.role == OfficerRole.OFFICER]


SUPERVISOR_ROLES = (OfficerRole.SUPERVISOR, OfficerRole.ADMIN)


def notify_ncb_supervisors(*, ncb_id: int, subject: str, body: str, link: str = "") -> int:
    """An in-app notification to each active supervisor (or admin officer) of NCB `ncb_id`:
    operator alerts that need a person. Returns how many were written (two queries). The
    text is the caller's: identifiers only, never personal data."""
    supervisors = Officer.objects.filter(
        ncb_id=ncb_id, role__in=SUPERVISOR_ROLES, user__is_active=True
    ).values_list("user_id", flat=True)
    notifications = Notification.objects.bulk_create(
        Notification(recipient_id=user_id, subject=subject[:200], body=body, link=link)
        for user_id in supervisors
    )
    return len(notifications)


@transaction.atomic
def notification_mark_read(*, user: AbstractBaseUser, notification_ids: Iterable[int]) -> int:
    return Notification.objects.filter(
        recipient=user, pk__in=list(notification_ids), read_at__isnull=True
    ).update(read_at=timezone.now())


# --- NCBs and officers ----------------------------------------------------------------------


def ncb_group_name(ncb: NationalCentralBureau) -> str:
    return f"NCB {ncb.code}"


@transaction.atomic
def ncb_ensure_group(*, ncb: NationalCentralBureau) -> Group:
    """The NCB's Django group, created on first use; object grants go to this group."""
    if ncb.group_id is None:
        ncb.group, _created = Group.objects.get_or_create(name=ncb_group_name(ncb))
        ncb.save(update_fields=["group", "updated_at"])
    return ncb.group


@transaction.atomic
def officer_assign(
    *,
    user: AbstractBaseUser,
    ncb: NationalCentralBureau,
    role: str,
    sub_regional_bureau: SubRegionalBureau | None = None,
) -> Officer:
    """Make `user` a member of `ncb` with `role`, moving them out of any previous NCB's group."""
    officer = Officer.objects.filter(user=user).select_related("ncb").first()
    if officer is not None and officer.ncb_id != ncb.pk and officer.ncb.group_id:
        user.groups.remove(officer.ncb.group)
    if officer is None:
        officer = Officer(user=user)
    officer.ncb = ncb
    officer.role = role
    officer.sub_regional_bureau = sub_regional_bureau
    officer.full_clean()
    officer.save()
    user.groups.add(ncb_ensure_group(ncb=ncb))
    return officer


# --- API tokens -----------------------------------------------------------------------------


@transaction.atomic
def api_token_create(
    *, user: AbstractBaseUser, name: str, expires_days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a personal token; returns it with its raw key, never stored nor shown again."""
    expires_days = settings.API_TOKEN_DEFAULT_EXPIRY_DAYS if expires_days is None else expires_days
    if not 1 <= expires_days <= 365:
        raise ValidationError({"expires_days": [_("Choose between 1 and 365 days.")]})
    raw_key = secrets.token_hex(20)
    token = ApiToken(
        user=user,
        name=(name or "").strip(),
        prefix=raw_key[:8],
        key_hash=hash_token_key(raw_key),
        expires_at=timezone.now() + timedelta(days=expires_days),
    )
    token.full_clean()
    token.save()
    return token, raw_key


@transaction.atomic
def api_token_revoke(*, user: AbstractBaseUser, token_id: int) -> None:
    """Revoke one of the user's own tokens; other users' tokens look missing (404)."""
    updated = ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise ApiToken.DoesNotExist


# --- Partners' signing keys -----------------------------------------------------------------


def public_key_raw(text: str) -> bytes:
    """The 32 raw bytes of an Ed25519 public key written as unpadded base64url (HST.md §2);
    ValidationError saying what is wrong otherwise."""
    text = (text or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9_-]{43}", text):
        raise ValidationError(_("Enter the 43-character base64url form of an Ed25519 public key."))
    raw = base64.urlsafe_b64decode(text + "=")
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != text:
        raise ValidationError(_("This is not the canonical base64url form of a key."))
    try:
        Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise ValidationError(_("This is not an Ed25519 public key.")) from None
    return raw


@transaction.atomic
def ncb_public_key_register(
    *,
    ncb: NationalCentralBureau,
    public_key: str,
    note: str = "",
    actor: AbstractBaseUser | None = None,
) -> NCBPublicKey:
    """Register a partner NCB's public key (idempotent: the same key again returns its row and
    re-activates it if it was revoked). The kid is SHA-256 of the raw key, first 16 hex
    digits, the rule of `messages_hst.signing.key_id`."""
    try:
        raw = public_key_raw(public_key)
    except ValidationError as error:
        raise ValidationError({"public_key": error.messages}) from None
    kid = hashlib.sha256(raw).hexdigest()[:16]
    key, created = NCBPublicKey.objects.get_or_create(
        ncb=ncb,
        kid=kid,
        defaults={"public_key": public_key.strip(), "note": note.strip(), "registered_by": actor},
    )
    if not created and key.revoked_at is not None:
        key.revoked_at = None
        key.save(update_fields=["revoked_at"])
    return key


@transaction.atomic
def ncb_public_key_revoke(*, key: NCBPublicKey) -> NCBPublicKey:
    """Stop trusting a key; the row stays, so earlier verifications remain explainable."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key
