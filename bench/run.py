#!/usr/bin/env python3
"""`make bench`: how fast ipcorpus is, as ratios measured in one run.

Machines here are shared and noisy, so every figure this script judges is a ratio
of two timings taken in the same run, interleaved repeat by repeat; absolute times
are printed for reading, never compared with a fixed number.

It generates a corpus of N articles from sample_corpus/ (varied names and folders,
shuffled dates, small edits so every file hashes differently, some exact reposts,
the portal furniture left in place) in a temporary folder, then measures:

  cold        ipcorpus stance DIR --format jsonl, fresh index and fresh cache
  reference   a fresh `python -c` that imports jieba and jieba.lcut()s the decoded
              text of every file (dictionary load included)
  warm        the same command again, nothing changed
  new file    one article added, the command again
  start-up    ipcorpus --help against python -c "import typer, rich"
  scaling     cold time and peak RSS at N/4 and N
  parallel    --jobs 1 against the default
  html        the N/4 articles as web pages (each line a <p>, with a head, a script,
              a nav list and a footer) against the same articles as text, cold:
              a page may cost at most twice its text (issue 16)
  no memory   cold with IPCORPUS_MEMO=0: sentence scores not remembered across
              articles (for reading beside cold: the generated corpus repeats the
              sentences of its 20 originals far more than most real corpora)

Child processes are measured with os.wait4: wall time around it, CPU time and peak
RSS (ru_maxrss: the largest single process of the child's tree, pool workers
included) from its rusage. Results go to a table on stdout and bench/results.json.

    python bench/run.py                  # N=2000, 3 repeats
    python bench/run.py --n 500 --repeat 5
    python bench/run.py --quick          # N=200, 1 repeat: checks the script works
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = ROOT / "sample_corpus"
PATTERNS = (".txt", ".md")

# -- corpus generation ------------------------------------------------------------------

_DATE = re.compile(r"(?P<y>20\d\d)(?P<s1>[-/.年])(?P<m>\d{1,2})(?P<s2>[-/.月])(?P<d>\d{1,2})(?P<ri>日?)"
                   r"(?:(?P<sp>\s*)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?")
_DIGITS = re.compile(r"\d+")
_CLAUSE = re.compile(r"(?<=[，。；！？,;])")
_TOPICS = ("创始人IP 复盘", "账号矩阵 观察", "老板 直播 笔记", "高管 发声 合集", "品牌 人设 研究",
           "个人IP 风险", "企业号 矩阵 拆解")


def _originals():
    """(relative path, text, encoding, newline) of each sample article, decoded the
    way ipcorpus decodes it."""
    from ipcorpus.read.source import decode
    out = []
    for root, dirs, files in os.walk(SAMPLE):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or not name.endswith(PATTERNS):
                continue
            p = Path(root, name)
            d = decode(p.read_bytes())
            text = d.text
            newline = "\r\n" if "\r\n" in text else "\n"
            if newline == "\r\n":
                text = text.replace("\r\n", "\n")
            enc = {"utf-16": "utf-16", "utf-16-be": "utf-16-be"}.get(d.encoding, d.encoding)
            out.append((p.relative_to(SAMPLE), text, enc, newline))
    if not out:
        raise SystemExit(f"bench: no articles in {SAMPLE}")
    return out


def _shift_dates(text: str, rng: random.Random) -> str:
    """Move every date of the article by one random offset (keeping each format),
    with fresh clock times, so the copies are spread over two years."""
    offset = dt.timedelta(days=rng.randint(-500, 200), minutes=rng.randint(0, 1439))

    def sub(m):
        try:
            base = dt.datetime(int(m["y"]), int(m["m"]), int(m["d"]),
                               int(m["H"] or 0), int(m["M"] or 0), int(m["S"] or 0))
        except ValueError:
            return m.group()
        t = base + offset + dt.timedelta(seconds=rng.randint(0, 3599) if m["H"] else 0)
        mm = f"{t.month:02d}" if len(m["m"]) == 2 else str(t.month)
        dd = f"{t.day:02d}" if len(m["d"]) == 2 else str(t.day)
        s = f"{t.year}{m['s1']}{mm}{m['s2']}{dd}{m['ri']}"
        if m["H"]:
            s += f"{m['sp']}{t.hour:0{len(m['H'])}d}:{t.minute:02d}"
            if m["S"]:
                s += f":{t.second:02d}"
        return s
    return _DATE.sub(sub, text)


def _edit(text: str, rng: random.Random) -> str:
    """Small edits of the kind reposts carry: counters and numbers in short lines
    change, a clause of a long line is dropped or repeated from elsewhere, two
    sentences swap, sometimes a paragraph is dropped. Only characters already in the
    article are used, so the text still encodes in the file's own encoding."""
    lines = text.split("\n")
    short = [i for i, ln in enumerate(lines) if 0 < len(ln.strip()) <= 24 and _DIGITS.search(ln)]
    for i in rng.sample(short, min(len(short), rng.randint(0, 3))):
        if not _DATE.search(lines[i]):
            lines[i] = _DIGITS.sub(lambda m: str(rng.randint(0, 10 ** len(m.group()) * 3)), lines[i], count=1)
    long_ = [i for i, ln in enumerate(lines) if len(ln) >= 40]
    if long_:
        for i in rng.sample(long_, min(len(long_), rng.randint(1, 3))):
            parts = [p for p in _CLAUSE.split(lines[i]) if p]
            kind = rng.random()
            if len(parts) >= 3 and kind < 0.4:
                del parts[rng.randrange(1, len(parts) - 1)]                    # drop a clause
            elif len(parts) >= 2 and kind < 0.7:
                j = rng.randrange(len(parts) - 1)                               # swap two clauses
                parts[j], parts[j + 1] = parts[j + 1], parts[j]
            else:
                donor = [p for p in _CLAUSE.split(lines[rng.choice(long_)]) if p]
                parts.insert(rng.randrange(len(parts) + 1), rng.choice(donor))  # repeat a clause
            lines[i] = "".join(parts)
        if len(long_) > 6 and rng.random() < 0.25:
            del lines[rng.choice(long_[2:-2])]                                 # an editor cut a paragraph
    return "\n".join(lines)


