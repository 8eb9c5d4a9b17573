"""Batch checking: many clips, on this machine's cores or a Dask cluster (`formcheck batch`).

inputs -> ClipJob per clip -> engine (local processes | Dask) -> check_clip per clip ->
ClipResult -> summary.csv / summary.json. See docs/batch.md.
"""

from formcheck.batch.jobs import BatchSettings, ClipJob, ClipResult
from formcheck.batch.runner import BatchOutcome, run_batch

__all__ = ["BatchOutcome", "BatchSettings", "ClipJob", "ClipResult", "run_batch"]
