"""What `rules`, `show` and `config` print: the rule table and its self-test, a cited
line in its context, the settings a run would use and where each came from."""
from __future__ import annotations

import os
import re

from ipcorpus.commands.output import Out
from ipcorpus.errors import IpcorpusError


def _rule_set(config=None):
    """The shipped rules and the [[clean.rule]] tables of --config or, without it, of
    the nearest ipcorpus.toml at or above the current folder."""
    from ipcorpus.clean.rules import make_ruleset
    from ipcorpus.config import find_config, load_config
    path = find_config(["."], config)
    user = load_config(path).get("clean", {}).get("rule")
    return make_ruleset({"rule": user, "file": path} if user else None)


def rules_output(out: Out, config=None):
    from ipcorpus.clean.rules import BUILTIN
    rs = _rule_set(config)
    rows = []
    for p in rs.packs:
        for r in p.rules:
            rows.append([r.name, r.family, p.name, "yes" if r.default else "no", r.description])
    for name, (family, desc) in BUILTIN.items():
        rows.append([name, family, "builtin", "yes", desc])
    cols = ["rule", "family", "pack", "default", "description"]
    # JSON says true/false; the tables say yes/no.
    recs = [{**dict(zip(cols, r, strict=True)), "default": r[3] == "yes"} for r in rows]
    out.rows(cols, rows, nowrap=["rule"], records=recs)


def rules_test_output(out: Out, config=None) -> int:
    """Every rule's examples and keeps run (noise/examples.py): a line per failure on
    stdout, the summary on stderr; the exit code, 1 when any failed."""
    from ipcorpus.clean.examples import check
    found = check(_rule_set(config))
    out.write("".join(f"{f}\n" for f in found.failures))
    out.note(f"ipcorpus rules: {found.summary()}")
    return 1 if found.failures else 0


# show ---------------------------------------------------------------------------
_CITE = re.compile(r"^(?P<path>.+?):(?P<a>\d+)(?:-(?P<b>\d+))?$")


def parse_citation(text: str) -> tuple[str, int, int]:
    m = _CITE.match(text)
    if not m:
        raise IpcorpusError(f"'{text}' is not a citation (path:line or path:line-end)")
    a = int(m.group("a"))
    b = int(m.group("b") or a)
    if a < 1 or b < a:
        raise IpcorpusError(f"'{text}': line range must start at 1 and not run backwards")
    return m.group("path"), a, b


def _unescaped(path: str) -> str:
    """The inverse of safe_path: `\\xNN` back to the byte, so that the citation of a
    file whose name is not UTF-8 resolves as it was printed."""
    raw = re.sub(rb"\\x([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]),
                 path.encode("utf-8", "surrogateescape"))
    return os.fsdecode(raw)


def show_output(citation: str, context: int, normalized: bool, out: Out, make_options):
    from ipcorpus.corpus.pipeline import run
    from ipcorpus.read.source import STDIN
    path, a, b = parse_citation(citation)
    if not os.path.exists(path) and "\\x" in path and os.path.exists(_unescaped(path)):
        path = _unescaped(path)
    if path == STDIN and not os.path.exists(path):
        path = "-"          # a citation of standard input: the article piped in again
    if path != "-" and not os.path.exists(path):
        raise IpcorpusError(f"{path}: no such file or directory")
    if os.path.isdir(path):
        raise IpcorpusError(f"{path}: is a directory")
    corpus = run([path], make_options(path))
    f = corpus.files[0]
    if not f.ok:
        raise IpcorpusError(f"{f.path}: {f.error}")
    an = corpus.analysis(f)
    shown, marked = _shown(an, citation, a, b, context)
    from ipcorpus.read.document import original_lines
    orig = original_lines(f.abspath)
    width = len(str(max(an.line_number(i) for i in shown)))
    for i in shown:
        action, rule = an.verdicts[i]
        mark = ">" if i in marked else " "
        text = an.text[i] if normalized else orig[i]
        tag = f"  [drop: {rule}]" if action == "drop" else ""
        out.write(f"{mark}{an.line_number(i):>{width}}| {text}{tag}".rstrip() + "\n")


def _shown(an, citation: str, a: int, b: int, context: int) -> tuple[range, set]:
    """The indexes show prints and those it marks: lines a..b of a text file with
    `context` lines around; of a web page, the blocks starting on lines a..b (else
    the block running over line a, the last to start before it) with `context`
    blocks around."""
    n = len(an.verdicts)
    if not an.numbers:
        if a > n:
            raise IpcorpusError(f"{citation}: the file has {n} lines")
        b = min(b, n)
        return range(max(0, a - 1 - context), min(n, b + context)), set(range(a - 1, b))
    marked = an.indexes_at(a, b) or [i for i in range(n) if an.numbers[i] <= a][-1:]
    if not marked:
        raise IpcorpusError(f"{citation}: no text of the page starts on or before line {a}")
    return range(max(0, marked[0] - context), min(n, marked[-1] + 1 + context)), set(marked)


# config -------------------------------------------------------------------------
def config_output(settings, index: tuple, out: Out):
    """The effective settings (config.Resolved) and where each came from: "default",
    "command line", the ipcorpus.toml, or both; `index` is (path, its source)."""
    from ipcorpus.read.source import MAX_BYTES
    src = settings.sources
    found = "command line" if src.get("config") == "command line" else \
        "found at or above the paths" if settings.config else "none found"
    recs = [
        ("config", settings.config, found),
        ("glob", list(settings.patterns), src["glob"]),
        ("max_size", settings.max_size if settings.max_size is not None else MAX_BYTES, src["max_size"]),
        ("keep_rules", list(settings.keep_rules), src["keep_rules"]),
        ("drop_rules", list(settings.drop_rules), src["drop_rules"]),
        ("rules", [r["name"] for r in settings.user_rules], src["rules"]),
        ("lexicon", list(settings.lexicons), src["lexicon"]),
        ("index", *index),
    ]
    out.rows(["setting", "value", "source"], [list(r) for r in recs], title="settings", nowrap=["setting"],
             records=[{"setting": k, "value": v, "source": s} for k, v, s in recs])
