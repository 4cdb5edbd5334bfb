"""How well ipcorpus tells a web page's article from its furniture, measured against
two peers that extract articles from news pages: trafilatura and GNE (issue 16).

There is no hand-made gold. Each page's text is cut into sentences (ipcorpus's
blocks, split at sentence ends); a sentence both peers keep counts as article, a
sentence neither keeps as furniture, the rest as disputed. ipcorpus should keep at
least 98% of the article and drop at least 90% of the furniture. Beside it, how
often each pair of the three agrees, the peers' own agreement among them.

Text only a browser never shows (scripts, styles, comments, hidden elements: the
rules html-script … html-comment) is left out of the sentences: no one keeps it,
and counting it would flatter the furniture figure.

The peers are not dependencies of ipcorpus: install them for this script only,
`.venv/bin/pip install -e '.[measure]'`. Run:

    .venv/bin/python tools/measure_html.py ../shared/html_pages [--pages]
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field

from ipcorpus.clean.text import bare
from ipcorpus.corpus.analysis import analyse_bytes
from ipcorpus.read.html_page import decode_page, is_html
from ipcorpus.read.normalize import normalize_lines

_UNSEEN = {"html-script", "html-style", "html-svg", "html-noscript", "html-template", "html-hidden", "html-comment"}
_SENTENCE = re.compile(r"[^。！？!?；;]+[。！？!?；;]*")
_NONWORD = re.compile(r"[\W_]+")
MIN_KEY = 6          # a shorter sentence (首页, 分享) would be found in any text by chance


def key(s: str) -> str:
    return _NONWORD.sub("", s)


def sentences(a) -> dict[str, bool]:
    """Each sentence's key and whether ipcorpus keeps it (kept anywhere in the page)."""
    out: dict[str, bool] = {}
    for i, (action, rule) in enumerate(a.verdicts):
        if action == "blank" or rule in _UNSEEN:
            continue
        for m in _SENTENCE.finditer(a.plain[i]):
            k = key(m.group())
            if len(k) >= MIN_KEY:
                out[k] = out.get(k, False) or action == "keep"
    return out


def peer_key(text: str | None) -> str:
    """A peer's output normalized as ipcorpus normalizes its own text, then keyed."""
    if not text:
        return ""
    lines, _ = normalize_lines(text.splitlines())
    return "".join(key(bare(ln.text)) for ln in lines)


def trafilatura_text(html: str) -> str | None:
    import trafilatura
    return trafilatura.extract(html, include_comments=False)


def gne_text(html: str) -> str | None:
    from gne import GeneralNewsExtractor
    return GeneralNewsExtractor().extract(html).get("content")


@dataclass
class Tally:
    article: int = 0        # both peers keep
    article_kept: int = 0   # ... and ipcorpus keeps
    furniture: int = 0      # neither keeps
    furniture_dropped: int = 0
    disputed: int = 0
    disputed_kept: int = 0
    agree: dict = field(default_factory=lambda: {"ipcorpus-trafilatura": 0, "ipcorpus-gne": 0,
                                                 "trafilatura-gne": 0})
    total: int = 0

    def add(self, ours: bool, traf: bool, gne: bool) -> None:
        self.total += 1
        if traf and gne:
            self.article += 1
            self.article_kept += ours
        elif not traf and not gne:
            self.furniture += 1
            self.furniture_dropped += not ours
        else:
            self.disputed += 1
            self.disputed_kept += ours
        self.agree["ipcorpus-trafilatura"] += ours == traf
        self.agree["ipcorpus-gne"] += ours == gne
        self.agree["trafilatura-gne"] += traf == gne


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "-"


def measure(folder: str, per_page: bool) -> Tally:
    total = Tally()
    names = sorted(n for n in os.listdir(folder) if is_html(n))
    for name in names:
        path = os.path.join(folder, name)
        with open(path, "rb") as fh:
            data = fh.read()
        html = decode_page(data)[0].text
        try:
            traf, gne = peer_key(trafilatura_text(html)), peer_key(gne_text(html))
        except Exception as e:              # a peer that fails on a page leaves it out
            print(f"{name}: skipped, a peer failed: {type(e).__name__}: {e}", file=sys.stderr)
            continue
        a, _ = analyse_bytes(path, data, with_stance=False)
        page = Tally()
        for k, ours in sentences(a).items():
            page.add(ours, k in traf, k in gne)
            total.add(ours, k in traf, k in gne)
        if per_page:
            print(f"{name}\tarticle {page.article} kept {pct(page.article_kept, page.article)}\t"
                  f"furniture {page.furniture} dropped {pct(page.furniture_dropped, page.furniture)}\t"
                  f"disputed {page.disputed} kept {pct(page.disputed_kept, page.disputed)}")
    return total


def table(t: Tally, pages: int) -> str:
    rows = [
        ("article (both peers keep)", t.article, f"kept {pct(t.article_kept, t.article)}", "≥ 98% kept"),
        ("furniture (neither keeps)", t.furniture, f"dropped {pct(t.furniture_dropped, t.furniture)}", "≥ 90% dropped"),
        ("disputed (one peer keeps)", t.disputed, f"kept {pct(t.disputed_kept, t.disputed)}", ""),
    ]
    out = [f"{pages} pages, {t.total} sentences", "",
           "| sentences | n | ipcorpus | bar |", "|---|---:|---:|---|"]
    out += [f"| {a} | {n} | {r} | {bar} |" for a, n, r, bar in rows]
    out += ["", "| agreement on every sentence | share |", "|---|---:|"]
    out += [f"| {pair} | {pct(n, t.total)} |" for pair, n in t.agree.items()]
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", nargs="?", default="../shared/html_pages")
    ap.add_argument("--pages", action="store_true", help="also print each page's figures")
    args = ap.parse_args()
    if not os.path.isdir(args.folder):
        print(f"{args.folder}: no such folder", file=sys.stderr)
        return 2
    pages = sum(1 for n in os.listdir(args.folder) if is_html(n))
    t = measure(args.folder, args.pages)
    print(table(t, pages))
    return 0 if t.article and t.article_kept >= 0.98 * t.article and t.furniture_dropped >= 0.9 * t.furniture else 1


if __name__ == "__main__":
    sys.exit(main())
