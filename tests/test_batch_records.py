"""A clip whose worker died after writing the clip's record, but before reporting it, is run
again in the same batch and found done: it was checked in this run, so it is `ok`; only a
clip done in an earlier run is `skipped` (the soak with a killed worker listed four clips of
its own run as done earlier)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from formcheck.batch.jobs import OK, BatchSettings, ClipJob, ClipResult
from formcheck.batch.worker import _fingerprint, _write_record, check_clip


def test_a_clip_done_by_this_run_is_ok_and_one_done_before_is_skipped(tmp_path):
    clip = tmp_path / "set.mp4"
    clip.write_bytes(b"not analysed: the record says it is done")
    job = ClipJob(clip=str(clip), shown="set.mp4", folder=str(tmp_path / "out"), exercise="x")
    settings = BatchSettings(out=str(tmp_path), run="this-run")
    Path(job.folder).mkdir()
    done = ClipResult(clip="set.mp4", output=job.folder, status=OK, reps=3)
    _write_record(Path(job.folder), _fingerprint(job, settings), done, None, run="this-run")

    again = check_clip(job, settings)
    assert (again.status, again.reps) == ("ok", 3)
    later = check_clip(job, replace(settings, run="a-later-run"))
    assert (later.status, later.reps) == ("skipped", 3)
