#!/usr/bin/env python3
"""`make bench-dask`: ipcorpus on a Dask cluster (--scheduler), measured on this machine.

A LocalCluster of worker processes (one thread each) runs in a child process, so
this process is only the client, as `ipcorpus stance CORPUS --scheduler …` is. On
corpora generated as bench/run.py generates them (fresh index each time), it measures:

  throughput  articles per second with 1 and with 2 workers, and the local process
              pool (--jobs 2) beside them
  client      the client's CPU time per article (walk, read, hand over, learn,
              write the index), against the workers' CPU time per article
  growth      the same at N and at BIG articles (2 workers): how time, client
              cost and worker cost per article grow with the corpus
  brief       the client's CPU per article for `report`'s figures after the 2-worker
              runs at N and at BIG, from their indexes: a reduce over the digests the
              workers made with each stance (sketches banded), loading texts only for
              repost candidates and the keywords' budget; the figures must equal the
              local run's

Workers load jieba and the rules once; a warm-up run on sample_corpus comes first,
so the figures are the steady state. Results go to a table on stdout and
bench/cluster_results.json.

    python bench/cluster.py                  # N=2000, BIG=20000
    python bench/cluster.py --n 500 --big 2000
    python bench/cluster.py --quick          # N=200, BIG=400: checks the script works
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import SAMPLE, generate, write_corpus  # noqa: E402 - bench/run.py, beside this file

_CLUSTER = """
import sys
from distributed import LocalCluster
if __name__ == "__main__":
    c = LocalCluster(n_workers=int(sys.argv[1]), threads_per_worker=1, processes=True, dashboard_address=None,
                     worker_dashboard_address=None)
    print(c.scheduler_address, flush=True)
    sys.stdin.read()
    c.close()
