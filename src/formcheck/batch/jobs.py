"""The data a batch passes around: what to check, how, and what came of it.

These travel to worker processes and Dask workers by pickling, so they hold only plain
values (strings, numbers, lists), never open files or models.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from formcheck.pose.models import DEFAULT_MODEL

OK, FAILED, SKIPPED, INTERRUPTED, PENDING = "ok", "failed", "skipped", "interrupted", "pending"
STATUSES = (OK, FAILED, SKIPPED, INTERRUPTED, PENDING)


@dataclass(frozen=True)
class ClipJob:
    """One clip to check and where its outputs go."""

    clip: str  # absolute path, as the workers will open it
    shown: str  # the path as the user gave or sees it, for messages and the summary
    folder: str  # absolute path of this clip's own output folder
    exercise: str  # an exercise name, or "auto"
    standing_leg: str | None = None  # from a manifest: what the coach expects, to check against


@dataclass(frozen=True)
class BatchSettings:
    """What every clip of a batch shares."""

    out: str
    model: str = DEFAULT_MODEL
    config: str | None = None
    video: bool = True
    force: bool = False
    # This run of the batch: a clip whose worker died after writing its record but before
    # reporting it is found done by the rerun in this same run, and is `ok`, not `skipped`.
    run: str = ""


@dataclass
class ClipResult:
    """The outcome of one clip: one row of the summary."""

    clip: str
    output: str
    status: str
    exercise: str | None = None
    view: str | None = None
    standing_leg: str | None = None
    expected_standing_leg: str | None = None
    reps: int | None = None
    faults_per_rep: list[list[str]] = field(default_factory=list)
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    seconds: float | None = None  # time spent checking this clip in the run that checked it

    @property
    def fault_count(self) -> int:
        return sum(len(faults) for faults in self.faults_per_rep)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClipResult:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)