def _encode(text: str, enc: str, newline: str) -> bytes:
    if newline != "\n":
        text = text.replace("\n", newline)
    return text.encode(enc)


def _name(rng: random.Random, rel: Path, k: int, when: dt.date) -> str:
    stem, ext = rel.stem, rel.suffix
    style = rng.random()
    if style < 0.35:
        return f"{stem}_{k:05d}{ext}"
    if style < 0.6:
        return f"{when:%Y%m%d}-{stem}-{rng.randint(100, 999)}{ext}"
    if style < 0.75:
        return f"{rng.randint(6000000, 6999999)}_{stem}{ext}"
    if style < 0.9:
        return f"{rng.choice(_TOPICS)} {when:%Y-%m-%d} {k}{ext}"                # spaces and Chinese
    return f"{stem.replace('_', ' ')} ({k}){ext}"


def generate(n: int, seed: int = 1, extra: int = 0):
    """N + extra articles as (relative path, bytes, encoding), reproducible from the
    seed. Reposts copy an earlier article byte for byte, so any prefix of the list
    is a corpus of its own. Also returns counts of what was made."""
    rng = random.Random(seed)
    originals = _originals()
    portals = sorted({o[0].parts[0] for o in originals if len(o[0].parts) > 1}) or ["misc"]
    items, hashes, names = [], set(), set()
    reposts = 0
    for k in range(n + extra):
        if k >= len(originals) and k < n and rng.random() < 0.06:
            rel, data, enc = items[rng.randrange(len(items))]                  # exact repost elsewhere
            portal = rng.choice(portals)
            name = f"{Path(rel).stem}_repost{k}{Path(rel).suffix}"
            items.append((f"{portal}/repost/{name}", data, enc))
            reposts += 1
            continue
        rel, text, enc, newline = originals[k % len(originals)] if k < len(originals) else rng.choice(originals)
        for _ in range(20):
            new = _shift_dates(text, rng)
            if k >= len(originals):
                new = _edit(new, rng)
            data = _encode(new, enc, newline)
            h = hashlib.blake2b(data, digest_size=16).hexdigest()
            if h not in hashes:
                break
        hashes.add(h)
        when = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 640))
        folder = f"{rel.parts[0] if len(rel.parts) > 1 else 'misc'}/{when:%Y-%m}"
        name = _name(rng, rel, k, when)
        while f"{folder}/{name}" in names:
            name = f"{k}-{name}"
        names.add(f"{folder}/{name}")
        items.append((f"{folder}/{name}", data, enc))
    return items, {"reposts": reposts}


