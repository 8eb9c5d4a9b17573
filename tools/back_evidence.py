"""The evidence for the back rules: how the back's outline (signals.back) tracks a posed
rounding, and how it tells the real rounded backs from the good lifts.

    python tools/back_evidence.py --graded /work/synthcache/back        # rendered graded series
    python tools/back_evidence.py --real eval/real_manifest.json --part tune
    python tools/back_evidence.py --graded DIR --real MANIFEST --json out.json

Per rep it reads the largest change from the lifter's standing outline of the back's bend
(degrees) and rounding (hip-shoulder lengths) over the rep, where the outline could be
trusted, and the share of the rep it could be. The graded series (tools/synth: lumbar and
thoracic flexion posed at 0, 10, 20, 30 and 45 degrees, several bodies, clothes, side and
oblique) gives, per series and view, the reading against the posed degree: its mean and
spread, the correlation, and the smallest degree told from the clean reps (the smallest whose
lowest reading lies above every clean one). The real clips give the labelled rounded reps
against the clean ones. Landmarks (with outlines) come from the evaluation cache.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from formcheck.analysis import analyze_sequence
from formcheck.errors import FormcheckError
from formcheck.evaluation.compare import match_reps
from formcheck.evaluation.manifest import load
from formcheck.evaluation.poses import DEFAULT_CACHE, cached_poses
from formcheck.evaluation.split import load_split
from formcheck.exercises.registry import get_exercise

MEASURES = ("back_bend_deg", "back_rounding", "back_bend_change_deg", "back_rounding_change")
SPINE_RULES = ("spine_round", "spine_not_neutral")


def rep_readings(analysis, t: np.ndarray) -> list[dict]:
    """Per found rep: the worst change of each back measure where the outline was seen."""
    out = []
    seen = analysis.measures["back_outline_seen"]
    for w in analysis.windows:
        part = slice(w.start, w.end + 1)
        row = {"span": (float(t[w.start]), float(t[w.end])), "seen": float(np.mean(seen[part]))}
        for name in MEASURES:
            values = analysis.measures[name][part]
            row[name] = float(np.nanmax(values)) if np.isfinite(values).any() else float("nan")
        out.append(row)
    return out


def graded(folder: Path, model: str, cache: Path) -> list[dict]:
    rows = []
    for labels_file in sorted(folder.glob("*.labels.json")):
        labels = json.loads(labels_file.read_text())
        clip = folder / labels_file.name.replace(".labels.json", ".mp4")
        seq = cached_poses(clip, model, cache)
        analysis = analyze_sequence(seq, get_exercise(labels["exercise"]))
        found = rep_readings(analysis, seq.t)
        spans = [r["span"] for r in found]
        truth = labels["reps"]
        matched = match_reps(tuple((r["start_s"], r["end_s"]) for r in truth), spans)
        for rep, j in zip(truth, matched):
            # Signed: each series poses one of the two (arching is negative flexion).
            posed = rep.get("lumbar_flex_deg", 0.0) + rep.get("thoracic_flex_deg", 0.0)
            row = {
                "clip": clip.name,
                "exercise": labels["exercise"],
                "view": labels["view"],
                "series": rep.get("series", "?"),
                "posed_deg": posed,
            }
            row.update(found[j] if j is not None else {"seen": float("nan")})
            rows.append(row)
    return rows


def real(manifest_path: Path, part: str, model: str, cache: Path) -> list[dict]:
    manifest = load(manifest_path)
    split = load_split()
    rows = []
    for clip in manifest.clips:
        if part != "all" and split.part_of(clip.file) != part:
            continue
        rules = (
            {r.id for r in get_exercise(clip.exercise).active_rules}
            if clip.exercise
            in (
                "kb_deadlift",
                "romanian_deadlift",
                "kb_swing",
                "kb_single_leg_deadlift",
                "hip_hinge",
            )
            else set()
        )
        rule = next((r for r in SPINE_RULES if r in rules), None)
        if rule is None or not clip.usable or clip.rep_faults is None:
            continue
        path = manifest.clips_root / clip.file
        if not path.exists():
            continue
        seq = cached_poses(path, model, cache, clip.crop)
        analysis = analyze_sequence(seq, get_exercise(clip.exercise))
        found = rep_readings(analysis, seq.t)
        matched = match_reps(clip.rep_times, [r["span"] for r in found])
        unsure = clip.rep_uncertain or tuple(() for _ in clip.rep_faults)
        for k, (faults, doubts, j) in enumerate(zip(clip.rep_faults, unsure, matched)):
            if rule in doubts or j is None:
                continue
            row = {
                "clip": clip.key,
                "exercise": clip.exercise,
                "view": analysis.view.view,
                "rep": k + 1,
                "rounded": rule in faults,
            }
            row.update(found[j])
            rows.append(row)
    return rows


def _fmt(values: list[float]) -> str:
    v = [x for x in values if np.isfinite(x)]
    if not v:
        return "-"
    return f"{np.mean(v):6.2f} +- {np.std(v):5.2f} (n={len(v)})"


def print_graded(rows: list[dict]) -> None:
    print(
        "Graded rendered series: reading per posed degree (mean +- sd, reps with the outline seen)"
    )
    for name in MEASURES:
        print(f"\n{name}")
        groups = defaultdict(list)
        for r in rows:
            if r.get("seen", 0) >= 0.5:
                groups[(r["series"], r["view"])].append(r)
        for (series, view), rs in sorted(groups.items()):
            by_deg = defaultdict(list)
            for r in rs:
                by_deg[r["posed_deg"]].append(r[name])
            line = "  ".join(f"{d:>2.0f}: {_fmt(by_deg[d])}" for d in sorted(by_deg))
            x = np.array([r["posed_deg"] for r in rs])
            y = np.array([r[name] for r in rs])
            ok = np.isfinite(y)
            corr = float(np.corrcoef(x[ok], y[ok])[0, 1]) if ok.sum() > 2 else float("nan")
            clean = y[ok & (x == 0)]
            told = "-"
            if clean.size:
                for d in sorted(set(x[x != 0]), key=abs):
                    vals = y[ok & (x == d)]
                    apart = vals.min() > clean.max() if d > 0 else vals.max() < clean.min()
                    if vals.size and apart:
                        told = f"{d:.0f} deg"
                        break
            print(f"  {series:<9} {view:<8} r={corr:5.2f}  told from clean from: {told}")
            print(f"      {line}")
    seen = [r.get("seen", float("nan")) for r in rows]
    print(f"\noutline seen in {np.nanmean(np.array(seen) >= 0.5):.0%} of {len(rows)} rendered reps")


def print_real(rows: list[dict]) -> None:
    print("\nReal clips: labelled rounded reps against clean reps (reps with the outline seen)")
    for name in MEASURES:
        for view in sorted({r["view"] for r in rows}):
            rs = [r for r in rows if r["view"] == view and r["seen"] >= 0.5]
            rounded = [r[name] for r in rs if r["rounded"]]
            clean = [r[name] for r in rs if not r["rounded"]]
            print(f"  {name:<22} {view:<8} rounded {_fmt(rounded):<28} clean {_fmt(clean)}")
            print(f"      rounded: {' '.join(f'{v:.3g}' for v in sorted(rounded))}")
            print(f"      clean:   {' '.join(f'{v:.3g}' for v in sorted(clean))}")
    unseen = [r for r in rows if not r["seen"] >= 0.5]
    print(f"  outline not seen in {len(unseen)} of {len(rows)} real reps")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--graded", type=Path, help="folder of the rendered graded back series")
    p.add_argument("--real", type=Path, help="the real-clip manifest")
    p.add_argument("--part", choices=("tune", "test", "all"), default="tune")
    p.add_argument("--model", default="lite")
    p.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)
    out: dict[str, list[dict]] = {}
    try:
        if args.graded:
            out["graded"] = graded(args.graded, args.model, args.cache)
            print_graded(out["graded"])
        if args.real:
            out["real"] = real(args.real, args.part, args.model, args.cache)
            print_real(out["real"])
    except FormcheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
