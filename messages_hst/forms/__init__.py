"""Browser forms of the message pages: the list filters, the approval decisions, follow-ups,
triage of received messages. They check the shape of what a person typed; the services
(`messages_hst.services`) decide what is allowed and raise `ValidationError`s keyed by field,
which `add_service_errors` puts back next to the field. The structured editor's forms are
`messages_hst.forms.editor*`."""

from .actions import ApproveForm, DiscardForm, FollowUpForm, RequeueForm, ReturnForm, SubmitForm
from .lists import MESSAGE_BOXES, MessageFilterForm
from .triage import InboundAcceptForm, InboundRejectForm

__all__ = [
    "MESSAGE_BOXES",
    "ApproveForm",
    "DiscardForm",
    "FollowUpForm",
    "InboundAcceptForm",
    "InboundRejectForm",
    "MessageFilterForm",
    "RequeueForm",
    "ReturnForm",
    "SubmitForm",
]
