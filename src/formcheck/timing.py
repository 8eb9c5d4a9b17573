"""Where an analysis spends its time, stage by stage, for benchmarks (``benchmarks/``).

The pipeline takes an optional :class:`StageClock` and wraps each stage in
``clock.stage(name)``; without one it records nothing and costs nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class StageClock:
    """Wall-clock seconds per named stage, summed over every time the stage ran."""

    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


@contextmanager
def maybe_stage(clock: StageClock | None, name: str) -> Iterator[None]:
    """``clock.stage(name)``, or nothing when there is no clock."""
    if clock is None:
        yield
    else:
        with clock.stage(name):
            yield
