"""A short terminal summary of a report: what was analysed, one line a rep, then each fault
and caveat once, and where the full report (report.html) is."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

from formcheck.types import Rep, Report

BOLD, DIM, RESET = "\033[1m", "\033[2m", "\033[0m"
RED, GREEN, YELLOW = "\033[31m", "\033[32m", "\033[33m"
FAULT_MARK, CLEAN_MARK, WARNING_MARK, UNSURE_MARK = "\u2717", "\u2713", "!", "?"

Paint = Callable[[str, str], str]  # (text, ANSI style) -> text, styled or not


def format_summary(report: Report, *, color: bool = False) -> str:
    """The report in the few lines a person reads: one line a rep, each fault's words once,
    each rule that could not be judged once with its reason, and where the full report is.
    ``color`` adds ANSI colours for a terminal."""
    paint = _painter(color)
    lines = [*_header(report, paint), ""]
    lines += _rep_lines(report, paint) if report.reps else [paint("No reps found.", YELLOW)]

    faults = _fault_lines(report, paint)
    if faults:
        lines += ["", "Faults:", *faults]
    not_assessable = _not_assessable(report)
    if not_assessable:
        lines += ["", "Not assessable:"]
        lines += [paint(f"  - {rule}: {reason}", DIM) for rule, reason in not_assessable]
    if report.warnings:
        lines += ["", "Warnings:"]
        lines += [paint(f"  {WARNING_MARK} {warning}", YELLOW) for warning in report.warnings]
    lines += _where(report)
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
        if not rep.faults:
            lines.append(f"{prefix}  " + paint(f"{CLEAN_MARK} clean", GREEN))
            continue
        sure = [f.cue or f.rule_id for f in rep.faults if f.confidence != "low"]
        unsure = [f.cue or f.rule_id for f in rep.faults if f.confidence == "low"]
        verdict = []
        if sure:
            verdict.append(paint(f"{FAULT_MARK} {', '.join(sure)}", RED))
        if unsure:
            verdict.append(paint(f"{UNSURE_MARK} possibly {', '.join(unsure)}", YELLOW))
        lines.append(f"{prefix}  " + "  ".join(verdict))
    return lines


def _fault_lines(report: Report, paint: Paint) -> list[str]:
    """Each fault once, with the reps it happened in and its coaching words."""
    reps: dict[str, list[int]] = {}
    first = {}
    for rep in report.reps:
        for fault in rep.faults:
            reps.setdefault(fault.rule_id, []).append(rep.index)
            first.setdefault(fault.rule_id, fault)
    lines = []
    for rule_id, fault in first.items():
        name = f"{fault.cue or rule_id} ({rule_id}, {_reps_text(reps[rule_id])})"
        if fault.confidence == "low":
            note = f" (uncertain: {fault.confidence_note})" if fault.confidence_note else ""
            text = f"  {UNSURE_MARK} possibly {name}: {fault.message}{note}"
            lines.append(paint(text, YELLOW))
        else:
            lines.append(paint(f"  {FAULT_MARK} {name}: {fault.message}", RED))
    return lines


def _reps_text(indices: list[int]) -> str:
    return ("rep " if len(indices) == 1 else "reps ") + ", ".join(map(str, indices))


def _where(report: Report) -> list[str]:
    """Where the full report is (and what lies beside it)."""
    outputs = report.outputs
    if "html" in outputs:
        others = [Path(outputs[k]).name for k in ("video", "report", "measures") if k in outputs]
        beside = f" ({', '.join(others)} beside it)" if others else ""
        return ["", f"Full report: {outputs['html']}{beside}"]
    if not outputs:
        return []
    width = max(len(kind) for kind in outputs)
    return ["", "Outputs:", *(f"  {kind:<{width}}  {path}" for kind, path in outputs.items())]


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
    """Each rule that could not be judged, once, with its reason: for the whole clip, or in
    the reps named (the analysis records it per rep as ``rule@repN``)."""
    whole = {}
    per_rep: dict[str, tuple[list[int], str]] = {}
    for key, reason in report.not_assessable.items():
        rule, at, rep = key.rpartition("@rep")
        if at and rep.isdigit():
            per_rep.setdefault(rule, ([], reason))[0].append(int(rep))
        else:
            whole[key] = reason
    for rep in report.reps:  # reps that say so without a recorded reason
        for rule in rep.not_assessable:
            if rule not in whole:
                indices, _ = per_rep.setdefault(rule, ([], "not assessable"))
                if rep.index not in indices:
                    indices.append(rep.index)
    grouped: dict[str, list[str]] = {}  # rules with the same reason share a line
    for rule, reason in whole.items():
        grouped.setdefault(reason, []).append(rule)
    items = [(", ".join(rules), _short(reason)) for reason, rules in grouped.items()]
    items += [
        (f"{rule} ({_reps_text(sorted(reps))})", _short(reason))
        for rule, (reps, reason) in per_rep.items()
    ]
    return items


def _short(reason: str) -> str:
    """The reason without the "not assessable" its heading already says."""
    for lead in ("not assessable: ", "not assessable "):
        if reason.startswith(lead):
            return reason[len(lead) :]
    return reason


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


# Stand-ins for the marks a non-UTF-8 terminal or file (Windows' cp1252) cannot show.
ASCII_MARKS = {FAULT_MARK: "X", CLEAN_MARK: "OK"}


def fit_to_encoding(text: str, encoding: str | None) -> str:
    """``text`` as output in ``encoding`` can show it: the marks become ASCII words, any
    other character it lacks a "?" (printing must never fail once the outputs are written)."""
    if not encoding:
        return text
    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        pass
    except LookupError:  # an encoding Python does not know: ASCII is safe everywhere
        encoding = "ascii"
    for mark, word in ASCII_MARKS.items():  # as marks only (after a space), not in names
        text = re.sub(rf"(?<=\s){mark}(?= )", word, text)
    return text.encode(encoding, errors="replace").decode(encoding)
