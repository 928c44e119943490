"""Run charts for QI measurement: the median, and the rules that say a process has changed.

Anhøj's rules as qicharts2 implements them (an unusually long run, too few crossings),
computed on useful observations only (points not on the centre line), and the IHI
rules (a shift of 6 or more points on one side, a trend of 5 or more going one way).
Numbers in, plain data out: no plotting here.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

SHIFT = 6
TREND = 5


def longest_run_limit(useful: int) -> int:
    """More points than this in one run is a signal: round(log2(n)) + 3."""
    return round(math.log2(useful)) + 3 if useful > 0 else 0


def crossings_limit(useful: int) -> int:
    """Fewer crossings than this is a signal: the 5th percentile of Binomial(n - 1, 0.5).

    As R's qbinom(0.05, n - 1, 0.5): the smallest x with P(X <= x) >= 0.05.
    """
    if useful < 2:
        return 0
    trials = useful - 1
    total = 0
    for x in range(trials + 1):
        total += math.comb(trials, x)
        if total / 2**trials >= 0.05:
            return x
    return trials


@dataclass(frozen=True)
class Part:
    """One stretch of the chart with its own centre line."""

    start: int
    end: int  # exclusive
    centre: float
    useful: int
    longest_run: int
    longest_run_limit: int
    crossings: int
    crossings_limit: int
    shifts: list[tuple[int, int]] = field(default_factory=list)
    trends: list[tuple[int, int]] = field(default_factory=list)

    @property
    def runs_signal(self) -> bool:
        return self.useful > 0 and self.longest_run > self.longest_run_limit

    @property
    def crossings_signal(self) -> bool:
        return self.useful > 1 and self.crossings < self.crossings_limit

    @property
    def signal(self) -> bool:
        """Anhøj's combined rule: either test says the process is not random."""
        return self.runs_signal or self.crossings_signal


@dataclass(frozen=True)
class RunChart:
    values: list[float | None]
    parts: list[Part]
    excluded: frozenset[int]

    def centre_at(self, index: int) -> float:
        for part in self.parts:
            if part.start <= index < part.end:
                return part.centre
        raise IndexError(index)


def _sides(
    values: Sequence[float | None], centre: float, skip: frozenset[int], start: int
) -> list[tuple[int, int]]:
    """(index, +1 above / -1 below) for each useful point, in order."""
    return [
        (start + i, 1 if value > centre else -1)
        for i, value in enumerate(values)
        if value is not None and start + i not in skip and value != centre
    ]


def _runs(sides: list[tuple[int, int]]) -> list[list[int]]:
    runs: list[list[int]] = []
    for index, side in sides:
        if runs and runs[-1][0] == side:
            runs[-1].append(index)
        else:
            runs.append([side, index])
    return [run[1:] for run in runs]


def _trends(
    values: Sequence[float | None], skip: frozenset[int], start: int
) -> list[tuple[int, int]]:
    """Stretches of TREND or more points each higher (or each lower) than the last.

    A repeated value neither continues nor breaks a trend, as the IHI rule says.
    """
    points: list[tuple[int, float]] = []
    for i, value in enumerate(values):
        if value is None or start + i in skip:
            continue
        if points and points[-1][1] == value:
            continue
        points.append((start + i, value))
    found: list[tuple[int, int]] = []
    run_start, direction = 0, 0
    for k in range(1, len(points)):
        step = 1 if points[k][1] > points[k - 1][1] else -1
        if step != direction:
            if k - run_start >= TREND:
                found.append((points[run_start][0], points[k - 1][0]))
            run_start, direction = k - 1, step
    if direction and len(points) - run_start >= TREND:
        found.append((points[run_start][0], points[-1][0]))
    return found


def run_chart(
    values: Sequence[float | None],
    *,
    breaks: Sequence[int] = (),
    baseline: int | None = None,
    excluded: Sequence[int] = (),
) -> RunChart:
    """Analyse a series as a run chart.

    ``breaks`` starts a new part (a new median after a change) at each index;
    ``baseline`` fixes each part's median on its first ``baseline`` points;
    ``excluded`` points are shown but count for neither the median nor the rules.
    ``None`` is a missing observation.
    """
    skip = frozenset(excluded)
    edges = [0, *sorted(b for b in set(breaks) if 0 < b < len(values)), len(values)]
    parts = []
    for start, end in zip(edges, edges[1:], strict=False):
        segment = values[start:end]
        basis_end = len(segment) if baseline is None else min(baseline, len(segment))
        basis = [
            v for i, v in enumerate(segment[:basis_end]) if v is not None and start + i not in skip
        ]
        centre = float(statistics.median(basis)) if basis else math.nan
        sides = _sides(segment, centre, skip, start)
        runs = _runs(sides)
        useful = len(sides)
        parts.append(
            Part(
                start=start,
                end=end,
                centre=centre,
                useful=useful,
                longest_run=max((len(run) for run in runs), default=0),
                longest_run_limit=longest_run_limit(useful),
                crossings=max(len(runs) - 1, 0),
                crossings_limit=crossings_limit(useful),
                shifts=[(run[0], run[-1]) for run in runs if len(run) >= SHIFT],
                trends=_trends(segment, skip, start),
            )
        )
    return RunChart(values=list(values), parts=parts, excluded=skip)
