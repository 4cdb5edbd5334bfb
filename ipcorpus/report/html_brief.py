"""The brief as one self-contained HTML page with the charts as inline SVG.

The page loads nothing: no scripts, fonts, stylesheets or images from anywhere (a
Content-Security-Policy meta tag forbids them too), and every piece of article text
goes through html.escape, so an article holding <script> or a javascript: link shows
it as text."""
from __future__ import annotations

import html

from ipcorpus.commands.output import Out
from ipcorpus.commands.stance_tables import LABELS
from ipcorpus.report.common import (
    COLORS,
    SIDE_NAMES,
    day,
    lines_text,
    month_axis,
    of_argued,
    pct,
    plural,
    reposts_line,
    summary,
    undated_line,
)
from ipcorpus.report.figures import stance_sentence


def esc(v) -> str:
    return html.escape("" if v is None else str(v), quote=True)


CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

_CSS = """
:root{--fg:#1f2328;--muted:#59636e;--bg:#fff;--card:#f6f8fa;--line:#d1d9e0;
--founder:#e8590c;--matrix:#1971c2;--mixed:#9c36b5;--neutral:#adb5bd}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--card:#161b22;--line:#3d444d}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.55 system-ui,-apple-system,"Segoe UI","PingFang SC",
"Hiragino Sans GB","Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif}
main{max-width:1000px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:.2em 0}h2{font-size:1.15rem;margin:1.6em 0 .5em;border-bottom:1px solid var(--line)}
.summary{color:var(--muted)}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px;align-items:start}
.stack{display:grid;gap:16px}
table.narrow{width:auto;min-width:min(100%,420px)}
td.d{white-space:nowrap}
table.wide{min-width:560px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-weight:600;white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code{font:.85em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
svg.chart{max-width:100%;height:auto;display:block}
.chartbox{overflow-x:auto;-webkit-overflow-scrolling:touch}
svg.chart.wide{max-width:none}
table.months{width:auto;min-width:min(100%,480px)}
svg text{fill:var(--fg);font-size:13px}
svg .axis{stroke:var(--line)}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:6px 0;font-size:.9rem}
.sw{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.founder-ip{color:var(--founder)}.matrix{color:var(--matrix)}.mixed{color:var(--mixed)}.neutral{color:var(--muted)}
.tag{font-size:.8rem;font-weight:600;white-space:nowrap}
ol.voices{padding-left:1.4em}ol.voices li{margin:.5em 0}
.cite{display:block;color:var(--muted)}
.chips span{display:inline-block;border:1px solid var(--line);border-radius:12px;padding:0 8px;margin:2px}
footer{color:var(--muted);font-size:.85rem;margin:2em 0 1em}
"""


def _legend_html() -> str:
    return '<div class="legend">' + "".join(
        f'<span><span class="sw" style="background:{COLORS[lb]}"></span>{esc(lb)}</span>' for lb in LABELS) + "</div>"


def _svg_share(stance: dict) -> str:
    """One horizontal bar split by label share, with count and percent in or under
    each segment."""
    w, h = 480, 64
    n = stance["articles"]
    parts = [f'<svg class="chart" id="chart-stance" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
             f'aria-labelledby="chart-stance-title">',
             f'<title id="chart-stance-title">Stance shares over {n} articles</title>']
    x = 0.0
    for lb in LABELS:
        v = stance["labels"][lb]
        width = v["share"] * w
        if width <= 0:
            continue
        parts.append(f'<rect x="{x:.2f}" y="4" width="{width:.2f}" height="32" fill="{COLORS[lb]}">'
                     f'<title>{esc(lb)}: {v["count"]} ({pct(v["share"])})</title></rect>')
        if width >= 56:
            parts.append(f'<text x="{x + width / 2:.2f}" y="56" text-anchor="middle">'
                         f'{v["count"]} · {pct(v["share"])}</text>')
        x += width
    if n == 0:
        parts.append(f'<rect x="0" y="4" width="{w}" height="32" fill="none" class="axis"/>'
                     f'<text x="{w / 2}" y="25" text-anchor="middle">no articles</text>')
    parts.append("</svg>")
    return "".join(parts)


