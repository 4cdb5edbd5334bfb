"""What each command prints, computed from the corpus and handed to the output layer."""
from __future__ import annotations

import json
import os
import re
import textwrap
from collections import Counter

from ipcorpus.commands.output import Out, safe_path
from ipcorpus.errors import IpcorpusError
from ipcorpus.models import cite, side_score

LABELS = ("founder-ip", "matrix", "mixed", "neutral")
SORTS = ("path", "label", "score", "date")


# ingest -------------------------------------------------------------------------
def ingest_summary(corpus, out: Out):
    status = Counter(f.status for f in corpus.files)
    enc: Counter[str] = Counter()
    script: Counter[str] = Counter()
    lines = damaged = kept = dropped = 0
    for f in corpus.docs():
        st = corpus.stats(f)
        enc[st["encoding"]] += 1
        script[st["script"]] += 1
        lines += st["lines"]
        damaged += st["damaged"]
        kept += st["kept"]
        dropped += st["dropped"]
    summary = {
        "files": len(corpus.files), "new": status["new"], "changed": status["changed"],
        "unchanged": status["unchanged"], "failed": status["failed"], "pruned": corpus.pruned,
        "encodings": dict(sorted(enc.items())), "scripts": dict(sorted(script.items())),
        "lines": lines, "kept": kept, "dropped": dropped, "damaged_lines": damaged,
        "failures": [{"path": safe_path(f.path), "error": f.error} for f in corpus.failed()],
        "index": corpus.store.path if corpus.store else None,
    }
    if out.fmt in ("json", "jsonl"):
        out.json(summary)
        return
    rows = [[k, v] for k, v in summary.items() if k not in ("encodings", "scripts", "failures")]
    rows.insert(6, ["encodings", " ".join(f"{k}:{v}" for k, v in summary["encodings"].items())])
    rows.insert(7, ["scripts", " ".join(f"{k}:{v}" for k, v in summary["scripts"].items())])
    out.rows(["metric", "value"], rows, title="ingest")


# clean --------------------------------------------------------------------------
def _original_lines(path: str):
    from ipcorpus.document import original_lines
    return original_lines(path)


def clean_record(corpus, f) -> dict:
    a = corpus.analysis(f)
    lines = []
    for i, (action, rule) in enumerate(a.verdicts):
        if action == "blank":
            continue
        if a.is_kept(i):
            lines.append({"line": a.line_number(i), "action": "keep", "text": a.plain[i]})
        else:
            lines.append({"line": a.line_number(i), "action": "drop", "rule": rule})
    m = a.meta
    return {"path": safe_path(f.path), "encoding": a.encoding, "script": a.script,
            "title": m.title, "source": m.source, "author": m.author,
            "published": m.published, "original_title": m.original_title,
            "damaged_lines": a.damaged(),
            "lines": lines}


def suspects(plain: list, verdicts: list) -> dict:
    """Kept lines a reader may take for furniture, and what makes them look so:
    short or list-like without being a sentence, link-like, or after the article's
    last paragraph."""
    from ipcorpus.noise.text import SENT_PUNCT, is_prose, is_sentence
    kept = [i for i, (action, _) in enumerate(verdicts) if action == "keep"]
    prose = [i for i in kept if is_prose(plain[i])]
    last = prose[-1] if prose else -1
    out = {}
    for i in kept:
        s = plain[i]
        sentence = is_sentence(s) or s.endswith(tuple(SENT_PUNCT))
        why = []
        if len(s) <= 20 and not sentence:
            why.append("short")
        if not sentence and (s[:1] in "-*•·" or s[:2].rstrip(".、)）").isdigit()):
            why.append("list-like")
        if "http" in s or "www." in s or "@" in s:
            why.append("link-like")
        if i > last:
            why.append("after the last paragraph")
        if why:
            out[i] = why
    return out


