"""The brief as a long-form table (TSV or CSV): every figure one row of section, key,
metric, value, for a spreadsheet or a script."""
from __future__ import annotations

from ipcorpus.commands.stance_tables import LABELS
from ipcorpus.report.common import ranges


def long_rows(r: dict) -> list[list]:
    """Every figure as one row: section, key, metric, value."""
    rows: list[list] = []
    for section in (_corpus, _stance, _reposts, _breakdowns, _months, _entities, _voices, _health):
        rows += section(r)
    return rows


def _corpus(r: dict) -> list[list]:
    c = r["corpus"]
    return [["corpus", "", k, c[k]]
            for k in ("files", "documents", "articles", "copies_folded", "first_published", "last_published")]


def _stance(r: dict) -> list[list]:
    st = r["stance"]
    rows = [["stance", "", k, st[k]] for k in ("articles", "argued", "off_question")]
    for lb in LABELS:
        rows.append(["stance", lb, "count", st["labels"][lb]["count"]])
        rows.append(["stance", lb, "share", st["labels"][lb]["share"]])
        if lb != "neutral":
            rows.append(["stance", lb, "share_of_argued", st["labels"][lb]["share_of_argued"]])
    return rows


def _reposts(r: dict) -> list[list]:
    return [["repost", g["article"], cp["path"], cp["similarity"]] for g in r["reposts"]["list"] for cp in g["copies"]]


def _breakdowns(r: dict) -> list[list]:
    rows = []
    for name, key, count_key in (("source", "by_source", "articles"), ("portal", "by_portal", "documents")):
        for x in r[key]:
            rows.append([name, x[name] or "", count_key, x[count_key]])
            rows += [[name, x[name] or "", lb, x["labels"][lb]] for lb in LABELS]
    return rows


def _months(r: dict) -> list[list]:
    ms = r["by_month"]
    rows = []
    for m in ms["months"] + [{"month": "undated", **ms["undated"]}]:
        rows.append(["month", m["month"], "articles", m["articles"]])
        rows += [["month", m["month"], lb, m["labels"][lb]] for lb in LABELS]
    return rows


def _entities(r: dict) -> list[list]:
    rows = []
    for e in r["by_entity"]:
        rows += [["entity", e["entity"], k, e[k]] for k in ("articles", "mentions")]
        rows += [["entity", e["entity"], lb, e["labels"][lb]] for lb in LABELS]
        rows += [["entity", e["entity"], k, e[k]] for k in ("score", "founder", "matrix")]
    return rows


def _voices(r: dict) -> list[list]:
    rows = []
    for side in ("founder-ip", "matrix"):
        rows += [["evidence", side, e["citation"], e["weight"]] for e in r["voices"][side]["evidence"]]
        rows += [["keyword", side, k["word"], k["weight"]] for k in r["voices"][side]["keywords"]]
    return rows


def _health(r: dict) -> list[list]:
    h = r["health"]
    rows = [["health", "", "files", h["files"]], ["health", "", "analysed", h["analysed"]]]
    rows += [["health", k, "count", h[k]["count"]] for k in ("failed", "all_noise", "damaged")]
    rows.append(["health", "damaged", "lines", h["damaged"]["lines"]])
    rows += [["health", "failed", x["path"], x["error"]] for x in h["failed"]["files"]]
    rows += [["health", "all_noise", p, ""] for p in h["all_noise"]["files"]]
    rows += [["health", "damaged", d["path"], ranges(d["lines"])] for d in h["damaged"]["files"]]
    rows += [["health", "script", k, v] for k, v in h["scripts"].items()]
    rows += [["health", "encoding", k, v] for k, v in h["encodings"].items()]
    return rows


def long_form(r: dict, fmt: str = "tsv") -> str:
    from ipcorpus.commands.output import delimited
    return delimited(["section", "key", "metric", "value"], long_rows(r), "csv" if fmt == "csv" else "tsv")


