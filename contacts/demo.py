"""The contacts part of the demo (`manage.py seed_demo`): users, memberships, contact points.

Everything here is fictitious: names carry a -TEST suffix, e-mails are @example.test, phone
numbers come from ranges reserved for fiction where the country has one (France: 01 99 ...,
Germany: 030 23125 ...) and are plainly fake otherwise (runs of zeros). Seeding is idempotent:
users are matched by username, and an NCB that already has designations is left as it is, so
that what a demo user changed survives the next `make run`.
"""

import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from contacts import services
from contacts.choices import ContactRole, OfficerRole
from contacts.models import ContactPoint, NationalCentralBureau, Officer, SubRegionalBureau

DEMO_NCBS = ("FR", "DE", "IT", "NG", "TH", "BR")


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    ncb: str | None = None
    role: str | None = None
    bureau: str | None = None
    superuser: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("officer_fr", "Camille", "DURAND-TEST", "FR", OfficerRole.OFFICER),
    DemoUser("supervisor_fr", "Hélène", "MARCHAND-TEST", "FR", OfficerRole.SUPERVISOR),
    DemoUser("analyst_fr", "Louis", "BERNARD-TEST", "FR", OfficerRole.ANALYST),
    DemoUser("officer_de", "Jonas", "WEBER-TEST", "DE", OfficerRole.OFFICER),
    DemoUser("supervisor_de", "Katrin", "SCHULZ-TEST", "DE", OfficerRole.SUPERVISOR),
    # Officer.ncb is required: the European monitor sits with the bureau at Lyon, in France.
    DemoUser("srb_europe", "Elena", "MORETTI-TEST", "FR", OfficerRole.SRB_MONITOR, "RB-EUR"),
    DemoUser("officer_it", "Giulia", "ROSSI-TEST", "IT", OfficerRole.OFFICER),
    DemoUser("supervisor_it", "Marco", "BIANCHI-TEST", "IT", OfficerRole.SUPERVISOR),
    DemoUser("officer_ng", "Chinedu", "OKAFOR-TEST", "NG", OfficerRole.OFFICER),
    DemoUser("supervisor_ng", "Amina", "BELLO-TEST", "NG", OfficerRole.SUPERVISOR),
    DemoUser("officer_th", "Niran", "SUKSAI-TEST", "TH", OfficerRole.OFFICER),
    DemoUser("supervisor_th", "Ploy", "CHAROEN-TEST", "TH", OfficerRole.SUPERVISOR),
    DemoUser("officer_br", "Rafael", "SOUZA-TEST", "BR", OfficerRole.OFFICER),
    DemoUser("supervisor_br", "Mariana", "COSTA-TEST", "BR", OfficerRole.SUPERVISOR),
    DemoUser("admin", "Alex", "ADMIN-TEST", superuser=True),
)


@dataclass(frozen=True)
class DemoContact:
    ncb: str
    role: str
    full_name: str
    title: str
    unit: str
    phone_24_7: str
    email: str
    languages: tuple[str, ...]
    time_zone: str
    designated_days_ago: int
    verified_days_ago: int
    phone: str = ""


P, D = ContactRole.PRIMARY, ContactRole.DEPUTY

