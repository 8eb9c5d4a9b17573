"""Libraries the analysis needs after the pose pass, imported beside it instead of before it.

scipy (signal, ndimage, stats) takes about a second to import, more on a busy machine, and
nothing before the analysis needs it, while the pose model leaves the interpreter free most of
the time (MediaPipe's work is native and runs without the GIL). So the modules that use scipy
get it from :func:`library` where they use it, and `formcheck analyze` starts importing it in
a thread once the pose pass begins (:func:`preload`). The import needs the interpreter lock
as the pose pass's tracking does, so it mostly moves from start-up into the pose stage rather
than vanishing (measured in docs/performance.md, "Ratio to the limit"); what it surely spares
is the `--jobs 2` helper and every command that never analyses.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import threading
from types import ModuleType

from formcheck.interrupts import deferred

ANALYSIS_LIBRARIES = ("scipy.signal", "scipy.ndimage")


def library(name: str) -> ModuleType:
    """The module ``name``, imported now if it is not yet. A stop signal arriving meanwhile
    waits for the import to finish: stopped half-way, the import left the process to end
    killed by SIGINT instead of with its "interrupted" status (CI, `formcheck eval`)."""
    module = sys.modules.get(name)
    if module is None:
        with deferred():
            module = importlib.import_module(name)
    return module


def preload(modules: tuple[str, ...] = ANALYSIS_LIBRARIES) -> threading.Thread:
    """Import ``modules`` in a background thread (where no stop signal lands: Python runs
    signal handlers in the main thread); returns the started thread. Not a daemon: an
    interpreter ending mid-import would stop it half-way through a module's own code."""

    def load() -> None:
        for name in modules:
            # A library that fails to import fails again where it is used, with its message.
            with contextlib.suppress(Exception):
                importlib.import_module(name)

    thread = threading.Thread(target=load, name="formcheck-preload")
    thread.start()
    return thread
