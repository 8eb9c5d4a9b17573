"""Accuracy on rendered clips with exact labels, and what MediaPipe shows of each posed fault.

For every ``*.labels.json`` in the given folders: run the pose model once (landmarks cached
in --cache, keyed by the clip's content and the model), analyse, and compare with the labels.
Prints:

1. per clip: reps found vs labelled, faults found per rep vs labelled, and the exercise that
   ``--exercise auto`` recognises (with its confidence);
2. detectability: for each labelled fault, the rule's measure in the faulty rep against the
   same measure in that clip's clean reps, and the threshold. This is the evidence the default
   thresholds and view rules are set from (see docs/accuracy.md);
3. with --markdown, per exercise: each fault's measure in its faulty rep against the range over
   every clean rep of that exercise (the tables in docs/accuracy.md), and the totals.

    python tools/evaluate_rendered.py sample_videos [MORE_DIRS] [--model lite] [--json OUT]
        [--markdown]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from formcheck.analysis import analyze_sequence
from formcheck.evaluation.poses import cached_poses
from formcheck.exercises.registry import available, get_exercise
from formcheck.recognize import recognize
from formcheck.rules.model import Rule


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
    recognised = recognize(analysis.smoothed, smoothed=True)
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
        "exercise": labels["exercise"],
        "recognised": recognised.exercise,
        "recognised_sure": recognised.sure,
        "recognised_confidence": recognised.confidence,
        "detectability": [],
        # rule -> its worst value in each rep, for rules the clip's view can judge
        "rule_values": {},
    }
    if len(analysis.reps) != len(truth):
        return result
    result["rule_values"] = {
        rule.id: [round(worst_value(rule, analysis, k), 3) for k in range(len(truth))]
        for rule in exercise.active_rules
        if analysis.view.view in rule.views
    }
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
    parser.add_argument("--markdown", action="store_true", help="per-exercise tables and totals")
    args = parser.parse_args()
    files = [f for folder in args.folders for f in sorted(folder.glob("*.labels.json"))]
    supported = [f for f in files if json.loads(f.read_text())["exercise"] in available()]
    if len(supported) < len(files):
        print(f"skipped {len(files) - len(supported)} clips of exercises without rules yet")
    results = [evaluate(f, args.model, args.cache) for f in supported]
    print(f"model: {args.model}")
    print(f"{'clip':<34} {'view':<8} reps  recognised  faults per rep (labelled -> found)")
    for r in results:
        pairs = "  ".join(
            f"{lab or '-'}->{','.join(fnd) or '-'}"
            for lab, fnd in zip(r["faults_labelled"], r["faults_found"])
        )
        sure = "" if r["recognised_sure"] else "?"
        guess = f"{r['recognised']}{sure} {r['recognised_confidence']:.2f}"
        print(
            f"{r['clip']:<34} {r['view']:<8} {r['reps_found']}/{r['reps_labelled']}  "
            f"{guess}  {pairs}"
        )
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
    if args.markdown:
        print(markdown_tables(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


def markdown_tables(results: list[dict]) -> str:
    """Per exercise, each labelled fault against every clean rep of that exercise; totals."""
    lines = []
    for name in sorted({r["exercise"] for r in results}):
        mine = [r for r in results if r["exercise"] == name]
        exercise = get_exercise(name)
        lines += [
            f"\n### {exercise.title} (`{name}`)\n",
            "| fault | posed | clip (view) | in the faulty rep | clean reps | default | found |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for rule in exercise.active_rules:
            clean = [
                v
                for r in mine
                for v, lab in zip(r["rule_values"].get(rule.id, []), r["faults_labelled"])
                if lab is None and np.isfinite(v)
            ]
            spread = f"{min(clean):.2f} to {max(clean):.2f}" if clean else "n/a"
            default = " or ".join(
                f"{c.measure} {c.compare} {c.threshold:g}" for c in rule.conditions
            )
            posed = [(r, d) for r in mine for d in r["detectability"] if d["fault"] == rule.id]
            if not posed:
                lines.append(f"| {rule.id} | not rendered | | | {spread} | {default} | |")
            for r, d in posed:
                if not d["judged_from_view"]:
                    value, found = "not assessable from this view", "n/a"
                else:
                    v = d["in_fault_rep"]
                    value = f"{v:.2f}" if np.isfinite(v) else "not measurable"
                    found = "yes" if d["detected"] else "no"
                lines.append(
                    f"| {rule.id} | {d['magnitude']:g} {d['unit']} | {r['clip']} ({r['view']}) "
                    f"| {value} | {spread} | {default} | {found} |"
                )
    exact = sum(r["reps_found"] == r["reps_labelled"] for r in results)
    judged = sum(d["judged_from_view"] for r in results for d in r["detectability"])
    found = sum(d["detected"] for r in results for d in r["detectability"])
    clean = alarms = 0
    for r in results:
        if r["reps_found"] != r["reps_labelled"]:
            continue
        for lab, fnd in zip(r["faults_labelled"], r["faults_found"]):
            if lab is None:
                clean += 1
                alarms += bool(fnd)
    sure = [r for r in results if r["recognised_sure"]]
    right = sum(r["recognised"] == r["exercise"] for r in sure)
    lines += [
        "",
        f"Totals: reps exact in {exact} of {len(results)} clips; {found} of {judged} "
        f"judgeable posed faults found; {alarms} of {clean} clean reps with a false alarm.",
        f"Recognition (--exercise auto): sure on {len(sure)} of {len(results)} clips, right "
        f"on {right} of those; asked for --exercise on {len(results) - len(sure)}.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
