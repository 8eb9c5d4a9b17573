"""An evaluation's numbers, as a JSON-able summary and as the text `formcheck eval` prints."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Any

from formcheck.evaluation.metrics import (
    FaultTally,
    NotAssessable,
    Recognition,
    RepCount,
    Unit,
    false_alarms,
    summarize_counts,
    tally_faults,
    total,
)
from formcheck.evaluation.runner import ClipResult
from formcheck.evaluation.targets import by_part, confident, format_targets


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def _tally_dict(t: FaultTally) -> dict[str, Any]:
    return asdict(t) | {
        "precision": _round(t.precision),
        "recall": _round(t.recall),
        "f1": _round(t.f1),
    }


def _counts(results: list[ClipResult], lifter: bool, some: bool = False) -> dict[str, Any]:
    """Rep-count errors against the labelled cycles (or the lifter's count); ``some``: only
    clips with at least one labelled cycle (a clip without a rep is an easy exact match)."""
    pairs = []
    for r in results:
        labelled = r.lifter_reps if lifter and r.lifter_reps is not None else r.reps_labelled
        if labelled is not None and not (some and not r.reps_labelled):
            pairs.append(RepCount(labelled, r.reps_found))
    s = summarize_counts(pairs)
    return {
        "clips": s.clips,
        "exact": s.exact,
        "exact_rate": _round(s.exact_rate),
        "mean_abs_error": _round(s.mean_abs_error),
        "mean_error": _round(s.mean_error),
    }


def _skips(results: list[ClipResult]) -> dict[str, int]:
    kinds = Counter()
    for r in results:
        if r.status == "skipped":
            kinds[r.reason.split(":")[0]] += 1
    return dict(kinds)


def summarize(results: list[ClipResult], source: str, model: str, exercise_from: str) -> dict:
    done = [r for r in results if r.status == "evaluated"]
    exercises = sorted({r.exercise_used for r in done if r.units})
    faults = {}
    for name in exercises:
        tallies = tally_faults([u for r in done if r.exercise_used == name for u in r.units])
        faults[name] = {
            "unit": _unit_kind([r for r in done if r.exercise_used == name]),
            "per_fault": {k: _tally_dict(t) for k, t in tallies.items()},
            "all": _tally_dict(total(tallies)),
        }
    alarms = false_alarms([u for r in done for u in r.units])
    sure_alarms = false_alarms([u for r in done for u in confident_only(r)])
    na: dict[str, dict[str, NotAssessable]] = {}
    for r in done:
        for rule_id, (can_judge, declared) in r.na_checks.items():
            per = na.setdefault(r.exercise_used or "", {})
            per.setdefault(rule_id, NotAssessable()).add(can_judge, declared)
    recognition = None
    if exercise_from == "auto":
        rec = Recognition()
        ran = [r for r in results if r.recognition_ran]
        for r in ran:
            rec.add(r.exercise or "", r.recognized)
        guessed = sum(r.recognized_guess == r.exercise for r in ran)
        recognition = asdict(rec) | {
            "accuracy": _round(rec.accuracy),
            "best_guess_correct": guessed,
        }
    return {
        "source": source,
        "model": model,
        "exercise_from": exercise_from,
        "clips": {
            "total": len(results),
            "evaluated": len(done),
            "no_person": sum(r.no_person for r in done),
            "errors": sum(r.status == "error" for r in results),
            "skipped": _skips(results),
        },
        "rep_counts": _counts(done, lifter=False),
        "rep_counts_some": _counts(done, lifter=False, some=True),
        "rep_counts_lifter": _counts(done, lifter=True),
        "faults": faults,
        "false_alarms": asdict(alarms) | {"rate": _round(alarms.rate)},
        # The same, counting only faults a user is told without "possibly" (rules of high
        # confidence): what a user would take as a verdict.
        "false_alarms_confident": asdict(sure_alarms) | {"rate": _round(sure_alarms.rate)},
        "not_assessable": {ex: {k: asdict(v) for k, v in per.items()} for ex, per in na.items()},
        "recognition": recognition,
        # The headline numbers per part of the fixed split (eval/split.json): thresholds are
        # set on "tune"; "test" says whether they hold on clips they were not set on.
        "parts": by_part(results),
        "results": [_result_dict(r) for r in results],
    }


def confident_only(result: ClipResult) -> list[Unit]:
    """The clip's units with faults told only as "possibly" set aside."""
    return confident(result.units)


def _unit_kind(results: list[ClipResult]) -> str:
    kinds = {"rep" if u.name != "clip" else "clip" for r in results for u in r.units}
    return kinds.pop() if len(kinds) == 1 else "rep and clip"


def _result_dict(r: ClipResult) -> dict[str, Any]:
    out = asdict(r)
    out["units"] = [asdict(u) for u in r.units]
    out["clip_units"] = [asdict(u) for u in r.clip_units]
    out["na_checks"] = {k: {"view_can_judge": a, "said_na": b} for k, (a, b) in r.na_checks.items()}
    return out


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def _num(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def format_text(summary: dict) -> str:
    lines = []
    c = summary["clips"]
    lines.append(
        f"formcheck eval: {summary['source']}  ({c['total']} clips, model {summary['model']}, "
        f"exercise from {summary['exercise_from']})"
    )
    skipped = ", ".join(f"{k} {v}" for k, v in sorted(c["skipped"].items())) or "none"
    lines.append(
        f"evaluated {c['evaluated']} (of which {c['no_person']} with too few frames showing a "
        f"person), errors {c['errors']}; skipped: {skipped}"
    )
    lines.append("")
    lines.append(f"{'clip':<58} {'view lab/found':<17} {'reps lab/found':<15} faults found per rep")
    for r in summary["results"]:
        if r["status"] != "evaluated":
            continue
        view = f"{r['view_label']}/{r['view_found'] or '-'}"
        lab = "-" if r["reps_labelled"] is None else str(r["reps_labelled"])
        reps = f"{lab}/{r['reps_found']}" + (" no person" if r["no_person"] else "")
        found = "  ".join(",".join(f) or "-" for f in r["faults_found"])
        lines.append(f"{r['file'][:58]:<58} {view:<17} {reps:<15} {found}")
    lines.append("")
    for key, words in (
        ("rep_counts", "labelled cycles"),
        ("rep_counts_some", "labelled cycles, clips with at least one"),
        ("rep_counts_lifter", "lifter's count"),
    ):
        rc = summary[key]
        lines.append(
            f"Rep count vs {words} ({rc['clips']} clips): exact {rc['exact']}/{rc['clips']} "
            f"({_pct(rc['exact_rate'])}), mean absolute error {_num(rc['mean_abs_error'])}, "
            f"mean error {_num(rc['mean_error'])}"
        )
    for name, block in summary["faults"].items():
        lines.append("")
        lines.append(f"Faults: {name} (unit: {block['unit']})")
        lines.append(
            f"  {'fault':<20} {'TP':>4} {'FP':>4} {'FN':>4} {'no rep':>6} {'n/a':>4} "
            f"{'unverif':>7}  {'precision':>9} {'recall':>6} {'F1':>5}"
        )
        rows = list(block["per_fault"].items()) + [("all", block["all"])]
        for fault, t in rows:
            lines.append(
                f"  {fault:<20} {t['tp']:>4} {t['fp']:>4} {t['fn']:>4} {t['no_rep']:>6} "
                f"{t['na']:>4} {t['unverified']:>7}  {_num(t['precision']):>9} "
                f"{_num(t['recall']):>6} {_num(t['f1']):>5}"
            )
    fa = summary["false_alarms"]
    lines.append("")
    lines.append(
        f"False alarms: {fa['with_alarm']} of {fa['clean_units']} clean units "
        f"(clips, or reps where the labels time them) had a fault reported ({_pct(fa['rate'])})"
    )
    sure = summary.get("false_alarms_confident")
    if sure and sure["with_alarm"] != fa["with_alarm"]:
        lines.append(
            f"  counting only faults told without 'possibly' (high-confidence rules): "
            f"{sure['with_alarm']} of {sure['clean_units']} ({_pct(sure['rate'])})"
        )
    if summary["not_assessable"]:
        lines.append("")
        lines.append("Not assessable from this view (clips with one labelled view)")
        lines.append(
            f"  {'exercise':<24} {'fault':<20} {'clips':>5} {'said n/a':>8} {'right':>5} "
            f"{'wrong':>5} {'judged off-view':>15}"
        )
        quiet = 0
        for name, per in summary["not_assessable"].items():
            for fault, n in per.items():
                if not (n["declared"] or n["judged_off_view"]):
                    quiet += 1  # judged on every clip, each from a view that can show it
                    continue
                lines.append(
                    f"  {name:<24} {fault:<20} {n['clips']:>5} {n['declared']:>8} "
                    f"{n['right']:>5} {n['wrong']:>5} {n['judged_off_view']:>15}"
                )
        if quiet:
            lines.append(f"  ({quiet} more exercise/fault pairs: judged on every clip, rightly)")
    rec = summary["recognition"]
    if rec is not None:
        lines.append("")
        lines.append(
            f"Exercise recognition: {rec['correct']}/{rec['clips']} correct "
            f"({_pct(rec['accuracy'])}), unsure {rec['unsure']}; best guess right in "
            f"{rec['best_guess_correct']}/{rec['clips']}"
        )
        for pair, n in sorted(rec["confusions"].items()):
            lines.append(f"  {pair}: {n}")
    if summary.get("parts"):
        lines += ["", "Headline numbers per part of the split (eval/split.json)"]
        lines += format_targets(summary["parts"])
    return "\n".join(lines)


def format_markdown(summary: dict) -> str:
    """The headline numbers as Markdown tables, for the docs (``formcheck eval --markdown``)."""
    lines = [
        f"`{summary['source']}`, model {summary['model']}: "
        f"{summary['clips']['evaluated']} clips evaluated.",
        "",
    ]
    if summary.get("parts"):
        lines += format_targets(summary["parts"]) + [""]
    lines += [
        "| rep count against | clips | exact | mean abs. error | mean error |",
        "| --- | --- | --- | --- | --- |",
    ]
    for key, name in (
        ("rep_counts_lifter", "the lifter's count"),
        ("rep_counts", "labelled cycles"),
        ("rep_counts_some", "labelled cycles, clips with at least one"),
    ):
        c = summary[key]
        lines.append(
            f"| {name} | {c['clips']} | {c['exact']} ({_pct(c['exact_rate'])}) | "
            f"{_num(c['mean_abs_error'])} | {_num(c['mean_error'])} |"
        )
    header = (
        "| fault | TP | FP | FN | no rep | n/a | unverified | precision | recall | F1 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    )
    for exercise, block in summary["faults"].items():
        lines += ["", f"**{exercise}** (unit: {block['unit']})", "", *header]
        rows = [*block["per_fault"].items(), ("all", block["all"])]
        for fault, t in rows:
            if fault != "all" and not any(
                t[k] for k in ("tp", "fp", "fn", "no_rep", "na", "unverified")
            ):
                continue  # never labelled nor reported here: nothing measured
            name = f"**{fault}**" if fault == "all" else fault
            lines.append(
                f"| {name} | {t['tp']} | {t['fp']} | {t['fn']} | {t['no_rep']} | "
                f"{t['na']} | {t['unverified']} | {_num(t['precision'])} | "
                f"{_num(t['recall'])} | {_num(t['f1'])} |"
            )
    fa, sure = summary["false_alarms"], summary["false_alarms_confident"]
    lines += [
        "",
        f"False alarms: {fa['with_alarm']} of {fa['clean_units']} clean units "
        f'({_pct(fa["rate"])}); counting only faults told without "possibly": '
        f"{sure['with_alarm']} of {sure['clean_units']} ({_pct(sure['rate'])}).",
    ]
    return "\n".join(lines)
