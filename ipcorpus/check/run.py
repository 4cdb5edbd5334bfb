"""`ipcorpus check`: CI findings about articles, each with a stable code and a
`path:line:col` in the original file.

A file's findings depend only on its bytes and the settings, plus, for reposts
(W206), the other articles: the files checked and those in the index. Learned
furniture (`recurring`) is not applied, so checking one file and checking its folder
give the same findings for it, and a baseline stays valid from one to the other.

Reading follows the index: a file whose content is indexed is not analysed again,
and the articles that are only compared against (reposts) are never analysed, only
their stored analyses are read. A few files the index does not know are analysed
in-process without stance scoring (so jieba is loaded only when --require-stance
needs a stance); many are handed to the pipeline, which analyses them in parallel
and indexes them."""
from __future__ import annotations

import dataclasses
import functools
import os
import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from ipcorpus.check.baseline import apply_baseline, load_baseline, write_baseline
from ipcorpus.check.codes import SEVERITIES, Finding, Settings
from ipcorpus.check.decisions import Doc, Sig, doc_findings, place, reposts, signature, stored_signature
from ipcorpus.check.formats import render, report_base
from ipcorpus.commands.output import Out, safe_path
from ipcorpus.errors import InputError, IpcorpusError
from ipcorpus.read.source import STDIN


@dataclass
class Report:
    findings: list = field(default_factory=list)
    errors: list = field(default_factory=list)     # (path, message): files that could not be read
    notes: list = field(default_factory=list)
    files: int = 0                                 # files checked


def check(paths: list[str], opts, settings: Settings, changed_since: str | None = None,
          progress: Callable | None = None) -> Report:
    """Findings for the article files under `paths` (only those changed since a git
    ref with `changed_since`)."""
    from ipcorpus.read.source import iter_paths
    progress = progress or (lambda *_: None)
    report = Report()
    need_stance = settings.enabled("I301")
    opts = dataclasses.replace(opts, learn=False, stances=need_stance)
    limit = settings.max_size or opts.max_bytes
    opts.max_bytes = limit
    if changed_since is not None:
        files = changed_files(changed_since, paths, opts.patterns)
        if not files:
            report.notes.append(f"no article files added or modified since {changed_since}")
    else:
        files = list(iter_paths(paths, opts.patterns))
    report.files = len(files)
    db = None
    if STDIN in files:
        opts.no_cache = True               # standard input is never indexed
    if not opts.no_cache:
        from ipcorpus.index import default_db_path
        db, note = (opts.db, None) if opts.db else default_db_path(paths)
        if note:
            report.notes.append(note)
        opts.db = db

    readable = _readable(files, limit, report, settings)

    from ipcorpus.corpus.workers import PARALLEL_MIN
    store = None
    if need_stance or len(readable) >= PARALLEL_MIN:
        docs, store = _through_pipeline(readable, opts, report, settings, progress)
    else:
        docs, store = _in_process(readable, opts, db, report, settings)
    try:
        for d in docs:
            report.findings += doc_findings(d, settings)
        if settings.enabled("W206"):
            sigs = [signature(d.path, True, d.hash, d.analysis, (lambda d=d: d.analysis)) for d in docs]
            others, stale = _indexed(store, opts.version(), {d.abspath for d in docs} | _abs(files))
            if stale:
                report.notes.append(f"{stale} indexed files changed or were analysed with other settings "
                                    "since they were indexed and were not compared for reposts "
                                    "(`ipcorpus ingest` updates the index)")
            report.findings += reposts([sg for sg in sigs + others if sg is not None], settings)
    finally:
        if store is not None:
            store.close()
    place(report.findings)
    report.findings.sort(key=Finding.sort_key)
    return report


def _readable(files: list[str], limit: int, report: Report, settings: Settings) -> list[str]:
    """The files to read: those larger than the limit are E104 without being read,
    those that cannot even be looked at are read errors."""
    from ipcorpus.read.source import read_stdin, stat_path
    readable = []
    for display in files:
        try:
            size = len(read_stdin(limit)) if display == STDIN else stat_path(display).st_size
        except InputError as e:
            _refused(report, settings, display, str(e))
            continue
        except OSError as e:
            report.errors.append((display, (e.strerror or str(e)).lower()))
            continue
        if size > limit:
            _file_finding(report, settings, display, "E104", f"file too large ({size} bytes > {limit})")
        else:
            readable.append(display)
    return readable


def _abs(files) -> set:
    from ipcorpus.read.source import index_path
    return {index_path(f) for f in files}


