"""ipcorpus.toml: per-corpus settings a user can keep beside the articles.

It is found the way the index is: the nearest ipcorpus.toml at or above each path
named (not looking past the top of a git work tree or the home folder), and the
folder that holds it is the corpus root, where the index is made."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from ipcorpus.errors import IpcorpusError
from ipcorpus.index import CONFIG_NAME, nearest_file


def nearest_config(folder: str) -> str | None:
    """The nearest ipcorpus.toml at or above a folder; relative when the folder is."""
    return nearest_file(folder, CONFIG_NAME)


def find_config(paths: list[str], explicit: str | None) -> str | None:
    if explicit:
        if not os.path.isfile(explicit):
            raise IpcorpusError(f"{explicit}: no such config file")
        return explicit
    found: dict[str, str] = {}
    seen: set[str] = set()
    for p in paths or ["."]:
        start = p if os.path.isdir(p) else os.path.dirname(p) or "."
        if start in seen:
            continue
        seen.add(start)
        cand = nearest_config(start)
        if cand:
            found.setdefault(os.path.realpath(cand), cand)
    if len(found) > 1:
        raise IpcorpusError(f"the paths belong to corpora with different settings ({', '.join(found.values())}); "
                            f"name them in separate runs, or choose the settings with --config")
    return next(iter(found.values()), None)


def load_config(path: str | None) -> dict:
    """The settings of an ipcorpus.toml, checked: an unknown table or key, a value of
    the wrong kind or a rule that cannot work is one error naming the file and the key."""
    if not path:
        return {}
    import tomllib
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as e:
        raise IpcorpusError(f"{path}: invalid TOML: {e}") from None
    except OSError as e:
        raise IpcorpusError(f"{path}: {e.strerror}") from None
    _check_keys(path, data)
    corpus, clean, stance = (data.setdefault(t, {}) for t in ("corpus", "clean", "stance"))
    for table, key in (("corpus", "glob"), ("clean", "keep_rules"), ("clean", "drop_rules"), ("stance", "lexicon")):
        if key in data[table]:
            data[table][key] = _strings(path, f"{table}.{key}", data[table][key])
    if "max_size" in corpus:
        corpus["max_size"] = _size(path, corpus["max_size"])
    if "rule" in clean:
        clean["rule"] = _rules(path, clean["rule"])
    base = os.path.dirname(os.path.abspath(path))
    stance["lexicon"] = [x if os.path.isabs(x) else os.path.join(base, x) for x in stance.get("lexicon", [])]
    return data


# table -> its keys: what an ipcorpus.toml may hold (README.md, `ipcorpus clean`).
TABLES = {"corpus": ("glob", "max_size", "time_limit"), "clean": ("keep_rules", "drop_rules", "rule"),
          "stance": ("lexicon",)}
RULE_KEYS = ("name", "family", "description", "patterns", "max_len", "zone", "on", "default", "prose", "cta",
             "examples", "examples_at", "keeps", "shadowed_by")


def _check_keys(path: str, data: dict):
    tables = ", ".join(f"[{t}]" for t in TABLES)
    for table, value in data.items():
        if table not in TABLES:
            what = f"table [{table}]" if isinstance(value, dict) else f"key '{table}'"
            raise IpcorpusError(f"{path}: unknown {what} (settings go in the tables {tables})")
        if not isinstance(value, dict):
            raise IpcorpusError(f"{path}: '{table}' must be the table [{table}]")
        for key in value:
            if key not in TABLES[table]:
                raise IpcorpusError(f"{path}: unknown key '{table}.{key}' (the keys of [{table}] are "
                                    f"{', '.join(TABLES[table])})")


def _strings(path: str, key: str, value) -> list[str]:
    """A string or a list of strings, as a list."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise IpcorpusError(f"{path}: {key} must be a string or a list of strings")
    return value


def _size(path: str, value) -> int:
    """Bytes, or a number with K, M or G (powers of 1024), as check's --max-size."""
    import re
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    m = re.fullmatch(r"\s*(\d+)\s*([kmg]?)i?b?\s*", value, re.I) if isinstance(value, str) else None
    if not m or int(m.group(1)) == 0:
        raise IpcorpusError(f"{path}: corpus.max_size must be a size: bytes, or a number with K, M or G")
    return int(m.group(1)) * 1024 ** " kmg".index(m.group(2).lower() or " ")


_RULE_CHOICES = {"zone": ("any", "edge"), "on": ("bare", "text"), "examples_at": ("middle", "top", "bottom")}


def _rules(path: str, rules) -> list[dict]:
    """[[clean.rule]] tables, checked, their patterns compiled once."""
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        raise IpcorpusError(f"{path}: clean.rule must be [[clean.rule]] tables")
    for k, r in enumerate(rules, 1):
        _rule(path, k, r)
    return rules


