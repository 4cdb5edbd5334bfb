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
import hashlib
import json
import os
import re
import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from ipcorpus import __version__
from ipcorpus.atomic import write_atomic
from ipcorpus.commands.output import Out, safe_path
from ipcorpus.errors import InputError, IpcorpusError
from ipcorpus.models import Analysis, ArticleStance
from ipcorpus.normalize import _CJK, _LOST_Q, _TONES  # the normalizer's own character classes
from ipcorpus.source import STDIN

FORMATS = ("text", "json", "jsonl", "github", "sarif")
SEVERITIES = ("error", "warning", "info")          # most severe first


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    severity: str           # default severity
    summary: str
    default: bool = True    # False: reported only when --select names it (I301: or --require-stance)


CODES = {c.code: c for c in (
    Code("E101", "unreadable", "error", "binary or undecodable file: no text can be read from it"),
    Code("E102", "empty", "error", "empty file, or only blank lines"),
    Code("E103", "all-noise", "error", "no article left after cleaning: every line is page furniture"),
    Code("E104", "too-large", "error", "file larger than the size limit (--max-size)"),
    Code("W201", "lost-characters", "warning", "kept line with characters lost in conversion (`?` or U+FFFD)"),
    Code("W202", "pinyin-gloss", "warning", "kept line with a pinyin gloss left after a character: 網(wǎng)"),
    Code("W203", "url-line", "warning", "kept line that is only a URL"),
    Code("W204", "disclaimer-line", "warning", "kept line that reads like a disclaimer or copyright notice"),
    Code("W205", "spam-line", "warning", "kept line of injected adult or gambling keywords"),
    Code("W206", "repost", "warning", "duplicate or repost of another article of the corpus"),
    Code("I301", "no-stance", "info", "stance undetermined: label neutral with no evidence", default=False),
)}

MIN_ARTICLE = 20          # characters of text an article keeps besides its title (E103)


# -- findings -------------------------------------------------------------------
@dataclass
class Finding:
    path: str                          # as shown
    line: int
    column: int                        # 1-based, in Unicode code points of the original line
    code: str
    message: str
    severity: str
    related: tuple | None = None    # (path, line) of the other article (W206)
    key: str = ""                      # what identifies it in a baseline: the flagged line's text
    locate: str = ""                   # which pattern finds the column in the original line

    @property
    def name(self) -> str:
        return CODES[self.code].name

    @property
    def fingerprint(self) -> str:
        return hashlib.blake2b(f"{self.code}\0{self.key}".encode("utf-8", "surrogateescape"),
                               digest_size=8).hexdigest()

    def sort_key(self):
        return (self.path, self.line, self.column, self.code)

    def record(self) -> dict:
        rel = {"path": safe_path(self.related[0]), "line": self.related[1]} if self.related else None
        return {"path": safe_path(self.path), "line": self.line, "column": self.column, "code": self.code,
                "name": self.name, "severity": self.severity, "message": self.message, "related": rel,
                "fingerprint": self.fingerprint}


@dataclass
class Settings:
    fail_on: str = "error"
    select: tuple = ()
    ignore: tuple = ()
    require_stance: bool = False
    max_size: int = 0                  # 0: the analyser's limit

    def __post_init__(self):
        if self.fail_on not in SEVERITIES:
            raise IpcorpusError(f"unknown --fail-on '{self.fail_on}' (choose from {', '.join(SEVERITIES)})")
        self.select = _codes(self.select, "--select")
        self.ignore = _codes(self.ignore, "--ignore")

    def enabled(self, code: str) -> bool:
        if any(code.startswith(p) for p in self.ignore):
            return False
        if not CODES[code].default:       # opt-in: named exactly, or I301 by --require-stance
            return code in self.select or (code == "I301" and self.require_stance)
        return not self.select or any(code.startswith(p) for p in self.select)

    def severity(self, code: str) -> str:
        if code == "I301" and self.require_stance:
            return "error"
        return CODES[code].severity

    def fails(self, f: Finding) -> bool:
        return SEVERITIES.index(f.severity) <= SEVERITIES.index(self.fail_on)