def clean_output(corpus, out: Out, fmt: str, original: bool = False, explain: bool = False, kept: bool = False):
    docs = corpus.docs()
    if kept:
        _kept_output(corpus, out, fmt, docs)
        return
    if fmt in ("json", "jsonl"):
        out.json([clean_record(corpus, f) for f in docs])
        return
    if fmt == "text":
        many = len(docs) > 1
        for f in docs:
            a = corpus.analysis(f)
            orig = _original_lines(f.abspath) if original or explain else []
            if explain:
                for i, (action, rule) in enumerate(a.verdicts):
                    if action == "drop":
                        out.write(f"{safe_path(f.path)}:{a.line_number(i)}: [{rule}] {orig[i]}\n")
                continue
            if many:
                out.write(f"==> {safe_path(f.path)} <==\n")
            for i in a.kept():
                out.write((orig[i] if original else a.plain[i]) + "\n")
        return
    rows = []
    for f in docs:
        a = corpus.analysis(f)
        for i, (action, rule) in enumerate(a.verdicts):
            if action == "blank":
                continue
            if explain and action != "drop":
                continue
            rows.append([cite(safe_path(f.path), a.line_number(i)), action, rule or "", a.plain[i]])
    out.rows(["citation", "action", "rule", "text"], rows, nowrap=["citation"])


def _kept_output(corpus, out: Out, fmt: str, docs):
    """clean --explain --kept: the kept lines a user may suspect, each with what makes
    it suspect and why it was kept (the rules that match it and what held them off):
    short, list-like, link-like lines, those after the last paragraph, and any kept
    line that a rule matches."""
    from ipcorpus.corpus.workers import worker_rules
    from ipcorpus.noise.rules import held_off
    from ipcorpus.noise.text import is_prose
    rules = worker_rules(corpus.options)
    rows = []
    for f in docs:
        a = corpus.analysis(f)
        orig = _original_lines(f.abspath)
        verdicts, plain = a.verdicts, a.plain
        prose = [i for i, (action, _) in enumerate(verdicts) if action == "keep" and is_prose(plain[i])]
        marked = suspects(plain, verdicts)
        for i, (action, _) in enumerate(verdicts):
            if action != "keep":
                continue
            in_core = bool(prose) and prose[0] <= i <= prose[-1]
            held = held_off(rules, plain[i], orig[i] if i < len(orig) else plain[i], in_core)
            why = marked.get(i, []) + (["a rule matches"] if held else [])
            if why:
                rows.append([cite(safe_path(f.path), a.line_number(i)), ", ".join(why),
                             "; ".join(held) if held else "no rule matches", plain[i]])
    if fmt == "text":
        for c, why, reason, text in rows:
            out.write(f"{c}: [kept: {why}; {reason}] {text}\n")
        return
    if fmt in ("json", "jsonl"):
        out.json([{"citation": c, "suspect": why, "kept_because": reason, "text": text}
                  for c, why, reason, text in rows])
        return
    out.rows(["citation", "suspect", "kept_because", "text"], rows, nowrap=["citation"])


# stance -------------------------------------------------------------------------
def stance_record(corpus, f, evidence: int = 10) -> dict:
    return stance_dict(f.path, corpus.stance(f), evidence)


def stance_dict(path: str, s, evidence: int = 10) -> dict:
    """One article's stance record (models.ArticleStance) as the machine formats print it."""
    path = safe_path(path)
    ev = [{"line": e.line, "end_line": e.end_line, "citation": e.cite(path),
           "side": e.side, "weight": e.weight, "rules": e.rules, "text": e.text}
          for e in s.evidence[:evidence]]
    return {"path": path, "title": s.title, "source": s.source,
            "published": s.published, "label": s.label, "score": s.score,
            "confidence": s.confidence, "topic": s.topic, "reason": s.reason,
            "founder": s.founder, "matrix": s.matrix,
            "entities": s.entities, "evidence": ev}


_STANCE_COLS = ["path", "title", "source", "published", "label", "score", "founder", "matrix", "citation"]
_EVIDENCE_COLS = ["citation", "label", "rank", "side", "weight", "rules", "text"]


def _stance_row(r: dict) -> list:
    return [r["path"], r["title"], r["source"], (r["published"] or "")[:10], r["label"], r["score"],
            r["founder"], r["matrix"], r["evidence"][0]["citation"] if r["evidence"] else ""]


def _evidence_rows(r: dict, evidence: int) -> list:
    return [[e["citation"], r["label"], k, e["side"], e["weight"], " ".join(e["rules"]), e["text"]]
            for k, e in enumerate(r["evidence"][:evidence], 1)]


def _json_array(pieces: list) -> str:
    """What json.dumps(list, indent=2) prints, from each item's own indented dump."""
    items = [p for p in pieces if p]
    return "[\n" + ",\n".join(items) + "\n]\n" if items else "[]\n"


