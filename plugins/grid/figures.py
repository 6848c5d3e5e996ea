"""What each event contributes to the statistics, stored on the event itself.

``stat_flags`` is a bitmask of the yes/no facts the figures count (registered, handled on the
spot, closed on time, reworked, …) and ``close_bucket`` a log-scale bucket of the time to
close. Both are set on every action, so statistics are grouped counts read in index order —
no per-row expressions at millions of rows. Facts that depend on *now* (overdue, due to
close) are counted over the open events only.
"""

from __future__ import annotations

import math
from typing import Any

REGISTERED = 1  # 立案
NOT_REGISTERED = 2  # 不予立案
SELF_HANDLED = 4  # 自处
DISPATCHED = 8  # a case sent to a department or the community (not self-handled)
CLOSED = 16  # 结案: a case closed (after verification, or on the spot)
ON_TIME = 32  # closed by its (possibly extended) deadline
REWORKED = 64  # a dispatched case sent back at least once by verification
EXTENDED = 128  # a dispatched case extended at least once

NAMES = {
    "registered": REGISTERED, "not_registered": NOT_REGISTERED,
    "self_handled": SELF_HANDLED, "dispatched": DISPATCHED, "closed": CLOSED,
    "closed_on_time": ON_TIME, "reworked": REWORKED, "extended": EXTENDED,
}
BUCKETS_PER_DOUBLING = 6  # buckets grow by 2^(1/6) ≈ 12 %
MAX_BUCKET = 159  # 2^(159/6) minutes: far beyond any case (a century)


def flags_of(ev: Any) -> int:
    """The bitmask of an event row (or anything with the same attributes)."""
    case = ev.close_due is not None and not ev.self_handled
    return (
        (REGISTERED if ev.registered_at is not None else 0)
        | (NOT_REGISTERED if ev.status == "not_registered" else 0)
        | (SELF_HANDLED if ev.self_handled else 0)
        | (DISPATCHED if case else 0)
        | (CLOSED if ev.close_seconds is not None else 0)
        | (ON_TIME if ev.close_seconds is not None and ev.closed_on_time else 0)
        | (REWORKED if case and ev.rework_count else 0)
        | (EXTENDED if case and ev.extension_count else 0)
    )


def bucket_of(seconds: int | None) -> int | None:
    """The time-to-close bucket: 0 for under a minute, one more every 12 % longer."""
    if seconds is None:
        return None
    return min(int(BUCKETS_PER_DOUBLING * math.log2(1 + max(seconds, 0) / 60)), MAX_BUCKET)


def refresh(ev: Any) -> None:
    ev.stat_flags = flags_of(ev)
    ev.close_bucket = bucket_of(ev.close_seconds)
