"""The corpus run: walk, decide what changed, analyse in parallel, keep the index
up to date, learn recurring furniture, and hand documents to the commands."""
from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ipcorpus import ANALYSER_VERSION
from ipcorpus.budget import DEFAULT_SECONDS, REASON, Overtime, for_size, reason, time_limit
from ipcorpus.corpus.analysis import analyse_bytes, content_hash, drop_recurring, stance_record
from ipcorpus.corpus.furniture import learn, relearn
from ipcorpus.errors import InputError, IpcorpusError
from ipcorpus.index import Store, default_db_path, pack_analysis, pack_stance, unpack_analysis, unpack_stance
from ipcorpus.models import Analysis, ArticleStance, FileRow
from ipcorpus.remote import is_url
from ipcorpus.source import DEFAULT_PATTERNS, MAX_BYTES, STDIN, iter_paths, read_bytes, read_stdin, stat_path

PARALLEL_MIN = 24         # fewer files than this are analysed in-process
BATCH = 100


@dataclass
class Options:
    db: str | None = None
    no_cache: bool = False
    jobs: int = 0
    patterns: tuple = DEFAULT_PATTERNS
    max_bytes: int = MAX_BYTES
    keep_rules: tuple = ()
    drop_rules: tuple = ()
    user_rules: tuple = ()            # [[clean.rule]] tables from ipcorpus.toml
    lexicons: tuple = ()
    learn: bool = True                # apply recurring furniture
    stances: bool = True              # score every document in the run (else on demand)
    time_limit: float = DEFAULT_SECONDS   # per MB: a file analysed for longer fails (budget.py); 0: none
    scheduler: str | None = None      # a Dask scheduler's address: analyse on its workers (cluster.py)

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


_FINGERPRINTS: dict = {}
# Top-level modules whose code decides results (noise/ and stance/ count whole).
_ANALYSIS_MODULES = {"__init__.py", "source.py", "normalize.py", "document.py", "sentences.py",
                     "models.py", "nlp.py", "required.py", "linear.py", "linear_tables.py", "memo.py",
                     "remote.py", "html_source.py"}
# Packages that decide no result: the brief's renderers, and the index that stores
# results (its layout has its own SCHEMA_VERSION). Left out like the top-level
# command modules.
_NOT_DECIDING_PACKAGES = {"report", "index", "commands", "check"}


def code_fingerprint(everything: bool = False) -> str:
    """A digest of the analyser's source and data files, so that any change to them
    (an upgrade, a lexicon edit) re-analyses instead of serving stale results.
    Rendering and command code is left out: changing how results are printed must
    not throw the index away. With `everything`, the whole package: what decides
    a command's printed output (results.py)."""
    if everything not in _FINGERPRINTS:
        root = Path(__file__).resolve().parent.parent
        h = hashlib.blake2b(digest_size=8)
        for p in sorted(list(root.rglob("*.py")) + list(root.rglob("*.toml"))):
            rel = p.relative_to(root)
            presenting = (len(rel.parts) == 1 and rel.name not in _ANALYSIS_MODULES) or \
                rel.parts[0] in _NOT_DECIDING_PACKAGES
            if "__pycache__" in p.parts or (presenting and not everything):
                continue
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
        _FINGERPRINTS[everything] = h.hexdigest()
    return _FINGERPRINTS[everything]


@dataclass
class FileResult:
    path: str                          # as the user will see it
    abspath: str
    status: str                        # new | changed | unchanged | failed
    error: str | None = None
    hash: str | None = None
    packed: dict | None = None      # the packed analysis, kept here only without an index
    fp: str | None = None           # the article's fingerprint, when analysed in this run
    stance: ArticleStance | None = None
    known: bool = False             # failed, as the index says it did the run before

    @property
    def ok(self) -> bool:
        return self.status != "failed"


