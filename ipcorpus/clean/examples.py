"""Every rule's evidence, run: the lines it must drop (`examples`, placed at
`examples_at`) and the article sentences with its trigger words that it must keep
(`keeps`), written beside the rule in its pack or in a user's [[clean.rule]].

Each line is set in a small article of our own (a title, five paragraphs separated by
blank lines) and the whole page is cleaned as any file is, so a rule is checked with
the other rules and the detectors around it. `ipcorpus rules --test` and
tests/test_clean_rules.py both run rules through `check`."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from ipcorpus.clean.rules import Rule, RuleSet

TITLE = "创始人个人IP与员工账号矩阵之间的长期取舍"
PROSE = [
    "很多企业在品牌建设初期都会面临同一个问题，究竟应该让创始人站到台前，还是让团队一起发声。",
    "从过去几年的案例来看，创始人亲自出镜确实能在短时间内带来大量关注，但这种关注往往难以沉淀。",
    "相比之下，由高管、工程师和一线员工组成的账号矩阵，虽然起步较慢，却能覆盖更多细分场景。",
    "更重要的是，矩阵化发声可以分散风险，即使某一个账号出现问题，品牌整体也不会因此受到重创。",
    "因此，我们认为企业应该根据自身所处的阶段，在个人IP和账号矩阵之间找到一个动态的平衡点。",
]
# A keep is a real sentence of argument, not a fragment that is kept by luck.
KEEP_MIN_CHARS = 40
# At most this many rules that beat a rule to its example are held off in turn.
_MAX_HELD = 5


def page(line: str, where: str) -> tuple[list[str], int]:
    """An article with `line` placed at `where`; returns (lines, its 1-based number).
    `top` is between the title and the first paragraph, `bottom` after the last one
    (edge rules fire only there), `middle` inside the article. Paragraphs are
    separated by blank lines, as scraped pages are."""
    if where == "top":
        body = [TITLE, line] + PROSE
    elif where == "middle":
        body = [TITLE] + PROSE[:2] + [line] + PROSE[2:]
    else:
        body = [TITLE] + PROSE + [line]
    lines = []
    for b in body:
        lines += [b, ""]
    return lines[:-1], 2 * body.index(line) + 1


def verdict_of(lines: list[str], n: int, rules: RuleSet | None = None) -> tuple[str, str]:
    """(action, rule) of line n when the page is cleaned."""
    from ipcorpus.clean.lines import clean
    from ipcorpus.read.document import document_from_bytes
    doc = document_from_bytes("example.txt", ("\n".join(lines) + "\n").encode("utf-8"))
    v = clean(doc, rules).verdicts[n - 1]
    return v.action, v.rule


class Failure(NamedTuple):
    rule: str
    kind: str          # example | keep
    line: str
    by: str = ""       # the rule that dropped a keep

    def __str__(self) -> str:
        if self.kind == "example":
            return f'rule {self.rule}: example "{self.line}" was kept'
        if self.by:
            return f'rule {self.rule}: keep "{self.line}" was dropped by {self.by}'
        return f'rule {self.rule}: keep "{self.line}" is shorter than {KEEP_MIN_CHARS} characters'


@dataclass
class Checked:
    """What `check` found over a rule set."""
    rules: int = 0
    examples: int = 0
    keeps: int = 0
    failures: list[Failure] = field(default_factory=list)
    # rule -> the rules that beat it to its examples and were held off to see it fire
    held: dict[str, tuple[str, ...]] = field(default_factory=dict)
    without: list[str] = field(default_factory=list)     # rules with no examples or no keeps

    def summary(self) -> str:
        """One line: what passed or how much failed, the rules with no evidence, and
        those seen to fire only with another rule held off."""
        if self.failures:
            out = (f"{len(self.failures)} of {self.examples + self.keeps} examples and keeps failed "
                   f"({self.rules} rules)")
        else:
            out = f"{self.examples} examples dropped and {self.keeps} keeps kept by {self.rules} rules"
        if self.without:
            out += f"; no examples or keeps: {', '.join(self.without)}"
        for name, held in self.held.items():
            out += f"; {name} fires once {', '.join(held)} is held off"
        return out


class RuleSets:
    """The rule sets the checks need, each made once: the same packs with some
    rules held off (--keep-rule) and an opt-in rule turned on (--drop-rule)."""

    def __init__(self, base: RuleSet):
        self.base = base
        self.made: dict[tuple, RuleSet] = {}

    def get(self, rule: Rule, held: tuple[str, ...] = ()) -> RuleSet:
        on = frozenset(() if rule.default else (rule.name,))
        key = (frozenset(held), on)
        if key not in self.made:
            self.made[key] = RuleSet(self.base.packs, frozenset(held), on)
        return self.made[key]


def example_dropped(rule: Rule, line: str, sets: RuleSets) -> tuple[bool, tuple[str, ...]]:
    """Does `rule` drop its example at its place? A rule that an earlier one (or a
    detector) beats to the line is tried again with that one held off; returns
    whether it fired and the rules held off to see it (those it names in
    `shadowed_by` first)."""
    lines, n = page(line, rule.examples_at)
    held: tuple[str, ...] = rule.shadowed_by
    while len(held) <= _MAX_HELD:
        action, by = verdict_of(lines, n, sets.get(rule, held))
        if action != "drop" or by == rule.name:
            return action == "drop", held
        held += (by,)
    return False, held


def keep_dropped_by(rule: Rule, line: str, sets: RuleSets) -> str:
    """The rule that drops a keep set inside the article ('' when it is kept), with
    `rule` turned on even if it is opt-in."""
    lines, n = page(line, "middle")
    action, by = verdict_of(lines, n, sets.get(rule))
    return by if action == "drop" else ""


def check(rules: RuleSet) -> Checked:
    """Every rule's examples and keeps, in pack order."""
    sets = RuleSets(rules)
    out = Checked()
    for pack in rules.packs:
        for r in pack.rules:
            out.rules += 1
            if not r.examples or not r.keeps:
                out.without.append(r.name)
            for line in r.examples:
                out.examples += 1
                fired, held = example_dropped(r, line, sets)
                if not fired:
                    out.failures.append(Failure(r.name, "example", line))
                elif held:
                    out.held[r.name] = tuple(dict.fromkeys(out.held.get(r.name, ()) + held))
            for line in r.keeps:
                out.keeps += 1
                by = keep_dropped_by(r, line, sets) if len(line) >= KEEP_MIN_CHARS else ""
                if by or len(line) < KEEP_MIN_CHARS:
                    out.failures.append(Failure(r.name, "keep", line, by))
    return out
