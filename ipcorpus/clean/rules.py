"""Line rules: loaded from the TOML packs shipped in `packs/`, plus a user's extras.

A rule is data (name, family, patterns, limits); this module only compiles it and
answers "which rule drops this line?"."""
from __future__ import annotations

import os
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources

from ipcorpus import memo, patterns as linear
from ipcorpus.clean.fold import fold, fold_pattern, unfold
from ipcorpus.clean.text import is_prose
from ipcorpus.errors import IpcorpusError
from ipcorpus.index import user_cache as diskcache


@dataclass
class Rule:
    name: str
    family: str
    description: str
    patterns: tuple[str, ...]
    pack: str
    max_len: int | None = None
    zone: str = "any"          # any | edge
    on: str = "bare"           # bare | text
    default: bool = True       # off-by-default rules run only with --drop-rule
    prose: bool = False        # may fire on a prose-like line (a disclaimer is prose-shaped, a share button never is)
    cta: bool = False          # what it drops may stand inside a call-to-action block at the end (runs.cta_block)
    # Its evidence (kept as data: run by `ipcorpus rules --test` and the tests, never at load).
    examples: tuple[str, ...] = ()     # lines it drops …
    examples_at: str = "middle"        # … placed here in an article: top | middle | bottom
    keeps: tuple[str, ...] = ()        # article sentences with its trigger words that it keeps
    shadowed_by: tuple[str, ...] = ()  # rules that beat it to its examples (held off to see it fire)
    _compiled: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @cached_property
    def regexes(self) -> tuple[linear.AnyPattern, ...]:
        # Compiled on first use: a run that analyses nothing (warm) never needs them.
        return tuple(self.regex(k) for k in range(len(self.patterns)))

    @cached_property
    def folded(self) -> tuple[str, ...]:
        """The patterns as they are searched: folded as lines are (fold.py)."""
        return tuple(fold_pattern(p) for p in self.patterns)

    def regex(self, k: int) -> linear.AnyPattern:
        """Pattern k compiled, when first searched with: a document's lines call for
        a third of the patterns (_Screen), a run of one file need not compile all."""
        rx = self._compiled.get(k)
        if rx is None:
            rx = self._compiled[k] = linear.compile(self.folded[k])
        return rx

    @cached_property
    def needs(self) -> tuple[frozenset | None, ...]:
        """For each pattern, the characters it cannot match without (patterns/prefilter.py)."""
        from ipcorpus.patterns.prefilter import required_sets
        return required_sets(self.folded)

    def applies(self, prose: bool, len_text: int, len_bare: int) -> bool:
        """May this rule fire on a line of these lengths whose bare text is (or is
        not) prose-like? Its length limit, and the prose guard of most families."""
        on_text = self.on == "text"
        if self.max_len is not None and (len_text if on_text else len_bare) > self.max_len:
            return False
        return self.prose or on_text or not prose

    def match(self, bare: str, text: str, prose: bool | None = None) -> linear.AnyMatch | None:
        """The match that drops the line, or None. `prose` (is the bare text prose-like)
        may be passed in when the caller already knows it."""
        if not self.applies(is_prose(bare) if prose is None else prose, len(text), len(bare)):
            return None
        s = fold(text if self.on == "text" else bare)
        for rx in self.regexes:
            m = rx.search(s)
            if m:
                return m
        return None


@dataclass
class Pack:
    name: str
    description: str
    outlet: str | None = None
    detect: tuple[linear.AnyPattern, ...] = ()
    rules: list[Rule] = field(default_factory=list)


