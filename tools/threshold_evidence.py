"""Print the evidence behind every rule's threshold: how far each rule's measure went toward
its fault in every labelled unit (rendered rep, real clip), faulty and clean side by side,
and what the current threshold and the best one would score.

    python tools/threshold_evidence.py                       # rendered + real clips
    python tools/threshold_evidence.py --exercise kb_deadlift --rule heel_lift
    python tools/threshold_evidence.py --json evidence.json

Only units where the analysis would judge the rule are counted (the view it found is one
the rule declares) and only labels a person vouched for (present or absent). Landmarks come
from the evaluation cache (``formcheck eval`` fills it).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path

import numpy as np
from evidence_sets import add_pose_arguments, add_set_arguments, load_sets

from formcheck.evaluation.evidence import (
    Level,
    candidate_thresholds,
    counts_at,
    manifest_levels,
)


def _fmt(values: list[float]) -> str:
    if not values:
        return "-"
    shown = sorted(values)
    if len(shown) > 14:
        q = np.percentile(shown, [0, 25, 50, 75, 100])
        names = ("min", "q1", "med", "q3", "max")
        return f"n={len(shown)} " + " ".join(f"{k} {v:.3g}" for k, v in zip(names, q))
    return " ".join(f"{v:.3g}" for v in shown)


def _score(counts) -> str:
    f1 = "-" if counts.f1 is None else f"{counts.f1:.2f}"
    return f"TP {counts.tp} FP {counts.fp} FN {counts.fn} F1 {f1}"


def best_threshold(levels: list[Level]) -> tuple[float, float] | None:
    """(threshold, summed F1 over sources) maximising the sum of each source's F1 (a source
    with no faulty unit scores 1 - its false-positive rate instead), nearest the current
    threshold among ties."""
    sources = sorted({lv.source for lv in levels})
    candidates = candidate_thresholds([lv for lv in levels if lv.judged])
    if not candidates:
        return None
    current = levels[0].threshold

    def total(thr: float) -> float:
        score = 0.0
        for src in sources:
            mine = [lv for lv in levels if lv.source == src]
            c = counts_at(mine, thr)
            if c.tp + c.fn:
                score += c.f1 or 0.0
            else:
                absent = sum(
                    1 for lv in mine if lv.judged and lv.label == "absent" and np.isfinite(lv.level)
                )
                score += 1 - c.fp / absent if absent else 0.0
        return score

    best = max(candidates, key=lambda thr: (round(total(thr), 6), -abs(thr - current)))
    return best, total(best)


def report(levels: list[Level]) -> str:
    groups: dict[tuple, list[Level]] = defaultdict(list)
    for lv in levels:
        groups[(lv.exercise, lv.rule_id, lv.measure)].append(lv)
    lines = []
    for (exercise, rule_id, measure), group in sorted(groups.items()):
        first = group[0]
        lines.append(f"\n{exercise} {rule_id}: {measure} {first.compare} {first.threshold:g}")
        for src in sorted({lv.source for lv in group}):
            mine = [lv for lv in group if lv.source == src and lv.judged]
            present = [lv.level for lv in mine if lv.label == "present" and np.isfinite(lv.level)]
            absent = [lv.level for lv in mine if lv.label == "absent" and np.isfinite(lv.level)]
            lines.append(f"  {src:9s} faulty: {_fmt(present)}")
            lines.append(f"  {'':9s} clean:  {_fmt(absent)}")
            lines.append(f"  {'':9s} now:    {_score(counts_at(mine, first.threshold))}")
        best = best_threshold(group)
        if best is not None:
            thr, _ = best
            per_source = ", ".join(
                f"{src} {_score(counts_at([lv for lv in group if lv.source == src], thr))}"
                for src in sorted({lv.source for lv in group})
            )
            lines.append(f"  best threshold {thr:.4g}: {per_source}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_set_arguments(parser)
    parser.add_argument("--exercise", help="only this exercise")
    parser.add_argument("--rule", help="only this rule id")
    add_pose_arguments(parser)
    parser.add_argument("--json", help="write every level here")
    args = parser.parse_args(argv)

    sets = load_sets(args)
    if sets is None:
        return 2
    levels: list[Level] = []
    for source, manifest in sets:
        if args.exercise:
            manifest.clips = [c for c in manifest.clips if c.exercise == args.exercise]
        levels += manifest_levels(manifest, source, args.model, Path(args.cache))
    if args.rule:
        levels = [lv for lv in levels if lv.rule_id == args.rule]
    print(report(levels))
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(lv) for lv in levels], indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
