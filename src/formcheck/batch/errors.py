"""Mistakes in a batch's command line or set-up, reported before any clip is checked."""

from __future__ import annotations

from formcheck.errors import FormcheckError


class BatchInputError(FormcheckError, ValueError):
    """An input that matches no clip, or a manifest that cannot be read."""


class EngineError(FormcheckError, RuntimeError):
    """The chosen engine cannot run: Dask not installed, scheduler unreachable, no workers,
    or workers without formcheck."""