# In designation order: France's primary was re-designated twice, so it has a history.
# Stale (> 180 days unverified): France's deputy, Nigeria's primary, Brazil's deputy.
# fmt: off
DEMO_CONTACTS: tuple[DemoContact, ...] = (
    DemoContact(
        "FR", P, "Bernard FOURNIER-TEST", "Commandant", "OCRTEH, THB desk",
        "+33 1 99 00 00 01", "thb.desk@ncb-fr.example.test", ("fr", "en"), "Europe/Paris",
        designated_days_ago=2200, verified_days_ago=1500,
    ),
    DemoContact(
        "FR", P, "Nadia HAMIDI-TEST", "Capitaine", "OCRTEH, THB desk",
        "+33 1 99 00 00 02", "thb.desk@ncb-fr.example.test", ("fr", "en", "ar"), "Europe/Paris",
        designated_days_ago=1400, verified_days_ago=700,
    ),
    DemoContact(
        "FR", P, "Sophie LAMBERT-TEST", "Commandante", "OCRTEH, THB desk",
        "+33 1 99 00 00 03", "thb.primary@ncb-fr.example.test", ("fr", "en", "es"),
        "Europe/Paris", designated_days_ago=500, verified_days_ago=30,
        phone="+33 1 99 00 00 13",
    ),
    DemoContact(
        "FR", D, "Julien MOREAU-TEST", "Lieutenant", "OCRTEH, THB desk",
        "+33 1 99 00 00 04", "thb.deputy@ncb-fr.example.test", ("fr", "en"), "Europe/Paris",
        designated_days_ago=600, verified_days_ago=200,
    ),
    DemoContact(
        "DE", P, "Anna KELLER-TEST", "Kriminalhauptkommissarin", "SO 12, Menschenhandel",
        "+49 30 23125 001", "thb.primary@ncb-de.example.test", ("de", "en"), "Europe/Berlin",
        designated_days_ago=900, verified_days_ago=45,
    ),
    DemoContact(
        "DE", D, "Tobias BRAUN-TEST", "Kriminalkommissar", "SO 12, Menschenhandel",
        "+49 30 23125 002", "thb.deputy@ncb-de.example.test", ("de", "en", "ru"),
        "Europe/Berlin", designated_days_ago=300, verified_days_ago=10,
    ),
    DemoContact(
        "IT", P, "Francesca GALLI-TEST", "Commissario", "SCIP, tratta di esseri umani",
        "+39 06 0000 0001", "thb.primary@ncb-it.example.test", ("it", "en"), "Europe/Rome",
        designated_days_ago=700, verified_days_ago=60,
    ),
    DemoContact(
        "IT", D, "Luca RICCI-TEST", "Ispettore", "SCIP, tratta di esseri umani",
        "+39 06 0000 0002", "thb.deputy@ncb-it.example.test", ("it", "en", "fr"), "Europe/Rome",
        designated_days_ago=400, verified_days_ago=90,
    ),
    DemoContact(
        "NG", P, "Ngozi EZE-TEST", "Chief Superintendent", "Anti-Human Trafficking Unit",
        "+234 803 000 0001", "thb.primary@ncb-ng.example.test", ("en", "yo", "ig"),
        "Africa/Lagos", designated_days_ago=800, verified_days_ago=240,
    ),
    DemoContact(
        "NG", D, "Ibrahim MUSA-TEST", "Superintendent", "Anti-Human Trafficking Unit",
        "+234 803 000 0002", "thb.deputy@ncb-ng.example.test", ("en", "ha"), "Africa/Lagos",
        designated_days_ago=350, verified_days_ago=20,
    ),
    DemoContact(
        "TH", P, "Kanya SRISUK-TEST", "Police Colonel", "Anti-Trafficking in Persons Division",
        "+66 2 000 0001", "thb.primary@ncb-th.example.test", ("th", "en"), "Asia/Bangkok",
        designated_days_ago=650, verified_days_ago=15,
    ),
    DemoContact(
        "TH", D, "Arthit WONGSA-TEST", "Police Major", "Anti-Trafficking in Persons Division",
        "+66 2 000 0002", "thb.deputy@ncb-th.example.test", ("th", "en", "my"), "Asia/Bangkok",
        designated_days_ago=250, verified_days_ago=100,
    ),
    DemoContact(
        "BR", P, "Luiza ALMEIDA-TEST", "Delegada", "Divisão de Direitos Humanos",
        "+55 61 2000 0001", "thb.primary@ncb-br.example.test", ("pt", "es", "en"),
        "America/Sao_Paulo", designated_days_ago=750, verified_days_ago=50,
    ),
    DemoContact(
        "BR", D, "Pedro RIBEIRO-TEST", "Agente", "Divisão de Direitos Humanos",
        "+55 61 2000 0002", "thb.deputy@ncb-br.example.test", ("pt", "en"), "America/Sao_Paulo",
        designated_days_ago=500, verified_days_ago=400,
    ),
)
# fmt: on


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    where: str


@dataclass
class ContactsDemoReport:
    users_created: int = 0
    memberships_assigned: int = 0
    passwords_set: int = 0
    contacts_created: int = 0
    logins: list[DemoLogin] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        return [
            f"Demo contacts: {self.users_created} users created, "
            f"{self.memberships_assigned} memberships assigned, "
            f"{self.passwords_set} passwords set, "
            f"{self.contacts_created} contact points designated."
        ]


def demo_password(*, password: str | None = None) -> str:
    """The demo users' password, remembered in VAR_DIR/demo_password (mode 0600).

    A given password replaces the remembered one; otherwise the remembered one is reused, so
    the logins printed by an earlier run stay valid; the first run generates one.
    """
    path = Path(settings.VAR_DIR) / "demo_password"
    if not password and path.exists():
        password = path.read_text().strip()
        if password:
            return password
    password = password or secrets.token_urlsafe(12)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(password + "\n")
    path.chmod(0o600)  # in case the file existed with wider permissions
    return password