def _file_finding(report: Report, settings: Settings, path: str, code: str, message: str):
    if settings.enabled(code):
        report.findings.append(Finding(path, 1, 1, code, message, settings.severity(code)))


def _refused(report: Report, settings: Settings, path: str, error: str):
    """A file the reader or the analyser refused: a finding when its content is at
    fault (the messages of source.decode, source.read_bytes and
    document.document_from_bytes), else a read error."""
    if error.startswith(("binary", "undecodable")):
        _file_finding(report, settings, path, "E101", f"not a text file: {error}")
    elif error.startswith("empty file"):
        _file_finding(report, settings, path, "E102", error)
    elif error.startswith("file too large"):
        _file_finding(report, settings, path, "E104", error)
    else:
        report.errors.append((path, error))


def _in_process(files, opts, db, report, settings):
    """Few files: stored analyses where the content is indexed, the rest analysed here
    without stance scoring and not stored."""
    from ipcorpus.clean.rules import make_ruleset
    from ipcorpus.corpus.analysis import analyse_bytes, content_hash
    from ipcorpus.index import Store
    from ipcorpus.read.source import index_path, read_bytes
    store = Store(db) if db and os.path.isfile(db) else None
    version = opts.version()
    rules = None
    docs = []
    for display in files:
        try:
            data = read_bytes(display, opts.max_bytes)
            h = content_hash(data)
            a = store.analysis(h, version)[0] if store else None
            if a is None:
                if rules is None:
                    rules = make_ruleset({"rule": list(opts.user_rules)} if opts.user_rules else None,
                                         opts.keep_rules, opts.drop_rules)
                a, _ = analyse_bytes(display, data, rules, opts.lexicons, with_stance=False)
        except InputError as e:
            _refused(report, settings, display, str(e))
            continue
        docs.append(Doc(display, index_path(display), h, a))
    return docs, store


def _through_pipeline(files, opts, report, settings, progress):
    """Many files, or stance needed: the corpus run analyses (in parallel) and indexes
    what is new."""
    from ipcorpus.corpus.pipeline import run
    if not files:
        return [], None
    corpus = run(["-" if f == STDIN else f for f in files], opts, progress)
    docs = []
    for f in corpus.files:
        if not f.ok:
            _refused(report, settings, f.path, f.error or "could not be read")
            continue
        assert f.hash is not None          # every file read is hashed
        docs.append(Doc(f.path, f.abspath, f.hash, corpus.analysis(f), functools.partial(corpus.stance, f)))
    return docs, corpus.store


def _indexed(store, version: str, skip: set) -> tuple[list[Sig | None], int]:
    """Signatures of the other articles of the index, from their stored digests (else
    analyses): not analysed, not even read unless their size or time changed (then
    hashed, to find their analysis); only the sketch is kept of each."""
    if store is None:
        return [], 0
    from ipcorpus.corpus.analysis import content_hash
    from ipcorpus.index import unpack_digest
    from ipcorpus.read.source import read_bytes, stat_path
    docs: list[Sig | None] = []
    stale = 0
    for path, row in sorted(store.file_rows().items()):
        h = row.hash
        if path in skip or row.status != "ok" or not h:
            continue
        try:
            st = stat_path(path)
            if (st.st_size, st.st_mtime_ns) != (row.size, row.mtime_ns):
                h = content_hash(read_bytes(path))
        except (OSError, InputError):
            continue                       # gone: nothing to repost from
        load = functools.partial(_stored_analysis, store, h, version)
        digest = store.digest(h, version)
        if digest is not None:
            # The digest of the analysis as stored (no learned furniture dropped, as
            # check reads it) keeps its sketch: the analysis need not be loaded.
            docs.append(stored_signature(_shown(path), h, unpack_digest(digest).sketch, load))
            continue
        a = store.analysis(h, version)[0]
        if a is None:
            stale += 1
            continue
        docs.append(signature(_shown(path), False, h, a, load))
    return docs, stale


def _stored_analysis(store, h: str, version: str):
    return store.analysis(h, version)[0]


def _shown(abspath: str) -> str:
    from ipcorpus.read.remote import is_url
    if is_url(abspath):
        return abspath              # a URL is cited as it is kept
    rel = os.path.relpath(abspath)
    return abspath if rel.startswith("..") else rel