def _codes(values, option: str) -> tuple:
    out = []
    for v in values or ():
        for part in str(v).split(","):
            p = part.strip().upper()
            if not p:
                continue
            if not any(c.startswith(p) for c in CODES):
                raise IpcorpusError(f"{option}: unknown code '{part.strip()}' (codes: {', '.join(CODES)})")
            out.append(p)
    return tuple(out)


def parse_size(text: str | None) -> int:
    """`2000000`, `500K`, `2M`, `1G` (powers of 1024) -> bytes; None -> 0."""
    if text is None:
        return 0
    m = re.fullmatch(r"\s*(\d+)\s*([kmg]?)i?b?\s*", str(text), re.I)
    if not m or int(m.group(1)) == 0:
        raise IpcorpusError(f"--max-size: '{text}' is not a size (bytes, or a number with K, M or G)")
    return int(m.group(1)) * 1024 ** " kmg".index(m.group(2).lower() or " ")


# -- what is read ---------------------------------------------------------------
@dataclass
class Doc:
    """A checked article."""
    path: str                          # as shown
    abspath: str
    hash: str
    analysis: Analysis
    stance: Callable[[], ArticleStance] | None = None  # () -> its stance, when one can be had


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
    from ipcorpus.source import iter_paths
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
    _place(report.findings)
    report.findings.sort(key=Finding.sort_key)
    return report


def _readable(files: list[str], limit: int, report: Report, settings: Settings) -> list[str]:
    """The files to read: those larger than the limit are E104 without being read,
    those that cannot even be looked at are read errors."""
    from ipcorpus.source import read_stdin, stat_path
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
    return {os.path.abspath(f) for f in files}


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
    from ipcorpus.corpus.analysis import analyse_bytes, content_hash
    from ipcorpus.index import Store
    from ipcorpus.noise.rules import make_ruleset
    from ipcorpus.source import read_bytes
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
        docs.append(Doc(display, os.path.abspath(display), h, a))
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
    """Signatures of the other articles of the index, from their stored analyses: not
    analysed, not even read unless their size or time changed (then hashed, to find
    their analysis); only the sketch is kept of each."""
    if store is None:
        return [], 0
    from ipcorpus.corpus.analysis import content_hash
    from ipcorpus.source import read_bytes, stat_path
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
        a = store.analysis(h, version)[0]
        if a is None:
            stale += 1
            continue
        docs.append(signature(_shown(path), False, h, a, lambda h=h: store.analysis(h, version)[0]))
    return docs, stale


def _shown(abspath: str) -> str:
    rel = os.path.relpath(abspath)
    return abspath if rel.startswith("..") else rel


# -- one document -----------------------------------------------------------------
# Pinyin after a character or word, with tone marks or tone digits: 網(wǎng), 品牌(pǐn pái),
# 网(wang3). The normalizer removes one-syllable glosses; what it leaves is reported.
_SYLLABLE = rf"[bcdfghjklmnpqrstwxyz]{{0,2}}[aeiouü{_TONES}]{{1,3}}(?:ng|n|r)?[1-5]?"
# The lookahead is bounded (a gloss closes within 53 characters: six syllables of at
# most 8 and the spaces between), so each `(` costs a bounded look, not one to the end
# of the line: the same matches, in linear time.
_GLOSS = re.compile(rf"[{_CJK}][(（](?=[^)）]{{0,60}}[{_TONES}1-5])(?:{_SYLLABLE})(?: ?{_SYLLABLE}){{0,5}}[)）]")
_LOST = re.compile("\ufffd|" + _LOST_Q.pattern)      # where count_damage counts a lost character
_URL = re.compile(r"(?i)(?:https?://|www\.)[^\s<>()\[\]（）\"'“”]+")
_URL_LABEL = re.compile(r"(?i)(链接|网址|地址|原文|原文链接|来源|出处|link|url|source|via)?")
_NONWORD = re.compile(r"[\W_]+")
_DISCLAIMER = re.compile(
    r"免责声明|版权声明|特别声明|郑重声明|(如有|若有|如涉及|如果涉及)侵(权|犯)|侵权.{0,8}(删除|删)|侵删|"
    r"(版权|著作权)(归|属于?).{0,24}所有|保留(所有|一切)权利|"
    r"(本文|文章|以上|文中|该文)(观点|内容)?.{0,12}不代表.{0,16}(观点|立场)|不代表本(平台|站|网|号|刊|报)|"
    r"(观点|内容)仅代表(作者|个人)|仅代表(作者)?个人观点|(以上|本文|文章)(内容|观点)?.{0,6}仅供参考|"
    r"不构成.{0,10}(建议|要约|推荐|依据)|(禁止|严禁|谢绝|不得).{0,6}转载|转载(请|须|需)|信息存储(空间)?服务|"
    r"all rights reserved|disclaimer|for reference only|does not represent the (views|position)",
    re.I)
