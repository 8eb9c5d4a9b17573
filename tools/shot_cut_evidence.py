"""The evidence behind the cut detector (formcheck/io/shot_cuts.py): for every labelled clip,
the frames it calls cuts and the strongest change it did not, both as (changed fraction of
the picture, brightness rank correlation), beside the manifest's "cut" footage tag.

    python tools/shot_cut_evidence.py            # rendered + real clips (decodes, no pose)

The manifest tags a clip "cut" where the labeller noted one; it does not list every cut, so
a flagged frame without the tag is a frame to look at (tools: extract it and view it).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from evidence_sets import add_set_arguments, load_sets

from formcheck.errors import FormcheckError
from formcheck.io.shot_cuts import changed_fraction, is_cut_between, layout_correlation, thumbnail
from formcheck.io.video_reader import VideoReader
from formcheck.pipeline import MAX_SIDE


def clip_changes(path: Path) -> list[tuple[int, float, float, float, bool]]:
    """Per frame after the first: (index, time, changed fraction, correlation, is a cut)."""
    rows = []
    previous = None
    with VideoReader(path, max_side=MAX_SIDE) as reader:
        for frame in reader:
            thumb = thumbnail(frame.image)
            if previous is not None:
                rows.append(
                    (
                        frame.index,
                        frame.t,
                        changed_fraction(previous, thumb),
                        layout_correlation(previous, thumb),
                        is_cut_between(previous, thumb),
                    )
                )
            previous = thumb
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_set_arguments(parser)
    args = parser.parse_args(argv)
    sets = load_sets(args)
    if sets is None:
        return 2

    def fmt(row) -> str:
        return f"{row[1]:.1f}s ({row[2]:.2f}, r={row[3]:.2f})"

    for source, manifest in sets:
        cuts, strongest_other = [], []
        print(f"\n{source}: clip, tagged 'cut', cuts found, strongest change not a cut")
        for clip in manifest.clips:
            path = manifest.clips_root / clip.file
            if not path.exists():
                continue
            try:
                rows = clip_changes(path)
            except FormcheckError as exc:
                print(f"  {clip.file}: {exc}")
                continue
            found = [row for row in rows if row[4]]
            others = [row for row in rows if not row[4]]
            other = max(others, key=lambda row: row[2]) if others else None
            cuts += found
            strongest_other += [other] if other else []
            tagged = "cut" in clip.footage
            print(
                f"  {clip.file[:58]:58s} {'yes' if tagged else '-':3s} "
                f"{', '.join(fmt(row) for row in found) or '-':40s} "
                f"{fmt(other) if other else '-'}"
            )
        if cuts:
            print(
                f"{source}: {len(cuts)} cuts, changed {min(r[2] for r in cuts):.2f}-"
                f"{max(r[2] for r in cuts):.2f}, correlation {min(r[3] for r in cuts):.2f}-"
                f"{max(r[3] for r in cuts):.2f}"
            )
        if strongest_other:
            top = max(strongest_other, key=lambda row: row[2])
            print(f"{source}: the strongest change not called a cut: {fmt(top)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
