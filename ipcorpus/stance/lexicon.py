"""Stance lexicons: the shipped TOML data merged with a user's file, compiled once."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources

from ipcorpus import patterns as linear
from ipcorpus.errors import IpcorpusError
from ipcorpus.index import user_cache as diskcache
from ipcorpus.memo import Memory, enabled
from ipcorpus.stance.scan import compact, trie_regex

_TABLES = ("founder", "matrix", "neutral", "weak_matrix", "positive", "negative", "forward", "backward", "verb_forms",
           "intransitive")
_PATTERN_TABLES = ("founder_patterns", "matrix_patterns")
_LISTS = ("negators", "contrast", "concession", "shift", "shift_from", "advocacy", "hedges", "reported",
          "rhetorical", "comparative", "not_markers", "weak_shift", "versus", "reverse_versus", "both", "speech",
          "emphasis", "voice", "carry", "numeric_units", "rhetorical_statement")
# Tables of settings, not of terms: a user's lexicon may set only the keys the shipped
# lexicons define (a misspelt factor would otherwise be ignored without a word).
_SETTINGS = ("factors", "question", "decision", "founders")
_KNOWN_TABLES = frozenset(_TABLES + _PATTERN_TABLES + _LISTS + _SETTINGS + ("entities",))


@dataclass
class Lexicon:
    terms: dict[str, dict[str, float]] = field(default_factory=dict)    # table -> term -> weight
    patterns: dict[str, dict[str, float]] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    factors: dict[str, float] = field(default_factory=dict)
    entities: dict[str, list[str]] = field(default_factory=dict)
    founders: list[str] = field(default_factory=list)
    founder_weight: float = 0.5
    # compiled
    regex: re.Pattern | None = None
    index: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    compiled_patterns: list[tuple[linear.AnyPattern, str, float]] = field(default_factory=list)
    pattern_needs: list = field(default_factory=list)   # required.py's set for each pattern
    cats_of: dict = field(default_factory=dict)         # term -> {category: weight}, shared by its hits
    memo: Memory = field(default_factory=Memory, repr=False, compare=False)   # score.score_unit's
    entity_memo: Memory = field(default_factory=Memory, repr=False, compare=False)   # score.entities_in's
    memo_on: bool = field(default_factory=enabled, repr=False, compare=False)
    entity_regex: re.Pattern | None = None
    entity_of: dict[str, str] = field(default_factory=dict)
    numeric_units: tuple = ()         # entities.toml: what after a numeric alias makes it a number
    negators: frozenset = frozenset()
    rhetorical_statement: frozenset = frozenset()
    negation_chars: str | None = None
    voice: tuple = ()
    question: dict = field(default_factory=dict)      # question.toml: what puts a sentence on the question
    decision: dict = field(default_factory=dict)      # decision.toml: the document decision's weights
    q: QuestionWords | None = None               # question compiled

    def check(self, data: dict, where: str, shipped: bool) -> None:
        """Refuse what would be ignored or misread: an unknown table, a setting the
        shipped lexicons do not have (checked for a user's file, `shipped` False), a
        list that is not a list of strings, a factor that is not a number."""
        for table, value in data.items():
            if table not in _KNOWN_TABLES:
                raise IpcorpusError(f"{where}: unknown table [{table}] (a lexicon's tables are "
                                    f"{', '.join(sorted(_KNOWN_TABLES))})")
            if table in _LISTS:
                _strings(value, where, table)
            elif not isinstance(value, dict):
                raise IpcorpusError(f"{where}: [{table}] must be a table")
        for name, aliases in (data.get("entities") or {}).items():
            _strings(aliases, where, f"entities.{name}")
        for name, value in (data.get("factors") or {}).items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise IpcorpusError(f"{where}: factors.{name}: must be a number")
        if shipped:
            return
        known = {"factors": self.factors, "question": self.question, "decision": self.decision,
                 "founders": {"names": 1, "weight": 1}}
        for table, keys in known.items():
            for key in data.get(table) or {}:
                if key not in keys:
                    raise IpcorpusError(f"{where}: unknown key '{table}.{key}' (the keys of [{table}] are "
                                        f"{', '.join(sorted(keys))})")
        for name, value in (data.get("question") or {}).items():
            if isinstance(self.question[name], list):
                _strings(value, where, f"question.{name}")

    def merge(self, data: dict, where: str, shipped: bool = False):
        self.check(data, where, shipped)
        for t in _TABLES + _PATTERN_TABLES:
            for k, v in (data.get(t) or {}).items():
                if not isinstance(v, (int, float)):
                    raise IpcorpusError(f"{where}: [{t}] {k}: weight must be a number")
                dest = self.patterns if t in _PATTERN_TABLES else self.terms
                dest.setdefault(t, {})[k] = float(v)
        for t in _LISTS:
            if t in data:
                self.lists.setdefault(t, [])
                self.lists[t] = list(dict.fromkeys(self.lists[t] + list(data[t])))
        self.factors.update(data.get("factors") or {})
        for name, aliases in (data.get("entities") or {}).items():
            self.entities[name] = list(dict.fromkeys(self.entities.get(name, []) + list(aliases)))
        for name, value in (data.get("question") or {}).items():
            if isinstance(value, list):
                self.question[name] = list(dict.fromkeys(self.question.get(name, []) + list(value)))
            else:
                self.question[name] = value
        for name, value in (data.get("decision") or {}).items():
            self.decision[name] = value
        f = data.get("founders") or {}
        if "names" in f:
            self.founders = list(dict.fromkeys(self.founders + list(f["names"])))
        if "weight" in f:
            self.founder_weight = float(f["weight"])

    def compile(self) -> Lexicon:
        index: dict[str, list[tuple[str, float]]] = {}
        for table, entries in self.terms.items():
            for term, w in entries.items():
                index.setdefault(compact(term), []).append((table, w))
        for name in self.founders:
            index.setdefault(compact(name), []).append(("person", self.founder_weight))
        for lst in ("contrast", "concession", "shift", "shift_from", "advocacy", "hedges", "reported",
                    "rhetorical", "comparative", "not_markers", "versus", "reverse_versus", "both", "speech",
                    "emphasis"):
            for term in self.lists.get(lst, []):
                index.setdefault(compact(term), []).append((lst, 1.0))
        self.index = index
        self.cats_of = {}
        for term, pairs in index.items():
            cats: dict = {}
            for table, w in pairs:
                cats[table] = max(cats.get(table, 0.0), w)
            self.cats_of[term] = cats
        self.regex = trie_regex(index)
        self.compiled_patterns = []
        # Compiled for linear-time search (linear.py): a pattern that could backtrack
        # without end on a run-on sentence is refused up front, as a bad one is.
        sources = [(compact(pat) if " " in pat else pat, pat, table.replace("_patterns", ""), w)
                   for table, entries in self.patterns.items() for pat, w in entries.items()]
        linear.prepare([src for src, _, _, _ in sources])
        for src, pat, side, w in sources:
            try:
                self.compiled_patterns.append((linear.compile(src), side, w))
            except re.error as e:
                raise IpcorpusError(f"lexicon pattern {pat!r}: {e}") from None
            except linear.UnsafePattern as e:
                raise IpcorpusError(f"lexicon pattern '{pat}' refused: {e}") from None
        from ipcorpus.patterns.prefilter import required_sets
        self.pattern_needs = list(required_sets([rx.pattern for rx, _, _ in self.compiled_patterns]))
        self.entity_of = {compact(a): name for name, aliases in self.entities.items() for a in aliases}
        self.entity_regex = trie_regex(self.entity_of)
        self.numeric_units = tuple(compact(u) for u in self.lists.get("numeric_units", []))
        self.negators = frozenset(self.lists.get("negators", []))
        self.rhetorical_statement = frozenset(compact(t) for t in self.lists.get("rhetorical_statement", []))
        # Every negator holds one of these characters; a sentence without any of them
        # has no negation and need not be tokenized. (None: some negator does not.)
        core = "不没无别勿非未毋"
        self.negation_chars = core if all(any(ch in n for ch in core) for n in self.negators) else None
        self.voice = tuple(compact(v) for v in self.lists.get("voice", []))
        self.q = QuestionWords.build(self.question, self.founders, list(self.entities))
        return self

    def factor(self, name: str) -> float:
        return float(self.factors.get(name, 1.0))


def _strings(value: object, where: str, key: str) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise IpcorpusError(f"{where}: {key}: must be a list of strings")


@dataclass
class QuestionWords:
    """question.toml compiled: one trie expression per word list."""
    leaders: re.Pattern | None
    persona: re.Pattern | None
    companies: re.Pattern | None
    person_ip: re.Pattern | None
    staff: re.Pattern | None
    staff_voice: re.Pattern | None
    terms: re.Pattern | None
    term_side: dict[str, int]            # compact term -> FOUNDER, MATRIX or 0 (a look-alike)
    persons: frozenset                   # leader words and founder names, compact (for 去X化)
    owned: frozenset
    quote_verbs: re.Pattern | None
    not_quotes: re.Pattern | None
    self_refs: tuple
    window: int

    @classmethod
    def build(cls, q: dict, founders: list[str], companies: list[str]) -> QuestionWords:
        def rx(*names, extra=()):
            return trie_regex([compact(t) for n in names for t in q.get(n, [])] + [compact(t) for t in extra])
        side = {compact(t): 1 for t in q.get("founder_terms", [])}
        side.update({compact(t): 2 for t in q.get("matrix_terms", [])})
        side.update({compact(t): 0 for t in q.get("not_terms", [])})
        return cls(rx("leaders", extra=founders), rx("persona"), rx("companies", extra=companies), rx("person_ip"),
                   rx("staff"), rx("staff_voice"), trie_regex(side), side,
                   frozenset(compact(t) for t in q.get("leaders", []) + founders),
                   frozenset(compact(t) for t in q.get("owned", [])),
                   rx("quote_verbs"), rx("not_quotes"), tuple(compact(t) for t in q.get("self_refs", [])),
                   int(q.get("window", 10)))


def _load_builtin() -> list[tuple[dict, str]]:
    root = resources.files("ipcorpus.stance") / "lexicons"
    out = []
    for name in ("targets.toml", "evaluation.toml", "markers.toml", "entities.toml", "question.toml", "decision.toml"):
        out.append((diskcache.parsed_toml((root / name).read_text(encoding="utf-8")), name))
    return out


def load_lexicon(extra_files: tuple[str, ...] = ()) -> Lexicon:
    lex = Lexicon()
    for data, where in _load_builtin():
        lex.merge(data, where, shipped=True)
    for path in extra_files:
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except OSError as e:
            raise IpcorpusError(f"{path}: cannot read lexicon: {e.strerror}") from None
        except tomllib.TOMLDecodeError as e:
            raise IpcorpusError(f"{path}: not a valid TOML lexicon: {e}") from None
        lex.merge(data, path)
    return lex.compile()


_CACHE: dict[tuple, Lexicon] = {}


def get_lexicon(extra_files: tuple[str, ...] = ()) -> Lexicon:
    key = tuple(extra_files)
    if key not in _CACHE:
        _CACHE[key] = load_lexicon(key)
    return _CACHE[key]
