"""Handling-time distributions, written in scenarios as ``{dist = "lognormal", mean = 2, cv = 1}``.

``sampler(spec)`` returns a function of a ``random.Random``. Random draws come from NumPy in
blocks (a block's generator is seeded from that ``random.Random``, so the same seed gives the
same draws): a draw is then a list pop, a third of ``random.gauss`` and ``math.exp``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.errors import InvalidInput

Sampler = Callable[[random.Random], float]

KINDS = ("exponential", "lognormal", "gamma", "deterministic", "uniform")


@dataclass(frozen=True)
class Dist:
    """A non-negative distribution given by its mean (and coefficient of variation)."""

    dist: str
    mean: float
    cv: float = 1.0
    low: float = 0.0
    high: float = 0.0

    @classmethod
    def parse(cls, raw: Any, where: str) -> Dist:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            raw = {"dist": "exponential", "mean": raw}
        if not isinstance(raw, Mapping):
            raise InvalidInput(f"{where}: expected {{dist = \"lognormal\", mean = 2, cv = 1}}")
        unknown = set(raw) - {"dist", "mean", "cv", "low", "high"}
        if unknown:
            raise InvalidInput(f"{where}: unknown key {sorted(unknown)[0]!r} "
                               "(allowed: dist, mean, cv, low, high)")
        kind = raw.get("dist", "exponential")
        if kind not in KINDS:
            raise InvalidInput(f"{where}.dist: {kind!r} is not one of {', '.join(KINDS)}")
        if kind == "uniform":
            low, high = _num(raw, "low", where), _num(raw, "high", where)
            if not 0 <= low <= high:
                raise InvalidInput(f"{where}: uniform needs 0 ≤ low ≤ high")
            return cls(kind, (low + high) / 2, low=low, high=high)
        mean = _num(raw, "mean", where)
        if mean <= 0:
            raise InvalidInput(f"{where}.mean must be > 0, not {mean}")
        cv = float(raw.get("cv", 1.0 if kind == "exponential" else 0.0))
        if kind in ("lognormal", "gamma") and not 0 < cv <= 10:
            raise InvalidInput(f"{where}.cv must be in (0, 10] for {kind}, not {cv}")
        return cls(kind, mean, cv)

    def scaled(self, factor: float) -> Dist:
        return Dist(self.dist, self.mean * factor, self.cv, self.low * factor, self.high * factor)

    def sampler(self) -> Sampler:
        mean = self.mean
        if self.dist == "exponential":
            return _blocks(lambda g, n: g.exponential(mean, n))
        if self.dist == "lognormal":
            s2 = math.log1p(self.cv**2)
            mu, sigma = math.log(mean) - s2 / 2, math.sqrt(s2)
            return _blocks(lambda g, n: np.exp(g.normal(mu, sigma, n)))
        if self.dist == "gamma":
            k = 1.0 / self.cv**2
            theta = mean / k
            return _blocks(lambda g, n: g.gamma(k, theta, n))
        if self.dist == "uniform":
            low, high = self.low, self.high
            return lambda r: r.uniform(low, high)
        return lambda r: mean


BLOCK = 512


def _blocks(draw: Callable[[np.random.Generator, int], np.ndarray]) -> Sampler:
    """A sampler that pops values drawn ``BLOCK`` at a time."""
    buf: list[float] = []
    pop, extend = buf.pop, buf.extend

    def sample(r: random.Random) -> float:
        if not buf:
            extend(draw(np.random.default_rng(r.getrandbits(64)), BLOCK).tolist())
        return pop()

    return sample


def _num(raw: Mapping[str, Any], key: str, where: str) -> float:
    v = raw.get(key)
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise InvalidInput(f"{where}.{key} must be a number, not {v!r}")
    return float(v)