def write_corpus(folder: Path, items) -> Path:
    """Write the articles and a manifest (encoding TAB path) for the reference."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder.parent / (folder.name + ".manifest")
    with open(manifest, "w", encoding="utf-8") as mf:
        for rel, data, enc in items:
            p = folder / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
            mf.write(f"{enc}\t{p}\n")
    return manifest


def _as_page(rel: str, data: bytes, enc: str) -> tuple[str, bytes]:
    """An article as a saved web page: its lines as paragraphs in an <article>, with
    the furniture pages carry (a head, a script, a list of links, a footer)."""
    import html
    text = data.decode(enc, errors="replace").lstrip("\ufeff")
    body = "\n".join(f"<p>{html.escape(ln)}</p>" if ln.strip() else "" for ln in text.splitlines())
    page = ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>article</title>\n'
            '<script>var config = {"channel": "tech", "ads": [1, 2, 3]};</script>\n<style>p { margin: 0 }</style>\n'
            '</head><body>\n<nav><ul><li><a href="/">首页</a></li><li><a href="/tech">科技</a></li>'
            '<li><a href="/biz">财经</a></li></ul></nav>\n'
            f'<article>\n{body}\n</article>\n<footer>版权所有 © 示例网</footer>\n</body></html>\n')
    return str(Path(rel).with_suffix(".html")), page.encode("utf-8")


# -- measuring -----------------------------------------------------------------------

def snapshot(dest: Path) -> Path:
    """A frozen, byte-compiled copy of the package that every child runs (it comes
    first on PYTHONPATH). The index is keyed by a fingerprint of the package's
    files, so an edit of the working tree during a long run would otherwise turn a
    warm run into a cold one; and a working tree run with PYTHONDONTWRITEBYTECODE
    has no .pyc files, which an installed package always has."""
    import compileall

    import ipcorpus
    src = Path(ipcorpus.__file__).resolve().parent
    shutil.copytree(src, dest / "ipcorpus", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    compileall.compile_dir(str(dest / "ipcorpus"), quiet=2)
    return dest


class Failed(RuntimeError):
    pass


def _busy() -> float | None:
    """CPU seconds the whole machine has spent busy (or stolen by the host), from
    /proc/stat; None where there is no such file."""
    try:
        with open("/proc/stat") as fh:
            f = [int(x) for x in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    user, nice, system, idle, iowait, irq, softirq, steal = (f + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def measure(cmd, env=None, out_path=None, cwd=None) -> dict:
    """Run one child; wall seconds, CPU seconds (its tree), peak RSS in MB, and the
    share of the machine's CPUs that other processes took meanwhile."""
    out = open(out_path, "wb") if out_path else subprocess.DEVNULL
    err = tempfile.TemporaryFile()
    try:
        b0 = _busy()
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=cwd)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        b1 = _busy()
        p.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if out_path:
            out.close()
    if p.returncode != 0:
        err.seek(0)
        raise Failed(f"{' '.join(map(str, cmd))} exited {p.returncode}: {err.read().decode(errors='replace')[-2000:]}")
    err.close()
    cpu = ru.ru_utime + ru.ru_stime
    m = {"wall": wall, "cpu": cpu, "rss_mb": ru.ru_maxrss / 1024}
    if b0 is not None and b1 is not None and wall > 0:
        m["others"] = max(0.0, min(1.0, (b1 - b0 - cpu) / (wall * (os.cpu_count() or 1))))
    return m


REFERENCE = r"""
import json, sys, time
t0 = time.perf_counter()
import jieba
jieba.setLogLevel(60)
jieba.initialize()
t1 = time.perf_counter()
chars = tokens = files = 0
with open(sys.argv[1], encoding="utf-8") as mf:
    for line in mf:
        enc, path = line.rstrip("\n").split("\t", 1)
        with open(path, "rb") as fh:
            text = fh.read().decode(enc)
        files += 1
        chars += len(text)
        tokens += len(jieba.lcut(text))
t2 = time.perf_counter()
print(json.dumps({"init": t1 - t0, "cut": t2 - t1, "files": files, "chars": chars, "tokens": tokens}))
"""