DISCLAIMER_MAX = 100      # longer lines are the article's own prose
DISCLAIMER_LEAD = 4       # ... and so are lines whose notice starts later than this (很多人以为版权归平台所有)
DISCLAIMER_SHORT = 30     # unless the line is this short: then it is all notice (图片来自网络，侵删)
_SPAM = re.compile(
    r"成人|无码|色情|黄色网站|博彩|娱乐城|百家乐|彩票|棋牌|赌场|赌博|网赌|澳门|真人|老虎机|六合彩|时时彩|"
    r"约炮|裸聊|一区|二区|三区|福利|快三|投注|下注|荷官|(?<![a-z])av(?![a-z])|pk10", re.I)


def _reads_like_disclaimer(plain: str) -> bool:
    """A notice is a line of its own: it opens with the notice (after a mark such as
    注：or【), or the line is short. A sentence that mentions copyright or advice in
    passing (很多人以为版权归平台所有，其实不然) is the article's prose."""
    if len(plain) > DISCLAIMER_MAX:
        return False
    m = _DISCLAIMER.search(plain)
    return m is not None and (m.start() <= DISCLAIMER_LEAD or len(plain) <= DISCLAIMER_SHORT)


def _is_url_line(plain: str) -> bool:
    if not _URL.search(plain):
        return False
    rest = _NONWORD.sub("", _URL.sub("", plain))
    return bool(_URL_LABEL.fullmatch(rest))


def _spam_words(plain: str) -> list[str]:
    words = []
    for m in _SPAM.finditer(plain):
        w = m.group().lower()
        if w not in words:
            words.append(w)
    if len(words) >= 3 and not any(c in plain for c in "。！？!?"):
        return words
    if len(words) >= 2 and plain.count("|") + plain.count("｜") >= 3:
        return words
    return []


def _short(text: str, n: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 1] + "…"


def _body_lines(a: Analysis) -> list[int]:
    """0-based indexes of the kept lines other than the title."""
    title = a.meta.title_line
    return [i for i in a.kept() if i + 1 != title]


