"""Write output files atomically: a crash never leaves a half-written file under the final name.

Everything is first written to a hidden temporary file in the destination folder (same file
system, so the final ``os.replace`` is atomic), then renamed onto the final path.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from formcheck.errors import OutputError


def create_temp_beside(path: str | os.PathLike[str]) -> Path:
    """Create an empty temporary file next to ``path`` (making its folder) and return its path.

    The temporary name keeps the final suffix, so libraries that pick a format from the
    extension still work.
    """
    claiming: list[Path] = []
    try:
        return _claim_temp(Path(path), claiming)
    except BaseException:  # even Ctrl-C or a stop signal while creating it: leave no file
        for leftover in claiming:
            discard_temp(leftover)
        raise


def _claim_temp(final: Path, claiming: list[Path]) -> Path:
    """Create the temporary file for ``final``. ``claiming`` holds the name being created
    from before the file exists until it is returned, so a caller interrupted anywhere in
    between (Ctrl-C, a stop signal raised as an exception) knows what to delete."""
    folder = final.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for _ in range(100):
            claiming[:] = [folder / f".{final.stem}.{secrets.token_hex(4)}.tmp{final.suffix}"]
            try:
                # O_EXCL: never clobber another writer's temp file. Mode 0o666 lets the umask
                # decide the final permissions, as for a normally created file (mkstemp's
                # 0o600 would make outputs private to the user).
                os.close(os.open(claiming[0], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            except FileExistsError:
                claiming.clear()  # another writer's file: not ours to delete
                continue
            return claiming[0]
        raise FileExistsError(f"no free temporary name in {folder}")
    except OSError as error:
        raise OutputError(_folder_message(folder, error)) from error


def commit_temp(temp: str | os.PathLike[str], path: str | os.PathLike[str]) -> None:
    """Rename the finished temporary file onto ``path`` (replacing any old file there)."""
    try:
        os.replace(temp, path)
    except OSError as error:
        discard_temp(temp)
        raise OutputError(
            f"Could not save {path}: {_reason(error)}. Check the folder is writable and that "
            "the file is not open in another program."
        ) from error


def discard_temp(temp: str | os.PathLike[str]) -> None:
    """Delete a temporary file if it is still there; never raises."""
    with suppress(OSError):
        os.unlink(temp)


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path to write; on success it is renamed onto ``path``, on error deleted.

    >>> with atomic_path("out/report.csv") as temp:
    ...     temp.write_text("a,b\\n")
    """
    claiming: list[Path] = []
    try:
        # The name is known before the file exists: a stop signal arriving at any point after
        # it was created must still delete it (a batch stopped by `kill` left one, twice).
        temp = _claim_temp(Path(path), claiming)
        yield temp
        commit_temp(temp, path)  # inside too: a signal just before the rename is the same case
    except BaseException:
        for leftover in claiming:  # after the rename there is nothing left to delete
            discard_temp(leftover)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_path(path) as temp:
        try:
            temp.write_text(text, encoding=encoding)
        except OSError as error:
            raise OutputError(
                f"Could not write {path}: {_reason(error)}. Check there is free disk space and "
                "the folder is writable."
            ) from error


def _folder_message(folder: Path, error: OSError) -> str:
    return (
        f"Cannot write to the output folder {folder}: {_reason(error)}. Choose a folder you can "
        "write to, or create it and check its permissions."
    )


def _reason(error: OSError) -> str:
    """The OS's short reason ("Permission denied"), on one line."""
    reason = error.strerror or str(error) or type(error).__name__
    return " ".join(reason.split())
