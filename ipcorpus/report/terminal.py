"""The brief on a terminal: rich panels, tables and bar charts."""
from __future__ import annotations

from ipcorpus.commands.output import Out
from ipcorpus.commands.stance_tables import LABELS
from ipcorpus.report.common import (
    BAR,
    COLORS,
    GLYPHS,
    SIDE_NAMES,
    day,
    lines_text,
    of_argued,
    pct,
    plural,
    stack_cells,
    summary,
    text_month_chart,
    undated_line,
)
from ipcorpus.report.figures import stance_sentence


def terminal(r: dict, out: Out):
    """Every panel of the brief, in order, on out's console."""
    con = out.console
    # rich answers a closed pipe with SystemExit(1); the CLI's own handler ends quietly
    # with 0 (`ipcorpus report DIR | head`), so hand it the BrokenPipeError instead.
    con.on_broken_pipe = _broken_pipe  # type: ignore[method-assign]  # this console only
    for panel in (_header, _stance, _month_chart, _reposts, _by_source, _by_portal, _by_entity, _by_month,
                  _voices, _health):
        panel(r, con)


def _panel(con, body, title, **k):
    """A rounded panel of the brief, at most 110 columns wide."""
    from rich import box
    from rich.panel import Panel
    return Panel(body, title=title, box=box.ROUNDED, width=min(con.width, 110), **k)


def _table(**k):
    from rich import box
    from rich.table import Table
    return Table(box=box.SIMPLE_HEAD, show_edge=False, **k)


def _legend():
    from rich.text import Text
    t = Text()
    for lb in LABELS:
        t.append(GLYPHS[lb] * 2, style=COLORS[lb])
        t.append(f" {lb}   ")
    return t


def _labels_cells(labels: dict) -> list[str]:
    return [str(labels[lb]) for lb in LABELS]


def _header(r: dict, con) -> None:
    from rich.text import Text
    paths = ", ".join(r["corpus"]["paths"]) or "corpus"
    con.print(_panel(con, Text(summary(r)), Text(f"ipcorpus brief: {paths}", style="bold")))


def _stance(r: dict, con) -> None:
    """Stance distribution with share bars."""
    from rich.console import Group
    from rich.text import Text
    st = r["stance"]
    t = _table(pad_edge=False)
    t.add_column("stance")
    t.add_column("articles", justify="right")
    t.add_column("share", justify="right")
    t.add_column("of argued", justify="right")
    t.add_column("", no_wrap=True)
    for lb in LABELS:
        v = st["labels"][lb]
        cells = round(v["share"] * BAR)
        t.add_row(Text(lb, style=COLORS[lb]), str(v["count"]), pct(v["share"]), of_argued(v),
                  Text(GLYPHS[lb] * cells, style=COLORS[lb]))
    con.print(_panel(con, Group(Text(stance_sentence(st)), t), f"Stance over {plural(st['articles'], 'article')}"))


