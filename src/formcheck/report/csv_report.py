"""Per-frame measures as CSV, for a spreadsheet or a plot: one row per frame."""

from __future__ import annotations

import csv
import io
import math
import os
from pathlib import Path

import numpy as np

from formcheck.io.atomic import atomic_write_pieces

FIXED_COLUMNS = ("frame", "t_s", "rep", "phase")
# Frames formatted at a time when writing a file: an hour's measures as text cells would
# take hundreds of MB, a stretch of them a few.
WRITE_FRAMES = 2000


def measures_csv(
    t: np.ndarray,
    measures: dict[str, np.ndarray],
    *,
    rep_index: np.ndarray | None = None,
    phase: np.ndarray | None = None,
    first_frame: int = 0,
    header: bool = True,
) -> str:
    """CSV text: frame, t_s, rep (0 = between reps), phase, then the measures by name.

    Numbers have 3 decimals; NaN and infinities are empty cells. ``first_frame`` and
    ``header=False`` let a long live session write its rows a stretch at a time.
    """
    t = np.asarray(t, dtype=float)
    n = len(t)
    names = sorted(measures)
    clash = set(names) & set(FIXED_COLUMNS)
    if clash:
        raise ValueError(f"measure names {sorted(clash)} clash with the fixed columns")
    columns = [_formatted(_column(name, measures[name], n)) for name in names]
    reps = [0] * n if rep_index is None else _column("rep_index", rep_index, n).astype(int).tolist()
    phases = [""] * n if phase is None else [str(p) for p in _column("phase", phase, n)]

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow([*FIXED_COLUMNS, *names])
    frames = range(first_frame, first_frame + n)
    writer.writerows(zip(frames, _formatted(t), reps, phases, *columns, strict=True))
    return out.getvalue()


def write_measures_csv(
    path: str | os.PathLike[str],
    t: np.ndarray,
    measures: dict[str, np.ndarray],
    *,
    rep_index: np.ndarray | None = None,
    phase: np.ndarray | None = None,
) -> Path:
    """Write :func:`measures_csv` to ``path`` atomically, a stretch of frames at a time, and
    return the path."""
    t = np.asarray(t, dtype=float)
    n = len(t)
    for name, values in measures.items():  # a wrong length is told before anything is written
        _column(name, values, n)
    for name, values in (("rep_index", rep_index), ("phase", phase)):
        if values is not None:
            _column(name, values, n)

    def stretch(a: int, b: int) -> str:
        return measures_csv(
            t[a:b],
            {name: values[a:b] for name, values in measures.items()},
            rep_index=None if rep_index is None else rep_index[a:b],
            phase=None if phase is None else phase[a:b],
            first_frame=a,
            header=a == 0,
        )

    starts = range(0, max(n, 1), WRITE_FRAMES)
    atomic_write_pieces(path, (stretch(a, a + WRITE_FRAMES) for a in starts))
    return Path(path)


def _column(name: str, values: np.ndarray, n: int) -> np.ndarray:
    array = np.asarray(values)
    if array.shape != (n,):
        raise ValueError(f"{name} has shape {array.shape}, expected ({n},) like t")
    return array


def _formatted(values: np.ndarray) -> list[str]:
    """3 decimals; NaN and infinities as empty cells."""
    return [f"{v:.3f}" if math.isfinite(v) else "" for v in np.asarray(values, float).tolist()]
