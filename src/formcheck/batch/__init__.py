"""Batch checking: many clips, on this machine's cores or a Dask cluster (`formcheck batch`).

inputs -> ClipJob per clip -> engine (local processes | Dask) -> check_clip per clip ->
ClipResult -> summary.csv / summary.json. See docs/batch.md.
"""

from importlib import import_module

__all__ = ["BatchOutcome", "BatchSettings", "ClipJob", "ClipResult", "run_batch"]

# Loaded on first use: the runner brings the reports (NumPy, SciPy, OpenCV), and `formcheck
# --help` passes through this package for the batch command's arguments.
_HOMES = {
    "BatchSettings": "jobs",
    "ClipJob": "jobs",
    "ClipResult": "jobs",
    "BatchOutcome": "runner",
    "run_batch": "runner",
}


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(import_module(f"formcheck.batch.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'formcheck.batch' has no attribute {name!r}")