def doc_findings(d: Doc, settings: Settings) -> list[Finding]:
    a = d.analysis
    out: list[Finding] = []

    def add(code, line, message, locate="", column=0):
        if settings.enabled(code):
            out.append(Finding(d.path, line, column, code, message, settings.severity(code), locate=locate))

    verdicts, plain = a.verdicts, a.plain
    body = _body_lines(a)
    if sum(len(_NONWORD.sub("", plain[i])) for i in body) < MIN_ARTICLE:
        dropped = Counter(rule for act, rule in verdicts if act == "drop")
        shown = ", ".join(f"{r} {n}" for r, n in sorted(dropped.items(), key=lambda kv: (-kv[1], kv[0]))[:4])
        lines = sum(1 for act, _ in verdicts if act != "blank")
        add("E103", 1, f"no article left after cleaning: {sum(dropped.values())} of {lines} lines dropped as "
                       f"noise" + (f" ({shown}{', …' if len(dropped) > 4 else ''})" if shown else ""), column=1)
        return out
    for i in a.kept():
        p = plain[i]
        n_line = a.line_number(i)
        if a.damage[i]:
            n = a.damage[i]
            add("W201", n_line, f"{n} character{'s' if n > 1 else ''} lost (`?` or U+FFFD where a character was)",
                "lost")
        glosses = [m.group() for m in _GLOSS.finditer(p)]
        if glosses:
            n = len(glosses)
            add("W202", n_line, f"{n} pinyin gloss{'es' if n > 1 else ''} left in the text: {', '.join(glosses[:3])}"
                f"{', …' if n > 3 else ''}", "gloss")
        if _is_url_line(p):
            add("W203", n_line, f"kept line is only a URL: {_short(p, 60)}", "url")
        if _reads_like_disclaimer(p):
            add("W204", n_line, f"kept line reads like a disclaimer: {_short(p)}", "disclaimer")
        spam = _spam_words(p)
        if spam:
            add("W205", n_line, f"kept line looks like injected keyword spam ({', '.join(spam[:4])})", "spam")
    if settings.enabled("I301") and d.stance is not None:
        st = d.stance()
        if st.label == "neutral" and not st.evidence:
            first = a.meta.title_line - 1 if a.meta.title_line else (body[0] if body else None)
            line = a.line_number(first) if first is not None else 1
            add("I301", line, "stance undetermined: no argument for founder-IP or matrix found (label neutral, "
                              "no evidence)", column=1)
    return out


_LOCATE = {"lost": _LOST, "gloss": _GLOSS, "url": _URL}


def _place(findings: list[Finding]):
    """Columns and baseline keys of the line findings (column 0), from the original
    lines: a file is read again only when it has some."""
    from ipcorpus.source import decode, read_bytes, split_lines
    by_path: dict = {}
    for f in findings:
        if f.column == 0:
            by_path.setdefault(f.path, []).append(f)
    for path, fs in by_path.items():
        try:
            lines = split_lines(decode(read_bytes(path)).text)
        except (InputError, OSError):
            lines = []
        for f in fs:
            orig = lines[f.line - 1] if f.line <= len(lines) else ""
            rx = _LOCATE.get(f.locate)
            m = rx.search(orig) if rx else None
            if m:
                f.column = m.start() + 1 + (1 if f.locate == "gloss" else 0)
            else:
                f.column = len(orig) - len(orig.lstrip()) + 1 if orig.strip() else 1
            f.key = orig.strip()


# -- reposts ----------------------------------------------------------------------
def _grams(a: Analysis) -> frozenset:
    """The kept text's shingles, as `ipcorpus report` groups reposts by them."""
    from ipcorpus.corpus.reposts import shingle_text, shingles
    return shingles(shingle_text(a.kept_text()))


def _lede(a: Analysis) -> int:
    """Line number of the first kept paragraph of prose (else of the first kept line)."""
    from ipcorpus.noise.text import is_prose
    body = _body_lines(a)
    return a.line_number(next((i for i in body if is_prose(a.plain[i])), body[0] if body else 0))


@dataclass
class Sig:
    """What repost detection keeps of an article: its MinHash sketch, and a way to get
    its analysis back for the exact comparison of a candidate pair."""
    path: str
    checked: bool
    hash: str
    lede: int
    sketch: tuple
    load: Callable


def signature(path: str, checked: bool, h: str, a: Analysis, load: Callable) -> Sig | None:
    from ipcorpus.corpus.reposts import MIN_CHARS, shingle_text, shingles, sketch
    text = shingle_text(a.kept_text())
    if len(text) < MIN_CHARS:
        return None
    return Sig(path, checked, h, _lede(a), sketch(shingles(text)), load)


