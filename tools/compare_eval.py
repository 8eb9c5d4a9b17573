#!/usr/bin/env python3
"""What changed between two runs of `formcheck eval --json`, clip by clip.

For a change that should not change verdicts (a faster pose pass, say): run the evaluation
before and after it, then

    python tools/compare_eval.py BEFORE.json AFTER.json [--only CLIPS.json] [--all]

prints, per clip whose rep count, faults or frames with a pose changed (``--all``: every
clip; ``--only``: the clips named in a JSON list or object, e.g. those with other people in
view from ``tools/people_in_view.py``), the labelled reps and what each run found, with the
part of the split the clip is in, and a count of clips changed per part.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter


def faults(result: dict) -> list[str]:
    found = result.get("faults_found", [])
    return sorted(f if isinstance(f, str) else json.dumps(f, sort_keys=True) for f in found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--only", help="JSON list (or object) of the clips to compare")
    parser.add_argument("--all", action="store_true", help="every clip, changed or not")
    args = parser.parse_args(argv)
    runs = []
    for path in (args.before, args.after):
        with open(path, encoding="utf-8") as f:
            runs.append({r["file"]: r for r in json.load(f)["results"]})
    only = None
    if args.only:
        with open(args.only, encoding="utf-8") as f:
            only = set(json.load(f))
    before, after = runs
    changed: Counter[str] = Counter()
    shown = 0
    print(
        "| clip | part | reps labelled | reps before | reps after | faults before | "
        "faults after | frames with a pose |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in sorted(before.keys() & after.keys()):
        a, b = before[name], after[name]
        if a.get("status") == "skipped":
            continue
        if only is not None and name not in only:
            continue
        differs = (
            a.get("reps_found") != b.get("reps_found")
            or faults(a) != faults(b)
            or a.get("frames_with_pose") != b.get("frames_with_pose")
        )
        if differs:
            changed[a.get("part", "?")] += 1
        if not (differs or args.all):
            continue
        shown += 1
        print(
            f"| {name} | {a.get('part')} | {a.get('lifter_reps')} | {a.get('reps_found')} | "
            f"{b.get('reps_found')} | {', '.join(faults(a)) or '-'} | "
            f"{', '.join(faults(b)) or '-'} | {a.get('frames_with_pose')} -> "
            f"{b.get('frames_with_pose')} of {b.get('frames')} |"
        )
    print(
        f"\n{shown} clips shown; changed: "
        + (", ".join(f"{n} in {part}" for part, n in sorted(changed.items())) or "none")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
