"""Run every case of the reliability suite (tests/reliability_cases.py) and print the table of
docs/reliability.md: the case, the exit status, and what formcheck said, from this run.

    python tools/reliability_table.py [--only NAME...]

A case that breaks one of the suite's rules is printed with the rule it broke (and the script
exits 1); ``pytest tests/test_reliability.py`` checks the same cases.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from reliability_cases import CASES, Clips, Result, run  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def said(result: Result, folder: Path) -> str:
    """The one error line, or the success's telling line, with this run's paths shortened."""
    if result.code:
        text = result.error_lines[0].removeprefix("formcheck: error: ")
    else:
        lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
        telling = [line for line in lines if line.startswith(("Rep 1", "! ", "person"))]
        text = " / ".join(telling[:2] or lines[:1])
    for root in sorted({str(folder), str(folder.parent)}, key=len, reverse=True):
        text = text.replace(root + "/", "")
    return " ".join(text.split()).replace("|", "\\|")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="run only cases whose name contains one")
    args = parser.parse_args()
    cases = [c for c in CASES if not args.only or any(o in c.name for o in args.only)]
    failed = 0
    print("| case | exit | what formcheck says (this run) |")
    print("| --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        clips = Clips(Path(tmp) / "inputs")
        for k, case in enumerate(cases):
            folder = Path(tmp) / f"case{k}"
            folder.mkdir()
            if case.needs is not None and (why := case.needs(folder)):
                print(f"| {case.name} | skipped | {why} |", flush=True)
                continue
            try:
                result = run(case, folder / "case", clips)
            except AssertionError as broken:
                failed += 1
                rule = " ".join(str(broken).split())[:160] or traceback.format_exc(limit=1)
                print(f"| {case.name} | **broke a rule** | {rule} |", flush=True)
                continue
            text = said(result, folder / "case").replace(str(clips.folder) + "/", "")
            print(f"| {case.name} | {result.code} | {text} |", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