@dataclass
class Corpus:
    files: list[FileResult]
    options: Options
    store: Store | None = None
    version: str = ANALYSER_VERSION
    notes: list[str] = field(default_factory=list)
    pruned: int = 0
    recurring: set = field(default_factory=set)
    affected: dict = field(default_factory=dict)     # hash -> signature of its learned lines
    learned_key: str | None = None                 # names the learned furniture in the index
    _learned_keys: dict | None = None              # hash -> its learned line keys (keys_of)
    stances: dict = field(default_factory=dict)       # hash -> packed stance scored in this run

    def docs(self) -> list[FileResult]:
        return [f for f in self.files if f.ok]

    def failed(self) -> list[FileResult]:
        return [f for f in self.files if not f.ok]

    def stats(self, f: FileResult) -> dict:
        if f.packed is not None:
            return json.loads(f.packed["stats"])
        return self.store.stats(f.hash, self.version)

    def stored_analysis(self, f: FileResult) -> Analysis:
        """The document's analysis as analysed, learned furniture not dropped (a fresh copy)."""
        a = unpack_analysis(f.packed["blob"]) if f.packed is not None else self.store.analysis(f.hash, self.version)[0]
        if a is None:
            # Another run with other settings rewrote these files' entries meanwhile.
            raise IpcorpusError(f"index {self.store.path} changed during this run; run the command again")
        return a

    def analysis(self, f: FileResult) -> Analysis:
        """The document's analysis with learned furniture dropped (a fresh copy)."""
        a = self.stored_analysis(f)
        if f.hash in self.affected:
            drop_recurring(a, set(self.keys_of(f.hash)))
        return a

    def keys_of(self, h: str) -> list:
        """The learned line keys document `h` holds (read from the index on first use:
        a run that drops nothing need not load them)."""
        if self._learned_keys is None:
            got = self.store.learned_keys(self.learned_key) if self.store is not None else None
            self._learned_keys = got if got is not None else relearn(self)
        return self._learned_keys.get(h, [])

    def stance(self, f: FileResult) -> ArticleStance:
        """The document's stance, scored once with its learned furniture dropped
        (_settle); scored here only if that pass could not (a broken pool)."""
        if f.stance is None:
            sig = self.affected.get(f.hash, "")
            blob = self.stances.get(f.hash)
            st = unpack_stance(blob) if blob is not None else \
                self.store.stance(f.hash, self.version, sig) if self.store is not None else None
            if st is None:
                st = stance_record(self.analysis(f), self.options.lexicons)
                self.stances[f.hash] = pack_stance(st)
                if self.store is not None:
                    self.store.set_stances(self.version, [(f.hash, sig, self.stances[f.hash])])
            f.stance = st
        return f.stance


def __getattr__(name: str):
    # concurrent.futures costs 15 ms to import: only a run with work for a pool pays.
    if name == "ProcessPoolExecutor":
        from concurrent.futures import ProcessPoolExecutor
        return ProcessPoolExecutor
    raise AttributeError(name)


# -- workers -------------------------------------------------------------------
_W: dict = {}


def _init_worker(opts: Options):
    _W["opts"] = opts
    _W["rules"] = None


