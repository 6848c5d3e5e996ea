"""Arrivals: non-homogeneous Poisson streams with piecewise-constant rates, and O(1) picks.

A ``Stream`` draws its next arrival by inverting the integrated rate over its segments
(exact, with no rejected candidates as thinning would have); its item and area come from
Walker alias tables, so an arrival costs the same with 27 communities or 5,607.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Sequence


class Alias:
    """Walker's alias table: ``pick(u)`` maps one uniform draw to an index by weight."""

    __slots__ = ("alias", "n", "prob")

    def __init__(self, weights: Sequence[float]) -> None:
        n = len(weights)
        total = float(sum(weights))
        if n == 0 or total <= 0:
            raise ValueError("an alias table needs positive weights")
        scaled = [w * n / total for w in weights]
        prob, alias = [1.0] * n, list(range(n))
        small = [i for i, w in enumerate(scaled) if w < 1.0]
        large = [i for i, w in enumerate(scaled) if w >= 1.0]
        while small and large:
            s, g = small.pop(), large.pop()
            prob[s], alias[s] = scaled[s], g
            scaled[g] -= 1.0 - scaled[s]
            (small if scaled[g] < 1.0 else large).append(g)
        self.n, self.prob, self.alias = n, prob, alias

    def pick(self, u: float) -> int:
        x = u * self.n
        i = int(x)
        if i >= self.n:
            i = self.n - 1
        return i if x - i < self.prob[i] else self.alias[i]


class Stream:
    """A Poisson stream with rate ``rates[k]`` per hour on ``[bounds[k], bounds[k+1])``.

    ``what`` are the values an arrival carries (item indices, queue indices), picked by
    ``weights``; ``areas`` restricts where (indices into the city's communities), or None.
    """

    __slots__ = ("areas", "bounds", "k", "label", "pick", "rates", "what")

    def __init__(
        self, bounds: Sequence[float], rates: Sequence[float], what: Sequence[int],
        weights: Sequence[float], areas: Sequence[int] | None = None,
        area_weights: Sequence[float] | None = None, label: str = "",
    ) -> None:
        self.bounds, self.rates = list(bounds), list(rates)
        self.what, self.pick = list(what), Alias(weights)
        self.areas = (list(areas), Alias(area_weights)) if areas is not None else None
        self.k, self.label = 0, label

    def next_after(self, t: float, rng: random.Random) -> float:
        """The next arrival after ``t`` (call with non-decreasing ``t``); inf if none."""
        e = rng.expovariate(1.0)
        b, r, k = self.bounds, self.rates, self.k
        n = len(r)
        while k < n and b[k + 1] <= t:
            k += 1
        while k < n:
            rate = r[k]
            if t < b[k]:
                t = b[k]
            if rate > 0:
                avail = (b[k + 1] - t) * rate
                if e < avail:
                    self.k = k
                    return t + e / rate
                e -= avail
            t = b[k + 1]
            k += 1
        self.k = k
        return math.inf

    def expected(self) -> float:
        return sum((self.bounds[k + 1] - self.bounds[k]) * r for k, r in enumerate(self.rates))


def segments(
    start: float, end: float, rate: Callable[[float], float], step: float = 1.0,
    cuts: Sequence[float] = (),
) -> tuple[list[float], list[float]]:
    """Bounds and rates of a piecewise-constant rate: ``rate`` at the middle of each piece.

    Pieces are ``step`` hours long on a grid from 0, also cut at ``cuts``; equal
    neighbours are merged.
    """
    points = {start, end}
    k = math.floor(start / step) + 1
    while k * step < end:
        points.add(k * step)
        k += 1
    points.update(c for c in cuts if start < c < end)
    ordered = sorted(points)
    bounds, rates = [ordered[0]], []
    for a, b in itertools.pairwise(ordered):
        v = rate((a + b) / 2)
        if rates and rates[-1] == v:
            bounds[-1] = b
        else:
            rates.append(v)
            bounds.append(b)
    return bounds, rates
