"""What `stance` prints: a row per article (with its evidence), --explain, --by entity;
the stance records `report` and the library share."""
from __future__ import annotations

import json
import textwrap

from ipcorpus.commands.output import Out, safe_path
from ipcorpus.models import cite, side_score

LABELS = ("founder-ip", "matrix", "mixed", "neutral")
SORTS = ("path", "label", "score", "date")


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
    """The machine-format stance output as one piece per document (index/output_cache.py):
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
