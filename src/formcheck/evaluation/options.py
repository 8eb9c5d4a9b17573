"""The `eval` command's choices and defaults, in a module light enough for `formcheck --help`
(the modules that use them load NumPy)."""

from pathlib import Path

EXERCISE_FROM = ("manifest", "auto")
PARTS = ("tune", "test")
DEFAULT_CACHE = Path.home() / ".cache/formcheck-eval"
