"""Open a file to read without letting a FIFO, device or folder in its place hang the build."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


class NotRegularFileError(OSError):
    """A path that is a FIFO, a device or a socket: nothing to read as a file."""


@contextmanager
def open_regular_file(path: Path) -> Iterator[BinaryIO]:
    """Open a regular file to read; raise IsADirectoryError or NotRegularFileError otherwise.

    Opened without blocking, as opening a FIFO would otherwise wait for a writer, and
    checked before anything is read.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as handle:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory")
        if not stat.S_ISREG(mode):
            raise NotRegularFileError(f"not a regular file: {path}")
        yield handle
