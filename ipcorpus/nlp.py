"""jieba, loaded once per process and only when a clause needs it.

jieba's prefix dictionary holds 500,000 words and prefixes, and loading it costs a
process 0.15 s even from jieba's cache, 0.6 s when it must be built. Scoring looks
up only the words that start with the characters of a few negated clauses, so the
dictionary is kept on disk split by first character (a bucket file, built once from
jieba's own dictionary with jieba's own parser) and a process loads the buckets of
the characters it meets. Every word that can match at a position starts with the
character there, so the tokens are exactly those of the whole dictionary."""
from __future__ import annotations

import hashlib
import logging
import marshal
import os
import struct
import sys

from ipcorpus.atomic import write_atomic
from ipcorpus.index.user_cache import cache_folder

_jieba = None
_lazy: _Buckets | None = None
_FORMAT = b"ipcj1"


def bucket_path(folder: str | None = None) -> str:
    """The bucket file for the installed jieba dictionary (its size and time in the
    name, so an upgraded jieba builds a new one)."""
    jieba = _import_jieba()
    dict_file = jieba.dt.get_dict_file().name
    st = os.stat(dict_file)
    tag = hashlib.blake2b(f"{dict_file} {st.st_size} {st.st_mtime_ns} {jieba.__version__}".encode(),
                          digest_size=6).hexdigest()
    return os.path.join(folder or cache_folder(), f"jieba-buckets-{tag}.bin")


def build_buckets(path: str | None = None) -> str | None:
    """Write the bucket file if it is missing; its path, or None if it cannot be."""
    jieba = _import_jieba()
    path = path or bucket_path()
    if os.path.isfile(path):
        return path
    freq, total = jieba.dt.gen_pfdict(jieba.dt.get_dict_file())
    buckets: dict = {}
    for w, f in freq.items():
        buckets.setdefault(w[0], {})[w] = f
    blobs, index, offset = [], {}, 0
    for ch in sorted(buckets):
        b = marshal.dumps(buckets[ch])
        index[ch] = (offset, len(b))
        blobs.append(b)
        offset += len(b)
    head = marshal.dumps((total, index))
    try:
        # atomic: a concurrent run sees all of it or none
        write_atomic(path, b"".join([_FORMAT, struct.pack("<I", len(head)), head, *blobs]))
    except OSError:
        return None
    return path


class _Buckets:
    """Fills a jieba tokenizer's FREQ bucket by bucket, keeping user words on top."""

    def __init__(self, data: bytes, tk, user: dict):
        n = struct.unpack("<I", data[len(_FORMAT):len(_FORMAT) + 4])[0]
        start = len(_FORMAT) + 4
        total, self.index = marshal.loads(data[start:start + n])
        self.data, self.base = data, start + n
        self.tk, self.user = tk, user
        self.loaded: set = set()
        total += sum(f for words in user.values() for f in words.values())  # as jieba.add_word counts them
        tk.FREQ, tk.total, tk.initialized = {}, total, True

    def ensure(self, text: str):
        freq = self.tk.FREQ
        for ch in set(text) - self.loaded:
            self.loaded.add(ch)
            where = self.index.get(ch)
            if where is not None:
                a = self.base + where[0]
                freq.update(marshal.loads(self.data[a:a + where[1]]))
            for w, f in self.user.get(ch, {}).items():
                freq[w] = f
                for k in range(1, len(w)):
                    freq.setdefault(w[:k], 0)


def _read_buckets() -> bytes:
    """The bucket file's bytes, built if missing and built again if damaged."""
    for _ in range(2):
        path = build_buckets()
        if path is None:
            raise OSError("no bucket file")
        with open(path, "rb") as fh:
            data = fh.read()
        if data.startswith(_FORMAT):
            return data
        os.remove(path)
    raise ValueError("not a bucket file")


def _import_jieba():
    """jieba, without pkg_resources: jieba tries it only to open its own data files
    and opens them directly when it is missing, and importing it (deprecated, slow)
    costs every process 70 ms."""
    hide = "pkg_resources" not in sys.modules
    if hide:
        # makes `import pkg_resources` fail (typeshed's sys.modules has no None values)
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba
    finally:
        if hide and sys.modules.get("pkg_resources", False) is None:
            del sys.modules["pkg_resources"]
    return jieba


def tokenizer(user_words=()):
    """The jieba module, quiet, with the domain terms added as user words (so 个人IP,
    去雷军化, 雷布斯 stay whole). Call ensure(text) before tokenizing text."""
    global _jieba, _lazy
    if _jieba is None:
        jieba = _import_jieba()
        jieba.setLogLevel(logging.WARNING)
        words = {w: 200000 for w in user_words if len(w) >= 2}
        try:
            data = _read_buckets()
            by_first: dict = {}
            for w, f in words.items():
                by_first.setdefault(w[0], {})[w] = f
            _lazy = _Buckets(data, jieba.dt, by_first)
        except (OSError, ValueError, EOFError, TypeError, struct.error):
            # No writable cache or a damaged file: jieba's own way, whole.
            _lazy = None
            jieba.dt.tmp_dir = cache_folder()
            jieba.dt.initialized = False
            jieba.initialize()
            for w, f in words.items():
                jieba.add_word(w, freq=f)
        _jieba = jieba
    return _jieba


def ensure(text: str):
    """Load what tokenizing `text` needs (nothing when the dictionary is whole)."""
    if _lazy is not None:
        _lazy.ensure(text)
