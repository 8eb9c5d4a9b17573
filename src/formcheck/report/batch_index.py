"""index.html over a batch: one row a clip, linking each clip's report.html, sortable by
clip, exercise, reps and faults, with the reason beside every clip that failed. Written
beside summary.csv each time the summary is, so it is there even for a stopped batch."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from formcheck import __version__
from formcheck.io.atomic import atomic_write_text
from formcheck.report.html_env import environment
from formcheck.report.html_report import HTML_NAME

if TYPE_CHECKING:
    from formcheck.batch.jobs import ClipResult

INDEX_NAME = "index.html"


def write_batch_index(out: Path, results: list[ClipResult]) -> Path:
    """Write ``out``/index.html for ``results`` (in the summary's order) and return it."""
    path = Path(out) / INDEX_NAME
    atomic_write_text(path, render_batch_index(Path(out), results))
    return path


def render_batch_index(out: Path, results: list[ClipResult]) -> str:
    rows = [_row(out, k, result) for k, result in enumerate(results)]
    counts = Counter(result.status for result in results)
    context = {
        "version": __version__,
        "title": out.resolve().name or str(out),
        "rows": rows,
        "counts": sorted(counts.items(), key=lambda item: item[0] != "ok"),
        "failed": [row for row in rows if row["status"] == "failed"],
        "total": len(rows),
    }
    return environment().get_template("batch_index.html.j2").render(context)


def _row(out: Path, order: int, r: ClipResult) -> dict:
    folder = Path(r.output) if r.output else None
    if folder is not None and not folder.is_absolute():
        folder = out / folder
    report = folder / HTML_NAME if folder is not None else None
    link = None
    if report is not None and report.is_file():
        link = quote(Path(os.path.relpath(report, out)).as_posix())
    faulty_reps = sum(1 for faults in r.faults_per_rep if faults)
    return {
        "order": order,
        "clip": r.clip,
        "status": r.status,
        "exercise": (r.exercise or "").replace("_", " "),
        "view": r.view or "",
        "reps": r.reps,
        "faults": r.fault_count if r.reps is not None else None,
        "faulty_reps": faulty_reps,
        "per_rep": [
            (i, ", ".join(faults) if faults else "clean")
            for i, faults in enumerate(r.faults_per_rep, start=1)
        ],
        "error": r.error,
        "warnings": r.warnings,
        "seconds": r.seconds,
        "link": link,
    }
