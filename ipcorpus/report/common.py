"""What every renderer of the brief shares: the label colours and glyphs, numbers and
dates as the brief writes them, the summary line, and the month chart's scale."""
from __future__ import annotations

from ipcorpus.commands.stance_tables import LABELS

COLORS = {"founder-ip": "#e8590c", "matrix": "#1971c2", "mixed": "#9c36b5", "neutral": "#adb5bd"}
GLYPHS = {"founder-ip": "█", "matrix": "▓", "mixed": "▒", "neutral": "░"}
SIDE_NAMES = {"founder-ip": "founder-IP", "matrix": "matrix"}
BAR = 30          # cells of a full terminal / Markdown bar


def pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def day(p: str | None) -> str:
    return (p or "")[:10]


def of_argued(v: dict) -> str:
    return "" if v["share_of_argued"] is None else pct(v["share_of_argued"])


def summary(r: dict) -> str:
    c = r["corpus"]
    parts = [f"{plural(c['articles'], 'article')} ({plural(c['documents'], 'document')} analysed"]
    if c["copies_folded"]:
        parts[0] += f", {c['copies_folded']} repost cop{'y' if c['copies_folded'] == 1 else 'ies'} folded"
    parts[0] += ")"
    if c["first_published"]:
        parts.append(f"published {day(c['first_published'])} to {day(c['last_published'])}")
    und = r["by_month"]["undated"]["articles"]
    if und:
        parts.append(f"{und} undated")
    h = r["health"]
    if h["failed"]["count"]:
        parts.append(f"{h['failed']['count']} failed")
    return " · ".join(parts)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def reposts_line(rp: dict) -> str:
    if not rp["groups"]:
        return "No article was republished on several portals."
    return (f"{plural(rp['groups'], 'article')} republished as {plural(rp['documents'], 'document')}; each article "
            "counted once, as its earliest dated copy.")


def stack_cells(counts: list[int], total_cells: int, scale_max: int) -> list[int]:
    """Cells per segment of a stacked bar, rounding cumulatively so the segments
    add up to the rounded total."""
    out, acc, prev = [], 0, 0
    for n in counts:
        acc += n
        edge = round(acc / scale_max * total_cells) if scale_max else 0
        if n and edge == prev:           # a non-zero segment is never invisible
            edge = prev + 1
        out.append(edge - prev)
        prev = edge
    return out


def undated_line(by_month: dict) -> str:
    """What the month chart leaves out, said beside it."""
    und = by_month["undated"]
    if not und["articles"]:
        return ""
    labels = ", ".join(f"{lb} {und['labels'][lb]}" for lb in LABELS if und["labels"][lb])
    return f"undated: {plural(und['articles'], 'article')} ({labels}), not on the chart's scale"


def month_axis(by_month: dict) -> list[dict]:
    """Months from the first to the last dated article, empty months included."""
    months = by_month["months"]
    if not months:
        return []
    have = {m["month"]: m for m in months}
    y, mo = map(int, months[0]["month"].split("-"))
    y2, mo2 = map(int, months[-1]["month"].split("-"))
    out = []
    while (y, mo) <= (y2, mo2):
        key = f"{y:04d}-{mo:02d}"
        out.append(have.get(key) or {"month": key, "articles": 0, "labels": {lb: 0 for lb in LABELS}})
        mo += 1
        if mo == 13:
            y, mo = y + 1, 1
    return out


def text_month_chart(by_month: dict, width: int = BAR) -> list[tuple[str, list[tuple[str, int]], int]]:
    """(row label, [(label, cells)], total) per dated month, scaled to the busiest
    month. Undated articles are not on the chart (undated_line): many of them would
    flatten every real month."""
    rows = month_axis(by_month)
    peak = max((m["articles"] for m in rows), default=0)
    out = []
    for m in rows:
        cells = stack_cells([m["labels"][lb] for lb in LABELS], width, peak)
        out.append((m["month"], list(zip(LABELS, cells, strict=True)), m["articles"]))
    return out


def lines_text(lines: list[int]) -> str:
    return ("line " if len(lines) == 1 else "lines ") + ranges(lines)


def ranges(lines: list[int]) -> str:
    if not lines:
        return ""
    out: list[str] = []
    start = prev = lines[0]
    for n in lines[1:]:
        if n == prev + 1:
            prev = n
        else:
            out.append(f"{start}-{prev}" if prev != start else str(start))
            start = prev = n
    out.append(f"{start}-{prev}" if prev != start else str(start))
    return ",".join(out)
