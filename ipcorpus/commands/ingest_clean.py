"""What `ingest` and `clean` print: the run's summary, each article's kept lines, the
dropped lines with their rules, the kept lines that may be furniture."""
from __future__ import annotations

from collections import Counter

from ipcorpus.commands.output import Out, safe_path
from ipcorpus.models import cite


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
    from ipcorpus.read.document import original_lines
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
    from ipcorpus.clean.text import SENT_PUNCT, is_prose, is_sentence
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
    from ipcorpus.clean.rules import held_off
    from ipcorpus.clean.text import is_prose
    from ipcorpus.corpus.workers import worker_rules
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
