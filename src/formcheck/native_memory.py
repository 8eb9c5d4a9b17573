"""Handing memory the process has freed back to the system."""

from __future__ import annotations

import ctypes
import sys


def give_back_freed_memory() -> None:
    """Return the C heap's free pages to the system (glibc's ``malloc_trim``).

    MediaPipe's threads allocate in malloc arenas of their own. What the pose model frees
    there when the pose pass ends stays in the process's resident memory, and a long clip's
    analysis, which runs in the main thread's arena, then comes on top of it
    (docs/performance.md, memory). Does nothing where the C library is not glibc."""
    if not sys.platform.startswith("linux"):
        return
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # musl, or no C library symbols in the process
        return
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    trim(0)
