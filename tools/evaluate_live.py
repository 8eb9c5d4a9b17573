"""The live path against the clip analysis and the labels, on rendered clips.

Each clip's landmarks (cached, as tools/evaluate_rendered.py caches them) are fed frame by
frame through the live session's analysis (``LiveAnalyzer``: causal smoothing, the live rep
counter, in-rep checks, verdicts), exactly as a camera session feeds it, and through the clip
analysis. Prints per clip the reps and verdicts of both, then the totals: reps exact, posed
faults found, clean reps with a false alarm, and how early a posed fault was called out
during its rep (seconds before the rep ended).

    python tools/evaluate_live.py sample_videos [--model lite] [--cache DIR] [--quiet]
        [--smoothing MIN_CUTOFF BETA]
    python tools/evaluate_live.py sample_videos --skeleton

``--skeleton`` (FOLDERS may then also be evaluation manifests, e.g. eval/real_manifest.json)
instead measures the drawn skeleton's One Euro filter for a few settings: its
distance in pixels from the clip analysis's zero-phase smoothing of the same landmarks (the
best estimate of where the joints were; lag and jitter both add to it), median and 95th
percentile over every joint of every frame.

Timing is not measured here (frames are fed as fast as they are analysed): see
benchmarks/bench_live.py for real pace.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from formcheck.analysis import analyze_sequence
from formcheck.evaluation.manifest import load_manifest
from formcheck.evaluation.poses import DEFAULT_CACHE, cached_poses
from formcheck.exercises.registry import get_exercise
from formcheck.live.engine import LiveAnalyzer, LiveSettings
from formcheck.pose.person import PersonLandmarks
from formcheck.signals.causal import OneEuroSettings
from formcheck.types import PoseSequence, Rep


def play(seq: PoseSequence, analyzer: LiveAnalyzer) -> list:
    """Every live event, as a session would produce it frame by frame."""
    events = []
    for k in range(len(seq)):
        person = None
        if seq.has_pose[k]:
            person = PersonLandmarks(seq.image_xy[k], seq.world_xyz[k], seq.visibility[k])
        events += analyzer.update(float(seq.t[k]), person).events
    return events + analyzer.finish()


def rep_at(reps: list[Rep], bottom_s: float) -> Rep | None:
    """The found rep around a labelled rep's bottom."""
    return next((r for r in reps if r.start_s - 0.3 <= bottom_s <= r.end_s + 0.3), None)


def evaluate(label_file: Path, model: str, cache: Path, settings: LiveSettings) -> dict:
    labels = json.loads(label_file.read_text())
    clip = label_file.with_name(label_file.name.replace(".labels.json", ".mp4"))
    exercise = get_exercise(labels["exercise"])
    seq = cached_poses(clip, model, cache)
    analyzer = LiveAnalyzer(exercise, seq.frame_size, settings)
    events = play(seq, analyzer)
    offline = analyze_sequence(seq, exercise)
    called = [(e.t, e.cue) for e in events if e.kind == "fault"]
    cue_of = {r.id: r.cue for r in exercise.rules}
    out = {"clip": clip.name, "truth": len(labels["reps"]), "live": [], "offline": []}
    out["reps_live"], out["reps_offline"] = len(analyzer.reps), len(offline.reps)
    for truth in labels["reps"]:
        live, clip_rep = (
            rep_at(analyzer.reps, truth["bottom_s"]),
            rep_at(offline.reps, truth["bottom_s"]),
        )
        ids = {f.rule_id for f in live.faults} if live else set()
        clip_ids = {f.rule_id for f in clip_rep.faults} if clip_rep else set()
        lead = None
        fault = truth["fault"]
        if fault and live and fault in ids:
            early = [
                t for t, cue in called if cue == cue_of[fault] and live.start_s <= t <= live.end_s
            ]
            lead = round(live.end_s - early[0], 2) if early else None
        out["live"].append({"fault": fault, "found": sorted(ids), "lead_s": lead})
        out["offline"].append({"fault": fault, "found": sorted(clip_ids)})
    return out


def totals(results: list[dict]) -> dict:
    t = {"clips": len(results)}
    for path in ("live", "offline"):
        t[f"{path}_reps_exact"] = sum(r[f"reps_{path}"] == r["truth"] for r in results)
        posed = [x for r in results for x in r[path] if x["fault"]]
        clean = [x for r in results for x in r[path] if not x["fault"]]
        t[f"{path}_found"] = sum(x["fault"] in x["found"] for x in posed)
        t[f"{path}_false_alarms"] = sum(bool(x["found"]) for x in clean)
    t["posed"] = sum(1 for r in results for x in r["live"] if x["fault"])
    t["clean"] = sum(1 for r in results for x in r["live"] if not x["fault"])
    leads = [x["lead_s"] for r in results for x in r["live"] if x.get("lead_s") is not None]
    t["called_during_rep"] = len(leads)
    t["lead_s_median"] = float(np.median(leads)) if leads else None
    return t