def stance_docs(corpus, labels=(), sort: str | None = None, limit: int | None = None) -> list:
    """The documents `stance` prints, in order: walk order (by path within each folder)
    unless sorted by path, label (founder-ip, matrix, mixed, neutral), score (highest,
    the most founder-IP, first) or date (newest first, undated last), ties always by
    path; with a limit, the first `limit` of those with the labels asked for."""
    docs = corpus.docs()
    if sort is None and limit is None:
        return docs             # as they are: the labels are filtered piece by piece
    if labels:
        docs = [f for f in docs if corpus.stance(f).label in labels]
    if sort is not None:
        docs = sorted(docs, key=lambda f: safe_path(f.path))
        if sort == "label":
            docs.sort(key=lambda f: LABELS.index(corpus.stance(f).label))
        elif sort == "score":
            docs.sort(key=lambda f: -corpus.stance(f).score)
        elif sort == "date":
            # Newest first and undated last: reversed, a stable sort keeps ties in path order.
            docs.sort(key=lambda f: (corpus.stance(f).published is not None, corpus.stance(f).published or ""),
                      reverse=True)
    return docs[:limit] if limit is not None else docs


def stance_pieces(corpus, fmt: str, evidence: int = 0, labels=(), docs: list | None = None):
    """The machine-format stance output as one piece per document (results.py):
    (documents, piece(document), assemble(pieces)); None for a terminal table.
    `docs`: the documents in the order to print (stance_docs), else all."""
    if fmt not in ("json", "jsonl", "tsv", "csv", "markdown"):
        return None
    docs = corpus.docs() if docs is None else docs

    def rec(f):
        r = stance_record(corpus, f, max(evidence, 10))
        if labels and r["label"] not in labels:
            return None
        if evidence:
            r["evidence"] = r["evidence"][:evidence]
        return r

    if fmt == "jsonl":
        def jsonl_piece(f):
            r = rec(f)
            return json.dumps(r, ensure_ascii=False) + "\n" if r else ""
        return docs, jsonl_piece, "".join
    if fmt == "json":
        def json_piece(f):
            r = rec(f)
            return textwrap.indent(json.dumps(r, ensure_ascii=False, indent=2), "  ") if r else ""
        return docs, json_piece, _json_array
    from ipcorpus.commands.output import table_body, table_head
    cols = _EVIDENCE_COLS if evidence else _STANCE_COLS

    def piece(f):
        r = rec(f)
        if r is None:
            return ""
        return table_body(_evidence_rows(r, evidence) if evidence else [_stance_row(r)], fmt)
    return docs, piece, lambda parts: table_head(cols, fmt) + "".join(parts)


def stance_output(corpus, out: Out, evidence: int = 0, by=None, labels=(), docs: list | None = None):
    if by != "entity":
        pieces = stance_pieces(corpus, out.fmt, evidence, labels, docs)
        if pieces is not None:
            docs, piece, assemble = pieces
            out.write(assemble([piece(f) for f in docs]))
            return
    recs = [stance_record(corpus, f, max(evidence, 10)) for f in (corpus.docs() if docs is None else docs)]
    if labels:
        recs = [r for r in recs if r["label"] in labels]
    if by == "entity":
        return entity_output(recs, out)
    # On a terminal the citation already names the file: no separate path column.
    # founder/matrix weights and dates are in tsv/json; the terminal keeps what fits.
    tcols = ["article", "label", "score", "title"]
    trows = [[r["evidence"][0]["citation"] if r["evidence"] else r["path"], r["label"], r["score"],
              r["title"]] for r in recs]
    out.rows(tcols, trows, title="stance")
    if evidence:
        erows = [[e["citation"], e["side"], e["weight"], e["text"]]
                 for r in recs for e in r["evidence"][:evidence]]
        out.rows(["citation", "side", "weight", "text"], erows, title="evidence")


_EXPLAIN_COLS = ["citation", "label", "counts", "side", "weight", "rules", "text"]


