"""The arithmetic of an evaluation: fault tallies, rep-count errors, false alarms and the
"not assessable" check, from per-clip results. No video, no pose model: easy to test by hand.

A *unit* is where a fault is looked for: a rep when the labels say which rep had it (rendered
clips), else the whole clip. For each rule of the exercise a unit's label is ``present``,
``absent`` (the labeller vouches for it), ``unknown`` (the labeller could not tell) or
``uncertain`` (left out), and the analysis found ``fault``, ``pass``, ``na`` (not assessable)
or ``no_rep`` (no rep found to judge in).
"""

from __future__ import annotations

from dataclasses import dataclass, field

LABELS = ("present", "absent", "unknown", "uncertain")
FOUND = ("fault", "pass", "na", "no_rep")


@dataclass
class FaultTally:
    """Counts for one fault id. ``recall`` counts a labelled fault in a unit without a found
    rep as missed; a labelled fault declared not assessable is kept apart (``na``)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0  # labelled, judged, not found
    no_rep: int = 0  # labelled, but no rep was found to judge it in
    na: int = 0  # labelled, declared not assessable
    unverified: int = 0  # reported where the labeller could not tell

    def add(self, label: str, found: str) -> None:
        if label not in LABELS or found not in FOUND:
            raise ValueError(f"unknown label/found pair {label!r}/{found!r}")
        if label == "present":
            if found == "fault":
                self.tp += 1
            elif found == "pass":
                self.fn += 1
            elif found == "no_rep":
                self.no_rep += 1
            else:
                self.na += 1
        elif found == "fault":
            if label == "absent":
                self.fp += 1
            elif label == "unknown":
                self.unverified += 1

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn + self.no_rep)

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None if p is None or r is None else 0.0
        return 2 * p * r / (p + r)

    def __add__(self, other: FaultTally) -> FaultTally:
        keys = ("tp", "fp", "fn", "no_rep", "na", "unverified")
        return FaultTally(**{k: getattr(self, k) + getattr(other, k) for k in keys})


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass
class Unit:
    """One place faults were looked for, and what the analysis said per rule."""

    name: str  # "clip" or "rep 2"
    labels: dict[str, str]  # rule id -> one of LABELS
    found: dict[str, str]  # rule id -> one of FOUND
    clean: bool  # labelled free of all our faults (vouched)
    view: str = ""  # the labelled camera view
    # Rules found here only as "possibly" (every fault of the rule told with low confidence):
    # a user is not told these as verdicts.
    possibly: tuple[str, ...] = ()


@dataclass
class RepCount:
    labelled: int
    found: int

    @property
    def error(self) -> int:
        return self.found - self.labelled


@dataclass
class RepCountSummary:
    clips: int
    exact: int
    mean_abs_error: float | None
    mean_error: float | None  # signed: > 0 counts too many

    @property
    def exact_rate(self) -> float | None:
        return _ratio(self.exact, self.clips)


def summarize_counts(counts: list[RepCount]) -> RepCountSummary:
    n = len(counts)
    return RepCountSummary(
        clips=n,
        exact=sum(c.error == 0 for c in counts),
        mean_abs_error=sum(abs(c.error) for c in counts) / n if n else None,
        mean_error=sum(c.error for c in counts) / n if n else None,
    )


def tally_faults(units: list[Unit]) -> dict[str, FaultTally]:
    """Per fault id, over all units (rule ids in the order first seen)."""
    tallies: dict[str, FaultTally] = {}
    for unit in units:
        for rule_id, label in unit.labels.items():
            tallies.setdefault(rule_id, FaultTally()).add(label, unit.found.get(rule_id, "pass"))
    return tallies


def total(tallies: dict[str, FaultTally]) -> FaultTally:
    out = FaultTally()
    for t in tallies.values():
        out = out + t
    return out


@dataclass
class FalseAlarms:
    clean_units: int
    with_alarm: int

    @property
    def rate(self) -> float | None:
        return _ratio(self.with_alarm, self.clean_units)


def false_alarms(units: list[Unit]) -> FalseAlarms:
    """Clean units in which any fault was reported (``uncertain`` ones do not count)."""
    clean = [u for u in units if u.clean]
    alarmed = sum(
        any(f == "fault" and u.labels.get(r) == "absent" for r, f in u.found.items()) for u in clean
    )
    return FalseAlarms(clean_units=len(clean), with_alarm=alarmed)


@dataclass
class NotAssessable:
    """Per fault id over clips with one labelled view: how often the analysis said "not
    assessable from this view", and whether the rule's declared views agree with the label."""

    clips: int = 0  # clips whose labelled view is known
    declared: int = 0  # clips where the analysis said not assessable
    right: int = 0  # ... and the rule cannot be judged from the labelled view
    wrong: int = 0  # ... though the labelled view can judge it (the view estimate erred)
    judged_off_view: int = 0  # judged although the labelled view cannot show it

    def add(self, view_can_judge: bool, declared_na: bool) -> None:
        self.clips += 1
        if declared_na:
            self.declared += 1
            if view_can_judge:
                self.wrong += 1
            else:
                self.right += 1
        elif not view_can_judge:
            self.judged_off_view += 1


@dataclass
class Recognition:
    clips: int = 0
    correct: int = 0
    unsure: int = 0  # the recogniser declined to name an exercise
    confusions: dict[str, int] = field(default_factory=dict)  # "label -> found" -> count

    @property
    def accuracy(self) -> float | None:
        return _ratio(self.correct, self.clips)

    def add(self, label: str, found: str | None) -> None:
        self.clips += 1
        if found == label:
            self.correct += 1
            return
        if found is None:
            self.unsure += 1
        key = f"{label} -> {found or 'unsure'}"
        self.confusions[key] = self.confusions.get(key, 0) + 1
