"""Exercise definitions and user overrides from TOML, validated on load.

The defaults ship as ``exercises/<name>.toml``. A user file overrides them with the same
shape nested under the exercise name, e.g.::

    [kb_single_leg_deadlift.rules.hips_open]
    threshold = 15.0

    [kb_single_leg_deadlift.reps]
    min_depth = 30.0

Any key formcheck does not know is an error that names the key, so a typo cannot silently
leave a default in force. A value of the wrong type, NaN, or a threshold outside what its
measure's unit allows (20 for a measure in shin lengths: degrees meant) is an error too, so a
mistake cannot silently switch a rule off.
"""

from __future__ import annotations

import math
import sys
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from formcheck.errors import ConfigError
from formcheck.reps.settings import RepSettings
from formcheck.rules.model import COMPARISONS, Condition, Rule
from formcheck.types import VIEWS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

RULE_KEYS = {
    "measure",
    "compare",
    "threshold",
    "confident_threshold",
    "conditions",
    "phases",
    "views",
    "min_duration_s",
    "joints",
    "cue",
    "message",
    "seed",
    "enabled",
    "needs_visible",
    "confidence",
    "confidence_note",
    "assessable_if",
    "unassessable_reason",
}
CONDITION_KEYS = {"measure", "compare", "threshold", "confident_threshold"}
CONFIDENCES = ("high", "low")
USER_RULE_KEYS = {"threshold", "min_duration_s", "enabled", "views", "message", "cue"}
PHASES = {"rep", "descent", "early_descent", "bottom", "ascent", "lockout"}
# What a threshold may be, by its measure's unit: beyond these no body gets, so a value there
# is a mistake (most often degrees given for a length), not a stricter or looser rule.
UNIT_RANGES = {
    "deg": (-180.0, 180.0),
    "deg/s": (0.0, 3600.0),
    "s": (0.0, 60.0),
    "ratio": (-5.0, 5.0),
    "fraction": (0.0, 1.0),
    "leg lengths": (-2.0, 2.0),
    "shin lengths": (-4.0, 4.0),
    "shoulder heights": (-3.0, 3.0),
}
# Rep settings: durations in seconds, depths and amplitudes in the rep signal's degrees,
# fractions of a rep's range.
REP_SETTING_RANGES = {
    "min_depth": (0.0, 180.0),
    "min_amplitude": (0.0, 180.0),
    "min_duration_s": (0.0, 60.0),
    "max_duration_s": (0.1, 600.0),
    "edge_fraction": (0.0, 1.0),
    "reach_fraction": (0.0, 1.0),
    "lockout_s": (0.0, 10.0),
}
MIN_DURATION_RANGE = (0.0, 60.0)