def _init_pool_worker(opts: Options, parent: int):
    """A pool worker ends with its run, even a run killed with SIGKILL (a cron or CI
    timeout): otherwise it waits on the task queue forever, an orphan holding
    jieba's memory. Linux only (PR_SET_PDEATHSIG); the pool forks its workers from
    the thread that runs the corpus, which outlives them."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal
            ctypes.CDLL(None).prctl(1, int(signal.SIGKILL))      # 1: PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
        if os.getppid() != parent:          # the run died before prctl took effect
            os._exit(1)
    _init_worker(opts)


def _rules(opts: Options):
    from ipcorpus.noise.rules import make_ruleset
    if _W.get("rules") is None or _W.get("rules_opts") is not opts:
        _W["rules"] = make_ruleset({"rule": list(opts.user_rules)} if opts.user_rules else None,
                                   opts.keep_rules, opts.drop_rules)
        _W["rules_opts"] = opts
    return _W["rules"]


def _analyse_job(job):
    """(display path, bytes) -> the packed analysis (index.pack_analysis), or an
    error string. Not scored: that waits for the corpus's learned furniture.
    For an fsspec URL the job holds the URL instead of the bytes: read here (on the
    worker), and the packed analysis also carries the content hash."""
    path, data = job
    opts = _W["opts"]
    url = isinstance(data, str)
    try:
        if url:
            data = read_bytes(data, opts.max_bytes)
    except InputError as e:
        return str(e)
    limit = for_size(opts.time_limit, len(data))
    try:
        with time_limit(limit):
            analysis, _ = analyse_bytes(path, data, _rules(opts), opts.lexicons, with_stance=False)
        packed = pack_analysis(analysis)
        if url:
            packed["hash"] = content_hash(data)
        return packed
    except Overtime:
        return reason(limit)
    except InputError as e:
        return str(e)
    except RecursionError:
        return "too deeply nested to analyse"
    except MemoryError:
        return "too large to analyse in memory"
    except Exception as e:  # one file's fault must never end the run
        return f"internal error: {type(e).__name__}: {e}"


def _stance_batch(jobs: list) -> list:
    return [_stance_job(j) for j in jobs]


def _batches(hashes: list, fps: dict, workers: int) -> list[list]:
    """The documents to score in batches, copies of one article (one fingerprint)
    together where they fit: a worker remembers the sentences it scored, and
    copies share most of theirs. Batches stay small enough to share the work."""
    cap = max(16, len(hashes) // (workers * 4))
    out: list[list] = []
    batch: list = []
    last = None
    for h in sorted(hashes, key=lambda x: (fps.get(x) or "", x)):
        fp = fps.get(h)
        if batch and (len(batch) >= cap or (fp != last and len(batch) >= 16)):
            out.append(batch)
            batch = []
        batch.append(h)
        last = fp
    if batch:
        out.append(batch)
    return out


def _stance_job(job):
    """(packed analysis, its learned keys) -> its packed stance with those lines
    dropped, or an error string."""
    blob, keys = job
    try:
        analysis = unpack_analysis(blob)
        if keys:
            drop_recurring(analysis, set(keys))
        return pack_stance(stance_record(analysis, _W["opts"].lexicons))
    except Exception as e:  # noqa: BLE001 - left to Corpus.stance, which reports it
        return f"internal error: {type(e).__name__}: {e}"


def chunk_size(count: int, workers: int) -> int:
    """Jobs per task: few enough tasks to keep the hand-over cheap, enough to share the work."""
    return max(1, min(16, count // (workers * 8) or 1))


class _Pool:
    """The worker processes of one run, made when first needed and shared by the
    analysis and the rescoring passes (so each worker loads jieba once). The
    executor interface (n, wanted, map, submit, close): cluster.DaskPool is the
    other one, chosen by make_pool."""

    def __init__(self, opts: Options):
        self.opts = opts
        self.n = opts.jobs or os.cpu_count() or 1
        self.ex = None

    def wanted(self, count: int) -> bool:
        return self.n > 1 and count >= PARALLEL_MIN

    def _executor(self):
        if self.ex is None:
            # Looked up on the module, so its lazy __getattr__ (and a test's stand-in) serve.
            ProcessPoolExecutor = sys.modules[__name__].ProcessPoolExecutor
            import multiprocessing
            ctx = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
            self.ex = ProcessPoolExecutor(max_workers=self.n, mp_context=ctx, initializer=_init_pool_worker,
                                          initargs=(self.opts, os.getpid()))
        return self.ex

    def map(self, fn, items, count: int):
        return self._executor().map(fn, items, chunksize=chunk_size(count, self.n))

    def submit(self, fn, *args):
        return self._executor().submit(fn, *args)

    def close(self):
        if self.ex is not None:
            self.ex.shutdown()
            self.ex = None


def _prepare_scoring():
    """Build jieba's bucket file (nlp.py) if it is missing: done by one worker while
    the others analyse, so no worker waits for it when scoring starts."""
    try:
        from ipcorpus import nlp
        nlp.build_buckets()
    except Exception:  # noqa: BLE001 - a worker that needs it builds it (or falls back)
        pass


def _run_jobs(jobs: list, opts: Options, progress: Callable, pool: _Pool | None = None):
    """Yield (index, result) for each job, in parallel when it pays."""
    pool = pool or _Pool(opts)
    if not pool.wanted(len(jobs)):
        _init_worker(opts)
        for i, job in enumerate(jobs):
            yield i, _analyse_job(job)
            progress(1)
        return
    prepared = pool.submit(_prepare_scoring) if opts.stances else None
    for i, res in enumerate(pool.map(_analyse_job, jobs, len(jobs))):
        yield i, res
        progress(1)
    if prepared is not None:
        try:
            prepared.result()
        except Exception:  # noqa: BLE001 - a broken pool shows in the results
            pass


def open_store(paths: list[str], opts: Options) -> tuple[Store | None, list[str]]:
    if opts.no_cache:
        return None, []
    notes = []
    path = opts.db
    if not path:
        path, note = default_db_path(paths)
        if note:
            notes.append(note)
    return Store(path), notes


def _same_stat(row, st) -> bool:
    """The file's size and modification time are those its index row holds (a time
    the filesystem does not report, as some fsspec ones, never is)."""
    return st.st_mtime_ns is not None and (row.size, row.mtime_ns) == (st.st_size, st.st_mtime_ns)


def make_pool(opts: Options):
    """The executor of a run: this machine's process pool, or a Dask cluster's workers."""
    if opts.scheduler:
        from ipcorpus.corpus.cluster import DaskPool
        return DaskPool(opts)
    return _Pool(opts)


def run(paths: list[str], opts: Options, progress: Callable | None = None) -> Corpus:
    """Index the given files and folders and return the corpus."""
    pool = make_pool(opts)
    try:
        return _run(paths, opts, progress, pool)
    finally:
        pool.close()


def _fail(fr: FileResult, error: str, row: FileRow | None):
    """Mark the file failed; `known` when the index held the same failure for it."""
    fr.status, fr.error = "failed", error
    fr.known = row is not None and row.status == "failed" and row.error == error


def _take(fr: FileResult, row: FileRow | None, store: Store | None, version: str, analysed: set,
          max_bytes: int) -> bytes | str | None:
    """The file's bytes when it must be analysed (fr: new or changed), or its URL when
    a worker reads it, else None with fr unchanged or failed, as the index and the
    file say."""
    if fr.abspath == STDIN:
        try:
            data = read_stdin(max_bytes)
        except InputError as e:
            _fail(fr, str(e), None)
            return None
        fr.hash = content_hash(data)
        return data
    ap = fr.abspath
    try:
        st = stat_path(ap)
    except OSError as e:
        _fail(fr, (e.strerror or str(e)).lower(), row)
        if store:       # remembered, so the next run summarises it (cli._warn_failed)
            store.save(version, [{"path": ap, "size": None, "mtime_ns": None, "hash": None,
                                  "status": "failed", "error": fr.error}])
        return None
    if row and _same_stat(row, st):
        if row.status == "ok" and row.hash in analysed:
            fr.status, fr.hash = "unchanged", row.hash
            return None
        # A fault of the content (binary, empty) holds while the bytes and the
        # analyser are the same; one of reading (permissions, size limit, a
        # vanished file) has no hash and is tried again.
        if row.status == "failed" and row.error and row.hash and row.version == version:
            _fail(fr, row.error, row)
            return None
    saved = {"path": ap, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    if is_url(ap):
        # A URL is read by the worker that analyses it; its hash comes back with the analysis.
        fr.status = "changed" if row else "new"
        fr._stat = st  # type: ignore[attr-defined]
        return ap
    try:
        data = read_bytes(ap, max_bytes)
    except InputError as e:
        _fail(fr, str(e), row)
        if store:
            store.save(version, [{**saved, "hash": None, "status": "failed", "error": fr.error}])
        return None
    fr.hash = content_hash(data)
    if row and row.hash == fr.hash and row.status == "ok" and fr.hash in analysed:
        fr.status = "unchanged"
        if store:
            store.save(version, [{**saved, "hash": fr.hash, "status": "ok"}])
        return None
    if row and row.hash == fr.hash and row.status == "failed" and row.error and row.version == version:
        _fail(fr, row.error, row)
        if store:
            store.save(version, [{**saved, "hash": fr.hash, "status": "failed", "error": fr.error}])
        return None
    fr.status = "changed" if row else "new"
    fr._stat = st  # type: ignore[attr-defined]
    return data


def _run(paths: list[str], opts: Options, progress: Callable | None, pool: _Pool) -> Corpus:
    progress = progress or (lambda *_: None)
    files = list(iter_paths(paths, opts.patterns))
    # Standard input is no file: nothing about it goes into an index.
    store, notes = open_store(paths, opts) if STDIN not in files else (None, [])
    version = opts.version()
    corpus = Corpus([], opts, store, version, notes)
    rows = store.file_rows() if store else {}
    analysed = store.analysed(version) if store else set()
    results: list[FileResult] = []
    pending: list[tuple[int, bytes | str]] = []
    # One unit per file, and one for learning and scoring, so the bar reaches its end
    # only when the run does (_settle adds the documents it scores).
    total = len(files) + 1
    progress("total", total)
    for display in files:
        fr = FileResult(display, display if display == STDIN or is_url(display) else os.path.abspath(display), "new")
        results.append(fr)
        data = _take(fr, rows.get(fr.abspath), store, version, analysed, opts.max_bytes)
        if data is None:
            progress(1)
        else:
            pending.append((len(results) - 1, data))

    jobs = [(results[i].path, data) for i, data in pending]
    fresh: dict = {}                   # hash -> (fingerprint, keys) analysed now, for learn
    batch = []
    for j, res in _run_jobs(jobs, opts, progress, pool):
        fr = results[pending[j][0]]
        if isinstance(res, str):
            _fail(fr, res, rows.get(fr.abspath))
            # Running out of time is no fault of the bytes: with no hash, tried again next run.
            rec = {"hash": None if res.startswith(REASON) else fr.hash, "status": "failed", "error": res}
        else:
            fr.hash = res.pop("hash", fr.hash)     # a URL's bytes were read, and hashed, on the worker
            rec = {"hash": fr.hash, "status": "ok", **res}
            fr.fp = res["fp"]
            fresh[fr.hash] = (res["fp"], res["keys"])
            if not store:
                # With an index it is saved with this batch and reloaded on demand
                # (Corpus.analysis), so memory does not grow with the corpus.
                fr.packed = res
        if store:
            st = fr._stat  # type: ignore[attr-defined]
            batch.append({"path": fr.abspath, "size": st.st_size, "mtime_ns": st.st_mtime_ns, **rec})
            if len(batch) >= BATCH:
                store.save(version, batch)
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
    # Only a file analysed again (new content, another analyser) or one gone can
    # leave an analysis no file points at.
    changed = bool(corpus.pruned) or any(f.status == "changed" for f in results)
    if opts.learn:
        learn(corpus, fresh)
    fresh.clear()
    if opts.stances:
        _settle(corpus, pool, progress, total)
    if store and changed:
        # Last: learning just read the keys of the documents that went.
        store.forget_unused()
    progress(1)
    return corpus


def _settle(corpus: Corpus, pool: _Pool, progress: Callable = lambda *_: None, total: int = 0):
    """Score each document that has no stance yet for its learned furniture (most
    often: those analysed in this run), once, by the worker pool when there are
    many; kept in the index, so a later run with the same furniture reads it."""
    store, version = corpus.store, corpus.version
    mark = None
    if store is not None:
        # Names this run's documents and their furniture: when the last run that
        # stored every stance had the same, there is nothing to look for.
        h = hashlib.blake2b(f"{version} {corpus.learned_key}".encode(), digest_size=16)
        for x in sorted({f.hash for f in corpus.docs()}):
            h.update(x.encode())
            h.update(corpus.affected.get(x, "").encode())
        mark = h.hexdigest()
        if store.settled() == mark:
            return
    states = store.stance_states(version) if store is not None else {}
    todo: dict[str, tuple] = {}
    for f in corpus.docs():
        if f.hash in todo:
            continue
        sig = corpus.affected.get(f.hash, "")
        has, rsig = states.get(f.hash, (False, None))
        if (rsig != sig) if sig else not has:
            todo[f.hash] = (sig, f)

    progress("total", total + len(todo))

    def job(h):
        sig, f = todo[h]
        blob = f.packed["blob"] if f.packed is not None else store.blob(h, version)
        return blob, (corpus.keys_of(h) if sig else ())

    if len(todo) > 1 and pool.wanted(len(todo)):
        batches = _batches(list(todo), {h: f.fp for h, (_, f) in todo.items()}, pool.n)
        hashes = [h for b in batches for h in b]
        out = (r for rs in pool.map(_stance_batch, ([job(h) for h in b] for b in batches), 1) for r in rs)
    else:
        _init_worker(corpus.options)
        hashes = list(todo)
        out = map(_stance_job, map(job, hashes))
    done, stored = [], True
    try:
        for h, blob in zip(hashes, out, strict=True):
            progress(1)
            if isinstance(blob, bytes):
                corpus.stances[h] = blob
                done.append((h, todo[h][0], blob))
                if store is not None and len(done) >= BATCH:
                    stored &= store.set_stances(version, done)
                    done = []
            else:
                stored = False
    except Exception:  # noqa: BLE001 - a broken pool: Corpus.stance scores what is missing
        stored = False
    if store is not None:
        stored &= store.set_stances(version, done)
        if stored:
            store.set_settled(mark)
