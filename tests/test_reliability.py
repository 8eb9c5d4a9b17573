"""The reliability suite: every bad input and odd machine of docs/reliability.md, through the
command line in a process of its own. Each case must exit with the status the README
documents, say in one line what was wrong and what to do (or succeed, with what the case
needs checked), and leave no traceback, no changed input, no temporary file and no empty
output folder behind. The cases are data, in reliability_cases.py."""

from __future__ import annotations

import pytest

from reliability_cases import CASES, Clips, run


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> Clips:
    return Clips(tmp_path_factory.mktemp("inputs"))


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case(case, clips, tmp_path):
    if case.needs is not None:
        why = case.needs(tmp_path)
        if why:
            pytest.skip(why)
    run(case, tmp_path / "case", clips)
