"""The exercises' names: one TOML file each beside this module. No NumPy here, so the command
line can check a name (and list the choices) before it loads the analysis."""

from __future__ import annotations

from pathlib import Path

from formcheck.errors import UnknownExerciseError

HERE = Path(__file__).parent
AUTO = "auto"  # not an exercise: recognise it from the motion


def available() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.toml"))


def check_name(name: str) -> None:
    """An UnknownExerciseError naming the choices, unless ``name`` is an exercise."""
    if name not in available():
        raise UnknownExerciseError(
            f"unknown exercise {name!r}; choose one of: {', '.join(available())}"
        )