def _nice_ticks(peak: int) -> list[int]:
    if peak <= 0:
        return [0]
    step = 1
    for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        step = s
        if peak / s <= 5:
            break
    top = -(-peak // step) * step
    return list(range(0, top + 1, step))


def _svg_months(by_month: dict) -> str:
    """Stacked columns of labels per month of publication (empty months shown). The
    undated articles are said under the chart (undated_line), not drawn on its scale."""
    cols = [(m["month"], m["labels"], m["articles"], False) for m in month_axis(by_month)]
    if not cols:
        return ('<svg class="chart" id="chart-months" viewBox="0 0 600 40" role="img" '
                'xmlns="http://www.w3.org/2000/svg"><title>Stance by month</title>'
                '<text x="300" y="24" text-anchor="middle">no articles</text></svg>')
    peak = max(c[2] for c in cols)
    ticks = _nice_ticks(peak)
    top = ticks[-1] or 1
    rotate = len(cols) > 8
    left, right, tp, ch = 36, 8, 20, 180
    bottom = 56 if rotate else 28
    slot = max(34, min(56, 880 // len(cols)))
    gap = 0
    w = left + slot * len(cols) + gap + right
    h = tp + ch + bottom
    bw = slot * 0.68
    # Drawn at its natural size, never scaled down: on a narrow screen it scrolls
    # sideways (.chartbox) and its labels stay readable.
    parts = [f'<svg class="chart wide" id="chart-months" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
             'role="img" '
             f'aria-labelledby="chart-months-title">',
             '<title id="chart-months-title">Stance by month of publication</title>']
    for t in ticks:
        y = tp + ch - t / top * ch
        parts.append(f'<line class="axis" x1="{left}" x2="{w - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{t}</text>')
    for k, (name, labels, total, apart) in enumerate(cols):
        x0 = left + k * slot + (gap if apart else 0) + (slot - bw) / 2
        y = tp + ch
        for lb in LABELS:
            n = labels[lb]
            if not n:
                continue
            hh = n / top * ch
            y -= hh
            parts.append(f'<rect x="{x0:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{hh:.1f}" fill="{COLORS[lb]}">'
                         f'<title>{esc(name)} · {esc(lb)}: {n}</title></rect>')
        if total:
            parts.append(f'<text x="{x0 + bw / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{total}</text>')
        cx = x0 + bw / 2
        ly = tp + ch + 16
        if rotate:
            parts.append(f'<text x="{cx:.1f}" y="{ly:.1f}" text-anchor="end" '
                         f'transform="rotate(-45 {cx:.1f} {ly:.1f})">{esc(name)}</text>')
        else:
            parts.append(f'<text x="{cx:.1f}" y="{ly:.1f}" text-anchor="middle">{esc(name)}</text>')
    parts.append(f'<line class="axis" x1="{left}" x2="{w - right}" y1="{tp + ch}" y2="{tp + ch}"/></svg>')
    return "".join(parts)


def _svg_entities(entities: list[dict], limit: int = 12) -> str:
    """Horizontal stacked bars: per entity, its articles by label."""
    rows = entities[:limit]
    if not rows:
        return ""
    label_w, right, rh = 84, 36, 26
    w = 480
    h = rh * len(rows) + 8
    peak = max(e["articles"] for e in rows) or 1
    span = w - label_w - right
    parts = [f'<svg class="chart" id="chart-entities" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
             f'aria-labelledby="chart-entities-title">',
             '<title id="chart-entities-title">Articles per entity by stance</title>']
    for k, e in enumerate(rows):
        y = 4 + k * rh
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{esc(e["entity"])}</text>')
        x = float(label_w)
        for lb in LABELS:
            n = e["labels"][lb]
            if not n:
                continue
            ww = n / peak * span
            parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{ww:.1f}" height="{rh - 8}" fill="{COLORS[lb]}">'
                         f'<title>{esc(e["entity"])} · {esc(lb)}: {n}</title></rect>')
            x += ww
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 16}">{e["articles"]}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(columns: list[str], rows: list[list[str]], numeric=(), cls: str = "") -> str:
    """An HTML table; cells are already-escaped HTML."""
    def cell(c, v):
        if c in numeric:
            return f'<td class="n">{v}</td>'
        return f'<td class="d">{v}</td>' if c in ("published", "label", "month") else f"<td>{v}</td>"
    head = "".join(f'<th class="n">{esc(c)}</th>' if c in numeric else f"<th>{esc(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(cell(c, v) for c, v in zip(columns, r, strict=True)) + "</tr>" for r in rows)
    return (f'<div class="scroll"><table class="{esc(cls)}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def _label_tag(lb: str) -> str:
    return f'<span class="tag {esc(lb)}">{esc(lb)}</span>'


def html_page(r: dict) -> str:
    """The brief as one self-contained HTML page (inline CSS and SVG, nothing loaded):
    a section per part of the brief, in the order of the other formats."""
    from ipcorpus import __version__
    paths = ", ".join(r["corpus"]["paths"]) or "corpus"
    head = ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta name="referrer" content="no-referrer">'
            f'<meta name="generator" content="ipcorpus {esc(__version__)}">'      # outfile.is_brief
            f"<title>ipcorpus brief: {esc(paths)}</title><style>{_CSS}</style></head><body><main>"
            f"<header><h1>Corpus brief: {esc(paths)}</h1><p class=\"summary\">{esc(summary(r))}</p></header>")
    foot = (f"<footer>ipcorpus {esc(__version__)} · every citation is <code>path:line</code> in the original file; "
            "open it with <code>ipcorpus show</code>.</footer></main></body></html>\n")
    return "".join([head, _stance_section(r["stance"]), _months_section(r["by_month"]), _reposts_section(r["reposts"]),
                    _breakdowns_section(r), _voices_section(r["voices"]), _health_section(r["health"]),
                    _articles_section(r["articles"]), foot])


def _stance_section(st: dict) -> str:
    """Shares of each label: a bar and a table."""
    s: list[str] = []
    s.append(f'<section id="stance"><h2>Stance</h2><p>{esc(stance_sentence(st))}</p>')
    s.append('<div class="grid"><div>' + _svg_share(st) + _legend_html() + "</div><div>")
    s.append(_table(["stance", "articles", "share", "of argued"],
                    [[_label_tag(lb), str(st["labels"][lb]["count"]), esc(pct(st["labels"][lb]["share"])),
                      esc(of_argued(st["labels"][lb]))]
                     for lb in LABELS], numeric={"articles", "share", "of argued"}, cls="stance"))
    s.append("</div></div>")
    s.append("</section>")
    return "".join(s)


def _months_section(ms: dict) -> str:
    """Stance by month of publication, undated articles apart."""
    lbn = set(LABELS)
    s: list[str] = []
    s.append('<section id="months"><h2>Stance by month of publication</h2>')
    s.append('<div class="chartbox">' + _svg_months(ms) + "</div>" + _legend_html())
    if undated_line(ms):
        s.append(f"<p>{esc(undated_line(ms))}</p>")
    mrows = [[esc(m["month"]), str(m["articles"])] + [str(m["labels"][lb]) for lb in LABELS] for m in ms["months"]]
    if ms["undated"]["articles"]:
        mrows.append(["undated", str(ms["undated"]["articles"])] + [str(ms["undated"]["labels"][lb]) for lb in LABELS])
    s.append(_table(["month", "articles", *LABELS], mrows, numeric={"articles"} | lbn, cls="months"))
    s.append("</section>")
    return "".join(s)


def _reposts_section(rp: dict) -> str:
    """Each repost group, a row per copy."""
    s: list[str] = []
    s.append(f'<section id="reposts"><h2>Reposts</h2><p>{esc(reposts_line(rp))}</p>')
    if rp["list"]:
        rows = []
        for g in rp["list"]:
            for k, cp in enumerate(g["copies"]):
                rows.append([esc(g["title"]) if k == 0 else "", f"<code>{esc(cp['path'])}</code>", esc(cp["portal"]),
                             esc(day(cp["published"])), _label_tag(cp["label"]), f"{cp['similarity']:.3f}"])
        s.append(_table(["article", "copy", "portal", "published", "label", "similarity"], rows,
                        numeric={"similarity"}, cls="reposts wide"))
    s.append("</section>")
    return "".join(s)


def _breakdowns_section(r: dict) -> str:
    """By source, by portal (every copy) and by entity."""
    lbn = set(LABELS)
    s: list[str] = []
    s.append('<section id="breakdowns"><h2>Breakdowns</h2><div class="stack">')
    for title, key, name, count_key in (("By source", "by_source", "source", "articles"),
                                        ("By portal (every copy)", "by_portal", "portal", "documents")):
        rows = [[esc(x[name] if x[name] is not None else "(unknown)"), str(x[count_key])] +
                [str(x["labels"][lb]) for lb in LABELS] for x in r[key]]
        s.append(f'<div class="card"><h3>{esc(title)}</h3>' +
                 _table([name, count_key, *LABELS], rows, numeric={count_key} | lbn, cls=key + " wide") + "</div>")
    s.append("</div>")
    if r["by_entity"]:
        s.append("<h3>By entity</h3><p>Articles naming each company or its people, by the article's stance "
                 "where the entity carries it; score &gt; 0 leans founder-IP.</p>")
        s.append(_svg_entities(r["by_entity"]) + _legend_html())
        rows = [[esc(e["entity"]), str(e["articles"]), str(e["mentions"])] + [str(e["labels"][lb]) for lb in LABELS] +
                [f"{e['score']:+.3f}"] for e in r["by_entity"]]
        s.append(_table(["entity", "articles", "mentions", *LABELS, "score"], rows,
                        numeric={"articles", "mentions", "score"} | lbn, cls="by_entity wide"))
    s.append("</section>")
    return "".join(s)


def _voices_section(voices: dict) -> str:
    """The strongest evidence and the keywords of each side."""
    s: list[str] = []
    s.append('<section id="voices"><h2>Voices</h2><div class="grid">')
    for side in ("founder-ip", "matrix"):
        v = voices[side]
        items = "".join(f'<li><span class="{esc(side)}">{esc(e["text"])}</span>'
                        f'<span class="cite"><code>{esc(e["citation"])}</code> · {esc(e["title"])} · '
                        f'weight {e["weight"]:.3f}</span></li>' for e in v["evidence"])
        chips = "".join(f"<span>{esc(k['word'])}</span>" for k in v["keywords"]) or "(none)"
        s.append(f'<div class="card"><h3 class="{esc(side)}">For {esc(SIDE_NAMES[side])}</h3>'
                 f'<p>{plural(v["articles"], "article")} labelled {esc(side)}.</p>'
                 f'<ol class="voices">{items}</ol><p><b>Keywords</b></p><p class="chips">{chips}</p></div>')
    s.append("</div></section>")
    return "".join(s)


def _health_section(h: dict) -> str:
    """What the figures rest on: failures, all-noise and damaged files, scripts."""
    s: list[str] = []
    s.append('<section id="health"><h2>Health</h2><p>What the figures rest on.</p>')
    rows = [["files read", str(h["files"]), ""], ["analysed", str(h["analysed"]), ""],
            ["failed to decode or read", str(h["failed"]["count"]),
             "<br>".join(f"<code>{esc(x['path'])}</code>: {esc(x['error'])}" for x in h["failed"]["files"])],
            ["all noise (no article text)", str(h["all_noise"]["count"]),
             "<br>".join(f"<code>{esc(p)}</code>" for p in h["all_noise"]["files"])],
            ["damaged script (lost characters)", str(h["damaged"]["count"]),
             "<br>".join(f"<code>{esc(d['path'])}</code>: {esc(lines_text(d['lines']))}"
                         for d in h["damaged"]["files"])],
            ["scripts", "", esc(" ".join(f"{k}:{v}" for k, v in h["scripts"].items()))],
            ["encodings", "", esc(" ".join(f"{k}:{v}" for k, v in h["encodings"].items()))]]
    s.append(_table(["check", "files", "which"], rows, numeric={"files"}, cls="health"))
    s.append("</section>")
    return "".join(s)


def _articles_section(articles: list) -> str:
    """A row per article."""
    s: list[str] = []
    s.append('<section id="articles"><h2>Articles</h2>')
    rows = [[f"<code>{esc(a['path'])}</code>", esc(a["title"]), _label_tag(a["label"]), f"{a['score']:+.3f}",
             esc(a["source"]), esc(day(a["published"])),
             "<br>".join(f"<code>{esc(p)}</code>" for p in a["copies"])] for a in articles]
    s.append(_table(["path", "title", "label", "score", "source", "published", "copies"], rows, numeric={"score"},
                    cls="articles wide"))
    s.append("</section>")
    return "".join(s)


def write_html(report: dict, path: str, out: Out):
    """Write the HTML brief to `path` (atomically), or to stdout for `-`."""
    import os

    from ipcorpus.atomic import write_atomic
    from ipcorpus.errors import IpcorpusError
    page = html_page(report)
    if path == "-":
        out.write(page)
        return
    if os.path.isdir(path):
        raise IpcorpusError(f"{path}: is a directory")
    try:
        write_atomic(path, page)
    except OSError as e:
        raise IpcorpusError(f"{path}: cannot write: {e.strerror or e}") from None
    out.note(f"ipcorpus: wrote {path}")
