"""The HST exchange survives faults (issue 5, "Faults survived"), between two real instances.

Instance `a` (FR) sends INFO messages to instance `b` (DE) over the peer transport; messages are
written and approved on `a` through its services by `bench.hst_load` (a process with `a`'s
environment), and both databases are read directly (`bench.hst_probe`). Each scenario ends with
the same proof: every delivery DELIVERED with a verified receipt, and the receiver holding
exactly one original of each message, none duplicated, none conflicting.

- the sending instance's Celery worker SIGKILLed every few seconds and restarted;
- the broker (a private redis-server of these instances, never the machine's shared one)
  stopped during approvals, then started again empty;
- the receiving instance's web server down, then back.

Needs PostgreSQL (DATABASE_URL) and Redis: the redis-server binary (a private server) or,
without it, REDIS_URL (then the broker outage is skipped). `HST_FAULTS_FULL=1` runs the
sizes of the issue (1,000 messages, a 60 s broker outage, the receiver down for 4 minutes:
about 20 minutes); the default sizes take about three minutes on a busy 2-core machine.
"""

import os
import random
import statistics
import time

import pytest

from bench import hst_probe as probe
from bench.hst_load import finish, run_in, start_in
from bench.hst_redis import PrivateRedis, redis_server_binary
from tests.integration.hst.instances import start_two_instances

pytestmark = pytest.mark.integration

FULL = os.environ.get("HST_FAULTS_FULL", "") == "1"
KILLED_MESSAGES = 1000 if FULL else 120
OUTAGE_MESSAGES = 300 if FULL else 20
OUTAGE_SECONDS = 60 if FULL else 10
RECEIVER_MESSAGES = 200 if FULL else 20
RECEIVER_DOWN_SECONDS = 240 if FULL else 15
KILL_EVERY_SECONDS = (2.0, 4.0)
# Approvals spread over 30 s (50 s in full), so that the kills fall while messages are still
# being approved and sent whatever the machine's speed. A kill round (SIGKILL, restart, wait
# for the new worker to consume, pause) lasts 5-10 s; unpaced, a fast machine delivered the
# whole batch between the first two kills, and at 12 s a calm one still did.
APPROVE_INTERVAL_SECONDS = 0.05 if FULL else 0.25
MIN_KILLS = 10 if FULL else 3
DELIVERY_TIMEOUT_SECONDS = 900 if FULL else 120
# Retries, the relay, the dispatch request and the broker's redelivery shortened so that
# recovery takes seconds (production: a 5 s retry base up to 15 minutes, a one-minute relay,
# a 10 s request, an hour's redelivery); what they do is unchanged.
FAST_RECOVERY_ENV = {
    "HST_RETRY_BASE_SECONDS": "2",
    "HST_RETRY_MAX_SECONDS": "30" if FULL else "8",
    "HST_RELAY_AFTER_SECONDS": "5",
    "HST_RELAY_INTERVAL_SECONDS": "3",
    "HST_INSTANCE_RELAY_SECONDS": "3",
    "CELERY_VISIBILITY_TIMEOUT": "20",
    "HST_PEER_TIMEOUT_SECONDS": "3",
    # A dispatch killed while it held the request (`pipeline.wake_up`) is replaced after it.
    "HST_DISPATCH_WAKE_UP_SECONDS": "3",
}