def _month_chart(r: dict, con) -> None:
    """Stance by month, as stacked bars."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text
    rows = text_month_chart(r["by_month"])
    if not rows:
        return
    ct = Table(box=None, show_header=False, pad_edge=False)
    ct.add_column("month", no_wrap=True)
    ct.add_column("bar", no_wrap=True)
    ct.add_column("n", justify="right")
    for month, segs, total in rows:
        bar = Text()
        for lb, cells in segs:
            bar.append(GLYPHS[lb] * cells, style=COLORS[lb])
        ct.add_row(month, bar, str(total))
    chart: list = [ct, Text(""), _legend()]
    if undated_line(r["by_month"]):
        chart.append(Text(undated_line(r["by_month"])))
    con.print(_panel(con, Group(*chart), "Stance by month of publication"))


def _reposts(r: dict, con) -> None:
    from rich.text import Text
    rp = r["reposts"]
    if not rp["list"]:
        return
    body = Text()
    for g in rp["list"]:
        if body:
            body.append("\n")
        body.append(g["title"] or g["article"], style="bold")
        for cp in g["copies"]:
            body.append("\n  ")
            body.append(cp["path"])
            body.append(f"\n    {cp['portal'] or '(unknown portal)'} · {day(cp['published']) or 'undated'} · ",
                        style="dim")
            body.append(cp["label"], style=COLORS[cp["label"]])
            body.append(f" · similarity {cp['similarity']:.3f}", style="dim")
    title = (f"Reposts: {plural(rp['groups'], 'article')} on {plural(rp['documents'], 'document')}, "
             "each counted once")
    con.print(_panel(con, body, title))


def _wide(con) -> bool:
    return con.width >= 100


def _breakdown(con, title: str, rows: list[dict], key: str, count_key: str) -> None:
    """Counts per label for each source or portal, with a stacked bar when wide."""
    from rich.text import Text
    wide = _wide(con)
    t = _table(pad_edge=False)
    t.add_column(key, no_wrap=True)
    t.add_column(count_key, justify="right", no_wrap=True)
    for lb in LABELS:
        t.add_column(Text(lb, style=COLORS[lb]), justify="right", no_wrap=True)
    if wide:
        t.add_column("", no_wrap=True)
    peak = max((x[count_key] for x in rows), default=0)
    for x in rows:
        bar = Text()
        for lb, cells in zip(LABELS, stack_cells([x["labels"][lb] for lb in LABELS], 16, peak), strict=True):
            bar.append(GLYPHS[lb] * cells, style=COLORS[lb])
        t.add_row(Text(x[key] if x[key] is not None else "(unknown)"), str(x[count_key]),
                  *_labels_cells(x["labels"]), *([bar] if wide else []))
    con.print(_panel(con, t, title))


def _by_source(r: dict, con) -> None:
    _breakdown(con, "By source (credited outlet or account)", r["by_source"], "source", "articles")


def _by_portal(r: dict, con) -> None:
    _breakdown(con, "By portal (every copy)", r["by_portal"], "portal", "documents")


def _by_entity(r: dict, con) -> None:
    from rich.text import Text
    if not r["by_entity"]:
        return
    wide = _wide(con)
    t = _table(pad_edge=False)
    cols = ("entity", "articles", "mentions", *LABELS, "score") if wide else ("entity", "articles", *LABELS, "score")
    for c in cols:
        t.add_column(Text(c, style=COLORS.get(c, "")), justify="left" if c == "entity" else "right", no_wrap=True)
    for e in r["by_entity"]:
        t.add_row(Text(e["entity"]), str(e["articles"]), *([str(e["mentions"])] if wide else []),
                  *_labels_cells(e["labels"]), f"{e['score']:+.3f}")
    con.print(_panel(con, t, "By entity (score > 0 leans founder-IP)"))


def _by_month(r: dict, con) -> None:
    months = r["by_month"]
    t = _table()
    t.add_column("month")
    t.add_column("articles", justify="right")
    for lb in LABELS:
        t.add_column(lb, justify="right")
    for m in months["months"] + ([{"month": "undated", **months["undated"]}] if months["undated"]["articles"] else []):
        t.add_row(m["month"], str(m["articles"]), *_labels_cells(m["labels"]))
    con.print(_panel(con, t, "By month"))


def _voices(r: dict, con) -> None:
    """The strongest evidence and the keywords of each side."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text
    for side in ("founder-ip", "matrix"):
        v = r["voices"][side]
        items = Table.grid(padding=(0, 1))
        items.add_column(no_wrap=True, justify="right")
        items.add_column(overflow="fold")
        for k, e in enumerate(v["evidence"], 1):
            cell = Text()
            cell.append(e["citation"], style=COLORS[side])
            cell.append(f"  weight {e['weight']:.3f}\n", style="dim")
            cell.append(e["text"])
            cell.append(f"\n— {e['title'] or ''}", style="dim")
            items.add_row(Text(f"{k}.", style="bold"), cell)
        kw = Text("keywords: ", style="bold")
        kw.append("  ".join(k["word"] for k in v["keywords"]) or "(none)")
        parts = [items, Text(""), kw] if v["evidence"] else [Text("(no evidence for this side)", style="dim"), kw]
        title = f"Voices for {SIDE_NAMES[side]} ({plural(v['articles'], 'article')} labelled {side})"
        con.print(_panel(con, Group(*parts), title))


def _health(r: dict, con) -> None:
    """What the figures rest on."""
    from rich.table import Table
    from rich.text import Text
    h = r["health"]
    t = Table(box=None, show_header=False, pad_edge=False)
    t.add_column("what")
    t.add_column("n", justify="right")
    t.add_column("files")
    t.add_row("files read", str(h["files"]), "")
    t.add_row("analysed", str(h["analysed"]), "")
    t.add_row("failed to decode or read", str(h["failed"]["count"]),
              Text("\n".join(f"{x['path']}: {x['error']}" for x in h["failed"]["files"])))
    t.add_row("all noise (no article text)", str(h["all_noise"]["count"]), Text("\n".join(h["all_noise"]["files"])))
    t.add_row("damaged script (lost characters)", str(h["damaged"]["count"]),
              Text("\n".join(f"{d['path']}: {lines_text(d['lines'])}" for d in h["damaged"]["files"])))
    t.add_row("scripts", "", Text(" ".join(f"{k}:{v}" for k, v in h["scripts"].items())))
    t.add_row("encodings", "", Text(" ".join(f"{k}:{v}" for k, v in h["encodings"].items())))
    con.print(_panel(con, t, "Health: what the figures rest on"))


def _broken_pipe():
    raise BrokenPipeError
