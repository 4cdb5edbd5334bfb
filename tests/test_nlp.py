"""jieba, loaded lazily from its cache: the fast load gives jieba's own dictionary."""
import subprocess
import sys

from conftest import ROOT

_CHECK = r"""
import json, os, sys
os.environ["XDG_CACHE_HOME"] = sys.argv[1]
from ipcorpus import nlp
jieba = nlp.tokenizer(["雷军", "去雷军化"])
print(json.dumps({"total": jieba.dt.total, "n": len(jieba.dt.FREQ),
                  "cut": jieba.lcut("小米不仅需要雷军，也不能没有去雷军化的账号矩阵", HMM=False)}, ensure_ascii=False))
"""


def _run(cache):
    r = subprocess.run([sys.executable, "-c", _CHECK, str(cache)], cwd=str(ROOT), capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    return r.stdout


def test_cache_built_then_loaded_gives_the_same_dictionary(tmp_path):
    built = _run(tmp_path)                       # no cache: jieba builds and writes it
    cache = tmp_path / "ipcorpus" / "jieba.cache"
    assert cache.is_file()
    assert _run(tmp_path) == built               # read back by nlp._load_cache
    assert '"去雷军化"' in built and '"雷军"' in built      # domain words stay whole


def test_corrupt_cache_is_rebuilt(tmp_path):
    built = _run(tmp_path)
    cache = tmp_path / "ipcorpus" / "jieba.cache"
    cache.write_bytes(b"\x00garbage")
    assert _run(tmp_path) == built
    assert cache.stat().st_size > 1_000_000
