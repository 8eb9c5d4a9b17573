"""The fixed split of every evaluation set into a tuning part and a test part.

Thresholds, views and rules are set on the tuning part only; every published number gives the
test part beside it, so a threshold that only holds on the clips it was set on shows. The
split is made once, by a hash of each clip's bytes, about 60/40 within each exercise (so a
small exercise is not all tuning or all test), and written down in ``eval/split.json``;
a clip added later is placed by the same rule without moving any clip already placed.
Clips that are the same take as another (``same_take_as``) follow that clip's part, so a lift
is never on both sides.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from formcheck.evaluation.manifest import ManifestError
from formcheck.evaluation.options import PARTS

TUNE_SHARE = 0.6
SPLIT_FILE = Path(__file__).resolve().parents[3] / "eval" / "split.json"
SCHEMA = "formcheck evaluation split v1 (formcheck.evaluation.split)"


def content_hash(path: Path) -> str:
    """sha256 of the clip's bytes: the same clip is placed the same wherever it lies."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Entry:
    set: str  # "real", "sample_videos", ...
    exercise: str
    sha256: str
    part: str
    note: str = ""  # why a clip was moved after it was placed (only ever before tuning)


def place(
    new: Iterable[tuple[str, str, str]], placed: dict[str, Entry], set_name: str
) -> dict[str, Entry]:
    """Entries for ``new`` clips (file, exercise, sha256), keeping ``placed`` as it is. Within
    each exercise the clips are taken in hash order and each goes to the part that keeps the
    exercise's tuning share nearest TUNE_SHARE (ties go to tuning)."""
    out: dict[str, Entry] = {}
    by_exercise: dict[str, list[tuple[str, str]]] = {}
    for file, exercise, sha in new:
        by_exercise.setdefault(exercise, []).append((sha, file))
    for exercise, items in by_exercise.items():
        peers = [e for e in placed.values() if e.set == set_name and e.exercise == exercise]
        tune = sum(e.part == "tune" for e in peers)
        n = len(peers)
        for sha, file in sorted(items):
            n += 1
            part = (
                "tune" if abs((tune + 1) / n - TUNE_SHARE) <= abs(tune / n - TUNE_SHARE) else "test"
            )
            tune += part == "tune"
            out[file] = Entry(set_name, exercise, sha, part)
    return out


@dataclass
class Split:
    entries: dict[str, Entry]  # clip file name -> its entry
    source: Path | None = None

    def part_of(self, file: str) -> str | None:
        entry = self.entries.get(file)
        return entry.part if entry else None

    def to_json(self) -> str:
        doc = {
            "schema": SCHEMA,
            "rule": (
                "per set and exercise, clips in sha256 order, each to the part that keeps the "
                f"tuning share nearest {TUNE_SHARE:.0%}; same takes follow their original; "
                "decided once, never moved"
            ),
            "clips": {
                file: {"set": e.set, "exercise": e.exercise, "sha256": e.sha256, "part": e.part}
                | ({"note": e.note} if e.note else {})
                for file, e in sorted(self.entries.items())
            },
        }
        return json.dumps(doc, indent=1) + "\n"


def load_split(path: Path = SPLIT_FILE) -> Split:
    """The written-down split; an empty one when the file does not exist yet."""
    if not path.exists():
        return Split({}, path)
    try:
        doc = json.loads(path.read_text())
        entries = {
            file: Entry(v["set"], v["exercise"], v["sha256"], v["part"], v.get("note", ""))
            for file, v in doc["clips"].items()
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ManifestError(f"split file {path} is not a valid split: {exc}") from None
    bad = sorted(f for f, e in entries.items() if e.part not in PARTS)
    if bad:
        raise ManifestError(f"split file {path}: {bad[0]} has a part other than tune/test")
    return Split(entries, path)


def extend(
    split: Split,
    set_name: str,
    clips: Iterable[tuple[str, str, Path, str | None]],
) -> list[str]:
    """Place the clips (file, exercise, path, same_take_as) that ``split`` does not hold yet;
    returns the files placed. A clip already placed whose bytes changed is an error: its
    part was decided on the old clip."""
    clips = list(clips)
    fresh, follows = [], []
    for file, exercise, path, same_take in clips:
        sha = content_hash(path)
        known = split.entries.get(file)
        if known is not None:
            if known.sha256 != sha:
                raise ManifestError(
                    f"{file} changed since the split was made (sha256 {known.sha256[:12]} -> "
                    f"{sha[:12]}): give the new clip a new name"
                )
            continue
        if same_take:
            follows.append((file, exercise, sha, same_take))
        else:
            fresh.append((file, exercise, sha))
    added = place(fresh, split.entries, set_name)
    split.entries.update(added)
    for file, exercise, sha, original in follows:
        parent = split.entries.get(original)
        if parent is None:
            raise ManifestError(f"{file} is the same take as {original}, which is not placed")
        split.entries[file] = Entry(set_name, exercise, sha, parent.part)
        added[file] = split.entries[file]
    return sorted(added)
