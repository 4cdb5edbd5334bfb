"""Articles named by fsspec URLs (s3://, gs://, hdfs://, memory://, file://): listed
and stat'ed by the client, read by whoever analyses them (a Dask worker next to the
bucket, or this process without --scheduler), so the client never carries the bytes.
The URL, as the user spelled it, is the article's path in every citation.

fsspec comes with the `dask` extra; it is imported only when a URL is given."""
from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from types import SimpleNamespace

from ipcorpus.errors import InputError, IpcorpusError
from ipcorpus.read.source import read_error

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(path: str) -> bool:
    return bool(_URL.match(path))


def _fs(url: str):
    try:
        import fsspec
    except ImportError:
        raise IpcorpusError(f"{url}: URL paths need fsspec: pip install 'ipcorpus[dask]'") from None
    try:
        return fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as e:      # an unknown protocol, or its package missing (s3fs, gcsfs …)
        raise IpcorpusError(f"{url}: {e}") from None


def iter_urls(url: str, patterns: Iterable[str]) -> Iterator[str]:
    """The article files at or under `url`, in a stable order, named as the user
    spelled the URL: a file is taken whatever its name; under a folder, files whose
    name matches a pattern, hidden files and folders skipped (as source.iter_paths)."""
    fs, root = _fs(url)
    try:
        if not fs.isdir(root):
            if not fs.exists(root):
                raise IpcorpusError(f"{url}: no such file or directory")
            yield url
            return
        found = sorted(fs.find(root))
    except OSError as e:
        raise IpcorpusError(f"{url}: {e}") from None
    base = root.rstrip("/")
    for p in found:
        rel = p[len(base):].lstrip("/") if p.startswith(base) else os.path.basename(p)
        parts = rel.split("/")
        if any(part.startswith(".") for part in parts):
            continue
        if any(fnmatch.fnmatch(parts[-1], pat) for pat in patterns):
            yield url.rstrip("/") + "/" + rel


def _mtime_ns(info: dict) -> int | None:
    """The modification time fsspec reports (each filesystem names it its own way),
    in ns; None when there is none (then the file is read again every run)."""
    for key in ("mtime", "LastModified", "last_modified", "updated", "modified", "created"):
        v = info.get(key)
        if isinstance(v, datetime):
            return int(v.timestamp() * 1e9)
        if isinstance(v, int | float):
            return int(v * 1e9)
        if isinstance(v, str):
            try:
                return int(datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp() * 1e9)
            except ValueError:
                continue
    return None


def _ask(url: str, question: str, unanswered: bool) -> bool:
    """The filesystem's isdir or exists at `url`; `unanswered` when it cannot say."""
    fs, path = _fs(url)
    try:
        return bool(getattr(fs, question)(path))
    except OSError:
        return unanswered


def is_folder(url: str) -> bool:
    return _ask(url, "isdir", False)


def exists(url: str) -> bool:
    """Whether a file is at `url`; an error asking counts as there (it is not pruned)."""
    return _ask(url, "exists", True)


def stat_url(url: str) -> SimpleNamespace:
    """st_size and st_mtime_ns (None when unknown) of the file at `url`; OSError if gone."""
    fs, path = _fs(url)
    info = fs.info(path)
    return SimpleNamespace(st_size=int(info.get("size") or 0), st_mtime_ns=_mtime_ns(info))


def read_url(url: str, max_bytes: int) -> bytes:
    """The file's bytes, up to the limit (InputError as source.read_bytes gives)."""
    try:
        fs, path = _fs(url)
        with fs.open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except IpcorpusError as e:
        raise InputError(str(e)) from None
    except OSError as e:
        raise read_error(e) from None
    if len(data) > max_bytes:
        raise InputError(f"file too large (more than {max_bytes} bytes)")
    return data
