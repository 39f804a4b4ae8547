"""The audit trail: who did or read what, when, from where and why. Append-only.

The database itself refuses UPDATE and DELETE of audit rows (triggers created by migration
0002, on PostgreSQL and SQLite alike). Rows are written only by `ncb_cases.audit.audit_record`.
"""

import contextlib
from collections.abc import Iterator

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.utils import timezone

from contacts.models import NationalCentralBureau
from ncb_cases.choices import AuditAction
from ncb_cases.models.case import Case


class AuditEvent(models.Model):
    """One audited action or read (DESIGN.md §4). Never updated, never deleted.

    `actor` is None only for actions of the system itself (share expiry); `actor_ncb` is the
    actor's NCB at the time. `case` is set for everything that concerns a case, so that a
    case's trail is one indexed query. `details` holds a few small facts, never a protected
    person's identity.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,  # users are deactivated, never deleted
        null=True,
        blank=True,
        related_name="audit_events",
    )
    actor_ncb = models.ForeignKey(
        NationalCentralBureau,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    action = models.CharField(max_length=24, choices=AuditAction.choices)
    object_type = models.CharField(max_length=40, blank=True)
    object_public_id = models.UUIDField(null=True, blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    purpose = models.TextField(max_length=1000, blank=True)
    ip = models.GenericIPAddressField("IP address", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    details = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["case", "-created_at"], name="ncb_cases_audit_case_time"),
            models.Index(fields=["actor", "-created_at"], name="ncb_cases_audit_actor_time"),
            models.Index(fields=["actor_ncb", "-created_at"], name="ncb_cases_audit_ncb_time"),
            models.Index(fields=["-created_at"], name="ncb_cases_audit_time"),
        ]

    def __str__(self) -> str:
        who = self.actor.get_username() if self.actor_id else "system"
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {who} {self.action} {self.object_type}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)


# --- SQLite: letting the test suite empty the table between transactional tests -------------
#
# PostgreSQL empties tables with TRUNCATE, which row triggers do not see. SQLite has no
# TRUNCATE: Django's flush (run after every transactional test) deletes row by row, and the
# append-only trigger would refuse. So the SQLite DELETE trigger asks this function, which
# Django registers on each SQLite connection, whether a whole-database wipe is under way. Only
# the test suite ever says yes (tests/ncb_cases/sqlite_audit_flush.py, around the flush);
# every other client, including the sqlite3 shell where the function does not even exist, is
# refused.

SQLITE_WIPE_FUNCTION = "ncb_cases_audit_wipe_allowed"
_sqlite_wipe_allowed = False


@contextlib.contextmanager
def sqlite_test_database_wipe() -> Iterator[None]:
    """For the test suite's flush only: let SQLite delete audit rows inside this block."""
    global _sqlite_wipe_allowed
    _sqlite_wipe_allowed = True
    try:
        yield
    finally:
        _sqlite_wipe_allowed = False


def _wipe_allowed() -> int:
    return 1 if _sqlite_wipe_allowed else 0


@receiver(connection_created, dispatch_uid="ncb_cases_audit_sqlite_function")
def _register_sqlite_wipe_function(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_WIPE_FUNCTION, 0, _wipe_allowed)