def read_toml(path: Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file {path} does not exist: check the --config path")
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


def reject_unknown_keys(keys: set[str], allowed: set[str], where: str) -> None:
    extra = sorted(keys - allowed)
    if extra:
        raise ConfigError(
            f"unknown key {extra[0]!r} in {where}; valid keys: {', '.join(sorted(allowed))}"
        )


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{where} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ConfigError(f"{where} must be a finite number, got {value!r}")
    return float(value)


def number(value: Any, key: str, where: str, limits: tuple[float, float] | None = None) -> float:
    """A user's number for ``key`` in ``where`` (a table of a file): a finite int or float,
    within ``limits`` when given; otherwise a ConfigError naming the key, the table and the
    file, and what is allowed."""
    what = f"{key} in {where}"
    value = _number(value, what)
    if limits is not None and not limits[0] <= value <= limits[1]:
        raise ConfigError(f"{what} is {value:g}, outside {limits[0]:g} to {limits[1]:g}")
    return value


def table(value: Any, where: str) -> dict[str, Any]:
    """A TOML table the layout calls for (``[exercise.rules.rule_id]``), not a bare value."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table of keys, got {value!r}")
    return value


def measure_units() -> dict[str, str]:
    """Every measure a rule may judge -> its unit (as the report states it)."""
    from formcheck.signals.measures import MEASURES  # the measures' code: loaded when asked
    from formcheck.units import FROM_STANDING, REP_MEASURE_UNITS, SET_MEASURES

    units = {name: info.unit for name, (_, info) in MEASURES.items()} | REP_MEASURE_UNITS
    units |= {changed: units[name] for name, changed in FROM_STANDING.items()}
    return units | {name: unit for name, (_, unit) in SET_MEASURES.items()}


def check_threshold(cond: Condition, value: float, key: str, where: str) -> None:
    """A threshold must make sense in its measure's unit; |>| compares a size (>= 0)."""
    unit = measure_units().get(cond.measure, "")
    low, high = UNIT_RANGES.get(unit, (-math.inf, math.inf))
    if cond.compare == "|>|":
        low = max(low, 0.0)
    if not low <= value <= high:
        raise ConfigError(
            f"{key} = {value:g} in {where} cannot be right: {cond.measure} is measured in "
            f"{unit or 'its own unit'}, between {low:g} and {high:g} (default "
            f"{cond.threshold:g}); give the threshold in {unit or 'that unit'} "
            "(`formcheck exercises` lists each rule's)"
        )


def check_rep_depths(signal: str, raw: dict[str, Any], where: str) -> None:
    """``min_depth`` and ``min_amplitude`` are in the exercise's rep signal's unit (a fraction
    of the body lowered for the hinges, degrees of the leg for the kickback): a value that
    unit rules out would silently stop every rep from counting."""
    unit = measure_units().get(signal, "")
    low, high = UNIT_RANGES.get(unit, (-math.inf, math.inf))
    for key in ("min_depth", "min_amplitude"):
        value = raw.get(key)
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if is_number and not low <= value <= high:
            raise ConfigError(
                f"{key} = {value:g} in {where} cannot be right: reps are found on "
                f"{signal}, measured in {unit or 'its own unit'} between {low:g} and "
                f"{high:g}; give {key} in that unit (see the exercise's [reps] in "
                "src/formcheck/exercises/)"
            )


def _condition(spec: dict[str, Any], where: str) -> Condition:
    reject_unknown_keys(
        set(spec), {"measure", "compare", "threshold", "confident_threshold"}, where
    )
    if spec.get("compare") not in COMPARISONS:
        raise ConfigError(f"{where}: compare must be one of {', '.join(COMPARISONS)}")
    confident = spec.get("confident_threshold")
    return Condition(
        str(spec["measure"]),
        spec["compare"],
        _number(spec.get("threshold"), where),
        None if confident is None else _number(confident, where),
    )


def parse_rule(rule_id: str, raw: dict[str, Any], source: str) -> Rule:
    where = f"rule {rule_id!r} ({source})"
    reject_unknown_keys(set(raw), RULE_KEYS, where)
    if "conditions" in raw:
        specs = raw["conditions"]
    else:
        keys = ("measure", "compare", "threshold", "confident_threshold")
        specs = [{k: raw[k] for k in keys if k in raw}]
    conditions = [_condition(spec, where) for spec in specs]
    preconditions = [_condition(spec, where) for spec in raw.get("assessable_if", [])]
    if preconditions and not raw.get("unassessable_reason"):
        raise ConfigError(f"{where}: assessable_if needs an unassessable_reason to tell the user")
    phases = tuple(raw.get("phases", ["rep"]))
    if not set(phases) <= PHASES:
        raise ConfigError(f"{where}: phases must be among {', '.join(sorted(PHASES))}")
    views = tuple(raw.get("views", VIEWS))
    if not set(views) <= set(VIEWS):
        raise ConfigError(f"{where}: views must be among {', '.join(VIEWS)}")
    confidence = raw.get("confidence", "high")
    if confidence not in CONFIDENCES:
        raise ConfigError(f"{where}: confidence must be one of {', '.join(CONFIDENCES)}")
    return Rule(
        id=rule_id,
        conditions=tuple(conditions),
        phases=phases,
        views=views,
        min_duration_s=_number(raw.get("min_duration_s", 0.0), where),
        joints=tuple(raw.get("joints", ())),
        message=str(raw["message"]),
        cue=str(raw["cue"]),
        seed=str(raw["seed"]),
        source=source,
        enabled=bool(raw.get("enabled", True)),
        needs_visible=tuple(raw.get("needs_visible", ())),
        confidence=confidence,
        confidence_note=str(raw.get("confidence_note", "")),
        assessable_if=tuple(preconditions),
        unassessable_reason=str(raw.get("unassessable_reason", "")),
    )


def override_rule(rule: Rule, raw: Any, where: str) -> Rule:
    """Apply a user's overrides. Multi-condition rules take thresholds keyed by measure."""
    raw = table(raw, where)
    measures = {c.measure for c in rule.conditions}
    allowed = USER_RULE_KEYS | measures
    if len(rule.conditions) > 1:
        allowed -= {"threshold"}
    reject_unknown_keys(set(raw), allowed, where)
    conditions = []
    for cond in rule.conditions:
        key = "threshold" if "threshold" in raw else cond.measure
        if key in raw:
            value = number(raw[key], key, where)
            check_threshold(cond, value, key, where)
            cond = replace(cond, threshold=value)
        conditions.append(cond)
    changes: dict[str, Any] = {"conditions": tuple(conditions)}
    if "min_duration_s" in raw:
        changes["min_duration_s"] = number(
            raw["min_duration_s"], "min_duration_s", where, MIN_DURATION_RANGE
        )
    if "enabled" in raw:
        if not isinstance(raw["enabled"], bool):
            raise ConfigError(f"enabled in {where} must be true or false")
        changes["enabled"] = raw["enabled"]
    if "views" in raw:
        views = raw["views"]
        if (
            not isinstance(views, list)
            or not views
            or not all(isinstance(v, str) for v in views)
            or not set(views) <= set(VIEWS)
        ):
            raise ConfigError(
                f"views in {where} must be a list of views among {', '.join(VIEWS)}, "
                f'e.g. ["side"], got {views!r}'
            )
        changes["views"] = tuple(views)
    for key in ("message", "cue"):
        if key in raw:
            if not isinstance(raw[key], str) or not raw[key].strip():
                raise ConfigError(f"{key} in {where} must be text, got {raw[key]!r}")
            changes[key] = raw[key]
    return replace(rule, **changes)


def parse_rep_settings(raw: Any, where: str, base: RepSettings) -> RepSettings:
    raw = table(raw, where)
    allowed = {f.name for f in fields(RepSettings)}
    reject_unknown_keys(set(raw), allowed, where)
    values = {}
    for key, value in raw.items():
        if isinstance(getattr(base, key), bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{key} in {where} must be true or false, not {value!r}")
            values[key] = value
        else:
            values[key] = number(value, key, where, REP_SETTING_RANGES.get(key))
    return replace(base, **values)
