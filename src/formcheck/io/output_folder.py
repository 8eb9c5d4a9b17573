"""The folder a clip's analysis is written into: made and proved writable before the work,
tidied of a killed run's leftovers, never shared by two clips, and removed again when it was
made for an analysis that wrote nothing."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from formcheck.errors import OutputError
from formcheck.io.atomic import file_in_the_way, remove_stale_temps

REPORT_NAME = "report.json"


def prepare_folder(folder: Path, option: str = "--out") -> bool:
    """Create ``folder`` (and its parents), prove it writable, and remove temporary files
    that killed runs left in it. Returns True when the folder did not exist before."""
    folder = Path(folder)
    blocker = file_in_the_way(folder)
    if blocker is not None:
        raise OutputError(
            f"cannot write to output folder {folder}: {blocker} is a file, not a folder; "
            f"choose a folder with {option}"
        )
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".formcheck-write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputError(
            f"cannot write to output folder {folder}: {exc.strerror or exc}; "
            f"choose a writable folder with {option}"
        ) from None
    remove_stale_temps(folder)
    return created


def other_clip_in(folder: Path, clip: Path) -> str | None:
    """The clip whose analysis ``folder`` already holds, when it is not ``clip`` (judged by
    file name: the report records the path as it was given). None when free or the same."""
    try:
        recorded = json.loads((Path(folder) / REPORT_NAME).read_text(encoding="utf-8"))
        path = str(recorded["clip"]["path"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no report, or not one of ours: nothing of another clip to protect
    return path if Path(path).name != Path(clip).name else None


def remove_if_empty(folder: Path) -> None:
    """Remove ``folder`` if nothing is in it (an analysis that failed before writing)."""
    with contextlib.suppress(OSError):
        Path(folder).rmdir()  # fails, as wanted, when anything is inside
