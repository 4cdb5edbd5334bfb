"""Writing a file whole or not at all: the one way ipcorpus replaces a file it writes
(`report --html`, `check --write-baseline`, the user cache, jieba's bucket file, the
bench results), so a reader, a concurrent run or a crash never sees half of one."""
from __future__ import annotations

import os


def write_atomic(path: str, data: bytes | str, encoding: str = "utf-8", errors: str = "strict") -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`:
    readers see the old file or the new one. Text is written as `open(path, "w",
    encoding=encoding, errors=errors)` writes it, bytes as they are. The temporary
    file gets the mode `open` would give the file (0o666 less the umask) and is
    removed when anything fails; the error is raised (OSError, or what encoding
    raises)."""
    # Beside the target (a rename does not cross file systems), named for it and the
    # process, with a random part so two threads of one process cannot collide.
    tmp = f"{path}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        if isinstance(data, str):
            with open(fd, "w", encoding=encoding, errors=errors) as fh:
                fh.write(data)
        else:
            with open(fd, "wb") as fh:
                fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise
