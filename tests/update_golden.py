#!/usr/bin/env python
"""Regenerate the golden files in tests/golden/ that tests/test_output.py compares
against, and those of `ipcorpus check` in tests/golden/check/ (tests/test_check.py).

Run it (from anywhere) when a change to cleaning, scoring or rendering is intended:

    .venv/bin/python tests/update_golden.py

then review `git diff tests/golden` before committing: every changed line there is a
change a user's script will see.

The goldens are the output of the CLI on a fixed copy of four sample articles, run
with that copy as the working directory, so every path in them is relative and
stable (`articles/36kr/…`). The check goldens are `ipcorpus check bad --no-cache
--format FORMAT` beside a copy of tests/data/bad (the deliberately bad articles)."""
from __future__ import annotations

import contextlib
import difflib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = ROOT / "sample_corpus"
GOLDEN = HERE / "golden"
CHECK_GOLDEN = GOLDEN / "check"
BAD = HERE / "data" / "bad"

# The corpus folder, relative to the working directory the commands run in.
CORPUS = "articles"

# A fixed mix: UTF-8 and Big5 (traditional script), a related-news list, a file name
# with spaces and Chinese characters; founder-ip and matrix stances.
FILES = (
    "36kr/tesla_musk_x_account.txt",
    "blog/chenou_wo_wei_ziji_daiyan.txt",
    "netease/gree_dongmingzhu_yilai.txt",
    "wechat/董明珠 直播 复盘.txt",
)

_STANCE = ["stance", CORPUS, "--no-cache"]
CASES: dict[str, list[str]] = {
    "stance.tsv": _STANCE + ["--format", "tsv"],
    "stance.csv": _STANCE + ["--format", "csv"],
    "stance.json": _STANCE + ["--format", "json"],
    "stance.jsonl": _STANCE + ["--format", "jsonl"],
    "stance.markdown": _STANCE + ["--format", "markdown"],
    "stance-evidence.tsv": _STANCE + ["--evidence", "2", "--format", "tsv"],
    "stance-entity.tsv": _STANCE + ["--by", "entity", "--format", "tsv"],
    "clean.json": ["clean", CORPUS, "--no-cache", "--format", "json"],
    # The first ingest of a fresh copy: every file is new.
    "ingest.json": ["ingest", CORPUS, "--format", "json"],
}

# What the environment must not leak into the output.
ENV = {"NO_COLOR": None, "IPCORPUS_DB": None, "COLUMNS": "100"}

HINT = ("If this change is intended, regenerate the golden files with\n"
        "    .venv/bin/python tests/update_golden.py\n"
        "and review `git diff tests/golden`.")


def make_corpus(base: Path) -> Path:
    """Copy the fixed sample files to base/articles/…; return base."""
    for rel in FILES:
        dest = base / CORPUS / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLE / rel, dest)
    return base


def normalize(name: str, text: str) -> str:
    """Make run-specific fields stable: the index location of `ingest`."""
    if name == "ingest.json":
        obj = json.loads(text)
        if obj.get("index"):
            obj["index"] = "<index>"
        return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"
    return text


def invoke(args: list[str]):
    """Run the CLI in-process; return the click Result."""
    from typer.testing import CliRunner

    from ipcorpus.commands.cli import app
    return CliRunner(env=ENV).invoke(app, args)


def render(name: str) -> str:
    """The output of one golden case, run in the current directory (the corpus copy
    made by make_corpus)."""
    args = CASES[name]
    res = invoke(args)
    if res.exit_code != 0:
        raise AssertionError(f"ipcorpus {' '.join(args)} exited {res.exit_code}:\n{res.stderr}{res.exception or ''}")
    return normalize(name, res.stdout)


def diff(want: str, got: str, name: str, limit: int = 60) -> str:
    lines = list(difflib.unified_diff(want.splitlines(), got.splitlines(), f"golden/{name}", "now", lineterm=""))
    more = f"\n… {len(lines) - limit} more diff lines" if len(lines) > limit else ""
    return "\n".join(lines[:limit]) + more


@contextlib.contextmanager
def _in_dir(path: Path):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def generate() -> dict[str, str]:
    """Every golden output, computed on a fresh temporary copy."""
    with tempfile.TemporaryDirectory(prefix="ipcorpus-golden-") as tmp:
        base = Path(tmp)
        os.environ["XDG_CACHE_HOME"] = str(base / "xdg-cache")   # jieba's cache, never $HOME
        make_corpus(base / "corpus")
        with _in_dir(base / "corpus"):
            # Ingest runs first: it is the only case that writes an index, and the
            # other cases use --no-cache.
            order = ["ingest.json"] + sorted(n for n in CASES if n != "ingest.json")
            return {name: render(name) for name in order}


def check_run(fmt: str):
    """`ipcorpus check bad --no-cache --format fmt`, run in the current directory
    (beside a copy of tests/data/bad named bad); the click Result."""
    from typer.testing import CliRunner

    from ipcorpus.commands.cli import app
    return CliRunner().invoke(app, ["check", "bad", "--no-cache", "--format", fmt])


def generate_check() -> dict[str, str]:
    """Every check golden (check.FORMAT), computed beside a fresh copy of tests/data/bad."""
    from ipcorpus.check import FORMATS
    with tempfile.TemporaryDirectory(prefix="ipcorpus-golden-check-") as tmp:
        shutil.copytree(BAD, Path(tmp) / "bad")
        with _in_dir(Path(tmp)):
            out = {}
            for fmt in FORMATS:
                res = check_run(fmt)
                if res.exit_code != 1:
                    raise AssertionError(f"ipcorpus check --format {fmt} exited {res.exit_code}:\n{res.stderr}")
                out[f"check.{fmt}"] = res.stdout
            return out


def _write(folder: Path, outputs: dict[str, str]) -> int:
    folder.mkdir(exist_ok=True)
    changed = 0
    for name, text in sorted(outputs.items()):
        path = folder / name
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old != text:
            path.write_text(text, encoding="utf-8", newline="\n")
            changed += 1
            print(f"updated {path.relative_to(ROOT)}")
    stale = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name not in outputs)
    for name in stale:
        print(f"note: {(folder / name).relative_to(ROOT)} is not generated by this script", file=sys.stderr)
    return changed


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    outputs = generate()
    checks = generate_check()
    changed = _write(GOLDEN, outputs) + _write(CHECK_GOLDEN, checks)
    print(f"{len(outputs) + len(checks)} golden files, {changed} changed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
