"""What a person sees while a batch runs: a tqdm bar over clips, one over frames (local
engine), and a line per clip as it finishes."""

from __future__ import annotations

import sys

from formcheck.batch.jobs import ClipResult


def describe(result: ClipResult) -> str:
    """One line for a finished clip."""
    if result.status in ("ok", "skipped"):
        reps = "?" if result.reps is None else result.reps
        faults = result.fault_count
        facts = [result.exercise or "?", f"{result.view or '?'} view", _count(reps, "rep")]
        facts.append(_count(faults, "fault"))
        if result.status == "skipped":
            facts.append("done in an earlier run")
        if result.warnings:
            facts.append(_count(len(result.warnings), "warning"))
        detail = ", ".join(facts)
    else:
        detail = result.error
    return f"{result.status:<11} {result.clip}  {detail}"


def _count(n: int | str, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


class BatchDisplay:
    """``bars``: progress bars on stderr; ``lines``: a line per clip on stdout."""

    def __init__(self, total: int, *, bars: bool, lines: bool, frames: bool) -> None:
        self._lines = lines
        self._clips = self._frames = None
        if bars:
            from tqdm import tqdm

            self._clips = tqdm(total=total, desc="clips", unit="clip", dynamic_ncols=True)
            if frames:
                # No total: clips' frame counts are known only as each one starts. The rate
                # is the batch's throughput.
                self._frames = tqdm(desc="frames", unit="frame", position=1, dynamic_ncols=True)

    def frames(self, n: int) -> None:
        if self._frames is not None:
            self._frames.update(n)

    def finished(self, result: ClipResult) -> None:
        if self._lines:
            line = describe(result)
            if self._clips is not None:
                self._clips.write(line, file=sys.stdout)
            else:
                print(line, flush=True)
        if self._clips is not None:
            self._clips.update(1)

    def close(self) -> None:
        for bar in (self._frames, self._clips):
            if bar is not None:
                bar.close()