class Bench:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="ipcorpus-bench-"))
        self.py = sys.executable
        exe = Path(sys.executable).with_name("ipcorpus")
        self.ipc = [str(exe)] if exe.exists() else [self.py, "-m", "ipcorpus"]
        self.pkg = snapshot(self.tmp / "pkg")
        self.samples: dict[str, list[dict]] = {}
        self.extra: dict = {}
        self.checks: dict = {}
        self._fresh = 0

    def env(self, cache=None, tmpdir=None, extra=None) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("IPCORPUS_")}
        env.update(extra or {})
        env["NO_COLOR"] = "1"
        env["PYTHONPATH"] = os.pathsep.join([str(self.pkg)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        env["XDG_CACHE_HOME"] = str(cache or self.fresh("cache"))
        if tmpdir:
            env["TMPDIR"] = str(tmpdir)
        return env

    def fresh(self, what: str) -> Path:
        self._fresh += 1
        p = self.tmp / "fresh" / f"{what}{self._fresh}"
        p.mkdir(parents=True)
        return p

    def record(self, name: str, m: dict):
        self.samples.setdefault(name, []).append(m)
        return m

    def stance(self, folder: Path, db: Path, cache: Path, out: Path, jobs=None, extra=None) -> dict:
        cmd = self.ipc + ["stance", str(folder), "--format", "jsonl", "--db", str(db)]
        if jobs is not None:
            cmd += ["--jobs", str(jobs)]
        return measure(cmd, self.env(cache, extra=extra), out)

    def cold(self, name: str, folder: Path, jobs=None, keep=False, extra=None):
        """A run on a fresh index and a fresh cache (jieba's dictionary cache too)."""
        db, cache = self.fresh("db") / "index.sqlite", self.fresh("cache")
        out = self.fresh("out") / "stance.jsonl"
        self.record(name, self.stance(folder, db, cache, out, jobs, extra))
        return (db, cache, out) if keep else out

    def run(self):
        a = self.args
        n, n4 = a.n, max(1, a.n // 4)
        print(f"bench: generating {n} articles from {SAMPLE.relative_to(ROOT)}/ in {self.tmp}", file=sys.stderr)
        items, info = generate(n, a.seed, extra=a.repeat)
        full, quarter = self.tmp / "corpus", self.tmp / "corpus_quarter"
        manifest = write_corpus(full, items[:n])
        write_corpus(quarter, items[:n4])
        pages = self.tmp / "corpus_quarter_html"
        write_corpus(pages, [(*_as_page(rel, data, enc), "utf-8") for rel, data, enc in items[:n4]])
        new_files = items[n:]
        self.extra["code_fingerprint"] = subprocess.run(
            [self.py, "-c", "from ipcorpus.corpus.fingerprint import code_fingerprint as f; print(f())"],
            env=self.env(self.tmp / "startup-cache"), capture_output=True, text=True).stdout.strip()
        encs: dict = {}
        for _, _, enc in items[:n]:
            encs[enc] = encs.get(enc, 0) + 1
        self.extra["corpus"] = {"files": n, "quarter_files": n4, "bytes": sum(len(d) for _, d, _ in items[:n]),
                                "reposts": info["reposts"], "encodings": encs,
                                "names_with_spaces": sum(1 for r, _, _ in items[:n] if " " in r)}

        self.extra["loadavg"] = {"start": _loadavg()}
        self.extra["settle_waits_s"] = []
        for r in range(a.repeat):
            waited = _settle(a.settle)
            self.extra["settle_waits_s"].append(round(waited, 1))
            print(f"bench: repeat {r + 1}/{a.repeat} (load average {_loadavg()[0]:.1f}, "
                  f"waited {waited:.0f} s for a quiet machine)", file=sys.stderr)
            # cold at N, then warm and one new file on the same index
            db, cache, cold_out = self.cold("cold", full, keep=True)
            for _ in range(a.warm):
                warm_out = self.fresh("out") / "stance.jsonl"
                self.record("warm", self.stance(full, db, cache, warm_out))
                self._same("warm_output_identical", cold_out, warm_out)
            rel, data, _ = new_files[r]
            new_path = full / rel
            new_path.parent.mkdir(parents=True, exist_ok=True)
            new_path.write_bytes(data)
            new_out = self.fresh("out") / "stance.jsonl"
            try:
                self.record("new_file", self.stance(full, db, cache, new_out))
            finally:
                new_path.unlink()
            self.checks["new_file_docs"] = _count_lines(new_out)
            self.checks["cold_docs"] = _count_lines(cold_out)
            # the reference: jieba over the same text, in one fresh process
            m = measure([self.py, "-c", REFERENCE, str(manifest)], self.env(tmpdir=self.fresh("tmp")),
                        out_path=self.tmp / "reference.json")
            ref = json.loads((self.tmp / "reference.json").read_text())
            m.update(init=ref["init"], cut=ref["cut"])
            self.record("reference", m)
            self.extra["reference_text"] = {k: ref[k] for k in ("files", "chars", "tokens")}
            # parallel and scaling
            j1_out = self.cold("cold_jobs1", full, jobs=1)
            self._same("jobs1_output_identical", cold_out, j1_out)
            self.cold("cold_quarter", quarter)
            self.cold("cold_html_quarter", pages)
            nm_out = self.cold("cold_nomemo", full, extra={"IPCORPUS_MEMO": "0"})
            self._same("nomemo_output_identical", cold_out, nm_out)
            # start-up
            for _ in range(a.startup):
                self.record("startup_help", measure(self.ipc + ["--help"], self.env(self.tmp / "startup-cache")))
                self.record("startup_import", measure([self.py, "-c", "import typer, rich"],
                                                      self.env(self.tmp / "startup-cache")))
            shutil.rmtree(self.tmp / "fresh", ignore_errors=True)
        self.extra["loadavg"]["end"] = _loadavg()
        return self.report()

    def _same(self, key: str, a: Path, b: Path):
        same = a.read_bytes() == b.read_bytes()
        self.checks[key] = self.checks.get(key, True) and same

    # -- report ------------------------------------------------------------------
    def stats(self, name: str, field: str = "wall") -> dict:
        xs = [s[field] for s in self.samples.get(name, []) if field in s]
        if not xs:
            return {}
        return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "n": len(xs),
                "samples": [round(x, 4) for x in xs]}

    def report(self) -> dict:
        a = self.args
        meas = {}
        for name in self.samples:
            meas[name] = {"wall_s": self.stats(name), "cpu_s": self.stats(name, "cpu"),
                          "peak_rss_mb": self.stats(name, "rss_mb"), "others_cpu_share": self.stats(name, "others")}
            if name == "reference":
                meas[name]["init_s"] = self.stats(name, "init")
                meas[name]["cut_s"] = self.stats(name, "cut")
        med = lambda name, f="wall": self.stats(name, f)["median"]  # noqa: E731
        cores = os.cpu_count() or 1
        ratios = {
            "cold_vs_reference": (med("cold") / med("reference"), "<=", 0.5),
            "cold_vs_reference_cut_only": (med("cold") / med("reference", "cut"), None, None),
            "warm_vs_cold": (med("warm") / med("cold"), "<=", 0.05),
            "new_file_vs_cold": (med("new_file") / med("cold"), "<=", 0.1),
            "startup_vs_import": (med("startup_help") / med("startup_import"), "<=", 1.5),
            "cold_n_vs_quarter": (med("cold") / med("cold_quarter"), "<=", 4.5),
            "rss_n_vs_quarter": (med("cold", "rss_mb") / med("cold_quarter", "rss_mb"), "<=", 1.5),
            "rss_n_mb": (med("cold", "rss_mb"), "<", 400.0),
            "jobs1_vs_default": (med("cold_jobs1") / med("cold"), ">=", 1.6 if cores >= 2 else None),
            "cpu_cold_vs_reference": (med("cold", "cpu") / med("reference", "cpu"), None, None),
            "cold_nomemo_vs_reference": (med("cold_nomemo") / med("reference"), None, None),
            "html_vs_text": (med("cold_html_quarter") / med("cold_quarter"), "<=", 2.0),
        }
        # The same ratios in CPU seconds (the child's whole process tree), for reading
        # beside the wall-clock ones when other jobs share the machine.
        cpu_ratios = {
            "cold_vs_reference": med("cold", "cpu") / med("reference", "cpu"),
            "warm_vs_cold": med("warm", "cpu") / med("cold", "cpu"),
            "new_file_vs_cold": med("new_file", "cpu") / med("cold", "cpu"),
            "startup_vs_import": med("startup_help", "cpu") / med("startup_import", "cpu"),
            "cold_n_vs_quarter": med("cold", "cpu") / med("cold_quarter", "cpu"),
            "jobs1_vs_default": med("cold_jobs1", "cpu") / med("cold", "cpu"),
            "html_vs_text": med("cold_html_quarter", "cpu") / med("cold_quarter", "cpu"),
        }
        out_ratios = {}
        for k, (v, op, target) in ratios.items():
            ok = None
            if op and target is not None:
                ok = v <= target if op == "<=" else v >= target if op == ">=" else v < target
            out_ratios[k] = {"value": round(v, 4), "op": op, "target": target, "pass": ok}
        results = {
            "command": " ".join(["python", "bench/run.py"] + sys.argv[1:]),
            "argv": sys.argv[1:],
            "n": a.n, "quarter": max(1, a.n // 4), "repeat": a.repeat, "warm_runs": a.warm,
            "startup_runs": a.startup, "quick": a.quick, "seed": a.seed, "settle_s": a.settle,
            "machine": {"cpus": cores, "python": platform.python_version(), "platform": platform.platform()},
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "ipcorpus": _version(),
            **self.extra,
            "measurements": meas, "ratios": out_ratios, "checks": self.checks,
            "cpu_ratios": {k: round(v, 4) for k, v in cpu_ratios.items()},
            "all_pass": all(r["pass"] is not False for r in out_ratios.values()),
        }
        return results


def _settle(max_wait: float, quiet: float = 0.25) -> float:
    """Wait (at most max_wait seconds) until other processes use under `quiet` of the
    machine's CPUs over a one-second sample; return the seconds waited."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < max_wait:
        b0 = _busy()
        time.sleep(1.0)
        b1 = _busy()
        if b0 is None or b1 is None or (b1 - b0) / (os.cpu_count() or 1) < quiet:
            break
    return time.monotonic() - t0


def _loadavg() -> list:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def _count_lines(p: Path) -> int:
    with open(p, "rb") as fh:
        return sum(1 for _ in fh)


def _version() -> str:
    try:
        from ipcorpus import __version__
        rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "ipcorpus"],
                               capture_output=True, text=True).stdout.strip()
        return f"{__version__} ({rev}{'+dirty' if dirty else ''})" if rev else __version__
    except Exception:  # noqa: BLE001
        return "unknown"


LABELS = {
    "cold": "cold: stance DIR --format jsonl (N)",
    "reference": "reference: fresh python, jieba.lcut all text",
    "warm": "warm: same command, nothing changed",
    "new_file": "one new file",
    "cold_jobs1": "cold --jobs 1 (N)",
    "cold_quarter": "cold (N/4)",
    "cold_html_quarter": "cold, the N/4 articles as web pages",
    "cold_nomemo": "cold, IPCORPUS_MEMO=0 (N)",
    "startup_help": "start-up: ipcorpus --help",
    "startup_import": "python -c 'import typer, rich'",
}
RATIO_LABELS = {
    "cold_vs_reference": "cold / reference",
    "cold_vs_reference_cut_only": "cold / reference lcut only (no init)",
    "warm_vs_cold": "warm / cold",
    "new_file_vs_cold": "one new file / cold",
    "startup_vs_import": "--help / import typer, rich",
    "cold_n_vs_quarter": "cold N / cold N/4",
    "rss_n_vs_quarter": "peak RSS N / N/4",
    "rss_n_mb": "peak RSS at N (MB)",
    "jobs1_vs_default": "--jobs 1 / default (speed-up)",
    "cpu_cold_vs_reference": "CPU cold / CPU reference",
    "cold_nomemo_vs_reference": "cold without sentence memory / reference",
    "html_vs_text": "web pages / the same articles as text (N/4)",
}


def table(res: dict) -> str:
    m = res["measurements"]
    c = res["corpus"]
    lines = [f"N={res['n']} articles ({c['bytes'] / 1e6:.1f} MB, {c['reposts']} exact reposts), "
             f"N/4={res['quarter']}, {res['repeat']} repeat(s), {res['machine']['cpus']} CPUs, "
             f"Python {res['machine']['python']}, ipcorpus {res['ipcorpus']}", "",
             "| measurement | runs | median s | min s | max s | CPU s | peak RSS MB | others' CPU |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for key, label in LABELS.items():
        if key not in m:
            continue
        w, cpu, rss, oth = m[key]["wall_s"], m[key]["cpu_s"], m[key]["peak_rss_mb"], m[key]["others_cpu_share"]
        lines.append(f"| {label} | {w['n']} | {w['median']:.3f} | {w['min']:.3f} | {w['max']:.3f} | "
                     f"{cpu['median']:.2f} | {rss['median']:.0f} | "
                     f"{format(oth['median'], '.0%') if oth else '?'} |")
    if "reference" in m:
        ref = m["reference"]
        lines += ["", f"reference split: import + jieba.initialize {ref['init_s']['median']:.2f} s, "
                      f"lcut {ref['cut_s']['median']:.2f} s "
                      f"({res['reference_text']['chars']:,} characters, {res['reference_text']['tokens']:,} tokens)"]
    lines += ["", "| ratio (of medians) | value | target | result | same ratio in CPU s |",
              "|---|---:|---:|---|---:|"]
    for key, label in RATIO_LABELS.items():
        r = res["ratios"][key]
        target = f"{r['op']} {r['target']:g}" if r["target"] is not None else "—"
        verdict = {True: "pass", False: "**FAIL**", None: "info"}[r["pass"]]
        cpu = res["cpu_ratios"].get(key)
        lines.append(f"| {label} | {r['value']:.3f} | {target} | {verdict} | "
                     f"{'' if cpu is None else format(cpu, '.3f')} |")
    checks = res["checks"]
    load = res.get("loadavg", {})
    lines += ["", "checks: " + ", ".join(f"{k}={v}" for k, v in checks.items()),
              f"load average (1, 5, 15 min) at start {load.get('start')}, at end {load.get('end')}",
              "CPU s: user + system of the child's whole process tree; others' CPU: median share of "
              "the machine's CPUs that other processes used during those runs"]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=None, help="articles in the corpus (default 2000; 200 with --quick)")
    ap.add_argument("--repeat", type=int, default=None, help="repeats of every measurement (default 3; 1 with --quick)")
    ap.add_argument("--warm", type=int, default=None, help="warm runs per repeat (default 3; 1 with --quick)")
    ap.add_argument("--startup", type=int, default=None, help="start-up runs per repeat (default 10; 3 with --quick)")
    ap.add_argument("--quick", action="store_true", help="a small, fast run that checks the script works")
    ap.add_argument("--settle", type=float, default=None,
                    help="before each repeat, wait up to this many seconds for other processes to go "
                         "quiet (default 30; 0 with --quick)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=str(HERE / "results.json"), help="results file (default bench/results.json)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    a = ap.parse_args(argv)
    a.n = a.n or (200 if a.quick else 2000)
    a.repeat = a.repeat or (1 if a.quick else 3)
    a.warm = a.warm or (1 if a.quick else 3)
    a.startup = a.startup or (3 if a.quick else 10)
    a.settle = (0.0 if a.quick else 30.0) if a.settle is None else a.settle
    if a.n < 8 or a.repeat < 1:
        ap.error("--n must be at least 8 and --repeat at least 1")
    b = Bench(a)
    t0 = time.monotonic()
    try:
        res = b.run()
    except Failed as e:
        print(f"bench: error: {e}", file=sys.stderr)
        return 2
    finally:
        if a.keep:
            print(f"bench: kept {b.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(b.tmp, ignore_errors=True)
    res["bench_seconds"] = round(time.monotonic() - t0, 1)
    from ipcorpus.atomic import write_atomic
    write_atomic(a.out, json.dumps(res, ensure_ascii=False, indent=2) + "\n")
    print(table(res))
    print(f"\nbench: {res['bench_seconds']} s in all; results in {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
