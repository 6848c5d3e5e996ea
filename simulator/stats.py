"""Streaming statistics and the formulas to check them against.

``Histogram`` keeps fixed log-spaced bins (percentiles within ±2 % of the value, whatever the
number of observations); ``ci`` is a Student-t confidence interval over replications;
``erlang_c`` / ``mmc_wait`` are the M/M/c formulas the validation tests compare with.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

LOW, DECADES, PER_DECADE = 1e-3, 8, 64  # 0.001 h … 100,000 h
NBINS = DECADES * PER_DECADE + 2  # + underflow and overflow
_LOG_LOW = math.log(LOW)
_SCALE = PER_DECADE / math.log(10)


def bin_of(x: float) -> int:
    if x < LOW:
        return 0
    i = int((math.log(x) - _LOG_LOW) * _SCALE) + 1
    return i if i < NBINS - 1 else NBINS - 1


def bin_edges(i: int) -> tuple[float, float]:
    if i == 0:
        return 0.0, LOW
    lo = LOW * 10 ** ((i - 1) / PER_DECADE)
    return lo, (lo * 10 ** (1 / PER_DECADE) if i < NBINS - 1 else math.inf)


def new_hist() -> list[int]:
    return [0] * NBINS


def merge(hists: Iterable[Sequence[int]]) -> list[int]:
    out = new_hist()
    for h in hists:
        for i, v in enumerate(h):
            out[i] += v
    return out


def percentile(hist: Sequence[int], q: float) -> float:
    """The ``q``-quantile (0–1), interpolated geometrically inside its bin; NaN if empty."""
    total = sum(hist)
    if total == 0:
        return math.nan
    rank = q * total
    acc = 0
    for i, n in enumerate(hist):
        if n and acc + n >= rank:
            lo, hi = bin_edges(i)
            f = (rank - acc) / n
            if i == 0:
                return lo + f * (hi - lo)
            if math.isinf(hi):
                return lo
            return lo * (hi / lo) ** f
        acc += n
    return bin_edges(len(hist) - 1)[0]


def sparse(hist: Sequence[int]) -> dict[str, int]:
    """A histogram as ``{bin: count}`` for JSON (most bins are empty)."""
    return {str(i): n for i, n in enumerate(hist) if n}


def dense(data: dict[str, int]) -> list[int]:
    out = new_hist()
    for k, v in data.items():
        out[int(k)] = v
    return out


# ── confidence intervals over replications ──────────────────────────────────────────────


def ci(values: Sequence[float], level: float = 0.95) -> dict[str, Any]:
    """Mean and Student-t confidence interval of independent replications (NaNs dropped)."""
    xs = [float(v) for v in values if v is not None and not math.isnan(v)]
    n = len(xs)
    if n == 0:
        return {"mean": None, "low": None, "high": None, "half_width": None, "n": 0}
    mean = sum(xs) / n
    if n == 1:
        return {"mean": mean, "low": None, "high": None, "half_width": None, "n": 1}
    var = sum((x - mean) ** 2 for x in xs) / (n - 1)
    hw = t_quantile(0.5 + level / 2, n - 1) * math.sqrt(var / n)
    return {"mean": mean, "low": mean - hw, "high": mean + hw, "half_width": hw, "n": n}


def t_quantile(p: float, df: int) -> float:
    """Quantile of Student's t distribution (bisection on the CDF; no SciPy needed)."""
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        hi *= 2
    for _ in range(100):
        mid = (lo + hi) / 2
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def t_cdf(t: float, df: float) -> float:
    x = df / (df + t * t)
    tail = 0.5 * _betainc(df / 2, 0.5, x)
    return 1 - tail if t > 0 else tail


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b) by Lentz's continued fraction."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    lbeta = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    front = math.exp(lbeta + a * math.log(x) + b * math.log1p(-x))
    if x > (a + 1) / (a + b + 2):
        return 1.0 - _betainc(b, a, 1 - x)
    tiny = 1e-300
    f, c, d = 1.0, 1.0, 0.0
    for i in range(400):
        m = i // 2
        if i == 0:
            num = 1.0
        elif i % 2 == 0:
            num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        else:
            num = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1.0 + num * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + num / c
        c = c if abs(c) > tiny else tiny
        f *= c * d
        if abs(1.0 - c * d) < 1e-12:
            break
    return front * (f - 1.0) / a


# ── queueing formulas ───────────────────────────────────────────────────────────────────


def erlang_c(c: int, load: float) -> float:
    """Probability of waiting in M/M/c with offered load ``λ/μ`` (needs load < c)."""
    if load >= c:
        return 1.0
    b = 1.0  # Erlang B by the stable recursion, then C from B
    for k in range(1, c + 1):
        b = load * b / (k + load * b)
    rho = load / c
    return b / (1 - rho + rho * b)


def mmc_wait(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue Wq of M/M/c."""
    return erlang_c(c, lam / mu) / (c * mu - lam)
