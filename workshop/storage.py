"""Writing files safely: whole or not at all, with the usual permissions, into folders checked up front."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()
"""The mode an ordinary new file gets (mkstemp's own 0600 would hide documents from the rest of the team)."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see either the old file or the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.chmod(temporary, _FILE_MODE)
        except OSError:  # file systems without modes (FAT on a USB stick, some shares) refuse; keep the file
            pass
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError) and not exc.filename:  # a full disk says nothing of which file
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        raise


def check_writable(folder: Path) -> None:
    """Raise OutputError unless new files can be created in `folder` (which is made if missing).

    Checked once before a batch, so an unwritable output folder is one message, not one per partner."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=".write-test.", suffix=".part", dir=folder)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"{exc.filename or folder}: cannot write there: {exc.strerror or exc}") from None


def refuse_link(folder: Path) -> None:
    """Raise OutputError if `folder` is a symbolic link: writing or deleting through one would reach files
    outside the output folder."""
    if folder.is_symlink():
        raise OutputError(f"{folder}: is a symbolic link (to {os.readlink(folder)}); workshop writes only into "
                          f"real folders inside the output folder: remove the link")


def remove_partial_files(folder: Path) -> None:
    """Delete the temporary files of writes that never finished in `folder` (a worker that was killed)."""
    if folder.is_symlink():
        return
    for path in folder.glob(".*.part"):
        path.unlink(missing_ok=True)
