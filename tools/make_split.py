"""Place evaluation clips in the fixed tuning/test split (eval/split.json), once.

    python tools/make_split.py                       # the real clips and sample_videos/
    python tools/make_split.py --rendered /work/synthcache/wide --set wide

Clips already in the split keep their part (a clip whose bytes changed is an error); new ones
are placed by formcheck.evaluation.split's rule. Prints what it placed and the share of each
part per set and exercise.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from formcheck.errors import FormcheckError
from formcheck.evaluation.manifest import load_manifest, load_rendered
from formcheck.evaluation.split import SPLIT_FILE, extend, load_split

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--manifest", type=Path, default=ROOT / "eval/real_manifest.json")
    p.add_argument("--clips-root", type=Path, default=None)
    p.add_argument(
        "--rendered",
        type=Path,
        action="append",
        default=None,
        help="a folder of rendered clips with *.labels.json (repeatable)",
    )
    p.add_argument(
        "--set",
        dest="set_names",
        action="append",
        default=None,
        help="the name of each --rendered set (default: the folder's name)",
    )
    p.add_argument("--split", type=Path, default=SPLIT_FILE)
    args = p.parse_args(argv)
    try:
        split = load_split(args.split)
        placed: list[str] = []
        real = load_manifest(args.manifest, args.clips_root)
        if real.clips_root.is_dir():
            rows = {c.file: c for c in real.clips if c.supported_label}  # panels share a file
            placed += extend(
                split,
                "real",
                [
                    (c.file, c.exercise, real.clips_root / c.file, c.same_take_as)
                    for c in rows.values()
                ],
            )
        else:
            print(f"{real.clips_root} not found: real clips not placed", file=sys.stderr)
        folders = args.rendered or [ROOT / "sample_videos"]
        names = args.set_names or [f.name for f in folders]
        for folder, name in zip(folders, names):
            rendered = load_rendered(folder)
            placed += extend(
                split, name, [(c.file, c.exercise, folder / c.file, None) for c in rendered.clips]
            )
    except FormcheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.split.write_text(split.to_json())
    print(f"{args.split}: placed {len(placed)} new clips, {len(split.entries)} in all")
    shares = Counter((e.set, e.exercise, e.part) for e in split.entries.values())
    for set_name, exercise in sorted({(s, x) for s, x, _ in shares}):
        tune, test = shares[(set_name, exercise, "tune")], shares[(set_name, exercise, "test")]
        print(f"  {set_name:<14} {exercise:<24} tune {tune:>3}  test {test:>3}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
