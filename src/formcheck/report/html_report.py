"""report.html: the report as one page a lifter would rather look at than read.

Built from the :class:`Report` (what report.json holds), the exercise's rules (cues, views,
thresholds) and, where the caller has them, the :class:`Curves` (frame times, measures and
landmarks, for the plots and the marked stills). The page is one self-contained file: styles
and scripts inline (uPlot draws the plots from JSON the page carries), stills as JPEG data
URIs; only the annotated video, an output of the same run, is referenced by its name beside
the page.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from urllib.parse import quote

import numpy as np
from markupsafe import Markup

from formcheck import __version__
from formcheck.exercises.registry import Exercise
from formcheck.io.atomic import atomic_write_text
from formcheck.render.timeline import first_sentence
from formcheck.report.curves import Curves
from formcheck.report.html_env import environment
from formcheck.report.plots import choose_plots, plot_data
from formcheck.report.stills import around_person, iter_frames, jpeg_data_uri, mark_joints
from formcheck.rules.model import Rule
from formcheck.types import Fault, Rep, Report

HTML_NAME = "report.html"
# Stills are about 40 KB each: a two-hour session's thousands would make a page too heavy.
MAX_STILLS = 200
# How to stand toward the camera for each view, in the words of the "how to film" advice.
FILMING = {
    "side": "side-on to the camera",
    "front": "facing the camera",
    "back": "with your back to the camera",
    "oblique": "at about 45\u00b0 to the camera",
}
COMPARE_WORDS = {">": "over", "<": "under", "|>|": "beyond \u00b1"}
UNIT_SUFFIX = {"deg": "\u00b0", "s": " s", "": ""}
EXTRA_METRICS = {  # the swing's per-rep numbers, as the terminal summary words them
    "bell_height": ("bell height", lambda v: f"{v:.0%} of shoulder height"),
    "hip_snap_deg_per_s": ("hip snap", lambda v: f"{v:.0f}\u00b0/s"),
}


@dataclass
class FaultView:
    rule_id: str
    cue: str
    message: str
    headline: str  # the message's first sentence
    possible: bool  # a low-confidence rule: told as "possibly"
    note: str
    value_text: str  # "0.92 leg lengths, over the limit of 0.75"
    t: float  # the worst moment, where the video jumps
    still: str | None  # data URI


@dataclass
class RepView:
    index: int
    anchor: str
    label: str
    start_s: float
    end_s: float
    state: str  # "clean" | "fault" | "possible"
    numbers: list[tuple[str, str]]
    faults: list[FaultView] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)
    not_judged: list[str] = field(default_factory=list)


def write_report_html(
    report: Report,
    path: str | os.PathLike[str],
    *,
    exercise: Exercise | None = None,
    curves: Curves | None = None,
    stills_from: str | os.PathLike[str] | None = None,
    stills_show_skeleton: bool = False,
    stills_offset_s: float = 0.0,
    poses: Mapping[int, tuple[np.ndarray, np.ndarray]] | None = None,
) -> Path:
    """Write report.html for ``report`` at ``path`` and return the path.

    ``curves`` gives the plots (and the landmarks to mark on stills); ``stills_from`` is the
    video to take the stills from (the clip, or a recorded session, whose first frame is at
    ``stills_offset_s`` on the report's clock); ``stills_show_skeleton`` says its frames
    already show the skeleton, so only the joints are marked. ``poses`` (frame ->
    (image_xy, visibility)) gives the landmarks to mark where ``curves`` has none."""
    path = Path(path)
    html = render_report_html(
        report,
        folder=path.parent,
        exercise=exercise,
        curves=curves,
        stills_from=stills_from,
        stills_show_skeleton=stills_show_skeleton,
        stills_offset_s=stills_offset_s,
        poses=poses,
    )
    atomic_write_text(path, html)
    return path


def render_report_html(
    report: Report,
    *,
    folder: Path,
    exercise: Exercise | None = None,
    curves: Curves | None = None,
    stills_from: str | os.PathLike[str] | None = None,
    stills_show_skeleton: bool = False,
    stills_offset_s: float = 0.0,
    poses: Mapping[int, tuple[np.ndarray, np.ndarray]] | None = None,
) -> str:
    rules = {rule.id: rule for rule in exercise.rules} if exercise is not None else {}
    duration = _duration(report, curves)
    stills = _stills(
        report, curves, poses or {}, stills_from, stills_show_skeleton, stills_offset_s
    )
    reps = [_rep_view(rep, report, rules, stills) for rep in report.reps]
    n_faults = sum(len(rep.faults) for rep in report.reps)
    bands = [
        {"start": rep.start_s, "end": rep.end_s, "label": str(rep.index), "state": rep.state}
        for rep in reps
    ]
    plots = []
    if curves is not None and exercise is not None and len(curves.t):
        plots = choose_plots(report, curves.measures, exercise)
    context = {
        "report": report,
        "version": __version__,
        "clip_name": Path(report.clip.path).name,
        "exercise_title": exercise.title if exercise else report.exercise.replace("_", " "),
        "verdict": _verdict(reps),
        "unjudged_note": _unjudged_note(report, exercise),
        "reps": reps,
        "duration": duration,
        "timeline": _timeline(reps, duration),
        "video": _link(report.outputs.get("video"), folder),
        "files": _files(report, folder),
        "not_judged": _not_judged(report, rules),
        "low_confidence": [
            (_cue(rule_id, rules), why) for rule_id, why in report.low_confidence.items()
        ],
        "plots": plots,
        "plot_data": plot_data(plots, curves, bands, duration) if plots else None,
        "vendor": _vendor(),
        "legs": ", ".join(f"{leg} {n}" for leg, n in report.reps_per_leg.items()),
        "stills_capped": MAX_STILLS if stills and n_faults > MAX_STILLS else None,
    }
    return environment().get_template("report.html.j2").render(context)


# --- the verdict ----------------------------------------------------------------------------


def _verdict(reps: list[RepView]) -> dict[str, str]:
    faulty = sum(rep.state == "fault" for rep in reps)
    possible = sum(rep.state == "possible" for rep in reps)
    n = len(reps)
    if not n:
        return {"tone": "warn", "text": "No complete rep found"}
    reps_word = "rep" if n == 1 else "reps"
    if faulty:
        text = f"{faulty} of {n} {reps_word} with a fault"
        if possible:
            text += f", {possible} possibly"
        return {"tone": "fault", "text": text}
    if possible:
        return {"tone": "possible", "text": f"{possible} of {n} {reps_word} possibly with a fault"}
    return {"tone": "clean", "text": "1 rep, clean" if n == 1 else f"{n} reps, all clean"}


def _unjudged_note(report: Report, exercise: Exercise | None) -> str:
    """How many of the exercise's checks this view could not judge: a clean verdict from a
    view that judged little must not read as a clean bill."""
    unjudged = [key for key in report.not_assessable if "@rep" not in key]
    if not unjudged:
        return ""
    total = len(exercise.active_rules) if exercise is not None else 0
    of = f" of {total}" if total >= len(unjudged) else ""
    checks = "check" if len(unjudged) == 1 and not of else "checks"
    return f"{len(unjudged)}{of} {checks} could not be judged from this view"


def _rep_state(rep: Rep) -> str:
    if any(f.confidence != "low" for f in rep.faults):
        return "fault"
    return "possible" if rep.faults else "clean"


def _rep_view(
    rep: Rep, report: Report, rules: Mapping[str, Rule], stills: Mapping[tuple[int, int], str]
) -> RepView:
    # Name the leg only when it is news (as the terminal summary): reps that alternate.
    leg = rep.working_leg if report.leg_role == "working" else rep.standing_leg
    news = rep.standing_leg and rep.standing_leg != report.standing_leg
    label = f"Rep {rep.index}" + (f" ({leg} leg)" if news and leg else "")
    reasons = {
        key.rsplit("@rep", 1)[0]: reason
        for key, reason in report.not_assessable.items()
        if key.endswith(f"@rep{rep.index}")
    }
    return RepView(
        index=rep.index,
        anchor=f"rep-{rep.index}",
        label=label,
        start_s=rep.start_s,
        end_s=rep.end_s,
        state=_rep_state(rep),
        numbers=_rep_numbers(rep),
        faults=[
            _fault_view(fault, rules, stills.get((rep.index, k)))
            for k, fault in enumerate(rep.faults)
        ],
        passed=[_cue(rule_id, rules) for rule_id in rep.passed],
        not_judged=[
            f"{_cue(rule_id, rules)}: {reasons.get(rule_id, 'not assessable in this rep')}"
            for rule_id in rep.not_assessable
        ],
    )


def _rep_numbers(rep: Rep) -> list[tuple[str, str]]:
    m = rep.metrics
    numbers = [("time", f"{rep.start_s:.1f}\u2013{rep.end_s:.1f} s")]
    if _finite(m.get("depth_deg")):
        numbers.append(("depth", f"{m['depth_deg']:.0f}\u00b0"))
    tempo = [
        f"{word} {m[key]:.1f} s"
        for key, word in (("descent_s", "down"), ("pause_s", "pause"), ("ascent_s", "up"))
        if _finite(m.get(key))
    ]
    if tempo:
        numbers.append(("tempo", " / ".join(tempo)))
    for key, (name, fmt) in EXTRA_METRICS.items():
        if _finite(m.get(key)):
            numbers.append((name, fmt(m[key])))
    return numbers


def _fault_view(fault: Fault, rules: Mapping[str, Rule], still: str | None) -> FaultView:
    unit = UNIT_SUFFIX.get(fault.unit, f" {fault.unit}")
    limit = _value(fault.threshold, unit)
    value_text = (
        f"{_value(fault.value, unit)}: {COMPARE_WORDS.get(fault.comparison, fault.comparison)} "
        f"the limit of {limit}"
    )
    return FaultView(
        rule_id=fault.rule_id,
        cue=_cue(fault.rule_id, rules, fault.cue),
        message=fault.message,
        headline=first_sentence(fault.message),
        possible=fault.confidence == "low",
        note=fault.confidence_note,
        value_text=value_text,
        t=fault.time_s,
        still=still,
    )


def _value(value: float, unit: str) -> str:
    if not _finite(value):
        return "?"
    digits = 0 if unit == "\u00b0" or abs(value) >= 10 else 2
    return f"{value:.{digits}f}{unit}"


def _cue(rule_id: str, rules: Mapping[str, Rule], fallback: str = "") -> str:
    rule = rules.get(rule_id)
    return rule.cue if rule is not None else (fallback or rule_id.replace("_", " "))


def _not_judged(report: Report, rules: Mapping[str, Rule]) -> dict[str, list]:
    """Rules this view cannot judge, grouped by the views that can, with how to film; and
    rules some reps could not judge, once each with the reps and the reason."""
    by_views: dict[tuple[str, ...], list[str]] = {}
    unknown: list[tuple[str, str]] = []
    per_rule: dict[str, tuple[list[int], str]] = {}
    for key, reason in report.not_assessable.items():
        if "@rep" in key:
            rule_id, rep = key.rsplit("@rep", 1)
            reps, _ = per_rule.setdefault(rule_id, ([], reason))
            reps.append(int(rep) if rep.isdigit() else 0)
        elif key in rules:
            by_views.setdefault(rules[key].views, []).append(rules[key].cue)
        else:
            unknown.append((_cue(key, rules), reason))
    views = [
        {
            "cues": cues,
            "advice": "Film " + " or ".join(FILMING.get(v, f"from the {v}") for v in needed),
            "views": " or ".join(needed),
        }
        for needed, cues in by_views.items()
    ]
    some_reps = [
        {
            "cue": _cue(rule_id, rules),
            "reps": ", ".join(str(r) for r in sorted(reps)),
            "plural": len(reps) > 1,
            "reason": reason,
        }
        for rule_id, (reps, reason) in per_rule.items()
    ]
    return {"views": views, "unknown": unknown, "some_reps": some_reps}


# --- the video's timeline -------------------------------------------------------------------


def _duration(report: Report, curves: Curves | None) -> float:
    ends = [rep.end_s for rep in report.reps]
    if curves is not None and len(curves.t):
        t = curves.t
        step = float(np.median(np.diff(t))) if len(t) > 1 else 0.0
        ends.append(float(t[-1]) + step)
    elif report.clip.duration_s:
        ends.append(report.clip.duration_s)
    return max([e for e in ends if _finite(e)] or [1.0])


def _timeline(reps: list[RepView], duration: float) -> dict[str, list]:
    def at(t: float) -> float:
        return round(100.0 * min(max(t, 0.0), duration) / duration, 3)

    bands = [
        {
            "left": at(rep.start_s),
            "width": max(0.4, at(rep.end_s) - at(rep.start_s)),
            "rep": rep,
        }
        for rep in reps
    ]
    marks = [
        {"left": at(fault.t), "rep": rep, "fault": fault} for rep in reps for fault in rep.faults
    ]
    return {"bands": bands, "marks": marks}


# --- stills -----------------------------------------------------------------------------------


def _stills(
    report: Report,
    curves: Curves | None,
    poses: Mapping[int, tuple[np.ndarray, np.ndarray]],
    video: str | os.PathLike[str] | None,
    has_skeleton: bool,
    offset_s: float,
) -> dict[tuple[int, int], str]:
    """(rep index, fault number) -> data URI of the worst moment with its joints marked."""
    faults = {(rep.index, k): fault for rep in report.reps for k, fault in enumerate(rep.faults)}
    if video is None or not faults:
        return {}
    # A long live session can have thousands of faults: stills for the first MAX_STILLS only.
    chosen = dict(list(faults.items())[:MAX_STILLS])
    out = {}
    for key, image in iter_frames(video, {k: f.time_s - offset_s for k, f in chosen.items()}):
        fault = faults[key]
        pose = poses.get(fault.frame) or (curves.pose_at(fault.frame) if curves else None)
        xy, vis = pose if pose is not None else (None, None)
        marked = mark_joints(image, xy, vis, fault.joints, skeleton=not has_skeleton)
        out[key] = jpeg_data_uri(around_person(marked, xy))
    return out


# --- files ------------------------------------------------------------------------------------


def _link(path: str | None, folder: Path) -> str | None:
    """``path`` relative to the page, URL-quoted; None if there is no such output."""
    if not path:
        return None
    try:
        relative = os.path.relpath(path, folder)
    except ValueError:  # another drive on Windows
        relative = str(path)
    return quote(Path(relative).as_posix())


def _files(report: Report, folder: Path) -> list[tuple[str, str, str]]:
    """(what, link, file name) of the other outputs beside the page."""
    names = {"video": "annotated video", "report": "report", "measures": "measures frame by frame"}
    return [
        (names.get(kind, kind), link, Path(path).name)
        for kind, path in report.outputs.items()
        if kind != "html" and (link := _link(path, folder))
    ]


@lru_cache(maxsize=1)
def _vendor() -> dict[str, Markup]:
    """uPlot's script and styles, inlined so the page works offline (templates/vendor)."""
    folder = files("formcheck.report") / "templates" / "vendor"
    return {
        name: Markup(folder.joinpath(file).read_text(encoding="utf-8"))
        for name, file in (("uplot_js", "uPlot.iife.min.js"), ("uplot_css", "uPlot.min.css"))
    }


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)
