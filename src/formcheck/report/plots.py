"""What the report's plots show: which measures, their thresholds, the reps and the faults.

The page draws them with uPlot (vendored in templates/vendor/), so writing a report costs
no plotting time here: this module only chooses the measures and hands their values over as
JSON. The measures that matter come first (those with a fault, then the signal the reps are
found on); the other measures the rules judged are there but folded.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

import numpy as np

from formcheck.analysis import FROM_STANDING, SET_MEASURES
from formcheck.exercises.registry import Exercise
from formcheck.report.curves import Curves
from formcheck.rules.model import Condition, Rule
from formcheck.signals.measures import MEASURES
from formcheck.types import Fault, Report

UNIT_WORDS = {"deg": "degrees", "s": "seconds"}


@dataclass(frozen=True)
class Threshold:
    value: float
    compare: str  # ">", "<" or "|>|" (the magnitude: a line either side of zero)
    label: str  # the rule's cue


@dataclass(frozen=True)
class Mark:
    t: float
    value: float
    possible: bool  # a low-confidence fault, drawn amber


@dataclass
class Plot:
    id: str
    measure: str
    title: str
    meaning: str
    rules: str  # which rules judge it, in words
    unit: str
    open: bool  # shown at once, or folded under "other measures"
    thresholds: list[Threshold] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)


def choose_plots(
    report: Report, measures: Mapping[str, np.ndarray], exercise: Exercise
) -> list[Plot]:
    """The measures the rules judged from this view, with their thresholds and the worst
    moment of each fault: faulted measures first (by time), then the rep signal, then the
    rest (folded)."""
    judged: dict[str, list[tuple[Rule, Condition]]] = {}
    for rule in exercise.active_rules:
        if rule.id in report.not_assessable:  # the view cannot judge it: nothing to plot
            continue
        for cond in rule.conditions:
            if cond.measure in measures:
                judged.setdefault(cond.measure, []).append((rule, cond))
    rules = {rule.id: rule for rule in exercise.rules}
    marks: dict[str, list[Mark]] = {}
    for rep in report.reps:
        for fault in rep.faults:
            measure = fault_measure(fault, rules.get(fault.rule_id))
            if measure in measures:
                marks.setdefault(measure, []).append(
                    Mark(fault.time_s, fault.value, fault.confidence == "low")
                )
    order = sorted(marks, key=lambda m: min(mark.t for mark in marks[m]))
    if exercise.rep_signal in measures and exercise.rep_signal not in order:
        order.append(exercise.rep_signal)
    order += sorted(m for m in judged if m not in order)

    units = measure_units()
    plots = []
    for k, measure in enumerate(order):
        pairs = judged.get(measure, [])
        is_signal = measure == exercise.rep_signal
        info = MEASURES.get(measure)
        plots.append(
            Plot(
                id=f"plot-{k}",
                measure=measure,
                title=measure_title(measure) + (" (finds the reps)" if is_signal else ""),
                meaning=info[1].meaning if info else "",
                rules=", ".join(f"{rule.cue} ({rule.id})" for rule, _ in pairs),
                unit=UNIT_WORDS.get(units.get(measure, ""), units.get(measure, "")),
                open=measure in marks or is_signal,
                thresholds=[Threshold(c.threshold, c.compare, rule.cue) for rule, c in pairs],
                marks=marks.get(measure, []),
            )
        )
    return plots


def plot_data(plots: list[Plot], curves: Curves, bands: list[dict], duration: float) -> dict:
    """Everything the page's script needs to draw ``plots``, as JSON-able values (NaN as
    null, 3 decimals: the page shows curves, not the CSV)."""
    return {
        "t": _rounded(curves.t),
        "duration": duration,
        "bands": bands,
        "plots": [
            {**asdict(plot), "values": _rounded(curves.measures[plot.measure])} for plot in plots
        ],
    }


def fault_measure(fault: Fault, rule: Rule | None) -> str | None:
    """Which of the rule's measures the fault's value is (the condition that fired)."""
    if rule is None or not rule.conditions:
        return None
    for cond in rule.conditions:
        if cond.compare == fault.comparison and math.isclose(cond.threshold, fault.threshold):
            return cond.measure
    return rule.conditions[0].measure


def measure_title(measure: str) -> str:
    """``free_knee_flexion_deg`` -> "free knee flexion" (the unit is on the axis)."""
    words = measure.split("_")
    if len(words) > 1 and words[-1] in ("deg", "s", "m"):
        words = words[:-1]
    return " ".join(words)


def measure_units() -> dict[str, str]:
    """Measure -> unit, for the registered measures and those the analysis derives from them
    (changes from standing, changes across the set), as the analysis names them."""
    units = {name: info.unit for name, (_, info) in MEASURES.items()}
    units |= {changed: units[name] for name, changed in FROM_STANDING.items()}
    units |= {name: unit for name, (_, unit) in SET_MEASURES.items()}
    return units


def _rounded(values: np.ndarray) -> list[float | None]:
    array = np.round(np.asarray(values, float), 3)
    return [v if math.isfinite(v) else None for v in array.tolist()]