def _rule(path: str, k: int, r: dict) -> None:
    """The k-th [[clean.rule]] checked; a string where a list may be is made a list."""
    import re
    name = r.get("name")
    where = f"{path}: [[clean.rule]] " + (f"'{name}'" if isinstance(name, str) else f"number {k}")
    unknown = [key for key in r if key not in RULE_KEYS]
    if unknown:
        raise IpcorpusError(f"{where}: unknown key '{unknown[0]}' (a rule's keys are {', '.join(RULE_KEYS)})")
    if not isinstance(name, str) or not name or "patterns" not in r:
        raise IpcorpusError(f"{where}: every rule needs a name and patterns")
    for key in ("patterns", "examples", "keeps", "shadowed_by"):
        if key in r:
            r[key] = _strings(path, f"[[clean.rule]] '{name}' {key}", r[key])
    for key in ("family", "description"):
        if not isinstance(r.get(key, ""), str):
            raise IpcorpusError(f"{where}: {key} must be a string")
    for key in ("default", "prose", "cta"):
        if not isinstance(r.get(key, True), bool):
            raise IpcorpusError(f"{where}: {key} must be true or false")
    if "max_len" in r and (not isinstance(r["max_len"], int) or isinstance(r["max_len"], bool)
                           or r["max_len"] < 1):
        raise IpcorpusError(f"{where}: max_len must be a whole number of characters")
    for key, choices in _RULE_CHOICES.items():
        if r.get(key, choices[0]) not in choices:
            raise IpcorpusError(f"{where}: {key} must be one of {', '.join(choices)}")
    for pattern in r["patterns"]:
        try:
            re.compile(pattern)
        except re.error as e:
            raise IpcorpusError(f"{where}: bad pattern: {e}") from None


@dataclass
class Resolved:
    """The settings a run uses, and where each came from (`ipcorpus config`)."""
    config: str | None = None          # the ipcorpus.toml used, if any
    patterns: tuple = ()
    keep_rules: tuple = ()
    drop_rules: tuple = ()
    user_rules: tuple = ()             # [[clean.rule]] tables
    lexicons: tuple = ()
    max_size: int | None = None
    time_limit: float | None = None    # seconds per MB of a file's analysis (budget.py)
    sources: dict = field(default_factory=dict)    # setting -> "default", "command line", the file, or both


def resolve(paths: list[str], config: str | None = None, glob=None, keep_rule=None, drop_rule=None,
            lexicon=None) -> Resolved:
    """The command line's settings over those of the corpus's ipcorpus.toml over the
    defaults, checked up front: a typo is a usage error, not a failure of every article."""
    from ipcorpus.read.source import DEFAULT_PATTERNS
    path = find_config(paths, config)
    cfg = load_config(path)
    corpus, clean, stance = (cfg.get(t, {}) for t in TABLES)

    def origin(cli, conf) -> str:
        return " + ".join((["command line"] if cli else []) + ([str(path)] if conf else [])) or "default"

    r = Resolved(config=path)
    r.sources["config"] = "command line" if config else str(path) if path else "default"
    r.patterns = tuple(glob or corpus.get("glob") or DEFAULT_PATTERNS)
    r.sources["glob"] = origin(glob, not glob and corpus.get("glob"))
    r.keep_rules = tuple(keep_rule or ()) + tuple(clean.get("keep_rules", ()))
    r.sources["keep_rules"] = origin(keep_rule, clean.get("keep_rules"))
    r.drop_rules = tuple(drop_rule or ()) + tuple(clean.get("drop_rules", ()))
    r.sources["drop_rules"] = origin(drop_rule, clean.get("drop_rules"))
    r.user_rules = tuple(clean.get("rule", ()))
    r.sources["rules"] = origin(None, r.user_rules)
    r.lexicons = tuple(lexicon or ()) + tuple(stance.get("lexicon", ()))
    r.sources["lexicon"] = origin(lexicon, stance.get("lexicon"))
    r.max_size = corpus.get("max_size")
    r.sources["max_size"] = origin(None, r.max_size is not None)
    if "time_limit" in corpus:
        from ipcorpus.budget import parse_seconds
        r.time_limit = parse_seconds(corpus["time_limit"], f"{path}: [corpus]")
    r.sources["time_limit"] = origin(None, "time_limit" in corpus)
    if r.keep_rules or r.drop_rules or r.user_rules:
        from ipcorpus.clean.rules import make_ruleset
        known = make_ruleset({"rule": list(r.user_rules), "file": path} if r.user_rules else None,
                             keep_rule or (), drop_rule or ()).names()
        for key in ("keep_rules", "drop_rules"):
            for name in clean.get(key, ()):
                if name not in known:
                    raise IpcorpusError(f"{path}: clean.{key}: unknown rule '{name}' (see `ipcorpus rules`)")
    for lex in lexicon or ():
        if not os.path.isfile(lex):
            raise IpcorpusError(f"{lex}: no such lexicon file")
    for lex in stance.get("lexicon", ()):
        if not os.path.isfile(lex):
            raise IpcorpusError(f"{path}: stance.lexicon: {lex}: no such lexicon file")
    if r.lexicons:
        # A broken lexicon is a usage error up front, not a failure of every article.
        from ipcorpus.stance.lexicon import get_lexicon
        get_lexicon(r.lexicons)
    return r
