"""The brief as Markdown: every piece of article text escaped, so a pasted link or
tag stays text."""
from __future__ import annotations

import re

from ipcorpus.commands.stance_tables import LABELS
from ipcorpus.report.common import (
    BAR,
    GLYPHS,
    SIDE_NAMES,
    day,
    lines_text,
    of_argued,
    pct,
    plural,
    reposts_line,
    summary,
    text_month_chart,
    undated_line,
)
from ipcorpus.report.figures import stance_sentence

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def md(text) -> str:
    """Article text as inert Markdown: markup characters escaped (so a pasted
    `[x](javascript:…)` or `<script>` stays text), line breaks folded."""
    s = "" if text is None else str(text)
    s = s.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return _MD_SPECIAL.sub(r"\\\1", s)


def md_code(text) -> str:
    """A path or citation as a code span (shown verbatim), or escaped text when it
    holds a backtick or a pipe."""
    s = "" if text is None else str(text)
    if any(ch in s for ch in "`|\r\n\t"):
        return md(s)
    return f"`{s}`"


def _md_table(columns, rows) -> str:
    """A Markdown table of cells already escaped with md() / md_code()."""
    out = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    out += ["| " + " | ".join(c for c in r) + " |" for r in rows]
    return "\n".join(out) + "\n"


def markdown(r: dict) -> str:
    paths = ", ".join(r["corpus"]["paths"]) or "corpus"
    w = [f"# Corpus brief: {md_code(paths)}\n", f"{md(summary(r))}\n"]
    st = r["stance"]
    w.append(f"## Stance\n\n{md(stance_sentence(st))}\n")
    w.append(_md_table(["stance", "articles", "share", "of argued", ""],
                       [[lb, str(st["labels"][lb]["count"]), pct(st["labels"][lb]["share"]),
                         of_argued(st["labels"][lb]),
                         GLYPHS[lb] * round(st["labels"][lb]["share"] * BAR)] for lb in LABELS]))
    rows = text_month_chart(r["by_month"])
    if rows:
        w.append("\n## Stance by month\n\n```text")
        for month, segs, total in rows:
            w.append(f"{month:<8} {''.join(GLYPHS[lb] * c for lb, c in segs)} {total}")
        w.append("")
        w.append("   ".join(f"{GLYPHS[lb] * 2} {lb}" for lb in LABELS))
        if undated_line(r["by_month"]):
            w.append(undated_line(r["by_month"]))
        w.append("```\n")
    ms = r["by_month"]
    mrows = [[m["month"], str(m["articles"])] + [str(m["labels"][lb]) for lb in LABELS] for m in ms["months"]]
    if ms["undated"]["articles"]:
        mrows.append(["undated", str(ms["undated"]["articles"])] + [str(ms["undated"]["labels"][lb]) for lb in LABELS])
    w.append(_md_table(["month", "articles", *LABELS], mrows))
    rp = r["reposts"]
    w.append(f"\n## Reposts\n\n{reposts_line(rp)}\n")
    if rp["list"]:
        copies = []
        for g in rp["list"]:
            for cp in g["copies"]:
                copies.append([md(g["title"]), md_code(cp["path"]), md(cp["portal"] or ""),
                               day(cp["published"]), cp["label"], f"{cp['similarity']:.3f}"])
        w.append(_md_table(["article", "copy", "portal", "published", "label", "similarity"], copies))
    for title, key, count_key in (("By source", "by_source", "articles"), ("By portal (every copy)", "by_portal",
                                                                           "documents")):
        name = "source" if key == "by_source" else "portal"
        w.append(f"\n## {title}\n")
        w.append(_md_table([name, count_key, *LABELS],
                           [[md(x[name] if x[name] is not None else "(unknown)"), str(x[count_key])] +
                            [str(x["labels"][lb]) for lb in LABELS] for x in r[key]]))
    if r["by_entity"]:
        w.append("\n## By entity\n\nScore > 0 leans founder-IP.\n")
        w.append(_md_table(["entity", "articles", "mentions", *LABELS, "score"],
                           [[md(e["entity"]), str(e["articles"]), str(e["mentions"])] +
                            [str(e["labels"][lb]) for lb in LABELS] + [f"{e['score']:+.3f}"] for e in r["by_entity"]]))
    for side in ("founder-ip", "matrix"):
        v = r["voices"][side]
        w.append(f"\n## Voices for {SIDE_NAMES[side]}\n\n{plural(v['articles'], 'article')} labelled {side}. Keywords: "
                 f"{md('、'.join(k['word'] for k in v['keywords'])) or '(none)'}\n")
        if v["evidence"]:
            w.append(_md_table(["citation", "weight", "evidence", "article"],
                               [[md_code(e["citation"]), f"{e['weight']:.3f}", md(e["text"]), md(e["title"] or "")]
                                for e in v["evidence"]]))
    h = r["health"]
    w.append("\n## Health\n")
    hrows = [["files read", str(h["files"]), ""], ["analysed", str(h["analysed"]), ""],
             ["failed to decode or read", str(h["failed"]["count"]),
              md("; ".join(f"{x['path']}: {x['error']}" for x in h["failed"]["files"]))],
             ["all noise (no article text)", str(h["all_noise"]["count"]), md("; ".join(h["all_noise"]["files"]))],
             ["damaged script (lost characters)", str(h["damaged"]["count"]),
              md("; ".join(f"{d['path']}: {lines_text(d['lines'])}" for d in h["damaged"]["files"]))],
             ["scripts", "", md(" ".join(f"{k}:{v}" for k, v in h["scripts"].items()))],
             ["encodings", "", md(" ".join(f"{k}:{v}" for k, v in h["encodings"].items()))]]
    w.append(_md_table(["check", "files", "which"], hrows))
    return "\n".join(w)


