"""The machine-readable report: ``Report.to_dict()`` as JSON, with a version stamp."""

from __future__ import annotations

import json
import os
from pathlib import Path

from formcheck import __version__
from formcheck.io.atomic import atomic_write_text
from formcheck.types import Report

SCHEMA_VERSION = 1  # bump when a field is renamed, removed or changes meaning


def report_json(report: Report) -> str:
    """The report as indented JSON text (NaN and infinities become null)."""
    document = {"formcheck_version": __version__, "schema": SCHEMA_VERSION, **report.to_dict()}
    # allow_nan=False: to_dict already maps NaN to None, so a NaN here is a bug, not output.
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_report_json(report: Report, path: str | os.PathLike[str]) -> Path:
    """Write the report to ``path`` atomically and return the path."""
    atomic_write_text(path, report_json(report))
    return Path(path)
