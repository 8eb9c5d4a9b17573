"""The frame-by-frame series a report page draws: frame times, the measures, and the
landmarks (to mark joints on stills), from an analysis or from measures.csv."""

from __future__ import annotations

import csv
import os
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from formcheck.analysis import Analysis
from formcheck.report.csv_report import FIXED_COLUMNS


@dataclass(frozen=True)
class Curves:
    """What the plots and the marked stills are drawn from: frame times, the measures frame
    by frame, and the landmarks where they are still known."""

    t: np.ndarray  # (T,) seconds
    measures: Mapping[str, np.ndarray]  # name -> (T,)
    image_xy: np.ndarray | None = None  # (T, 33, 2) normalised, to mark joints on stills
    visibility: np.ndarray | None = None  # (T, 33)

    @classmethod
    def from_analysis(cls, analysis: Analysis) -> Curves:
        seq = analysis.smoothed
        return cls(seq.t, analysis.measures, seq.image_xy, seq.visibility)

    @classmethod
    def from_measures_csv(cls, path: str | os.PathLike[str]) -> Curves:
        """From measures.csv (a live session keeps no whole-session history in memory)."""
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        header, body = rows[0], rows[1:]
        columns = list(zip(*body)) if body else [()] * len(header)

        def numbers(cells) -> np.ndarray:
            return np.array([float(c) if c else np.nan for c in cells], dtype=float)

        named = dict(zip(header, columns))
        measures = {
            name: numbers(cells) for name, cells in named.items() if name not in FIXED_COLUMNS
        }
        return cls(numbers(named.get("t_s", ())), measures)

    def pose_at(self, frame: int) -> tuple[np.ndarray, np.ndarray] | None:
        """(image_xy (33, 2), visibility (33,)) at ``frame``, if the landmarks are known."""
        if self.image_xy is None or self.visibility is None:
            return None
        if not 0 <= frame < len(self.image_xy):
            return None
        return self.image_xy[frame], self.visibility[frame]
