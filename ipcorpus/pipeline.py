"""The corpus run: walk, decide what changed, analyse in parallel, keep the index
up to date, learn recurring furniture, and hand documents to the commands."""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Optional

from ipcorpus import ANALYSER_VERSION
from ipcorpus.analysis import analyse_bytes, apply_recurring, content_hash
from ipcorpus.errors import InputError, IpcorpusError
from ipcorpus.source import DEFAULT_PATTERNS, MAX_BYTES, iter_paths, read_bytes
from ipcorpus.store import Store, default_db_path

RECUR_MIN = 3             # distinct articles a short line must occur in to be furniture
PARALLEL_MIN = 24         # fewer files than this are analysed in-process
BATCH = 100


@dataclass
class Options:
    db: Optional[str] = None
    no_cache: bool = False
    jobs: int = 0
    patterns: tuple = DEFAULT_PATTERNS
    max_bytes: int = MAX_BYTES
    keep_rules: tuple = ()
    drop_rules: tuple = ()
    user_rules: tuple = ()            # [[clean.rule]] tables from ipcorpus.toml
    lexicons: tuple = ()
    learn: bool = True                # apply recurring furniture

    def version(self) -> str:
        """Analyser version plus a digest of everything that changes results: the
        package's own code and data, and the user's rule and lexicon settings."""
        parts = {"code": code_fingerprint(), "keep": sorted(self.keep_rules), "drop": sorted(self.drop_rules),
                 "rules": list(self.user_rules), "lex": []}
        for path in self.lexicons:
            try:
                with open(path, "rb") as fh:
                    parts["lex"].append(hashlib.blake2b(fh.read(), digest_size=8).hexdigest())
            except OSError:
                parts["lex"].append(path)
        digest = hashlib.blake2b(json.dumps(parts, sort_keys=True, default=str).encode(), digest_size=6).hexdigest()
        return f"{ANALYSER_VERSION}-{digest}"


_FINGERPRINT: Optional[str] = None


def code_fingerprint() -> str:
    """A digest of the analyser's source and data files, so that any change to them
    (an upgrade, a lexicon edit) re-analyses instead of serving stale results."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        root = Path(__file__).resolve().parent
        h = hashlib.blake2b(digest_size=8)
        for p in sorted(list(root.rglob("*.py")) + list(root.rglob("*.toml"))):
            if "__pycache__" in p.parts:
                continue
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
        _FINGERPRINT = h.hexdigest()
    return _FINGERPRINT


@dataclass
class FileResult:
    path: str                          # as the user will see it
    abspath: str
    status: str                        # new | changed | unchanged | failed
    error: Optional[str] = None
    hash: Optional[str] = None
    analysis: Optional[dict] = None
    stance: Optional[dict] = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"


@dataclass
class Corpus:
    files: list[FileResult]
    options: Options
    store: Optional[Store] = None
    version: str = ANALYSER_VERSION
    notes: list[str] = field(default_factory=list)
    pruned: int = 0
    recurring: set = field(default_factory=set)
    affected: dict = field(default_factory=dict)     # hash -> signature of its learned lines

    def docs(self) -> list[FileResult]:
        return [f for f in self.files if f.ok]

    def failed(self) -> list[FileResult]:
        return [f for f in self.files if not f.ok]

    def analysis(self, f: FileResult) -> dict:
        """The document's analysis with learned furniture applied."""
        if f.analysis is None and self.store is not None:
            f.analysis, f.stance = self.store.analysis(f.hash, self.version)
        a = f.analysis
        if f.hash in self.affected and not a.get("_learned"):
            a["_learned"] = True
            new = apply_recurring(a, self.recurring, self.options.lexicons)
            if new is not None:
                f.stance = new
            if self.store is not None:
                self.store.set_recurring_stance(f.hash, self.version, self.affected[f.hash], f.stance)
        return a

    def stance(self, f: FileResult) -> dict:
        if f.hash in self.affected:
            if f.analysis is not None and f.analysis.get("_learned"):
                return f.stance
            if self.store is not None:
                cached = self.store.stance(f.hash, self.version, self.affected[f.hash])
                if cached is not None:
                    f.stance = cached
                    return cached
            self.analysis(f)
            return f.stance
        if f.stance is None and self.store is not None:
            f.stance = self.store.stance(f.hash, self.version)
        return f.stance


# -- workers -------------------------------------------------------------------
_W: dict = {}


def _init_worker(opts: Options):
    _W["opts"] = opts
    _W["rules"] = None


def _rules(opts: Options):
    from ipcorpus.noise.rules import make_ruleset
    if _W.get("rules") is None or _W.get("rules_opts") is not opts:
        _W["rules"] = make_ruleset({"rule": list(opts.user_rules)} if opts.user_rules else None,
                                   opts.keep_rules, opts.drop_rules)
        _W["rules_opts"] = opts
    return _W["rules"]


def _analyse_job(job):
    """(display path, bytes) -> (analysis, stance) or an error string."""
    path, data = job
    opts = _W["opts"]
    try:
        return analyse_bytes(path, data, _rules(opts), opts.lexicons)
    except InputError as e:
        return str(e)
    except RecursionError:
        return "too deeply nested to analyse"


