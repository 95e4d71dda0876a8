"""What an operator watches (Prometheus), defined once for every process: the bot's webhook
server and `hocso web` serve them at /metrics (prometheus-client's text format).

Here because every layer may import storage/ (tests/test_layers.py): the adapters count
updates, replies and 429s, the reminder loop its reminders, the web page failed logins, and
/health's reporter check the outbox backlog. Counts are per process: Prometheus adds up the
processes it scrapes (docs/deploy.md, docs/grafana-dashboard.json).

Who may read them: only this machine (loopback) and not through a proxy (a request carrying
X-Forwarded-For or Forwarded came from elsewhere), unless HOCSO_METRICS_FROM names other
addresses or networks ("10.0.0.0/8,192.0.2.7").
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

UPDATES = Counter("hocso_updates", "Updates (learners' messages, taps) received", ["platform"])
UPDATE_SECONDS = Histogram(
    "hocso_update_seconds",
    "Seconds from an update's arrival to its answer being sent",
    ["platform"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
)
REPLIES = Counter("hocso_replies_sent", "Messages sent to learners and groups", ["platform"])
REPLY_FAILURES = Counter(
    "hocso_replies_failed", "Messages that could not be sent, by error", ["platform", "error"]
)
RATE_LIMITED = Counter(
    "hocso_rate_limited", "429 answers (slow down) from a platform", ["platform"]
)
PAUSE_SECONDS = Counter(
    "hocso_pause_seconds", "Seconds every process stopped pushing after a 429", ["platform"]
)
OUTBOX_BACKLOG = Gauge("hocso_outbox_backlog", "Report events in Redis not yet stored in SQL")
REPORTER_LAG = Gauge("hocso_reporter_lag_seconds", "Seconds the oldest unstored event has waited")
REMINDERS_CLAIMED = Counter("hocso_reminders_claimed", "Due reminders claimed by a sender")
REMINDERS_SENT = Counter("hocso_reminders_sent", "Reminders sent", ["platform"])
REMINDERS_SKIPPED = Counter(
    "hocso_reminders_skipped", "Reminders not sent (now, or by this claim), by reason", ["reason"]
)
FAILED_LOGINS = Counter(
    "hocso_web_failed_logins",
    "Logins to the web page refused",
    ["why"],  # wrong, braked, busy
)


def exposition() -> tuple[bytes, str]:
    """The text Prometheus scrapes, and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST


def may_scrape(remote: str, headers: Mapping[str, str], allowed: str | None = None) -> bool:
    """Only loopback, not relayed by a proxy; or an address HOCSO_METRICS_FROM allows."""
    allowed = os.environ.get("HOCSO_METRICS_FROM", "") if allowed is None else allowed
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    for network in filter(None, (part.strip() for part in allowed.split(","))):
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    relayed = any(name in headers for name in ("X-Forwarded-For", "Forwarded", "X-Real-IP"))
    return address.is_loopback and not relayed