# -- git --------------------------------------------------------------------------
def _git(args: list[str], cwd: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise IpcorpusError("--changed-since needs git, which is not installed") from None


def changed_files(ref: str, paths: list[str], patterns) -> list[str]:
    """The article files under `paths` added or modified since `ref` (since its merge
    base with HEAD, as `git diff REF...` counts them), committed or not, plus new
    files git does not ignore."""
    from ipcorpus.read.remote import is_url
    from ipcorpus.read.source import iter_paths
    for given in paths:
        if is_url(given):
            # Git knows only its working tree: a URL's files would be silently left out.
            raise IpcorpusError(f"--changed-since asks git what changed, and {given} is a URL, not a path in a git "
                                "working tree: check URLs without --changed-since (the index reads again only "
                                "what changed)")
    first = paths[0] if paths else "."
    where = first if os.path.isdir(first) else (os.path.dirname(first) or ".")
    if not os.path.isdir(where):
        raise IpcorpusError(f"{first}: no such file or directory")
    top = _git(["rev-parse", "--show-toplevel"], where)
    if top.returncode:
        raise IpcorpusError(f"--changed-since: {os.path.abspath(where)} is not in a git repository")
    top_dir = os.fsdecode(top.stdout).rstrip("\n")
    if _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top_dir).returncode:
        raise IpcorpusError(f"--changed-since: unknown git revision '{ref}' (a shallow clone may need "
                            "`git fetch` or `fetch-depth: 0` first)")
    mb = _git(["merge-base", ref, "HEAD"], top_dir)
    base = os.fsdecode(mb.stdout).strip() if mb.returncode == 0 and mb.stdout.strip() else ref
    diff = _git(["diff", "--name-only", "--no-renames", "--diff-filter=AM", "-z", base, "--"], top_dir)
    new = _git(["ls-files", "--others", "--exclude-standard", "-z"], top_dir)
    for p in (diff, new):
        if p.returncode:
            raise IpcorpusError(f"--changed-since: git failed: {os.fsdecode(p.stderr).strip()}")
    changed = {os.path.realpath(os.path.join(top_dir, os.fsdecode(n)))
               for n in (diff.stdout + new.stdout).split(b"\0") if n}
    return [p for p in iter_paths(paths, patterns) if os.path.realpath(p) in changed]


# -- the command --------------------------------------------------------------------
def command(paths: list[str], opts, out: Out, fmt: str, settings: Settings, exit_zero: bool = False,
            changed_since: str | None = None, baseline: str | None = None,
            write_to: str | None = None, base: str | None = None) -> int:
    """Run the check, print findings on stdout and a summary on stderr; return the
    exit code: 0 nothing at or above --fail-on, 1 findings, 2 a file unreadable."""
    from ipcorpus.progress import Progress
    known = load_baseline(baseline) if baseline and not write_to else None
    where = report_base(paths, base) if fmt in ("github", "sarif") else None
    with Progress(out.err) as bar:
        report = check(paths, opts, settings, changed_since, bar.update)
    for n in report.notes:
        out.note(f"ipcorpus: note: {n}")
    if not report.files and not report.errors and changed_since is None:
        # Nothing to check is not a pass (rg's convention); no changed file is.
        from ipcorpus.commands.output import nothing_matched
        out.note(nothing_matched(paths, opts.patterns), always=True)
        return 1
    findings, accepted = report.findings, 0
    if write_to:
        write_baseline(write_to, findings)
        out.note(f"ipcorpus: wrote {len(findings)} finding{'s' if len(findings) != 1 else ''} to {write_to}")
        findings = []
    else:
        if known is not None:
            findings, accepted = apply_baseline(findings, known)
        render(findings, fmt, out, where)
        if findings:
            out.note(summary(findings, report.files, accepted))
    for path, err in report.errors:
        out.note(f"ipcorpus: error: {safe_path(path)}: {err}", always=True)
    if report.errors:
        return 2
    if exit_zero:
        return 0
    return 1 if any(settings.fails(f) for f in findings) else 0


def summary(findings: list[Finding], files: int, accepted: int = 0) -> str:
    sev = Counter(f.severity for f in findings)
    parts = [f"{sev[s]} {s}{'s' if sev[s] != 1 else ''}" for s in SEVERITIES if sev[s]]
    where = len({f.path for f in findings})
    text = (f"ipcorpus check: {len(findings)} finding{'s' if len(findings) != 1 else ''} "
            f"({', '.join(parts)}) in {where} of {files} file{'s' if files != 1 else ''}")
    if accepted:
        text += f"; {accepted} known finding{'s' if accepted != 1 else ''} accepted by the baseline"
    return text