# Rules implemented in code (block and run detectors, corpus learning); listed so
# `ipcorpus rules` and --keep-rule know them.
BUILTIN = {
    "front-matter": ("markup", "YAML front matter at the top of a converted page"),
    "template-block": ("markup", "a {% … %} … {% end… %} template block"),
    "style-block": ("markup", "inline <style>, <script> or <svg> blocks"),
    "comment-block": ("markup", "a multi-line HTML comment"),
    "ad-card": ("promotion", "an ad card: an image link, a headline, a blurb, a link end"),
    "related-list": ("lists", "a related-news list: headline, the headline again, source, timestamp, repeated"),
    "tail": ("lists", "list-like furniture after the article's end marker (disclaimer, related list)"),
    "repeat": ("repeats", "a copy of the lede, a line printed twice in a row, or a block printed twice"),
    "meta:title-repeat": ("repeats", "a second copy of the title"),
    "meta:title": ("credits", "the title field of front matter (author/date/source fields use their meta:* rules)"),
    "cta-block": ("promotion", "calls to action ending the page: write in, hiring, courses, add my WeChat, like/share"),
    "caption-label": ("media", "a short label under an image: ▲NAME, （图源…）, an agency, a name between two images"),
    "smooth": ("structure", "a short uncertain line between two dropped lines (not a heading whose section is kept)"),
    "link-intro": ("lists", "a short lead-in ending in a colon before a dropped link list"),
    "html-script": ("markup", "a web page's <script> (its text is code or data, never shown)"),
    "html-style": ("markup", "a web page's <style>"),
    "html-svg": ("markup", "a web page's <svg> or <math> drawing"),
    "html-noscript": ("markup", "a web page's <noscript> (shown only without scripts)"),
    "html-template": ("markup", "a web page's <template> (never shown)"),
    "html-hidden": ("markup", "a web page's hidden element (hidden, type=hidden, display:none, visibility:hidden)"),
    "html-comment": ("markup", "a web page's <!-- comment -->"),
    "html-link-list": ("lists", "a web page's list of links: three or more sibling blocks mostly of links"),
    "html-nav": ("structure", "a web page's block mostly of links that is not a sentence (navigation)"),
    "html-furniture": ("structure", "a web page's block in nav, header, footer, aside or form (by name, role, "
                                    "class or id) that is not prose"),
    "html-comments": ("structure", "a web page's block in readers' comments (an element whose class or id says so)"),
    "recurring": ("corpus", "a short line that recurs across many documents of the corpus (learned at ingest)"),
}


def _compile(patterns: Iterable[str], where: str, flags: int = 0) -> tuple:
    """The patterns compiled for linear-time search (patterns/): a pattern that
    could backtrack without end is refused up front, as a bad one is."""
    patterns = list(patterns)
    linear.prepare(patterns, flags)           # one look at the user cache
    out = []
    for p in patterns:
        try:
            out.append(linear.compile(p, flags))
        except (re.error, TypeError, OverflowError, RecursionError) as e:
            raise IpcorpusError(f"{where}: bad pattern '{p}': {e}") from None
        except linear.UnsafePattern as e:
            raise IpcorpusError(f"{where}: pattern '{p}' refused: {e}") from None
    return tuple(out)


def _pack_from(data: dict, where: str, check: bool = True, prose: bool = True) -> Pack:
    """A pack from its TOML data; `check` compiles its patterns now, so a user's
    bad pattern is an error up front (the shipped packs are compiled on first use).
    `prose`: whether a rule that does not say may fire on prose-like lines (a
    user's own rule may; a shipped rule says `prose = true` where it may)."""
    meta = data.get("pack", {})
    name = meta.get("name", where)
    detect = meta.get("detect")
    pack = Pack(name, meta.get("description", ""), meta.get("outlet"),
                _compile(detect, where, re.M) if detect else ())
    for r in data.get("rule", []):
        if "name" not in r or "patterns" not in r:
            raise IpcorpusError(f"{where}: every rule needs a name and patterns")
        if check:
            _compile(r["patterns"], f"{where}: rule {r['name']}")
            _compile([fold_pattern(p) for p in r["patterns"]], f"{where}: rule {r['name']}")
        pack.rules.append(Rule(
            name=r["name"], family=r.get("family", "custom"), description=r.get("description", ""),
            patterns=tuple(r["patterns"]), pack=name,
            max_len=r.get("max_len"), zone=r.get("zone", "any"), on=r.get("on", "bare"),
            default=r.get("default", True),
            prose=r.get("prose", prose), cta=r.get("cta", False),
            examples=tuple(r.get("examples", ())), examples_at=r.get("examples_at", "middle"),
            keeps=tuple(r.get("keeps", ())), shadowed_by=tuple(r.get("shadowed_by", ()))))
    return pack


@lru_cache(maxsize=1)
def builtin_packs() -> tuple[Pack, ...]:
    root = resources.files("ipcorpus.clean") / "packs"
    found = [(entry.name, diskcache.parsed_toml(entry.read_text(encoding="utf-8")))
             for entry in sorted(root.iterdir(), key=lambda p: (p.name != "generic.toml", p.name))
             if entry.name.endswith(".toml")]
    linear.prepare([p for _, data in found for p in data.get("pack", {}).get("detect") or ()], re.M)
    return tuple(_pack_from(data, name, check=False, prose=False) for name, data in found)


