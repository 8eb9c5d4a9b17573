"""The Jinja2 environment for formcheck's HTML pages (the report and the batch index).

Autoescaping is on for every template: clip names, exercise names and messages come from
users' files and must show as text, never as markup.
"""

from __future__ import annotations

import math
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("formcheck.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,  # a misspelt name fails the tests, not the reader
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = percent
    env.filters["secs"] = seconds
    return env


def percent(value: float | None) -> str:
    return f"{value:.0%}" if value is not None and math.isfinite(value) else "?"


def seconds(value: float | None) -> str:
    return f"{value:.1f} s" if value is not None and math.isfinite(value) else "?"
