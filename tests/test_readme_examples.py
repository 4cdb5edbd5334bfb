"""Every example run in README.md (a `$ ipcorpus …` line in a code block and the
output under it) is run, and its output must be what the README shows, so the
manual's figures never go stale.

Each code block runs in a fresh copy of sample_corpus/ (and of tests/data/bad/ as
articles/, for check's examples, and of tests/data/pages/ at that path, for the web
pages' examples), with no index: the commands of one block share
state, in order (the second `ingest` of a block finds everything unchanged). How an
example is compared:
- a line `…` ends what the README shows: the output must start with the lines before it;
- a line ending in `(stderr)` is that line on stderr (stdout and stderr are read merged);
- JSON output the README folds onto fewer lines compares without white space;
- a terminal table is drawn at the width of the README's own lines;
- `echo $?` prints the exit code of the command before it.
Examples that need a tool this machine lacks (jq) are skipped, and so is `make eval`,
which measures ../shared (the tests of test_stance_decision.py pin its figure)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent


def _blocks() -> list[list[tuple[str, list[str], int]]]:
    """Per code block with example runs: (command, expected lines, README line) each."""
    out = []
    lines = README.split("\n")
    i = 0
    while i < len(lines):
        if not lines[i].startswith("```"):
            i += 1
            continue
        j = i + 1
        runs: list[tuple[str, list[str], int]] = []
        while j < len(lines) and not lines[j].startswith("```"):
            if lines[j].startswith("$ "):
                runs.append((lines[j][2:], [], j + 1))
            elif runs:
                runs[-1][1].append(lines[j])
            j += 1
        if runs:
            out.append(runs)
        i = j + 1
    return out


BLOCKS = [b for b in _blocks() if any(cmd.startswith("ipcorpus ") for cmd, _, _ in b)]


def _id(block) -> str:
    return f"README.md:{block[0][2]}"


def _normalize(text: str) -> list[str]:
    return [re.sub(r"\s+\(stderr\)$", "", ln.rstrip()) for ln in text.rstrip("\n").split("\n")]


def _compare(cmd: str, want: list[str], got: str, where: int) -> None:
    want = [re.sub(r"\s+\(stderr\)$", "", ln.rstrip()) for ln in want]
    while want and not want[-1]:
        want.pop()                       # the blank line before the block's next run
    prefix = "…" in [ln.strip() for ln in want]
    if prefix:
        want = want[:[ln.strip() for ln in want].index("…")]
    have = _normalize(got)
    while have and not have[-1]:
        have.pop()
    if any(ln.startswith(("{", "[")) for ln in want[:1]) and "--format json" in cmd:
        w, h = "".join("".join(want).split()), "".join("".join(have).split())
        assert (h.startswith(w) if prefix else h == w), f"README.md:{where}: `{cmd}` prints other JSON"
        return
    if prefix:
        have = have[:len(want)]
    assert have == want, f"README.md:{where}: `$ {cmd}` prints\n" + "\n".join(_normalize(got)[:40])


@pytest.mark.parametrize("block", BLOCKS, ids=_id)
def test_readme_example_runs_print_what_the_readme_shows(block, tmp_path):
    shutil.copytree(ROOT / "sample_corpus", tmp_path / "sample_corpus",
                    ignore=shutil.ignore_patterns(".ipcorpus"))
    shutil.copytree(ROOT / "tests" / "data" / "bad", tmp_path / "articles")
    shutil.copytree(ROOT / "tests" / "data" / "pages", tmp_path / "tests" / "data" / "pages")
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", NO_COLOR="1",
               IPCORPUS_CACHE=str(tmp_path / "cache"))
    env.pop("IPCORPUS_DB", None)
    rc = 0
    for cmd, want, where in block:
        if cmd == "echo $?":
            _compare(cmd, want, f"{rc}\n", where)
            continue
        if "jq " in cmd and shutil.which("jq") is None:
            pytest.skip("jq is not installed")
        if cmd.startswith("make "):
            continue
        if "--format table" in cmd:
            env["COLUMNS"] = str(max((cell_len(ln) for ln in want), default=80))
        p = subprocess.run(["bash", "-c", cmd], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        rc = p.returncode
        _compare(cmd, want, p.stdout + p.stderr, where)
