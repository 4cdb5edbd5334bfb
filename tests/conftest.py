import json
import re
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = ROOT / "sample_corpus"
DATA = HERE / "data"
SHARED = ROOT.parent / "shared"
REAL = SHARED / "real_pages"


def ranges(spec):
    out = set()
    for a, b in spec:
        out.update(range(a, b + 1))
    return out


@pytest.fixture(scope="session")
def sample_gold():
    return json.loads((DATA / "sample_gold.json").read_text(encoding="utf-8"))["files"]


@pytest.fixture(scope="session")
def real_gold():
    gold = REAL / "gold.json"
    if not gold.exists():
        pytest.skip("../shared/real_pages is not present")
    return json.loads(gold.read_text(encoding="utf-8"))["files"]


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    # jieba's cache and any fallback index go to a per-session folder, never $HOME.
    cache = tmp_path_factory.getbasetemp() / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.delenv("IPCORPUS_DB", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


SHOW_LINE = re.compile(r"^(?P<mark>[> ])\s*(?P<n>\d+)\|(?: (?P<text>.*?))?(?:  \[drop: (?P<rule>[^\]]+)\])?$")


def parse_show(out: str):
    """`ipcorpus show` output as (mark, line, text, rule) rows."""
    rows = []
    for ln in out.splitlines():
        m = SHOW_LINE.match(ln)
        assert m, repr(ln)
        rows.append((m["mark"], int(m["n"]), m["text"] or "", m["rule"]))
    return rows
