"""The delivery pipeline of outgoing HST messages (HST.md §6 and §7; issue 5 item 4).

Stages
    approval ─ schedule_delivery ─▶ outbox + one Delivery per recipient (same transaction)
             ─ after the commit, wake_up ─▶ dispatch_message, unless a dispatch holds the
               request
    dispatch_message task ─ message_dispatch ─▶ signed once, deliveries due, outbox processed
                            (every open outbox entry, by rounds of HST_DISPATCH_BATCH while
                            approvals keep coming), then the deliveries to one NCB sent
                            (`attempts.send_claimed`), the others handed to tasks
    deliver task ─ delivery_attempt ─▶ transport ─▶ receipt verified ─▶ state recorded
    deliver_batch task ─ the same for up to HST_DELIVER_BATCH deliveries a dispatch handed out
    beat ─ outbox_relay ─▶ re-enqueues whatever was left behind
    supervisor ─ delivery_requeue ─▶ a DEAD or REJECTED delivery back to PENDING (audited)

Message: APPROVED → QUEUED (outbox written) → DISPATCHED (signed: `signed_bytes`, `digest`,
`kid`, `rendering` written once; every recipient gets the same bytes).

Delivery, one per recipient:
    PENDING ──claim──▶ SENDING ──▶ DELIVERED       (receipt verified; later ACCEPTED/REJECTED
       ▲                  │                         by the recipient's RESPONSE, see inbox)
       │                  ├──▶ AWAITING_RECEIPT    (gateway; the RECEIPT comes via the inbox;
       │                  │                         none by the deadline → DEAD)
       │                  ├──▶ RETRY_SCHEDULED ──claim──▶ SENDING ...  (transient failure)
       │                  ├──▶ DEAD                (transient failure at/after the deadline)
       │                  └──▶ REJECTED            (permanent: 4xx, receipt not verifiable)
       └── delivery_requeue (DEAD / REJECTED)      BLOCKED: policy forbids it, never sent
    Deadlines by priority: FLASH 15 min, URGENT 4 h, others 72 h (`policy.deadline_for`).
    DEAD and REJECTED notify the sender NCB's supervisors and log one line (ids and codes,
    never content).

Backoff: after failed attempt n, wait uniform(0, min(cap, base · 2^(n-1))) seconds — exponential
with "full jitter", so recipients coming back are not hit by every sender at once — with base
5 s and cap 15 min (settings HST_RETRY_BASE_SECONDS / HST_RETRY_MAX_SECONDS), never later than
the deadline: the last attempt happens at the deadline, and its failure makes the delivery DEAD.

Why the schedule lives in the database: `next_attempt_at` is written in the transaction that
records the failed attempt, and only then is `deliver` enqueued with the matching countdown.
The Celery message is a wake-up call, not the schedule: a broker restart, a lost countdown
task or a SIGKILLed worker (its acks-late task only comes back after the broker's visibility
timeout) lose nothing, because `outbox_relay` finds every row whose time has passed. Celery's
own autoretry would keep the schedule in the broker only.

Idempotence: a dispatch claims the deliveries it sends itself in the transaction that makes
them due (`attempts.claim_made_due`). `deliver` claims its delivery with one conditional UPDATE
(due → SENDING, attempts + 1, if attempted no more times than when it was loaded: a batch loads
its deliveries before the first is sent), sends outside any transaction (no lock held while a
peer answers), then records the attempt and the new state in one transaction, only if its claim
still holds. A duplicate task claims nothing. A claim older than
`attempts.sending_stale_after()` counts as abandoned (the worker died) and is taken over.
Sending twice is harmless: the receiver deduplicates on the message id and replays the same
receipt (HST.md §7.4).

The relay (beat, every minute; `HST_RELAY_AFTER_SECONDS`, default 60): unprocessed outbox
entries → `dispatch_message`; PENDING / RETRY_SCHEDULED deliveries past their
`next_attempt_at` and abandoned SENDING claims → `deliver`; AWAITING_RECEIPT past the deadline
→ DEAD. Enqueues never raise into the caller: a broker that is down only leaves work for the
relay (`queueing.enqueue`).
"""

from messages_hst.pipeline.alerts import delivery_alert
from messages_hst.pipeline.attempts import (
    delivery_attempt,
    delivery_attempts,
    sending_stale_after,
)
from messages_hst.pipeline.policy import DEADLINES, DEFAULT_DEADLINE, blocked_reason, deadline_for
from messages_hst.pipeline.recording import retry_delay
from messages_hst.pipeline.relay import outbox_relay, relay_after
from messages_hst.pipeline.requeue import delivery_requeue
from messages_hst.pipeline.scheduling import message_dispatch, recipient_ncbs, schedule_delivery

__all__ = [
    "DEADLINES",
    "DEFAULT_DEADLINE",
    "blocked_reason",
    "deadline_for",
    "delivery_alert",
    "delivery_attempt",
    "delivery_attempts",
    "delivery_requeue",
    "message_dispatch",
    "outbox_relay",
    "recipient_ncbs",
    "relay_after",
    "retry_delay",
    "schedule_delivery",
    "sending_stale_after",
]