@dataclass
class RuleSet:
    packs: tuple[Pack, ...]
    disabled: frozenset = frozenset()   # --keep-rule: lines these would drop are kept
    enabled: frozenset = frozenset()    # --drop-rule: off-by-default rules turned on
    _limits: list = field(default_factory=list, init=False, repr=False, compare=False)
    _active: list | None = field(default=None, init=False, repr=False, compare=False)
    _screen: _Screen | None = field(default=None, init=False, repr=False, compare=False)
    _any: list = field(default_factory=list, init=False, repr=False, compare=False)
    _classes: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    # first_match's answers by line: portal furniture (share bars, disclaimers, bylines)
    # and reposted or edited copies repeat lines across a corpus. IPCORPUS_MEMO=0 turns
    # it off, as it does the stance scores' memory (bench/run.py measures both).
    _memo: memo.Memory = field(default_factory=memo.Memory, init=False, repr=False, compare=False)
    _edge_memo: memo.Memory = field(default_factory=memo.Memory, init=False, repr=False, compare=False)
    _edge: list | None = field(default=None, init=False, repr=False, compare=False)
    memo_on: bool = field(default_factory=lambda: os.environ.get("IPCORPUS_MEMO", "1") != "0",
                          repr=False, compare=False)

    def active(self) -> list[Rule]:
        """The rules that run, in pack order (worked out once: a RuleSet is not changed)."""
        if self._active is None:
            self._active = [r for p in self.packs for r in p.rules
                            if r.name not in self.disabled and (r.default or r.name in self.enabled)]
        return list(self._active)

    def first_match(self, bare: str, text: str) -> tuple[Rule | None, linear.AnyMatch | None]:
        """The first active zone-any rule (in pack order) that drops this line, and
        its match; a pure function of the line, remembered per process (_memo)."""
        return self._remembered(self._memo, self._first_match, bare, text)

    def first_edge(self, bare: str, text: str) -> Rule | None:
        """The first active edge rule (in pack order) that drops this line when it
        stands outside the article; remembered as first_match is."""
        return self._remembered(self._edge_memo, self._first_edge, bare, text)

    def _first_edge(self, bare: str, text: str) -> Rule | None:
        if self._edge is None:
            self._edge = [r for r in self.active() if r.zone == "edge"]
        prose = is_prose(bare)
        return next((r for r in self._edge if r.match(bare, text, prose)), None)

    def _remembered(self, memory: memo.Memory, work, bare: str, text: str):
        memory.on = self.memo_on
        key = bare if bare == text else (bare, text)
        return memory.recall(key, len(text) + len(bare), work, bare, text)

    def _first_match(self, bare: str, text: str) -> tuple[Rule | None, linear.AnyMatch | None]:
        """first_match, worked out. Lines fall into a few classes (prose or not, and
        where each length lies among the rules' limits), each of which allows the
        patterns of the rules that apply to it (worked out once per class); of
        those, only the patterns whose required characters (patterns/prefilter.py) the line
        holds are tried (_Screen, built once), in order, so the first that matches
        is the one a plain loop finds."""
        if self._screen is None:
            self._any = [r for r in self.active() if r.zone != "edge"]
            from ipcorpus.patterns.prefilter import required_sets
            required_sets([p for r in self._any for p in r.folded])     # one look at the cache
            linear.prepare([p for r in self.active() for p in r.folded])
            self._limits = sorted({r.max_len for r in self._any if r.max_len is not None})
            self._classes = {}
            self._screen = _Screen(self._any)
        screen = self._screen
        prose = is_prose(bare)
        key = (prose, bisect_left(self._limits, len(text)), bisect_left(self._limits, len(bare)))
        allowed = self._classes.get(key)
        if allowed is None:
            allowed = self._classes[key] = frozenset(
                i for i, (r, _, _) in enumerate(screen.entries) if r.applies(prose, len(text), len(bare)))
        fbare = fold(bare)
        ftext = fbare if text == bare else fold(text)
        for i in screen.candidates(fbare, ftext, allowed):
            r, on_text, k = screen.entries[i]
            m = r.regex(k).search(ftext if on_text else fbare)
            if m:
                return r, m
        return None, None

    def on(self, name: str) -> bool:
        return name not in self.disabled

    def names(self) -> set[str]:
        return {r.name for p in self.packs for r in p.rules} | set(BUILTIN)


