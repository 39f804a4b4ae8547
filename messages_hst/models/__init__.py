"""The HST message domain's models (DESIGN.md §4, HST.md). Read through selectors, write
through services and the pipeline."""

from .delivery import Delivery, DeliveryAttempt
from .inbound import InboundMessage
from .outbound import DispatchWakeUp, HSTMessage, OutboxEntry
from .requests import TrackedRequest

__all__ = [
    "Delivery",
    "DeliveryAttempt",
    "DispatchWakeUp",
    "HSTMessage",
    "InboundMessage",
    "OutboxEntry",
    "TrackedRequest",
]
