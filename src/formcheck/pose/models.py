"""Find the pose model bundle (``.task``) a user asked for, by name or by path."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from formcheck.errors import ModelError

MODEL_NAMES = ("lite", "full", "heavy")
# The offline default (analyze, batch, serve, eval), chosen on the evaluation sets
# (docs/evaluation.md, "Which pose model"): full told a few fewer false faults than lite on
# real clips but five times as many on the rendered ones, whose thresholds were set on lite's
# readings, for 1.4 times lite's time a frame; heavy was no better and took 3.9 times.
DEFAULT_MODEL = "lite"
LIVE_MODEL = "lite"
BUNDLED = ("lite", "full")  # heavy (29 MB) is left out of the repo; it is built on demand
MODEL_DIR_ENV = "FORMCHECK_MODEL_DIR"
BUILD_HEAVY = "python tools/build_models.py --variant heavy --out models/"


def model_filename(name: str) -> str:
    return f"pose_landmarker_{name}.task"


def model_search_dirs() -> list[Path]:
    """Where named models are looked for, first match wins."""
    dirs = []
    if os.environ.get(MODEL_DIR_ENV):
        dirs.append(Path(os.environ[MODEL_DIR_ENV]))
    # src/formcheck/pose/models.py -> the repo root, for a checkout or an editable install.
    dirs.append(Path(__file__).resolve().parents[3] / "models")
    # Where a regular install puts data files.
    dirs.append(Path(sys.prefix) / "share" / "formcheck" / "models")
    return dirs


def resolve_model(spec: str) -> tuple[str, Path]:
    """``lite|full|heavy|PATH`` -> (display name, path of an existing ``.task`` file)."""
    if spec in MODEL_NAMES:
        return spec, _find_named(spec)
    path = Path(spec).expanduser()
    if path.suffix != ".task":
        raise ModelError(
            f"Model {spec!r} is neither lite, full nor heavy, nor a .task file: "
            "give one of those names or the path of a MediaPipe pose landmarker .task bundle."
        )
    if not path.is_file():
        raise ModelError(f"Model file {path} does not exist.")
    return path.stem, path


def _find_named(name: str) -> Path:
    dirs = model_search_dirs()
    for folder in dirs:
        candidate = folder / model_filename(name)
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(d) for d in dirs)
    if name not in BUNDLED:
        raise ModelError(
            f"The {name} pose model is not bundled: build it with `{BUILD_HEAVY}` "
            f"(or set {MODEL_DIR_ENV} to a folder holding {model_filename(name)}); "
            f"searched {searched}."
        )
    raise ModelError(
        f"The bundled {name} pose model {model_filename(name)} is missing (searched {searched}); "
        "reinstall formcheck or rebuild it with `python tools/build_models.py --out models/`."
    )
