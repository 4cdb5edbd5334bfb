"""The executors of a corpus run and the jobs they run: analysing one article (read,
clean, pack) and scoring one with its learned furniture dropped. The local process
pool is here (LocalPool); cluster.DaskPool is the other executor, with the same
interface (n, wanted, map, submit, close), chosen by make_pool."""
from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from ipcorpus.budget import Overtime, for_size, reason, time_limit
from ipcorpus.corpus.analysis import analyse_bytes, content_hash, drop_recurring, scored
from ipcorpus.errors import InputError
from ipcorpus.index import pack_analysis, pack_digest, pack_stance, unpack_analysis
from ipcorpus.read.source import read_bytes

if TYPE_CHECKING:
    from ipcorpus.corpus.pipeline import Options

PARALLEL_MIN = 24         # fewer files than this are analysed in-process


def __getattr__(name: str):
    # concurrent.futures costs 15 ms to import: only a run with work for a pool pays.
    if name == "ProcessPoolExecutor":
        from concurrent.futures import ProcessPoolExecutor
        return ProcessPoolExecutor
    raise AttributeError(name)


_W: dict = {}


def init_worker(opts: Options):
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
    init_worker(opts)


def worker_rules(opts: Options):
    from ipcorpus.clean.rules import make_ruleset
    if _W.get("rules") is None or _W.get("rules_opts") is not opts:
        _W["rules"] = make_ruleset({"rule": list(opts.user_rules)} if opts.user_rules else None,
                                   opts.keep_rules, opts.drop_rules)
        _W["rules_opts"] = opts
    return _W["rules"]


def analyse_job(job):
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
            analysis, _ = analyse_bytes(path, data, worker_rules(opts), opts.lexicons, with_stance=False)
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


def stance_batch(jobs: list) -> list:
    return [stance_job(j) for j in jobs]


def batches(hashes: list, fps: dict, workers: int, ordered: bool = False) -> list[list]:
    """The documents to score in batches, copies of one article (one fingerprint)
    together where they fit: a worker remembers the sentences it scored, and
    copies share most of theirs. Batches stay small enough to share the work.
    `ordered`: in the order given instead (a streamed output prints in that order,
    so the first records must come first), 16 to a batch."""
    cap = max(16, len(hashes) // (workers * 4)) if not ordered else 16
    out: list[list] = []
    batch: list = []
    last = None
    for h in hashes if ordered else sorted(hashes, key=lambda x: (fps.get(x) or "", x)):
        fp = fps.get(h)
        if batch and (len(batch) >= cap or (fp != last and len(batch) >= 16)):
            out.append(batch)
            batch = []
        batch.append(h)
        last = fp
    if batch:
        out.append(batch)
    return out


def stance_job(job):
    """(packed analysis, its learned keys) -> (its packed stance, its packed digest)
    with those lines dropped, or an error string."""
    blob, keys = job
    try:
        analysis = unpack_analysis(blob)
        if keys:
            drop_recurring(analysis, set(keys))
        st, dg = scored(analysis, _W["opts"].lexicons)
        return pack_stance(st), pack_digest(dg)
    except Exception as e:  # noqa: BLE001 - left to Corpus.stance, which reports it
        return f"internal error: {type(e).__name__}: {e}"


def chunk_size(count: int, workers: int) -> int:
    """Jobs per task: few enough tasks to keep the hand-over cheap, enough to share the work."""
    return max(1, min(16, count // (workers * 8) or 1))


class LocalPool:
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
            # Whatever is still queued after a run (a reader gone, `| head`) is not waited for.
            self.ex.shutdown(cancel_futures=True)
            self.ex = None


def _prepare_scoring():
    """Build jieba's bucket file (nlp.py) if it is missing: done by one worker while
    the others analyse, so no worker waits for it when scoring starts."""
    try:
        from ipcorpus import nlp
        nlp.build_buckets()
    except Exception:  # noqa: BLE001 - a worker that needs it builds it (or falls back)
        pass


def run_jobs(jobs: list, opts: Options, progress: Callable, pool: LocalPool | None = None):
    """Yield (index, result) for each job, in parallel when it pays."""
    pool = pool or LocalPool(opts)
    if not pool.wanted(len(jobs)):
        init_worker(opts)
        for i, job in enumerate(jobs):
            yield i, analyse_job(job)
            progress(1)
        return
    prepared = pool.submit(_prepare_scoring) if opts.stances else None
    for i, res in enumerate(pool.map(analyse_job, jobs, len(jobs))):
        yield i, res
        progress(1)
    if prepared is not None:
        try:
            prepared.result()
        except Exception:  # noqa: BLE001 - a broken pool shows in the results
            pass


def make_pool(opts: Options):
    """The executor of a run: this machine's process pool, or a Dask cluster's workers."""
    if opts.scheduler:
        from ipcorpus.corpus.cluster import DaskPool
        return DaskPool(opts)
    return LocalPool(opts)
