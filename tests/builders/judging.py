"""Shared checks of the per-exercise rule tests (tests/test_rules_<exercise>.py): which rules
fired in each rep, the (fault, view) cases each rule claims, and known misses of formcheck's
measures marked as strict expected failures so that a fix shows up as an unexpected pass."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pytest

ALL_VIEWS = ("side", "front", "back", "oblique")


def fired(analysis) -> list[set[str]]:
    return [{f.rule_id for f in rep.faults} for rep in analysis.reps]


def known(reason: str):
    return pytest.mark.xfail(strict=True, reason=reason)


def fault_cases(
    rules: Mapping, built: Iterable[str], misses: Mapping[tuple[str, str], str] = {}
) -> list:
    """(fault, view) for every rule the builder can show, from every view the rule claims."""
    built = set(built)
    return [
        pytest.param(
            rid,
            view,
            id=f"{rid}-{view}",
            marks=[known(misses[(rid, view)])] if (rid, view) in misses else [],
        )
        for rid, rule in rules.items()
        if rid in built
        for view in rule.views
        if view in ALL_VIEWS
    ]


def clean_cases(variants: Mapping[str, dict], misses: Mapping[tuple[str, str], str] = {}):
    """(view, variant kwargs) for every view and variant, by id ``view-variant``."""
    return [
        pytest.param(
            view,
            kw,
            id=f"{view}-{name}",
            marks=[known(misses[(view, name)])] if (view, name) in misses else [],
        )
        for view in ALL_VIEWS
        for name, kw in variants.items()
    ]


def assert_fires_only_in_rep(analysis, fault: str, rule, view: str, rep: int = 1, reps: int = 3):
    """The rule fires in the faulty rep and in no other, reported inside that rep with its
    source sentence and joints."""
    assert len(analysis.reps) == reps
    assert analysis.view.view == view
    per_rep = fired(analysis)
    assert fault in per_rep[rep], per_rep
    others = set().union(*(p for i, p in enumerate(per_rep) if i != rep))
    assert fault not in others, per_rep
    found = next(f for f in analysis.reps[rep].faults if f.rule_id == fault)
    assert analysis.reps[rep].start_s - 0.5 <= found.time_s <= analysis.reps[rep].end_s + 0.7
    assert found.seed == rule.seed and found.joints


def assert_not_assessable_outside_views(analysis, exercise, view: str) -> None:
    for rule in exercise.rules:
        if view in rule.views:
            continue
        assert rule.id in analysis.not_assessable
        assert "not assessable from this view" in analysis.not_assessable[rule.id]
        for rep in analysis.reps:
            assert rule.id not in rep.passed
