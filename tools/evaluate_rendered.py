"""Accuracy on rendered clips with exact labels, and what MediaPipe shows of each posed fault.

For every ``*.labels.json`` in the given folders: run the pose model once (landmarks cached
in --cache, keyed by the clip's content and the model), analyse, and compare with the labels.
Prints two tables:

1. per clip: reps found vs labelled, faults found per rep vs labelled;
2. detectability: for each labelled fault, the rule's measure in the faulty rep against the
   same measure in that clip's clean reps, and the threshold. This is the evidence the default
   thresholds and view rules are set from (see docs/accuracy.md).

    python tools/evaluate_rendered.py sample_videos [MORE_DIRS] [--model lite] [--json OUT]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from formcheck.analysis import analyze_sequence
from formcheck.exercises.registry import available, get_exercise
from formcheck.pipeline import extract_poses
from formcheck.rules.model import Rule
from formcheck.types import PoseSequence


def cached_poses(clip: Path, model: str, cache: Path) -> PoseSequence:
    key = hashlib.sha1(clip.read_bytes()).hexdigest()[:16]
    path = cache / f"{clip.stem}-{key}-{model}.npz"
    if path.exists():
        d = np.load(path)
        return PoseSequence(
            d["t"],
            d["image_xy"],
            d["world_xyz"],
            d["visibility"],
            tuple(int(v) for v in d["frame_size"]),
        )
    seq, _, _ = extract_poses(clip, model)
    cache.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path,
        t=seq.t,
        image_xy=seq.image_xy,
        world_xyz=seq.world_xyz,
        visibility=seq.visibility,
        frame_size=np.array(seq.frame_size),
    )
    return seq


def worst_value(rule: Rule, analysis, k: int) -> float:
    """The rule's first condition's worst value in rep ``k`` (what the rule compares)."""
    cond = rule.conditions[0]
    w = analysis.windows[k]
    if cond.measure in analysis.measures:
        series = analysis.measures[cond.measure]
        frames = w.phase_frames(rule.phases, analysis.smoothed.t)
        values = series[frames]
        return float(values[cond.worst_index(values)]) if np.isfinite(values).any() else np.nan
    return float(analysis.rep_scalars[k].get(cond.measure, (np.nan, 0))[0])


def evaluate(label_file: Path, model: str, cache: Path) -> dict:
    labels = json.loads(label_file.read_text())
    clip = label_file.with_name(label_file.name.replace(".labels.json", ".mp4"))
    exercise = get_exercise(labels["exercise"])
    analysis = analyze_sequence(cached_poses(clip, model, cache), exercise)
    rules = {r.id: r for r in exercise.rules}
    truth = labels["reps"]
    found = [sorted(f.rule_id for f in rep.faults) for rep in analysis.reps]
    result = {
        "clip": clip.name,
        "view_label": labels.get("view"),
        "view": analysis.view.view,
        "reps_labelled": len(truth),
        "reps_found": len(analysis.reps),
        "faults_labelled": [r["fault"] for r in truth],
        "faults_found": found,
        "detectability": [],
    }
    if len(analysis.reps) != len(truth):
        return result
    for k, rep_truth in enumerate(truth):
        fault = rep_truth["fault"]
        if fault is None or fault not in rules:
            continue
        rule = rules[fault]
        clean = [worst_value(rule, analysis, j) for j, r in enumerate(truth) if r["fault"] is None]
        result["detectability"].append(
            {
                "fault": fault,
                "magnitude": rep_truth["magnitude"],
                "unit": rep_truth["unit"],
                "measure": rule.conditions[0].measure,
                "threshold": rule.conditions[0].threshold,
                "in_fault_rep": round(worst_value(rule, analysis, k), 3),
                "clean_reps": [round(v, 3) for v in clean],
                "judged_from_view": analysis.view.view in rule.views,
                "detected": fault in found[k],
            }
        )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--model", default="lite")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache/formcheck-eval")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    files = [f for folder in args.folders for f in sorted(folder.glob("*.labels.json"))]
    supported = [f for f in files if json.loads(f.read_text())["exercise"] in available()]
    if len(supported) < len(files):
        print(f"skipped {len(files) - len(supported)} clips of exercises without rules yet")
    results = [evaluate(f, args.model, args.cache) for f in supported]
    print(f"model: {args.model}")
    print(f"{'clip':<34} {'view':<8} reps  faults per rep (labelled -> found)")
    for r in results:
        pairs = "  ".join(
            f"{lab or '-'}->{','.join(fnd) or '-'}"
            for lab, fnd in zip(r["faults_labelled"], r["faults_found"])
        )
        print(f"{r['clip']:<34} {r['view']:<8} {r['reps_found']}/{r['reps_labelled']}  {pairs}")
    print(
        f"\n{'fault':<18} {'view':<8} {'posed':>7}  {'measure':<26} {'fault rep':>9} "
        f"{'clean max':>9} {'thresh':>7}  verdict"
    )
    for r in results:
        for d in r["detectability"]:
            clean = max(d["clean_reps"], key=abs) if d["clean_reps"] else float("nan")
            verdict = (
                ("detected" if d["detected"] else "missed")
                if d["judged_from_view"]
                else "not assessable"
            )
            print(
                f"{d['fault']:<18} {r['view']:<8} {d['magnitude']!s:>7}  {d['measure']:<26} "
                f"{d['in_fault_rep']:>9.2f} {clean:>9.2f} {d['threshold']:>7}  {verdict}"
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
