"""A short terminal summary of a report: what was analysed, one line per rep, then caveats."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from formcheck.types import Rep, Report

BOLD, DIM, RESET = "\033[1m", "\033[2m", "\033[0m"
RED, GREEN, YELLOW = "\033[31m", "\033[32m", "\033[33m"
FAULT_MARK, CLEAN_MARK, WARNING_MARK, UNSURE_MARK = "\u2717", "\u2713", "!", "?"

Paint = Callable[[str, str], str]  # (text, ANSI style) -> text, styled or not


def format_summary(report: Report, *, color: bool = False) -> str:
    """The report in a few lines of text; ``color`` adds ANSI colours for a terminal."""
    paint = _painter(color)
    lines = [*_header(report, paint), ""]
    lines += _rep_lines(report, paint) if report.reps else [paint("No reps found.", YELLOW)]

    not_assessable = _not_assessable(report)
    if not_assessable:
        lines += ["", "Not assessable from this view:"]
        lines += [paint(f"  - {rule}: {reason}", DIM) for rule, reason in not_assessable]
    if report.low_confidence:
        lines += ["", 'Low confidence, told as "possibly" (docs/evaluation.md):']
        lines += [paint(f"  - {rule}: {why}", DIM) for rule, why in report.low_confidence.items()]
    if report.warnings:
        lines += ["", "Warnings:"]
        lines += [paint(f"  {WARNING_MARK} {warning}", YELLOW) for warning in report.warnings]
    if report.outputs:
        width = max(len(kind) for kind in report.outputs)
        lines += ["", "Outputs:"]
        lines += [f"  {kind:<{width}}  {path}" for kind, path in report.outputs.items()]
    return "\n".join(lines)


def _painter(color: bool) -> Paint:
    def paint(text: str, style: str) -> str:
        return f"{style}{text}{RESET}" if color else text

    return paint


def _header(report: Report, paint: Paint) -> list[str]:
    exercise = report.exercise.replace("_", " ")
    view = f"{report.view} view" if report.view else "view unknown"
    if _finite(report.view_confidence):
        view += f" ({report.view_confidence:.0%} confident)"
    if report.exercise_source == "recognised" and _finite(report.exercise_confidence):
        exercise += f" (recognised, {report.exercise_confidence:.0%} sure)"
    facts = [view]
    if report.reps_per_leg and report.leg_role:
        counts = ", ".join(f"{leg} {n}" for leg, n in report.reps_per_leg.items())
        facts.append(f"reps per {report.leg_role} leg: {counts}")
    elif report.standing_leg:
        facts.append(f"standing leg {report.standing_leg}")
    facts.append(f"person: {report.person}")

    found = f"pose found in {report.frames_with_pose} of {report.frames_total} frames"
    if report.frames_total:
        found += f" ({report.frames_with_pose / report.frames_total:.0%})"
    return [
        paint(f"{Path(report.clip.path).name} \u2014 {exercise}", BOLD),
        "  " + ", ".join(facts),
        f"  model {report.model}, {found}",
    ]


def _rep_lines(report: Report, paint: Paint) -> list[str]:
    lines = []
    for rep in report.reps:
        prefix = "  ".join(part for part in (_rep_label(rep, report), *_rep_numbers(rep)) if part)
        prefix += "  "
        if not rep.faults:
            lines.append(prefix + paint(f"{CLEAN_MARK} clean", GREEN))
            continue
        for i, fault in enumerate(rep.faults):
            lead = prefix if i == 0 else " " * len(prefix)  # later faults line up under the first
            if fault.confidence == "low":
                text = f"{UNSURE_MARK} possibly: {fault.message} ({fault.rule_id}, uncertain)"
                lines.append(lead + paint(text, YELLOW))
            else:
                lines.append(lead + paint(f"{FAULT_MARK} {fault.message} ({fault.rule_id})", RED))
    return lines


def _rep_label(rep: Rep, report: Report) -> str:
    # Name the leg only when it is news: reps that alternate, or no leg for the whole set.
    if rep.standing_leg and rep.standing_leg != report.standing_leg:
        leg = rep.working_leg if report.leg_role == "working" else rep.standing_leg
        return f"Rep {rep.index} ({leg} leg)"
    return f"Rep {rep.index}"


def _rep_numbers(rep: Rep) -> list[str]:
    numbers = [f"{rep.start_s:.1f}\u2013{rep.end_s:.1f} s"]
    depth = rep.metrics.get("depth_deg")
    if _finite(depth):
        numbers.append(f"depth {depth:.0f}\u00b0")
    tempo = [
        f"{word} {rep.metrics[key]:.1f} s"
        for key, word in (("descent_s", "down"), ("pause_s", "pause"), ("ascent_s", "up"))
        if _finite(rep.metrics.get(key))
    ]
    if tempo:
        numbers.append(" / ".join(tempo))
    # The swing's extras: "up to shoulder height" and "extend your hips quickly".
    height = rep.metrics.get("bell_height")
    if _finite(height):
        numbers.append(f"bell to {height:.0%} of shoulder height")
    snap = rep.metrics.get("hip_snap_deg_per_s")
    if _finite(snap):
        numbers.append(f"hip snap {snap:.0f}°/s")
    return numbers


def _not_assessable(report: Report) -> list[tuple[str, str]]:
    """Rules not assessable for the whole clip with their reasons, then any only some reps
    could not assess (their reasons are not recorded per rep, so name the reps)."""
    items = list(report.not_assessable.items())
    per_rep: dict[str, list[int]] = {}
    for rep in report.reps:
        for rule in rep.not_assessable:
            if rule not in report.not_assessable:
                per_rep.setdefault(rule, []).append(rep.index)
    for rule, reps in per_rep.items():
        which = "rep" if len(reps) == 1 else "reps"
        items.append((rule, f"not assessable in {which} {', '.join(map(str, reps))}"))
    return items


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)