def reposts(sigs: list[Sig], settings: Settings) -> list[Finding]:
    """W206 on each checked article that is a near-duplicate of another by the rule
    `ipcorpus report` groups reposts by (reposts.py: Jaccard of the kept text's
    character 5-grams at least 0.8, candidates from LSH bands of a MinHash sketch,
    then compared exactly). Between two checked files it goes on the later path in
    sorted order; against an indexed one, on the checked file. Only the checked
    files' candidates are compared, so one new file costs one query, not all pairs."""
    from ipcorpus.corpus.reposts import BANDS, ROWS, THRESHOLD, jaccard
    buckets: dict = {}
    by_hash: dict = {}
    for k, sg in enumerate(sigs):
        by_hash.setdefault(sg.hash, []).append(k)
        for b in range(BANDS):
            buckets.setdefault((b, sg.sketch[b * ROWS:(b + 1) * ROWS]), []).append(k)
    out = []
    for k, d in enumerate(sigs):
        if not d.checked:
            continue
        cands = set(by_hash[d.hash])
        for b in range(BANDS):
            cands.update(buckets[(b, d.sketch[b * ROWS:(b + 1) * ROWS])])
        mine = None
        best = None
        for o in sorted(cands):
            other = sigs[o]
            if o == k or (other.checked and other.path >= d.path):
                continue
            if other.hash == d.hash:
                sim = 1.0
            else:
                mine = mine if mine is not None else _grams(d.load())
                sim = jaccard(mine, _grams(other.load()))
            if sim >= THRESHOLD and (best is None or (-sim, other.path) < (-best[0], best[1].path)):
                best = (sim, other)
        if best is None:
            continue
        sim, other = best
        where = f"{safe_path(other.path)}:{other.lede}"
        msg = (f"duplicate of {where} (the same file)" if other.hash == d.hash else
               f"repost of {where} ({int(sim * 100)}% of the kept text is the same)")
        out.append(Finding(d.path, d.lede, 0, "W206", msg, settings.severity("W206"), (other.path, other.lede)))
    return out


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
    from ipcorpus.source import iter_paths
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


# -- baseline ---------------------------------------------------------------------
def _baseline_key(base_dir: str, path: str, code: str, fingerprint: str):
    return (os.path.normpath(os.path.join(base_dir, path)), code, fingerprint)


def write_baseline(path: str, findings: list[Finding]):
    """Record the findings, paths relative to the baseline file's folder."""
    base = os.path.dirname(os.path.abspath(path))
    recs = [{"path": os.path.relpath(os.path.abspath(f.path), base).replace(os.sep, "/"), "code": f.code,
             "fingerprint": f.fingerprint, "line": f.line, "message": f.message} for f in findings]
    data = {"tool": "ipcorpus", "format": 1, "findings": recs}
    try:
        # surrogateescape: a file name that is not UTF-8 round-trips as its bytes
        write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n", errors="surrogateescape")
    except OSError as e:
        raise IpcorpusError(f"{path}: cannot write baseline: {e.strerror}") from None


def load_baseline(path: str) -> Counter:
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
            data = json.load(fh)
        recs = data["findings"]
        base = os.path.dirname(os.path.abspath(path))
        return Counter(_baseline_key(base, r["path"], r["code"], r["fingerprint"]) for r in recs)
    except FileNotFoundError:
        raise IpcorpusError(f"{path}: no such baseline file (create one with --write-baseline)") from None
    except OSError as e:
        raise IpcorpusError(f"{path}: {e.strerror}") from None
    except (ValueError, KeyError, TypeError) as e:
        raise IpcorpusError(f"{path}: not an ipcorpus baseline ({e})") from None


def apply_baseline(findings: list[Finding], known: Counter) -> tuple[list[Finding], int]:
    """The findings the baseline does not hold (each baseline entry accepts one)."""
    left, accepted = [], 0
    known = Counter(known)
    for f in findings:
        k = _baseline_key(os.getcwd(), f.path, f.code, f.fingerprint)
        if known[k] > 0:
            known[k] -= 1
            accepted += 1
        else:
            left.append(f)
    return left, accepted


