"""REQUEST items followed until their REPLY: what we asked and what we owe (issue 5 item 7)."""

from django.db import models

from contacts.models import NationalCentralBureau
from messages_hst.choices import RequestDirection, RequestOutcome
from ncb_cases.models import Case


class TrackedRequest(models.Model):
    """One `requests[]` item of a REQUEST message, for the NCB that sent or received it.

    A REPLY's `outcomes[]` close items one by one (`request_ref`); an open item past its due
    date is overdue and shows on the dashboard. Only codes and refs are kept here, never the
    justification text or the persons concerned: the message itself holds those.
    """

    ncb = models.ForeignKey(
        NationalCentralBureau, on_delete=models.CASCADE, related_name="tracked_requests"
    )
    direction = models.CharField(max_length=8, choices=RequestDirection.choices)
    counterpart_code = models.CharField(max_length=12)
    request_message_id = models.UUIDField()
    request_ref = models.CharField(max_length=16)
    action = models.CharField(max_length=32)
    due_on = models.DateField(null=True, blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="tracked_requests"
    )
    outcome = models.CharField(
        max_length=16, choices=RequestOutcome.choices, blank=True, default=RequestOutcome.OPEN
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_message_id = models.UUIDField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ncb", "direction", "request_message_id", "request_ref"],
                name="hst_tracked_request_item",
            )
        ]
        indexes = [
            models.Index(
                fields=["ncb", "due_on"],
                condition=models.Q(outcome=""),
                name="hst_tracked_request_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_ref} of {self.request_message_id}"
