"""Writing export files whole or not at all: a temporary file in the output's folder, renamed over the output
only when complete, so a failure leaves no partial file and an earlier export as it was."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _new_file_mode(path: Path) -> int:
    """The permissions ``path`` has, or those a new file gets under the current umask."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary file in ``path``'s folder, renamed over ``path`` when the block ends without error and
    removed when it does not: ``path`` is either the complete new file or what it was before."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, _new_file_mode(path))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
