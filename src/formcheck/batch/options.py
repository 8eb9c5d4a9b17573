"""The `batch` command's choices, in a module light enough for `formcheck --help`."""

from formcheck.exercises.names import AUTO

ENGINES = ("local", "dask")

__all__ = ["AUTO", "ENGINES"]
