"""The roll-up: indicator attainment → measure progress → policy progress, and the status.

Pure functions over plain numbers, so the dashboard, the public page, the exports and
the tests share one formula (docs/plan.md and the pages show it):

* attainment  a = clamp((actual − baseline) / (target − baseline), 0, 1)
  (the baseline is 0 where the plan states none; for "lower is better" the target lies
  below the baseline and the same formula holds). If target = baseline, a = 1 when the
  actual meets the target in the indicator's direction, else 0.
* expected    e = time elapsed from the plan's start (1 April of its first FY) to the
  evaluation date, over the time to the end of the target's FY (31 March), clamped 0–1.
* measure progress P = Σ wᵢ·aᵢ / Σ wᵢ and expected E = Σ wᵢ·eᵢ / Σ wᵢ over indicators that
  have a value and a target (weight 0 = reference indicator, never counted).
* policy progress = the mean of its measures' P (and E) over measures that are measured.
* status: 未計測 if nothing is measured; 達成 if P ≥ 1; 順調 if P ≥ E − 0.10; else 遅れ.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

ON_TRACK_TOLERANCE = 0.10


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    DELAYED = "delayed"
    UNMEASURED = "unmeasured"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.ACHIEVED: "達成",
    Status.ON_TRACK: "順調",
    Status.DELAYED: "遅れ",
    Status.UNMEASURED: "未計測",
}


def attainment(
    *, actual: float, target: float, baseline: float | None, lower_is_better: bool
) -> float:
    """Progress from the baseline toward the target, 0–1 (capped)."""
    base = 0.0 if baseline is None else baseline
    if target == base:
        met = actual <= target if lower_is_better else actual >= target
        return 1.0 if met else 0.0
    return min(1.0, max(0.0, (actual - base) / (target - base)))


def expected_fraction(*, start_fy: int, target_fy: int, as_of: date) -> float:
    """Share of the time from the plan's start to the end of ``target_fy`` elapsed at ``as_of``."""
    start = date(start_fy, 4, 1)
    end = date(target_fy + 1, 3, 31)
    total = (end - start).days
    if total <= 0:
        return 1.0
    return min(1.0, max(0.0, (as_of - start).days / total))


def target_for(targets: dict[int, float], fy: int) -> tuple[int, float] | None:
    """The target that applies in ``fy``: that FY's, else the next later one, else the last."""
    if not targets:
        return None
    if fy in targets:
        return fy, targets[fy]
    later = [year for year in targets if year > fy]
    year = min(later) if later else max(targets)
    return year, targets[year]


@dataclass(frozen=True)
class IndicatorScore:
    weight: int
    attainment: float | None  # None: no value, or no target
    expected: float


@dataclass(frozen=True)
class Progress:
    progress: float | None
    expected: float | None
    status: Status

    @property
    def percent(self) -> int | None:
        return None if self.progress is None else round(self.progress * 100)

    @property
    def expected_percent(self) -> int | None:
        return None if self.expected is None else round(self.expected * 100)


def status_of(progress: float | None, expected: float | None) -> Status:
    if progress is None or expected is None:
        return Status.UNMEASURED
    if progress >= 1.0 - 1e-9:
        return Status.ACHIEVED
    if progress >= expected - ON_TRACK_TOLERANCE - 1e-9:
        return Status.ON_TRACK
    return Status.DELAYED


def measure_progress(scores: Iterable[IndicatorScore]) -> Progress:
    counted = [s for s in scores if s.weight > 0 and s.attainment is not None]
    total = sum(s.weight for s in counted)
    if not total:
        return Progress(None, None, Status.UNMEASURED)
    progress = sum(s.weight * (s.attainment or 0.0) for s in counted) / total
    expected = sum(s.weight * s.expected for s in counted) / total
    return Progress(progress, expected, status_of(progress, expected))


def policy_progress(measures: Sequence[Progress]) -> Progress:
    measured = [m for m in measures if m.progress is not None and m.expected is not None]
    if not measured:
        return Progress(None, None, Status.UNMEASURED)
    progress = sum(m.progress or 0.0 for m in measured) / len(measured)
    expected = sum(m.expected or 0.0 for m in measured) / len(measured)
    return Progress(progress, expected, status_of(progress, expected))