def stance_explain_output(corpus, out: Out, labels=(), docs: list | None = None):
    """Why each article got its label: a `decision` row (the model's probability
    against its threshold, the features it read, the reason for a neutral), then
    every sentence that carries a target, with whether it counted: `on-question` (on the
    question, in the author's voice), `quoted` (someone else's words) or
    `off-question` (a person's IP with no company behind it, a matrix for traffic …)."""
    from ipcorpus.corpus.analysis import article_units, cited
    from ipcorpus.stance.aggregate import explain
    from ipcorpus.stance.lexicon import get_lexicon
    lex = get_lexicon(tuple(corpus.options.lexicons))
    rows: list[list] = []
    recs: list[dict] = []
    for f in corpus.docs() if docs is None else docs:
        an = corpus.analysis(f)
        st, feats, dec = explain(article_units(an), lex, cite_all=True)
        cited(an, st.evidence)
        if labels and st.label not in labels:
            continue
        path = safe_path(f.path)
        threshold = float(lex.decision.get("threshold", 0.5))
        why = (f"p={dec.probability:.3f} threshold={threshold:.3f} topic={dec.topic}"
               + (f" reason={dec.reason}" if dec.reason else "")
               + f" sentences={feats.sentences} on_question={feats.on_question} quoted={feats.quoted}"
               f" thesis={feats.thesis} argued={feats.argued} cluster={feats.cluster}"
               f" weight={feats.weight:.3f} off_weight={feats.off_weight:.3f}")
        rows.append([path, st.label, "decision", "", st.score, "", why])
        recs.append({"path": path, "label": st.label, "topic": dec.topic, "reason": dec.reason,
                     "probability": round(dec.probability, 3), "threshold": threshold,
                     "features": {k: round(v, 3) if isinstance(v, float) else v for k, v in vars(feats).items()},
                     "sentences": []})
        for e in st.evidence:
            counts = e.rules[-1]
            c = cite(path, e.line, e.end_line)
            rules = [r for r in e.rules[:-1]]
            rows.append([c, st.label, counts, e.side, e.weight, " ".join(rules), e.text])
            recs[-1]["sentences"].append({"citation": c, "line": e.line, "end_line": e.end_line, "counts": counts,
                                          "side": e.side, "weight": e.weight, "rules": rules, "text": e.text})
    out.rows(_EXPLAIN_COLS, rows, title="stance, explained", nowrap=["citation"], records=recs)


def entity_output(recs, out: Out):
    agg: dict = {}
    for r in recs:
        for name, e in r["entities"].items():
            # Label counts and side weights are kept apart: the label "matrix" and the
            # matrix weight would otherwise share one key.
            a = agg.setdefault(name, {"articles": 0, "mentions": 0, "founder": 0.0, "matrix": 0.0,
                                      "labels": {lb: 0 for lb in LABELS}})
            a["articles"] += 1
            a["mentions"] += e["mentions"]
            a["founder"] += e["founder"]
            a["matrix"] += e["matrix"]
            # An article's label counts for an entity only if the entity carries stance in it.
            a["labels"][r["label"] if (e["founder"] or e["matrix"]) else "neutral"] += 1
    rows, recs_out = [], []
    for name, a in sorted(agg.items(), key=lambda kv: (-kv[1]["articles"], -kv[1]["mentions"], kv[0])):
        score = side_score(a["founder"], a["matrix"])
        lab = a["labels"]
        rows.append([name, a["articles"], a["mentions"], lab["founder-ip"], lab["matrix"], lab["mixed"], lab["neutral"],
                     score, round(a["founder"], 3), round(a["matrix"], 3)])
        recs_out.append({"entity": name, "articles": a["articles"], "mentions": a["mentions"],
                         "labels": dict(lab), "score": score,
                         "founder": round(a["founder"], 3), "matrix": round(a["matrix"], 3)})
    out.rows(["entity", "articles", "mentions", "founder-ip", "matrix", "mixed", "neutral", "score", "founder_weight",
              "matrix_weight"], rows, records=recs_out)


# rules --------------------------------------------------------------------------
def _rule_set(config=None):
    """The shipped rules and the [[clean.rule]] tables of --config or, without it, of
    the nearest ipcorpus.toml at or above the current folder."""
    from ipcorpus.config import find_config, load_config
    from ipcorpus.noise.rules import make_ruleset
    path = find_config(["."], config)
    user = load_config(path).get("clean", {}).get("rule")
    return make_ruleset({"rule": user, "file": path} if user else None)


def rules_output(out: Out, config=None):
    from ipcorpus.noise.rules import BUILTIN
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
    from ipcorpus.noise.examples import check
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
    from ipcorpus.source import STDIN
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
    orig = _original_lines(f.abspath)
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
    from ipcorpus.source import MAX_BYTES
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
