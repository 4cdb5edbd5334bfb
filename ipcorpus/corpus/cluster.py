"""The Dask executor: a run's analysis and scoring on a Dask cluster's workers
(`--scheduler ADDRESS`, IPCORPUS_SCHEDULER), behind the interface of workers.LocalPool
(n, wanted, map, submit, close), so the run itself is the same code either way.

What runs where: the workers run workers.analyse_job (read a URL's bytes, clean,
pack) and workers.stance_batch (score with the learned furniture dropped), the
functions the local pool runs. The client walks the paths, reads local files (their
bytes go in the tasks), learns the furniture from what the workers return (a reduce
over every document's line keys) and writes the local index, so show, check, report
and warm runs read the index as after a local run.

Faults: a task's arguments live in the scheduler, so a task whose worker dies is run
again elsewhere (Dask's allowed-failures); each task's result is taken once, in
submission order, so no document is lost or counted twice. Ctrl-C and errors cancel
the tasks still queued (close). Dask is the `dask` extra, imported only here."""
from __future__ import annotations

import os
import socket
import uuid
from collections import deque
from typing import TYPE_CHECKING

from ipcorpus.corpus import workers
from ipcorpus.corpus.fingerprint import code_fingerprint
from ipcorpus.errors import IpcorpusError

if TYPE_CHECKING:
    from ipcorpus.corpus.pipeline import Options

CONNECT_SECONDS = 10.0       # to reach the scheduler and see a worker (IPCORPUS_SCHEDULER_TIMEOUT)
IN_FLIGHT = 4                # tasks queued per worker thread: the client holds only these


def _task(fn, opts, items: list) -> list:
    """Run on a worker: `fn` over a chunk of jobs with the run's options (the worker
    keeps them, and the rules compiled for them, from one task to the next)."""
    if workers._W.get("opts") != opts:
        workers.init_worker(opts)
    return [fn(x) for x in items]


def _fingerprint() -> str:
    return code_fingerprint()


def _timeout() -> float:
    try:
        return float(os.environ.get("IPCORPUS_SCHEDULER_TIMEOUT", CONNECT_SECONDS))
    except ValueError:
        return CONNECT_SECONDS


def connect(address: str):
    """A Client on the scheduler at `address` with at least one worker running this
    very analyser; otherwise one IpcorpusError (exit 2) saying what is wrong."""
    try:
        from distributed import Client
    except ImportError:
        raise IpcorpusError("--scheduler needs Dask: pip install 'ipcorpus[dask]'") from None
    limit = _timeout()
    try:
        _probe(address, limit)
        client = Client(address, timeout=limit, set_as_default=False)
    except Exception as e:  # noqa: BLE001 - OSError, TimeoutError, ValueError: all mean "cannot use it"
        _discard(e, Client)
        raise IpcorpusError(f"cannot reach the Dask scheduler at {address}: {_why(e)}") from None
    try:
        client.wait_for_workers(1, timeout=limit)
        mine = code_fingerprint()
        theirs = set(client.run(_fingerprint).values())
    except Exception as e:  # noqa: BLE001
        client.close()
        raise IpcorpusError(f"the Dask scheduler at {address} has no usable worker: {_why(e)}") from None
    if theirs - {mine}:
        client.close()
        # Another analyser on a worker would give other labels than this one keeps.
        raise IpcorpusError(f"the workers of {address} run another ipcorpus than this one "
                            f"(analyser {mine}, workers {', '.join(sorted(theirs - {mine}))}); install the same "
                            "version on both")
    return client


def _probe(address: str, limit: float):
    """Refuse a bad or unreachable address before a Client exists: a Client that
    fails half-made spends its close timeout at exit and prints a traceback."""
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import get_backend
    scheme, where = parse_address(address)
    get_backend(scheme)
    if scheme in ("tcp", "tls"):
        socket.create_connection(parse_host_port(where), timeout=limit).close()


def _discard(e: BaseException, cls):
    """Mark a Client its constructor left half-made (found in the traceback) closed:
    otherwise its __del__ waits out a close timeout and prints a traceback at exit."""
    import traceback
    for frame, _ in traceback.walk_tb(e.__traceback__):
        made = frame.f_locals.get("self")
        if isinstance(made, cls):
            try:
                made._loop_runner.stop()
            except Exception:  # noqa: BLE001
                pass
            made.status = "closed"


def _why(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0]}" if text else type(e).__name__


class DaskPool:
    """workers.LocalPool's interface on a Dask cluster; connects on first use, so a run
    with nothing to analyse never needs the cluster."""

    def __init__(self, opts: Options):
        self.opts = opts
        self.address = opts.scheduler or ""
        self.client = None
        self.live: set = set()
        self.run = uuid.uuid4().hex[:12]
        self._n: int | None = None

    def _client(self):
        if self.client is None:
            self.client = connect(self.address)
        return self.client

    @property
    def n(self) -> int:
        if self._n is None:
            self._n = max(1, sum(self._client().nthreads().values()))
        return self._n

    def wanted(self, count: int) -> bool:
        # The user asked for the cluster, and a URL can only be read there: all of it goes.
        return count > 0

    def map(self, fn, items, count: int):
        """Yield fn(item) for each item, in order, as the tasks finish; at most
        IN_FLIGHT tasks per worker thread are queued at a time."""
        client, size = self._client(), workers.chunk_size(count, self.n)
        chunks = _chunks(items, size)
        queue: deque = deque()
        k = 0
        try:
            while True:
                while len(queue) < self.n * IN_FLIGHT:
                    chunk = next(chunks, None)
                    if chunk is None:
                        break
                    fut = client.submit(_task, fn, self.opts, chunk, key=f"ipcorpus-{fn.__name__}-{self.run}-{k}")
                    k += 1
                    queue.append(fut)
                    self.live.add(fut)
                if not queue:
                    return
                fut = queue.popleft()
                try:
                    out = fut.result()
                except Exception as e:  # noqa: BLE001 - the cluster's fault, not one file's
                    raise IpcorpusError(f"the Dask cluster at {self.address} failed: {_why(e)}") from None
                self.live.discard(fut)
                fut.release()
                yield from out
        finally:
            self._cancel(queue)

    def submit(self, fn, *args):
        fut = self._client().submit(fn, *args, key=f"ipcorpus-{fn.__name__}-{self.run}", pure=False)
        self.live.add(fut)
        return fut

    def _cancel(self, futures):
        futures = [f for f in futures if not f.done()]
        if futures and self.client is not None:
            try:
                self.client.cancel(futures)
            except Exception:  # noqa: BLE001 - a scheduler already gone has nothing to cancel
                pass

    def close(self):
        if self.client is not None:
            self._cancel(list(self.live))
            self.live.clear()
            try:
                self.client.close()
            except Exception:  # noqa: BLE001
                pass
            self.client = None


def _chunks(items, size: int):
    chunk: list = []
    for x in items:
        chunk.append(x)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
