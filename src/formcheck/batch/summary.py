"""summary.csv, summary.json and index.html: one row per clip of the batch, for triage.

Both are rewritten atomically as clips finish (at most every few seconds) and once at the
end, so even a killed run leaves a readable summary of what it had done.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from collections import Counter
from pathlib import Path

from formcheck.batch.jobs import PENDING, STATUSES, ClipJob, ClipResult
from formcheck.io.atomic import atomic_write_text
from formcheck.report.batch_index import write_batch_index

SUMMARY_SCHEMA = 1
CSV_COLUMNS = (
    "clip",
    "status",
    "exercise",
    "view",
    "standing_leg",
    "expected_standing_leg",
    "reps",
    "faults",
    "faults_per_rep",
    "error",
    "warnings",
    "seconds",
    "output",
)
# Rewrite the summary at most this often while clips stream in: rewriting thousands of rows
# after every clip would cost more than the clips on a large batch.
WRITE_EVERY_S = 5.0


def faults_per_rep_text(result: ClipResult) -> str:
    """``1: clean; 2: bell_drift, spine_round``: readable in a spreadsheet cell."""
    return "; ".join(
        f"{i}: {', '.join(faults) if faults else 'clean'}"
        for i, faults in enumerate(result.faults_per_rep, start=1)
    )


def _relative(output: str, out: Path | None) -> str:
    """Clip folders relative to the summary, so the output folder can be moved or shared."""
    return os.path.relpath(output, out) if out is not None and output else output


def summary_csv(results: list[ClipResult], out: Path | None = None) -> str:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in results:
        writer.writerow(
            [
                r.clip,
                r.status,
                r.exercise or "",
                r.view or "",
                r.standing_leg or "",
                r.expected_standing_leg or "",
                "" if r.reps is None else r.reps,
                "" if r.reps is None else r.fault_count,
                faults_per_rep_text(r),
                r.error,
                " | ".join(r.warnings),
                "" if r.seconds is None else f"{r.seconds:.2f}",
                _relative(r.output, out),
            ]
        )
    return text.getvalue()


def counts(results: list[ClipResult]) -> dict[str, int]:
    found = Counter(r.status for r in results)
    return {status: found[status] for status in STATUSES if found[status]}


def summary_json(results: list[ClipResult], out: Path | None = None) -> str:
    from formcheck import __version__

    document = {
        "formcheck_version": __version__,
        "schema": SUMMARY_SCHEMA,
        "counts": counts(results),
        "clips": [
            {**r.to_dict(), "output": _relative(r.output, out), "faults": r.fault_count}
            for r in results
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


class SummaryWriter:
    """Collects results as they arrive (in any order) and writes them in the jobs' order."""

    def __init__(self, out: Path, jobs: list[ClipJob]) -> None:
        self.out = out
        self.csv_path = out / "summary.csv"
        self.json_path = out / "summary.json"
        self._order = [job.folder for job in jobs]
        self._results = {
            job.folder: ClipResult(
                clip=job.shown,
                output=job.folder,
                status=PENDING,
                exercise=job.exercise,
                expected_standing_leg=job.standing_leg,
            )
            for job in jobs
        }
        self._written_at = 0.0

    def add(self, job: ClipJob, result: ClipResult) -> None:
        self._results[job.folder] = result
        if time.monotonic() - self._written_at >= WRITE_EVERY_S:
            self.write()

    def mark_pending(self, status: str, error: str) -> None:
        """Give every clip without a result ``status`` (e.g. interrupted) and ``error``."""
        for result in self._results.values():
            if result.status == PENDING:
                result.status, result.error = status, error

    @property
    def results(self) -> list[ClipResult]:
        return [self._results[folder] for folder in self._order]

    def write(self) -> None:
        results = self.results
        atomic_write_text(self.csv_path, summary_csv(results, self.out))
        atomic_write_text(self.json_path, summary_json(results, self.out))
        write_batch_index(self.out, results)  # index.html: the same rows, for a browser
        self._written_at = time.monotonic()
