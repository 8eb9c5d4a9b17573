"""Write output files atomically: a crash never leaves a half-written file under the final name.

Everything is first written to a hidden temporary file in the destination folder (same file
system, so the final ``os.replace`` is atomic), then renamed onto the final path.

A temporary name says which process wrote it (``.report.<pid>-<host><random>.tmp.json``), so
a later run can tell the leftovers of a killed run (SIGKILL, a power cut: no clean-up could
run) from files another process is writing right now, and remove only those
(:func:`remove_stale_temps`).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import socket
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from formcheck.errors import OutputError

# A temporary file of ours: hidden, the final name's stem, the writer's pid and a tag of its
# machine, random hex, ".tmp", the final suffix. The second form is the older naming.
_TEMP_NAME = re.compile(
    r"^\.(?P<stem>.+)\.(?:(?P<pid>\d+)-(?P<host>[0-9a-f]{4})[0-9a-f]{4}|[0-9a-f]{8})"
    r"\.tmp(?:\.[^.]*)?$"
)
# A temporary file of another machine (a shared network folder) is only taken for a leftover
# when it has not changed for this long: its writer's process cannot be looked up from here.
FOREIGN_STALE_AFTER_S = 24 * 3600.0


def _host_tag() -> str:
    return hashlib.sha1(socket.gethostname().encode()).hexdigest()[:4]


def temp_name(final: Path) -> str:
    """A fresh temporary name for ``final``, in its folder's namespace (not created)."""
    tag = f"{os.getpid()}-{_host_tag()}{secrets.token_hex(2)}"
    return f".{final.stem}.{tag}.tmp{final.suffix}"


def is_temp_name(name: str) -> bool:
    """``name`` is a temporary file formcheck writes (this version or an older one)."""
    return _TEMP_NAME.match(name) is not None


def _writer_gone(path: Path) -> bool:
    """The process that wrote this temporary file is no longer running."""
    match = _TEMP_NAME.match(path.name)
    if match is None:
        return False
    if match["pid"] is None:
        return True  # the older naming: written before this version, so by no live run
    pid = int(match["pid"])
    if match["host"] != _host_tag():
        try:
            return time.time() - path.stat().st_mtime > FOREIGN_STALE_AFTER_S
        except OSError:
            return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OSError):
        return False  # alive (another user's) or cannot tell: keep it
    return False


def remove_stale_temps(folder: Path, *, everything: bool = False) -> list[Path]:
    """Delete the temporary files in ``folder`` (not its subfolders) left by runs that were
    killed before they could clean up; ``everything``: also those of live writers (a caller
    that owns the folder and has just stopped its writer). Returns what was removed; never
    raises."""
    removed = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for path in entries:
        if not path.name.startswith(".") or not is_temp_name(path.name):
            continue
        if (everything or _writer_gone(path)) and path.is_file():
            with suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


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
            claiming[:] = [folder / temp_name(final)]
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
    atomic_write_pieces(path, [text], encoding)


def atomic_write_pieces(
    path: str | os.PathLike[str], pieces: Iterable[str], encoding: str = "utf-8"
) -> None:
    """Write the text ``pieces`` one after the other to ``path`` atomically: a long file
    (an hour's measures) never has to be whole in memory."""
    with atomic_path(path) as temp:
        try:
            with open(temp, "w", encoding=encoding) as out:
                for piece in pieces:
                    out.write(piece)
        except OSError as error:
            raise OutputError(
                f"Could not write {path}: {_reason(error)}. Check there is free disk space and "
                "the folder is writable."
            ) from error


def _folder_message(folder: Path, error: OSError) -> str:
    blocker = file_in_the_way(folder)
    if blocker is not None:
        return (
            f"Cannot write to the output folder {folder}: {blocker} is a file, not a folder. "
            "Choose another output folder, or move that file."
        )
    return (
        f"Cannot write to the output folder {folder}: {_reason(error)}. Choose a folder you can "
        "write to, or create it and check its permissions."
    )


def file_in_the_way(folder: Path) -> Path | None:
    """The file standing where ``folder`` or one of the folders above it should be, if any
    (the OS then says only "File exists" or "Not a directory")."""
    for path in (Path(folder), *Path(folder).parents):
        if path.exists():
            return None if path.is_dir() else path
    return None


def _reason(error: OSError) -> str:
    """The OS's short reason ("Permission denied"), on one line."""
    reason = error.strerror or str(error) or type(error).__name__
    return " ".join(reason.split())