def _postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    """A private redis-server when the binary is installed, else None (REDIS_URL is used)."""
    if not _postgresql():
        pytest.skip("the fault scenarios need PostgreSQL (DATABASE_URL=postgres://...)")
    if redis_server_binary() is None:
        if not os.environ.get("REDIS_URL"):
            pytest.skip("the fault scenarios need Redis: redis-server installed or REDIS_URL")
        yield None
        return
    server = PrivateRedis(tmp_path_factory.mktemp("hst-redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def pair(broker, tmp_path_factory):
    env = dict(FAST_RECOVERY_ENV)
    if broker is not None:
        env["REDIS_URL"] = broker.url
    with start_two_instances(
        tmp_path_factory.mktemp("hst-faults"), extra_env=env, worker_concurrency=2
    ) as instances:
        yield instances


@pytest.fixture
def healthy(pair, broker, request):
    """The pair with everything running; everything restarted after the test, whatever it
    did, and the logs printed when it failed."""
    yield pair
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        print(f"\nLogs of the two instances (kept under {pair.a.directory.parent}):")
        print(pair.logs())
    if broker is not None:
        broker.start()
    pair.b.start_web()
    pair.a.start_worker()


def _batch(name: str) -> str:
    return f"{name}-{random.randrange(16**6):06x}"


def _assert_all_delivered_once(a, b, batch: str, count: int) -> None:
    """Wait for every delivery of the batch; then the proof of the scenario."""
    with probe.InstanceDatabase(a.database_url) as sender:

        def done() -> bool:
            return probe.delivery_statuses(sender, batch).get("DELIVERED", 0) >= count

        finished = probe.wait_until(
            done,
            timeout=DELIVERY_TIMEOUT_SECONDS,
            interval=1.0,
            stalled_after=90,
            progress=lambda: probe.delivery_statuses(sender, batch),
        )
        statuses = probe.delivery_statuses(sender, batch)
        assert finished, f"deliveries of {batch} still not all DELIVERED: {statuses}"
        assert statuses == {"DELIVERED": count}
        times = probe.delivery_times(sender, batch)
        assert {t.receipt_signature for t in times} == {"ok"}
        ids = probe.message_ids(sender, batch)
    assert len(ids) == len(set(ids)) == count
    with probe.InstanceDatabase(b.database_url) as receiver:
        received = probe.inbound_summary(receiver, ids)
    assert received.originals == count, received
    assert received.distinct_ids == count, received
    assert received.duplicated == 0
    assert received.other_rows == 0, "a repeat arrived with other bytes (CONFLICT)"
    assert set(received.statuses) <= {"TRIAGE"}, received.statuses


def test_messages_survive_the_sending_worker_killed_every_few_seconds(healthy):
    # given
    a, b = healthy
    batch = _batch("killed")
    run_in(a.env, "prepare", "--batch", batch, "--count", str(KILLED_MESSAGES))
    approving = start_in(
        a.env, "approve", "--batch", batch, "--interval", str(APPROVE_INTERVAL_SECONDS)
    )
    kills = 0

    # when: SIGKILL of the worker (its pool and beat with it) every few seconds while the
    # messages are approved and on their way, then a restart; at least MIN_KILLS times, and
    # until the approvals are done and most messages delivered
    with probe.InstanceDatabase(a.database_url) as sender:
        deadline = time.monotonic() + DELIVERY_TIMEOUT_SECONDS
        time.sleep(1.0)  # the first approvals are committed and on their way
        while time.monotonic() < deadline and kills < 40:
            delivered = probe.delivery_statuses(sender, batch).get("DELIVERED", 0)
            if delivered >= KILLED_MESSAGES:
                break
            approved_all = approving.poll() is not None
            if kills >= MIN_KILLS and approved_all and delivered >= KILLED_MESSAGES * 0.8:
                break  # the last ones are delivered without interruption
            a.kill_worker()
            kills += 1
            a.start_worker()
            time.sleep(random.uniform(*KILL_EVERY_SECONDS))
    approval = finish(approving)

    # then
    assert kills >= MIN_KILLS, "everything was delivered before the worker was killed enough"
    assert approval["approved"] == KILLED_MESSAGES, approval
    assert approval["errors"] == {}, approval
    _assert_all_delivered_once(a, b, batch, KILLED_MESSAGES)


def test_approvals_during_a_broker_outage_commit_and_are_delivered_once_it_is_back(
    healthy, broker
):
    # given
    if broker is None:
        pytest.skip("needs redis-server installed: the machine's shared Redis is never stopped")
    a, b = healthy
    batch = _batch("outage")
    run_in(a.env, "prepare", "--batch", batch, "--count", str(OUTAGE_MESSAGES))

    # when: the broker disappears, the supervisors approve, the broker comes back empty
    broker.stop()
    stopped_at = time.monotonic()
    approval = run_in(a.env, "approve", "--batch", batch)
    with probe.InstanceDatabase(a.database_url) as sender:
        statuses_while_down = probe.message_statuses(sender, batch)
        deliveries_while_down = probe.delivery_statuses(sender, batch)
        outbox_while_down = probe.outbox_count(sender, batch)
    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped_at)))
    broker.start()

    # then: every approval returned and committed its deliveries and outbox row
    assert approval["approved"] == OUTAGE_MESSAGES, approval
    assert approval["errors"] == {}, approval
    assert "PENDING_APPROVAL" not in statuses_while_down, statuses_while_down
    assert sum(statuses_while_down.values()) == OUTAGE_MESSAGES
    assert sum(deliveries_while_down.values()) == OUTAGE_MESSAGES, deliveries_while_down
    assert "DELIVERED" not in deliveries_while_down  # nothing could have been sent
    assert outbox_while_down == OUTAGE_MESSAGES
    # and all are delivered once the broker is back, each once
    _assert_all_delivered_once(a, b, batch, OUTAGE_MESSAGES)


def test_deliveries_to_a_receiver_that_is_down_retry_with_backoff_and_complete_once(healthy):
    # given
    a, b = healthy
    batch = _batch("down")
    run_in(a.env, "prepare", "--batch", batch, "--count", str(RECEIVER_MESSAGES))

    # when: the receiving instance's web server is down while the messages are approved
    b.stop_web()
    went_down = time.monotonic()
    approval = run_in(a.env, "approve", "--batch", batch)
    time.sleep(max(0.0, RECEIVER_DOWN_SECONDS - (time.monotonic() - went_down)))
    with probe.InstanceDatabase(a.database_url) as sender:
        statuses_while_down = probe.delivery_statuses(sender, batch)
        gaps_while_down = probe.attempt_gaps(sender, batch)
    b.start_web()

    # then: while it was down, deliveries waited for a retry, at growing intervals
    assert approval["approved"] == RECEIVER_MESSAGES, approval
    assert "DELIVERED" not in statuses_while_down, statuses_while_down
    assert set(statuses_while_down) <= {"RETRY_SCHEDULED", "SENDING", "PENDING"}
    assert statuses_while_down.get("RETRY_SCHEDULED", 0) >= RECEIVER_MESSAGES // 2
    # The wait after attempt k is drawn uniformly below min(cap, base * 2**(k-1)) ("full
    # jitter"): on average the third wait is four times the first one; compare the means.
    first_waits = [gaps[0] for gaps in gaps_while_down if len(gaps) >= 1]
    third_waits = [gaps[2] for gaps in gaps_while_down if len(gaps) >= 3]
    assert len(third_waits) >= RECEIVER_MESSAGES // 3, f"too few retries: {gaps_while_down}"
    assert statistics.mean(third_waits) > statistics.mean(first_waits), gaps_while_down
    # no retry storm: fewer attempts than one a second
    assert max(len(gaps) + 1 for gaps in gaps_while_down) <= RECEIVER_DOWN_SECONDS
    # and once it is back, every message arrives, once
    _assert_all_delivered_once(a, b, batch, RECEIVER_MESSAGES)
