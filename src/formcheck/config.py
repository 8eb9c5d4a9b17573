"""Exercise definitions and user overrides from TOML, validated on load.

The defaults ship as ``exercises/<name>.toml``. A user file overrides them with the same
shape nested under the exercise name, e.g.::

    [kb_single_leg_deadlift.rules.hips_open]
    threshold = 15.0

    [kb_single_leg_deadlift.reps]
    min_depth = 30.0

Any key formcheck does not know is an error that names the key, so a typo cannot silently
leave a default in force.
"""

from __future__ import annotations

import sys
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from formcheck.errors import ConfigError
from formcheck.reps.segment import RepSettings
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
CONFIDENCES = ("high", "low")
USER_RULE_KEYS = {"threshold", "min_duration_s", "enabled", "views", "message", "cue"}
PHASES = {"rep", "descent", "early_descent", "bottom", "ascent", "lockout"}


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
    return float(value)


def _condition(spec: dict[str, Any], where: str) -> Condition:
    reject_unknown_keys(set(spec), {"measure", "compare", "threshold"}, where)
    if spec.get("compare") not in COMPARISONS:
        raise ConfigError(f"{where}: compare must be one of {', '.join(COMPARISONS)}")
    return Condition(str(spec["measure"]), spec["compare"], _number(spec.get("threshold"), where))


def parse_rule(rule_id: str, raw: dict[str, Any], source: str) -> Rule:
    where = f"rule {rule_id!r} ({source})"
    reject_unknown_keys(set(raw), RULE_KEYS, where)
    if "conditions" in raw:
        specs = raw["conditions"]
    else:
        specs = [{k: raw[k] for k in ("measure", "compare", "threshold") if k in raw}]
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


def override_rule(rule: Rule, raw: dict[str, Any], where: str) -> Rule:
    """Apply a user's overrides. Multi-condition rules take thresholds keyed by measure."""
    measures = {c.measure for c in rule.conditions}
    allowed = USER_RULE_KEYS | measures
    if len(rule.conditions) > 1:
        allowed -= {"threshold"}
    reject_unknown_keys(set(raw), allowed, where)
    conditions = []
    for cond in rule.conditions:
        key = "threshold" if "threshold" in raw else cond.measure
        if key in raw:
            cond = replace(cond, threshold=_number(raw[key], f"{where}.{key}"))
        conditions.append(cond)
    changes: dict[str, Any] = {"conditions": tuple(conditions)}
    if "min_duration_s" in raw:
        changes["min_duration_s"] = _number(raw["min_duration_s"], f"{where}.min_duration_s")
    if "enabled" in raw:
        if not isinstance(raw["enabled"], bool):
            raise ConfigError(f"{where}.enabled must be true or false")
        changes["enabled"] = raw["enabled"]
    if "views" in raw:
        views = tuple(raw["views"])
        if not set(views) <= set(VIEWS):
            raise ConfigError(f"{where}.views must be among {', '.join(VIEWS)}")
        changes["views"] = views
    for key in ("message", "cue"):
        if key in raw:
            changes[key] = str(raw[key])
    return replace(rule, **changes)


def parse_rep_settings(raw: dict[str, Any], where: str, base: RepSettings) -> RepSettings:
    allowed = {f.name for f in fields(RepSettings)}
    reject_unknown_keys(set(raw), allowed, where)
    values = {}
    for key, value in raw.items():
        if isinstance(getattr(base, key), bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}.{key} must be true or false, not {value!r}")
            values[key] = value
        else:
            values[key] = _number(value, f"{where}.{key}")
    return replace(base, **values)