class _Screen:
    """The patterns of the zone-any rules, indexed by the characters they need, and
    those anchored at the start by the characters they can begin with."""

    def __init__(self, rules: list[Rule]):
        self.entries: list[tuple[Rule, bool, int]] = []      # (rule, on text?, its pattern number)
        always: list[int] = []
        self.need_bare: dict[str, list[int]] = {}
        self.need_text: dict[str, list[int]] = {}
        anchored: list[set] = [set(), set()]                  # (on bare, on text)
        self.first: list[dict] = [{}, {}]                     # first character -> those that may begin with it
        for r in rules:
            on_text = r.on == "text"
            for k, need in enumerate(r.needs):
                i = len(self.entries)
                self.entries.append((r, on_text, k))
                if need is None:
                    always.append(i)
                else:
                    index = self.need_text if on_text else self.need_bare
                    for ch in need:
                        index.setdefault(ch, []).append(i)
                first = linear.first_chars(r.folded[k])
                if first is not None:
                    anchored[on_text].add(i)
                    for ch in first:
                        self.first[on_text].setdefault(ch, set()).add(i)
        self.always = frozenset(always)
        self.on_text = frozenset(i for i, e in enumerate(self.entries) if e[1])
        self.bare_keys, self.text_keys = frozenset(self.need_bare), frozenset(self.need_text)
        self.anchored = (frozenset(anchored[0]), frozenset(anchored[1]))
        # first character -> the anchored patterns a line beginning with it cannot match
        self.first = [{ch: self.anchored[k] - v for ch, v in d.items()} for k, d in enumerate(self.first)]

    def candidates(self, bare: str, text: str, allowed: frozenset) -> list[int]:
        """Of the `allowed` patterns, those the line may match, in order."""
        found = set(self.always)
        for ch in self.bare_keys.intersection(bare):
            found.update(self.need_bare[ch])
        if self.text_keys and not self.on_text.isdisjoint(allowed):
            for ch in self.text_keys.intersection(text):
                found.update(self.need_text[ch])
        # Those anchored at the start that cannot begin with the line's first character.
        on_bare, on_text = self.anchored
        if on_bare:
            found -= self.first[0].get(bare[:1], on_bare)
        if on_text:
            found -= self.first[1].get(text[:1], on_text)
        found &= allowed
        return sorted(found)


def held_off(rules: RuleSet, bare: str, text: str, in_core: bool) -> list[str]:
    """Why no rule dropped a kept line that one of them matches: `RULE (longer than
    N)`, `RULE (a prose line)`, `RULE (inside the article)` for an edge rule, and
    `RULE (a sentence beside markup)`. Empty when no rule matches at all."""
    from ipcorpus.clean.text import is_sentence
    out = []
    prose = is_prose(bare)
    fb, ft = fold(bare), fold(text)
    for r in rules.active():
        if not any(rx.search(ft if r.on == "text" else fb) for rx in r.regexes):
            continue
        if r.max_len is not None and (len(text) if r.on == "text" else len(bare)) > r.max_len:
            out.append(f"{r.name} (longer than {r.max_len})")
        elif not r.applies(prose, len(text), len(bare)):
            out.append(f"{r.name} (a prose line)")
        elif r.zone == "edge" and in_core:
            out.append(f"{r.name} (inside the article)")
        elif r.on == "text" and r.family == "markup" and is_sentence(bare):
            out.append(f"{r.name} (a sentence beside markup)")
        else:
            out.append(f"{r.name} (kept by --keep-rule or a detector)")
    return out


def value_of(m, bare: str, text: str, on: str) -> str | None:
    """The (?P<value>…) group of a rule's match, read from the line as written (the
    match was made on its folded form)."""
    if m is None or m.groupdict().get("value") is None:
        return None
    return unfold(text if on == "text" else bare, *m.span("value"))


def make_ruleset(extra: dict | None = None, keep: Iterable[str] = (), drop: Iterable[str] = ()) -> RuleSet:
    """The shipped packs, plus a user pack (the [clean] table of ipcorpus.toml)."""
    packs = list(builtin_packs())
    if extra and extra.get("rule"):
        where = extra.get("file") or "ipcorpus.toml"
        packs.insert(0, _pack_from({"pack": {"name": "user"}, "rule": extra["rule"]}, where))
    rs = RuleSet(tuple(packs), frozenset(keep), frozenset(drop))
    known = rs.names()
    for name in list(keep) + list(drop):
        if name not in known:
            raise IpcorpusError(f"unknown rule '{name}' (see `ipcorpus rules`)")
    return rs


_DEFAULT: RuleSet | None = None


def default_ruleset() -> RuleSet:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = make_ruleset()
    return _DEFAULT
