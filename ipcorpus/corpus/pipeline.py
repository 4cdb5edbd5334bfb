"""The corpus run: walk, decide what changed (take.py), analyse in parallel
(workers.py), keep the index up to date, learn recurring furniture, score each
document once (_settle), and hand documents to the commands."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ipcorpus import ANALYSER_VERSION
from ipcorpus.budget import DEFAULT_SECONDS, REASON
from ipcorpus.corpus import workers
from ipcorpus.corpus.analysis import drop_recurring, scored
from ipcorpus.corpus.fingerprint import code_fingerprint
from ipcorpus.corpus.furniture import learn, relearn
from ipcorpus.corpus.take import fail, open_store, take
from ipcorpus.corpus.workers import LocalPool, make_pool
from ipcorpus.errors import IpcorpusError
from ipcorpus.index import Store, pack_digest, pack_stance, unpack_analysis, unpack_digest, unpack_stance
from ipcorpus.models import Analysis, ArticleDigest, ArticleStance
from ipcorpus.read.source import DEFAULT_PATTERNS, MAX_BYTES, STDIN, exists, index_path, is_folder, iter_paths

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
        lex: list[str] = []
        for path in self.lexicons:
            try:
                with open(path, "rb") as fh:
                    lex.append(hashlib.blake2b(fh.read(), digest_size=8).hexdigest())
            except OSError:
                lex.append(path)
        parts = {"code": code_fingerprint(), "keep": sorted(self.keep_rules), "drop": sorted(self.drop_rules),
                 "rules": list(self.user_rules), "lex": lex}
        digest = hashlib.blake2b(json.dumps(parts, sort_keys=True, default=str).encode(), digest_size=6).hexdigest()
        return f"{ANALYSER_VERSION}-{digest}"


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
    stat: Any = None                # the file's stat, saved with its analysis in this run (take)

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    @property
    def key(self) -> str:
        """The content hash of a document that was read (every one of Corpus.docs())."""
        if self.hash is None:
            raise IpcorpusError(f"{self.path}: no content hash (the file was not read)")
        return self.hash


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
    # hash -> packed digest scored in this run, for a run without an index (with one,
    # the index keeps them and report reads them back: a million of them is no RAM's job)
    digests: dict = field(default_factory=dict)

    def docs(self) -> list[FileResult]:
        return [f for f in self.files if f.ok]

    @property
    def index(self) -> Store:
        """The index of a run that has one; a run without one keeps each analysis in
        FileResult.packed, and never asks."""
        if self.store is None:
            raise IpcorpusError("this run keeps no index")
        return self.store

    def failed(self) -> list[FileResult]:
        return [f for f in self.files if not f.ok]

    def stats(self, f: FileResult) -> dict:
        if f.packed is not None:
            return json.loads(f.packed["stats"])
        got = self.index.stats(f.key, self.version)
        if got is None:
            # Another run with other settings rewrote these files' entries meanwhile.
            raise IpcorpusError(f"index {self.index.path} changed during this run; run the command again")
        return got

    def stored_analysis(self, f: FileResult) -> Analysis:
        """The document's analysis as analysed, learned furniture not dropped (a fresh copy)."""
        a = unpack_analysis(f.packed["blob"]) if f.packed is not None else self.index.analysis(f.key, self.version)[0]
        if a is None:
            # Another run with other settings rewrote these files' entries meanwhile.
            raise IpcorpusError(f"index {self.index.path} changed during this run; run the command again")
        return a

    def analysis(self, f: FileResult) -> Analysis:
        """The document's analysis with learned furniture dropped (a fresh copy)."""
        a = self.stored_analysis(f)
        if f.hash in self.affected:
            drop_recurring(a, set(self.keys_of(f.key)))
        return a

    def keys_of(self, h: str) -> list:
        """The learned line keys document `h` holds (read from the index on first use:
        a run that drops nothing need not load them)."""
        if self._learned_keys is None:
            got = self.store.learned_keys(self.learned_key) if self.store is not None and self.learned_key else None
            self._learned_keys = got if got is not None else relearn(self)
        return self._learned_keys.get(h, [])

    def stance(self, f: FileResult) -> ArticleStance:
        """The document's stance, scored once with its learned furniture dropped
        (_settle); scored here only if that pass could not (a broken pool)."""
        if f.stance is None:
            h = f.key
            blob = self.stances.get(h)
            st = unpack_stance(blob) if blob is not None else \
                self.store.stance(h, self.version, self.affected.get(h, "")) if self.store is not None else None
            f.stance = st if st is not None else self._score(f)[0]
        return f.stance

    def digest(self, f: FileResult) -> ArticleDigest:
        """The document's digest for the corpus figures (corpus/digest.py), made with
        its stance (_settle); made here only if that pass could not."""
        h = f.key
        blob = self.digests.get(h)
        if blob is None and self.store is not None:
            blob = self.store.digest(h, self.version, self.affected.get(h, ""))
        return unpack_digest(blob) if blob is not None else self._score(f)[1]

    def _score(self, f: FileResult) -> tuple[ArticleStance, ArticleDigest]:
        """Score a document here, and keep its stance and digest as _settle does."""
        h = f.key
        st, dg = scored(self.analysis(f), self.options.lexicons)
        self.stances[h] = pack_stance(st)
        if self.store is not None:
            self.store.set_stances(self.version, [(h, self.affected.get(h, ""), self.stances[h], pack_digest(dg))])
        else:
            self.digests[h] = pack_digest(dg)
        return st, dg


