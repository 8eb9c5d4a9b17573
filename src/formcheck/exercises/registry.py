"""Exercises are data: each is a TOML file beside this module. The registry maps names to them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from formcheck.config import (
    check_rep_depths,
    number,
    override_rule,
    parse_rep_settings,
    parse_rule,
    read_toml,
    reject_unknown_keys,
    table,
)
from formcheck.errors import ConfigError
from formcheck.exercises.names import HERE, available, check_name
from formcheck.reps.settings import RepSettings
from formcheck.rules.model import Rule

BELL_HANDS = ("standing_side", "opposite_side", "left", "right")
EXERCISE_KEYS = {
    "name",
    "title",
    "source",
    "single_leg",
    "rep_signal",
    "bell_hand",
    "overlay_angles",
    "rep_metrics",
    "leg_role",
}
LEG_ROLES = ("standing", "working")


@dataclass(frozen=True)
class Exercise:
    name: str
    title: str
    source: str
    single_leg: bool
    rep_signal: str
    bell_hand: str
    overlay_angles: tuple[tuple[str, str, str], ...]  # (label, measure, anchor joint)
    rep_settings: RepSettings
    min_free_foot_height: float  # single-leg only: the free foot must be this far up in a rep
    rules: tuple[Rule, ...]
    rep_metrics: tuple[str, ...] = ()  # per-rep scalars reported beside depth and tempo
    leg_role: str = "standing"  # single-leg work: which leg the report counts reps by
    min_bell_height: float | None = None  # swings: a rep brings the hands this high

    @property
    def active_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.enabled)


def _parse(raw: dict[str, Any], source: Path) -> Exercise:
    where = str(source.name)
    reject_unknown_keys(set(raw), {"exercise", "reps", "rules"}, where)
    ex = raw["exercise"]
    reject_unknown_keys(set(ex), EXERCISE_KEYS, f"[exercise] of {where}")
    reps = dict(raw.get("reps", {}))
    min_free = float(reps.pop("min_free_foot_height", 0.0))
    min_bell = reps.pop("min_bell_height", None)
    return Exercise(
        name=ex["name"],
        title=ex["title"],
        source=ex["source"],
        single_leg=bool(ex.get("single_leg", False)),
        rep_signal=ex["rep_signal"],
        bell_hand=ex.get("bell_hand", "standing_side"),
        overlay_angles=tuple(tuple(a) for a in ex.get("overlay_angles", ())),
        rep_settings=parse_rep_settings(reps, f"[reps] of {where}", RepSettings()),
        min_free_foot_height=min_free,
        rules=tuple(
            parse_rule(rule_id, spec, ex["source"]) for rule_id, spec in raw["rules"].items()
        ),
        rep_metrics=tuple(ex.get("rep_metrics", ())),
        leg_role=ex.get("leg_role", "standing"),
        min_bell_height=None if min_bell is None else float(min_bell),
    )


def get_exercise(name: str, config: Path | None = None) -> Exercise:
    """The named exercise with the user's overrides from ``config`` applied."""
    check_name(name)
    path = HERE / f"{name}.toml"
    exercise = _parse(read_toml(path), path)
    if config is not None:
        exercise = apply_overrides(exercise, read_toml(Path(config)), Path(config))
    return exercise


def apply_overrides(exercise: Exercise, raw: dict[str, Any], source: Path) -> Exercise:
    unknown = sorted(set(raw) - set(available()))
    if unknown:
        raise ConfigError(
            f"unknown exercise {unknown[0]!r} in {source}; valid: {', '.join(available())}"
        )
    where = f"[{exercise.name}] of {source}"
    mine = table(raw.get(exercise.name, {}), where)
    reject_unknown_keys(set(mine), {"exercise", "reps", "rules"}, where)
    changes: dict[str, Any] = {}
    if "exercise" in mine:
        reject_unknown_keys(
            set(table(mine["exercise"], f"[{exercise.name}.exercise] of {source}")),
            {"bell_hand"},
            f"[{exercise.name}.exercise] of {source}",
        )
        hand = mine["exercise"].get("bell_hand", exercise.bell_hand)
        if hand not in BELL_HANDS:
            raise ConfigError(f"bell_hand in {source} must be one of {', '.join(BELL_HANDS)}")
        changes["bell_hand"] = hand
    if "reps" in mine:
        reps_where = f"[{exercise.name}.reps] of {source}"
        reps = dict(table(mine["reps"], reps_where))
        if "min_free_foot_height" in reps:
            changes["min_free_foot_height"] = number(
                reps.pop("min_free_foot_height"), "min_free_foot_height", reps_where, (0.0, 2.0)
            )
        if "min_bell_height" in reps:
            changes["min_bell_height"] = number(
                reps.pop("min_bell_height"), "min_bell_height", reps_where, (-3.0, 3.0)
            )
        check_rep_depths(exercise.rep_signal, reps, reps_where)
        changes["rep_settings"] = parse_rep_settings(
            reps, f"[{exercise.name}.reps] of {source}", exercise.rep_settings
        )
    if "rules" in mine:
        by_id = {r.id: r for r in exercise.rules}
        for rule_id, spec in table(mine["rules"], f"[{exercise.name}.rules] of {source}").items():
            if rule_id not in by_id:
                raise ConfigError(
                    f"unknown rule {rule_id!r} for {exercise.name} in {source}; "
                    f"valid: {', '.join(by_id)}"
                )
            by_id[rule_id] = override_rule(
                by_id[rule_id], spec, f"[{exercise.name}.rules.{rule_id}] of {source}"
            )
        changes["rules"] = tuple(by_id.values())
    return replace(exercise, **changes)