"""


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


class Cluster:
    def __init__(self, workers: int):
        from distributed import Client
        self.proc = subprocess.Popen([sys.executable, "-c", _CLUSTER, str(workers)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.address = self.proc.stdout.readline().strip()
        self.client = Client(self.address, set_as_default=False)
        self.client.wait_for_workers(workers, timeout=120)

    def worker_cpu(self) -> float:
        return sum(self.client.run(_cpu).values())

    def close(self):
        self.client.close()
        self.proc.stdin.close()
        self.proc.wait(60)


def timed(paths: list[str], db: str, scheduler: str | None = None, jobs: int = 0, cluster: Cluster | None = None):
    """One cold `stance` run through the library (the CLI's code path): wall time,
    this process's CPU (the client; with the local pool, the parent), the workers'
    CPU. Returns the figures and the corpus's stance records."""
    from ipcorpus.api import Corpus
    w0 = cluster.worker_cpu() if cluster else 0.0
    c0, k0, t0 = _cpu(), _children_cpu(), time.perf_counter()
    corpus = Corpus.open(paths, db=db, scheduler=scheduler, jobs=jobs)
    records = list(corpus.stances(evidence=3))
    wall = time.perf_counter() - t0
    client = _cpu() - c0
    workers = cluster.worker_cpu() - w0 if cluster else _children_cpu() - k0
    m = {"wall": wall, "client_cpu": client, "worker_cpu": workers, "n": len(records)}
    print(f"{paths[0]} scheduler={scheduler} jobs={jobs}: {json.dumps(m)}", file=sys.stderr, flush=True)
    return m, records


def brief_cost(paths: list[str], db: str) -> tuple[dict, dict]:
    """The brief's figures after a run, from its index (a warm open, nothing analysed):
    the client's CPU per article for the reduce over each article's stance and digest
    (sketches banded, labels counted) and how many texts it loads (repost candidate
    pairs, a side's keywords up to their budget). Returns those and the brief (to
    compare with the local run's)."""
    from ipcorpus.api import Corpus
    from ipcorpus.corpus import pipeline
    from ipcorpus.report import figures
    corpus = Corpus.open(paths, db=db).run
    figures.side_keywords({"x": "预热"}, 1, corpus.options.lexicons)   # jieba and its IDF table, once a process
    loaded = []
    real = pipeline.Corpus.stored_analysis

    def counting(self, f):
        loaded.append(f.path)
        return real(self, f)

    pipeline.Corpus.stored_analysis = counting          # type: ignore[method-assign]
    try:
        c0 = _cpu()
        brief = figures.compute(corpus, keywords=10)
        c1 = _cpu()
    finally:
        pipeline.Corpus.stored_analysis = real          # type: ignore[method-assign]
    n = len(corpus.docs())
    m = {"n": n, "groups": brief["reposts"]["groups"], "texts_loaded": len(set(loaded)),
         "ms_per_article": 1000 * (c1 - c0) / max(1, n)}
    print(f"{paths[0]} brief: {json.dumps(m)}", file=sys.stderr, flush=True)
    return m, brief


def per_article(m: dict) -> dict:
    n = max(1, m["n"])
    return {**m, "articles_per_s": n / m["wall"], "client_ms_per_article": 1000 * m["client_cpu"] / n,
            "worker_ms_per_article": 1000 * m["worker_cpu"] / n,
            "client_vs_worker": m["client_cpu"] / m["worker_cpu"] if m["worker_cpu"] else None}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--big", type=int, default=20000)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default=str(HERE / "cluster_results.json"))
    args = ap.parse_args(argv)
    # Stopped with SIGTERM, close the cluster (finally below) rather than orphan its workers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.quick:
        args.n, args.big = 200, 400
    tmp = Path(tempfile.mkdtemp(prefix="ipcorpus-bench-dask-"))
    os.environ["XDG_CACHE_HOME"] = str(tmp / "cache")
    items, _ = generate(max(args.n, args.big), seed=11)
    small = tmp / f"n{args.n}"
    big = tmp / f"n{args.big}"
    write_corpus(small, items[:args.n])
    write_corpus(big, items[:args.big])
    res: dict = {"n": args.n, "big": args.big, "cpus": os.cpu_count(), "loadavg": os.getloadavg()}
    same = True

    def db(name: str) -> str:
        return str(tmp / f"{name}.sqlite")

    local, want = timed([str(small)], db("local"), jobs=2)
    res["local_jobs2"] = per_article(local)
    for workers in (1, 2):
        cl = Cluster(workers)
        try:
            timed([str(SAMPLE)], db(f"warm{workers}"), cl.address, cluster=cl)        # workers load jieba
            m, got = timed([str(small)], db(f"dask{workers}"), cl.address, cluster=cl)
            res[f"dask_{workers}_workers"] = per_article(m)
            same &= got == want
            if workers == 2:
                res["brief"], brief = brief_cost([str(small)], db("dask2"))
                same &= brief == brief_cost([str(small)], db("local"))[1]
                m, _ = timed([str(big)], db("big"), cl.address, cluster=cl)
                res["dask_2_workers_big"] = per_article(m)
                res["brief_big"], _ = brief_cost([str(big)], db("big"))
        finally:
            cl.close()
    res["same_records_as_local"] = same
    one, two = res["dask_1_workers"], res["dask_2_workers"]
    res["speedup_2_vs_1"] = one["wall"] / two["wall"]
    res["dask2_vs_local_jobs2"] = two["wall"] / res["local_jobs2"]["wall"]
    bigm = res["dask_2_workers_big"]
    res["growth_time_per_article"] = (bigm["wall"] / bigm["n"]) / (two["wall"] / two["n"])
    res["growth_client_per_article"] = bigm["client_ms_per_article"] / two["client_ms_per_article"]
    Path(args.out).write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    print(table(res))
    return 0 if same else 1


def table(res: dict) -> str:
    rows = [("run", "articles", "wall s", "articles/s", "client ms/article", "worker ms/article", "client/worker")]
    for key, name in (("local_jobs2", "local pool, --jobs 2"), ("dask_1_workers", "dask, 1 worker"),
                      ("dask_2_workers", "dask, 2 workers"), ("dask_2_workers_big", "dask, 2 workers, big")):
        m = res[key]
        rows.append((name, str(m["n"]), f"{m['wall']:.1f}", f"{m['articles_per_s']:.0f}",
                     f"{m['client_ms_per_article']:.2f}", f"{m['worker_ms_per_article']:.2f}",
                     f"{m['client_vs_worker']:.3f}" if m["client_vs_worker"] is not None else "-"))
    b, bb = res["brief"], res["brief_big"]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines += [f"2 workers vs 1: {res['speedup_2_vs_1']:.2f}x faster; dask (2) vs local pool (2): "
              f"{res['dask2_vs_local_jobs2']:.2f} of the time",
              f"{res['n']} -> {res['big']} articles: time per article x{res['growth_time_per_article']:.2f}, "
              f"client cost per article x{res['growth_client_per_article']:.2f}",
              f"report's figures (by the client after the run, from the workers' digests): "
              f"{b['ms_per_article']:.2f} ms CPU per article at {b['n']} ({b['texts_loaded']} texts loaded to confirm "
              f"{b['groups']} repost groups), {bb['ms_per_article']:.2f} at {bb['n']} ({bb['texts_loaded']} loaded)",
              f"records and figures identical to the local run: {res['same_records_as_local']}; "
              f"load average at start {res['loadavg'][0]:.1f} on {res['cpus']} cpus"]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