class Stream(Protocol):
    """What prints a command's records while the run scores them
    (index/output_cache.Streamed). A record is final only once the corpus's recurring
    furniture is learned (after every article is analysed) and its article scored
    with it: so `start` comes after learning and `ready` after each article scored."""

    def start(self, corpus: Corpus) -> list[FileResult] | None:
        """The documents in the order they are printed (scored in that order), or None."""

    def ready(self, pending: set[str]) -> None:
        """An article was scored: `pending` holds the content hashes still to score."""


def run(paths: list[str], opts: Options, progress: Callable | None = None, stream: Stream | None = None) -> Corpus:
    """Index the given files and folders and return the corpus; `stream` is told as
    each document's stance becomes final."""
    pool = make_pool(opts)
    try:
        return _run(paths, opts, progress, pool, stream)
    finally:
        pool.close()


def _run(paths: list[str], opts: Options, progress: Callable | None, pool: LocalPool,
         stream: Stream | None = None) -> Corpus:
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
        fr = FileResult(display, index_path(display), "new")
        results.append(fr)
        data = take(fr, rows.get(fr.abspath), store, version, analysed, opts.max_bytes)
        if data is None:
            progress(1)
        else:
            pending.append((len(results) - 1, data))

    jobs = [(results[i].path, data) for i, data in pending]
    fresh: dict = {}                   # hash -> (fingerprint, keys) analysed now, for learn
    batch = []
    for j, res in workers.run_jobs(jobs, opts, progress, pool):
        fr = results[pending[j][0]]
        if isinstance(res, str):
            fail(fr, res, rows.get(fr.abspath))
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
            st = fr.stat
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
        dirs = [index_path(p) for p in paths if is_folder(p)]
        corpus.pruned = store.prune({f.abspath for f in results}, dirs, exists)
    # Only a file analysed again (new content, another analyser) or one gone can
    # leave an analysis no file points at.
    changed = bool(corpus.pruned) or any(f.status == "changed" for f in results)
    if opts.learn:
        learn(corpus, fresh)
    fresh.clear()
    if opts.stances:
        _settle(corpus, pool, progress, total, stream)
    if store and changed:
        # Last: learning just read the keys of the documents that went.
        store.forget_unused()
    progress(1)
    return corpus


def _settle(corpus: Corpus, pool: LocalPool, progress: Callable = lambda *_: None, total: int = 0,
            stream: Stream | None = None):
    """Score each document that has no stance yet for its learned furniture (most
    often: those analysed in this run), once, by the worker pool when there are
    many; kept in the index, so a later run with the same furniture reads it.
    With a `stream`, in the order it prints them, telling it as each is scored."""
    store, version = corpus.store, corpus.version
    mark, todo = _unscored(corpus)
    pending = set(todo)
    order = stream.start(corpus) if stream is not None else None
    if stream is not None and order is not None:
        rank: dict[str, int] = {}
        for k, f in enumerate(order):
            rank.setdefault(f.key, k)
        todo = dict(sorted(todo.items(), key=lambda kv: rank.get(kv[0], len(rank))))
        stream.ready(pending)           # what needs no scoring prints now
    if mark is None and store is not None:
        return                          # scored as the last run left them

    progress("total", total + len(todo))

    def job(h):
        sig, f = todo[h]
        blob = f.packed["blob"] if f.packed is not None else corpus.index.blob(h, version)
        return blob, (corpus.keys_of(h) if sig else ())

    if len(todo) > 1 and pool.wanted(len(todo)):
        batches = workers.batches(list(todo), {h: f.fp for h, (_, f) in todo.items()}, pool.n,
                                  ordered=order is not None)
        hashes = [h for b in batches for h in b]
        out: Iterable = (r for rs in pool.map(workers.stance_batch, ([job(h) for h in b] for b in batches), 1)
                         for r in rs)
    else:
        workers.init_worker(corpus.options)
        hashes = list(todo)
        out = map(workers.stance_job, map(job, hashes))
    done, stored = [], True
    try:
        for h, res in zip(hashes, out, strict=True):
            progress(1)
            if isinstance(res, tuple):
                st, dg = res
                corpus.stances[h] = st
                if store is None:
                    corpus.digests[h] = dg
                else:
                    done.append((h, todo[h][0], st, dg))
                    if len(done) >= BATCH:
                        stored &= store.set_stances(version, done)
                        done = []
            else:
                stored = False
            if stream is not None:
                # A failed one is scored when printed (Corpus.stance), as without a stream.
                pending.discard(h)
                stream.ready(pending)
    except BrokenPipeError:
        raise                   # the stream's reader is gone (`| head`): the run ends quietly
    except Exception:  # noqa: BLE001 - a broken pool: Corpus.stance scores what is missing
        stored = False
    if store is not None:
        stored &= store.set_stances(version, done)
        if stored:
            store.set_settled(mark)


def _unscored(corpus: Corpus) -> tuple[str | None, dict[str, tuple]]:
    """(the mark naming this run's documents and their furniture, or None when the
    last run that stored every stance had the same; hash -> (signature, document)
    of those with no stance for their furniture yet, in walk order)."""
    store, version = corpus.store, corpus.version
    mark = None
    if store is not None:
        h = hashlib.blake2b(f"{version} {corpus.learned_key}".encode(), digest_size=16)
        for x in sorted({f.key for f in corpus.docs()}):
            h.update(x.encode())
            h.update(corpus.affected.get(x, "").encode())
        mark = h.hexdigest()
        if store.settled() == mark:
            return None, {}
    states = store.stance_states(version) if store is not None else {}
    todo: dict[str, tuple] = {}
    for f in corpus.docs():
        if f.key in todo:
            continue
        sig = corpus.affected.get(f.key, "")
        has, rsig = states.get(f.key, (False, None))
        if (rsig != sig) if sig else not has:
            todo[f.key] = (sig, f)
    return mark, todo