# -- formats ----------------------------------------------------------------------
def render(findings: list[Finding], fmt: str, out: Out, base: str | None = None):
    """`base`: the folder github and sarif paths are relative to (report_base)."""
    if fmt == "text":
        for f in findings:
            out.write(f"{safe_path(f.path)}:{f.line}:{f.column}: {f.code} {f.message}\n")
    elif fmt in ("json", "jsonl"):
        out.json([f.record() for f in findings])
    elif fmt == "github":
        for f in findings:
            out.write(github_line(f, base) + "\n")
    elif fmt == "sarif":
        out.write(json.dumps(sarif(findings, base), ensure_ascii=False, indent=2) + "\n")


def report_base(paths: list[str], base: str | None = None) -> str:
    """The folder that github and sarif paths are relative to: `--base`, else the top
    of the git work tree that holds the checked paths (what GitHub resolves them
    against), else the current folder."""
    if base is not None:
        if not os.path.isdir(base):
            raise IpcorpusError(f"--base {base}: no such folder")
        return os.path.abspath(base)
    first = paths[0] if paths else "."
    where = first if os.path.isdir(first) else (os.path.dirname(first) or ".")
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=where, capture_output=True, check=False)
    except OSError:                        # no git, or the folder went away
        return os.getcwd()
    found = os.fsdecode(top.stdout).rstrip("\n")
    return found if top.returncode == 0 and found else os.getcwd()


def _from_base(path: str, base: str | None) -> str:
    """`path` relative to `base` with / separators; absolute when it lies outside."""
    if base is None:
        return path
    full = os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(path))), os.path.basename(path))
    rel = os.path.relpath(full, os.path.realpath(base))
    return full if rel == ".." or rel.startswith(".." + os.sep) else rel.replace(os.sep, "/")


_GH_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _gh_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(s: str) -> str:
    return _gh_data(s).replace(":", "%3A").replace(",", "%2C")


def github_line(f: Finding, base: str | None = None) -> str:
    """A GitHub Actions workflow command: `::error file=…,line=…,col=…,title=…::message`."""
    where = _gh_prop(safe_path(_from_base(f.path, base)))
    props = f"file={where},line={f.line},col={f.column},title={_gh_prop(f'{f.code} {f.name}')}"
    return f"::{_GH_LEVEL[f.severity]} {props}::{_gh_data(f.message)}"


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    p = safe_path(path)
    if os.path.isabs(p):
        return "file://" + quote(p.replace(os.sep, "/"))
    return quote(p.replace(os.sep, "/"))


def _location(path: str, line: int, column: int | None = None, base: str | None = None) -> dict:
    region = {"startLine": line}
    if column:
        region["startColumn"] = column
    return {"physicalLocation": {"artifactLocation": {"uri": _uri(_from_base(path, base))}, "region": region}}


def sarif(findings: list[Finding], base: str | None = None) -> dict:
    """SARIF 2.1.0: one run, every code as a rule; columns in code points."""
    index = {c: k for k, c in enumerate(CODES)}
    rules = [{"id": c.code, "name": c.name, "shortDescription": {"text": c.summary},
              "defaultConfiguration": {"level": _SARIF_LEVEL[c.severity], "enabled": c.default}}
             for c in CODES.values()]
    results = []
    for f in findings:
        r = {"ruleId": f.code, "ruleIndex": index[f.code], "level": _SARIF_LEVEL[f.severity],
             "message": {"text": f.message}, "locations": [_location(f.path, f.line, f.column, base=base)],
             "partialFingerprints": {"ipcorpusFingerprint/v1": f.fingerprint}}
        if f.related:
            r["relatedLocations"] = [{"id": 1, **_location(f.related[0], f.related[1], base=base),
                                      "message": {"text": "the other article"}}]
        results.append(r)
    return {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
            "runs": [{"tool": {"driver": {"name": "ipcorpus", "version": __version__, "rules": rules}},
                      "columnKind": "unicodeCodePoints", "results": results}]}


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