SKELETON_SETTINGS = [(1.0, 0.0), (1.0, 1.0), (1.0, 10.0), (1.0, 30.0), (0.5, 10.0), (2.0, 10.0)]


def skeleton_error(folders: list[Path], model: str, cache: Path) -> None:
    from formcheck.signals.causal import OneEuroFilter
    from formcheck.signals.filters import smooth_sequence

    seqs = [cached_poses(clip, model, cache) for clip in clips_in(folders)]
    print(f"{len(seqs)} clips")
    print(
        "min_cutoff  beta   px from zero-phase: median   p95   jitter median"
        "   (raw landmarks: median  p95  jitter)"
    )
    for min_cutoff, beta in SKELETON_SETTINGS:
        errors, raw, jitter, raw_jitter = [], [], [], []
        for seq in seqs:
            size = np.array(seq.frame_size, float)
            best = smooth_sequence(seq).image_xy
            f = OneEuroFilter(OneEuroSettings(min_cutoff, beta))
            drawn = np.array([f(float(t), xy) for t, xy in zip(seq.t, seq.image_xy)])
            errors.append(np.linalg.norm((drawn - best) * size, axis=-1).ravel())
            raw.append(np.linalg.norm((seq.image_xy - best) * size, axis=-1).ravel())
            # Jitter: a joint's frame-to-frame change of velocity, in pixels.
            jitter.append(np.linalg.norm(np.diff(drawn * size, 2, axis=0), axis=-1).ravel())
            raw_jitter.append(
                np.linalg.norm(np.diff(seq.image_xy * size, 2, axis=0), axis=-1).ravel()
            )
        e, r, j, rj = (_finite(np.concatenate(x)) for x in (errors, raw, jitter, raw_jitter))
        print(
            f"{min_cutoff:10.1f} {beta:5.1f} {np.median(e):24.2f} {np.percentile(e, 95):6.2f}"
            f" {np.median(j):14.2f} {np.median(r):24.2f} {np.percentile(r, 95):5.2f}"
            f" {np.median(rj):7.2f}"
        )


def _finite(x: np.ndarray) -> np.ndarray:
    return x[np.isfinite(x)]


def clips_in(sources: list[Path]) -> list[Path]:
    """Clips of folders of labelled rendered clips, or of an evaluation manifest (JSON)."""
    clips = []
    for source in sources:
        if source.suffix == ".json":
            manifest = load_manifest(source)
            paths = [manifest.clips_root / c.file for c in manifest.clips]
            clips += [p for p in paths if p.exists()]
        else:
            clips += [
                f.with_name(f.name.replace(".labels.json", ".mp4"))
                for f in sorted(source.glob("*.labels.json"))
            ]
    return clips


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--model", default="lite")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--quiet", action="store_true", help="totals only")
    parser.add_argument("--smoothing", nargs=2, type=float, metavar=("MIN_CUTOFF", "BETA"))
    parser.add_argument("--skeleton", action="store_true", help="tune the drawn skeleton")
    args = parser.parse_args()
    if args.skeleton:
        skeleton_error(args.folders, args.model, args.cache)
        return 0
    settings = LiveSettings()
    if args.smoothing:
        settings = LiveSettings(smoothing=OneEuroSettings(*args.smoothing))

    results = []
    for folder in args.folders:
        for label_file in sorted(folder.glob("*.labels.json")):
            r = evaluate(label_file, args.model, args.cache, settings)
            results.append(r)
            if not args.quiet:
                live = [x["found"] for x in r["live"]]
                clip = [x["found"] for x in r["offline"]]
                same = "" if live == clip else "   <- differs"
                print(
                    f"{r['clip']:42} reps live {r['reps_live']} clip {r['reps_offline']} "
                    f"truth {r['truth']}  live {live}{same}",
                    flush=True,
                )
    t = totals(results)
    print(
        f"\n{t['clips']} clips, model {args.model}\n"
        f"reps exact: live {t['live_reps_exact']}, clip analysis {t['offline_reps_exact']}\n"
        f"posed faults found (of {t['posed']}): live {t['live_found']}, "
        f"clip analysis {t['offline_found']}\n"
        f"clean reps with a false alarm (of {t['clean']}): live {t['live_false_alarms']}, "
        f"clip analysis {t['offline_false_alarms']}\n"
        f"posed faults found live that were called out during their rep: "
        f"{t['called_during_rep']} of {t['live_found']}, median "
        f"{t['lead_s_median']} s before the rep ended"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