def _run_jobs(jobs: list, opts: Options, progress: Callable):
    """Yield (index, result) for each job, in parallel when it pays."""
    n = opts.jobs or os.cpu_count() or 1
    if n <= 1 or len(jobs) < PARALLEL_MIN:
        _init_worker(opts)
        for i, job in enumerate(jobs):
            yield i, _analyse_job(job)
            progress(1)
        return
    import multiprocessing
    ctx = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
    with ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_init_worker, initargs=(opts,)) as ex:
        chunk = max(1, min(16, len(jobs) // (n * 8) or 1))
        for i, res in enumerate(ex.map(_analyse_job, jobs, chunksize=chunk)):
            yield i, res
            progress(1)


def open_store(paths: list[str], opts: Options) -> tuple[Optional[Store], list[str]]:
    if opts.no_cache:
        return None, []
    notes = []
    path = opts.db
    if not path:
        path, note = default_db_path(paths)
        if note:
            notes.append(note)
    return Store(path), notes


def run(paths: list[str], opts: Options, progress: Optional[Callable] = None) -> Corpus:
    """Index the given files and folders and return the corpus."""
    progress = progress or (lambda *_: None)
    files = list(iter_paths(paths, opts.patterns))
    store, notes = open_store(paths, opts)
    version = opts.version()
    corpus = Corpus([], opts, store, version, notes)
    rows = store.file_rows() if store else {}
    results: list[FileResult] = []
    pending: list[tuple[int, bytes]] = []
    progress("total", len(files))
    for display in files:
        ap = os.path.abspath(display)
        fr = FileResult(display, ap, "new")
        results.append(fr)
        try:
            st = os.stat(ap)
        except OSError as e:
            fr.status, fr.error = "failed", (e.strerror or str(e)).lower()
            progress(1)
            continue
        row = rows.get(ap)
        if row and row[0] == st.st_size and row[1] == st.st_mtime_ns:
            if row[3] == "ok" and store.has_analysis(row[2], version):
                fr.status, fr.hash = "unchanged", row[2]
                progress(1)
                continue
            if row[3] == "failed" and row[4]:
                fr.status, fr.error = "failed", row[4]
                progress(1)
                continue
        try:
            data = read_bytes(ap, opts.max_bytes)
        except InputError as e:
            fr.status, fr.error = "failed", str(e)
            if store:
                store.save(version, [{"path": ap, "size": st.st_size, "mtime_ns": st.st_mtime_ns,
                                      "hash": None, "status": "failed", "error": fr.error}])
            progress(1)
            continue
        fr.hash = content_hash(data)
        if row and row[2] == fr.hash and row[3] == "ok" and store.has_analysis(fr.hash, version):
            fr.status = "unchanged"
            store.save(version, [{"path": ap, "size": st.st_size, "mtime_ns": st.st_mtime_ns,
                                  "hash": fr.hash, "status": "ok"}])
            progress(1)
            continue
        fr.status = "changed" if row else "new"
        fr._stat = st  # type: ignore[attr-defined]
        pending.append((len(results) - 1, data))

    jobs = [(results[i].path, data) for i, data in pending]
    batch = []
    for j, res in _run_jobs(jobs, opts, progress):
        fr = results[pending[j][0]]
        st = fr._stat  # type: ignore[attr-defined]
        if isinstance(res, str):
            fr.status, fr.error = "failed", res
            batch.append({"path": fr.abspath, "size": st.st_size, "mtime_ns": st.st_mtime_ns,
                          "hash": fr.hash, "status": "failed", "error": res})
        else:
            fr.analysis, fr.stance = res
            batch.append({"path": fr.abspath, "size": st.st_size, "mtime_ns": st.st_mtime_ns,
                          "hash": fr.hash, "status": "ok", "analysis": fr.analysis, "stance": fr.stance})
        if store and len(batch) >= BATCH:
            store.save(version, batch)
            batch = []
        if not store:
            batch = []
    if store and batch:
        store.save(version, batch)
    # Drop the pending jobs' bytes before the learning pass.
    pending.clear()
    jobs.clear()
    corpus.files = results
    if store:
        dirs = [os.path.abspath(p) for p in paths if os.path.isdir(p)]
        corpus.pruned = store.prune({f.abspath for f in results}, dirs)
    if opts.learn:
        _learn(corpus)
    return corpus


def _learn(corpus: Corpus):
    """Short lines that recur across at least RECUR_MIN different articles are
    furniture where they stand outside an article's core."""
    docs = corpus.docs()
    if len(docs) < RECUR_MIN:
        return
    hashes = [f.hash for f in docs]
    if corpus.store is not None:
        counts = corpus.store.key_counts(corpus.version, hashes)
        recurring = {k for k, n in counts.items() if n >= RECUR_MIN}
        per_doc = corpus.store.keys_of(corpus.version, recurring, hashes) if recurring else {}
    else:
        fps: dict[str, set] = {}
        for f in docs:
            for k in f.analysis.get("keys", []):
                fps.setdefault(k, set()).add(f.analysis.get("fp"))
        recurring = {k for k, s in fps.items() if len(s) >= RECUR_MIN}
        per_doc = {f.hash: sorted(recurring.intersection(f.analysis.get("keys", []))) for f in docs}
    corpus.recurring = recurring
    # The signature names the learned lines a document holds: its cached result
    # stays valid while that set is the same.
    corpus.affected = {h: hashlib.blake2b("\n".join(ks).encode(), digest_size=8).hexdigest()
                       for h, ks in per_doc.items() if ks}