@transaction.atomic
def seed_contacts_demo(*, password: str) -> ContactsDemoReport:
    """Create the demo users, their NCB memberships and the six NCBs' contact points.

    Needs the reference data (the six NCBs and the European Regional Bureau). Idempotent;
    resets the demo users' passwords to `password` when they differ.
    """
    report = ContactsDemoReport()
    ncbs = {
        ncb.code: ncb
        for ncb in NationalCentralBureau.objects.select_related("country").filter(
            code__in=DEMO_NCBS
        )
    }
    missing = sorted(set(DEMO_NCBS) - set(ncbs))
    if missing:
        raise LookupError(
            f"NCBs {', '.join(missing)} are missing: run `manage.py load_reference_data` first."
        )
    users = _ensure_users(report, password=password)
    _ensure_memberships(report, users=users, ncbs=ncbs)
    _ensure_contacts(report, users=users, ncbs=ncbs)
    report.logins = [
        DemoLogin(
            username=demo.username,
            role=("Administrator (superuser)" if demo.superuser else OfficerRole(demo.role).label),
            where=ncbs[demo.ncb].name if demo.ncb else "all NCBs",
        )
        for demo in DEMO_USERS
    ]
    return report


def _ensure_users(report: ContactsDemoReport, *, password: str) -> dict:
    user_model = get_user_model()
    usernames = [demo.username for demo in DEMO_USERS]
    existing = {u.username: u for u in user_model.objects.filter(username__in=usernames)}
    new_users = [
        user_model(
            username=demo.username,
            first_name=demo.first_name,
            last_name=demo.last_name,
            email=f"{demo.username}@example.test",
            is_staff=demo.superuser,
            is_superuser=demo.superuser,
        )
        for demo in DEMO_USERS
        if demo.username not in existing
    ]
    user_model.objects.bulk_create(new_users)
    report.users_created = len(new_users)
    users = {u.username: u for u in user_model.objects.filter(username__in=usernames)}

    for demo in DEMO_USERS:
        user = users[demo.username]
        if demo.superuser and not (user.is_staff and user.is_superuser and user.is_active):
            user.is_staff = user.is_superuser = user.is_active = True
            user.save(update_fields=["is_staff", "is_superuser", "is_active"])

    # Password hashing is slow by design (about a third of a second each), so the demo users,
    # who share one password anyway, share one hash: each distinct stored hash is checked
    # once, and the users whose hash does not match get the same new one.
    matching = {
        encoded: check_password(password, encoded)
        for encoded in {user.password for user in users.values()}
    }
    stale = [user.pk for user in users.values() if not matching[user.password]]
    if stale:
        user_model.objects.filter(pk__in=stale).update(password=make_password(password))
    report.passwords_set = len(stale)
    return users


def _ensure_memberships(report: ContactsDemoReport, *, users: dict, ncbs: dict) -> None:
    bureaus = {
        b.code: b
        for b in SubRegionalBureau.objects.filter(
            code__in=[demo.bureau for demo in DEMO_USERS if demo.bureau]
        )
    }
    officers = {
        officer.user_id: officer
        for officer in Officer.objects.filter(user__in=[u.pk for u in users.values()])
    }
    for demo in DEMO_USERS:
        if demo.ncb is None:
            continue
        user = users[demo.username]
        bureau = bureaus[demo.bureau] if demo.bureau else None
        officer = officers.get(user.pk)
        if (
            officer is not None
            and officer.ncb_id == ncbs[demo.ncb].pk
            and officer.role == demo.role
            and officer.sub_regional_bureau_id == (bureau.pk if bureau else None)
        ):
            continue
        services.officer_assign(
            user=user, ncb=ncbs[demo.ncb], role=demo.role, sub_regional_bureau=bureau
        )
        report.memberships_assigned += 1


def _ensure_contacts(report: ContactsDemoReport, *, users: dict, ncbs: dict) -> None:
    seeded = set(
        ContactPoint.objects.filter(ncb__in=ncbs.values()).values_list("ncb__code", flat=True)
    )
    now = timezone.now()
    today = timezone.localdate()
    for demo in DEMO_CONTACTS:
        if demo.ncb in seeded:
            continue
        contact = services.contact_point_designate(
            actor=users[f"officer_{demo.ncb.lower()}"],
            ncb=ncbs[demo.ncb],
            role=demo.role,
            designated_from=today - timedelta(days=demo.designated_days_ago),
            details=services.ContactDetails(
                full_name=demo.full_name,
                title=demo.title,
                unit=demo.unit,
                phone=demo.phone,
                phone_24_7=demo.phone_24_7,
                secure_email=demo.email,
                languages=demo.languages,
                time_zone=demo.time_zone,
            ),
        )
        # Designating counts as verifying today; the demo needs some verified long ago so
        # that the stale flag and the reminders have something to show. There is no service
        # for rewriting the past, on purpose, so the demo does it directly.
        ContactPoint.objects.filter(pk=contact.pk).update(
            last_verified_at=now - timedelta(days=demo.verified_days_ago)
        )
        report.contacts_created += 1
