"""jieba's dictionary loaded bucket by bucket (nlp.py): the same tokens as jieba with
its whole dictionary, a bucket file built once, rebuilt when damaged."""
import subprocess
import sys

from conftest import ROOT, SAMPLE

_CHECK = r"""
import json, os, sys
os.environ["XDG_CACHE_HOME"] = sys.argv[1]
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from ipcorpus import nlp
from ipcorpus.read.source import decode, split_lines
from ipcorpus.stance.lexicon import get_lexicon
from ipcorpus.stance.sentence import _SEGMENT, set_user_words, user_words
set_user_words(get_lexicon(()))
words = user_words()
lazy = nlp.tokenizer(words)
import jieba
whole = jieba.Tokenizer()
whole.tmp_dir = sys.argv[1]
whole.initialize()
for w in words:
    if len(w) >= 2:
        whole.add_word(w, freq=200000)
segs = []
for p in sorted(Path(sys.argv[3]).rglob("*")):
    if p.suffix in (".txt", ".md"):
        segs += _SEGMENT.findall(decode(p.read_bytes()).text)
differ = []
for s in segs:
    nlp.ensure(s)
    if list(lazy.tokenize(s, HMM=False)) != list(whole.tokenize(s, HMM=False)):
        differ.append(s)
print(json.dumps({"lazy": nlp._lazy is not None, "segments": len(segs), "differ": differ[:5],
                  "total": [lazy.dt.total, whole.total],
                  "cut": lazy.lcut("小米不仅需要雷军，也不能没有去雷军化的账号矩阵", HMM=False)}, ensure_ascii=False))
"""


def _run(cache):
    import json
    r = subprocess.run([sys.executable, "-c", _CHECK, str(cache), str(ROOT), str(SAMPLE)], cwd=str(ROOT),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def _bucket_files(cache):
    folder = cache / "ipcorpus"
    return sorted(folder.glob("jieba-buckets-*.bin")) if folder.is_dir() else []


def test_buckets_give_the_tokens_of_the_whole_dictionary(tmp_path):
    got = _run(tmp_path)
    assert got["lazy"] and got["segments"] > 1000
    assert got["differ"] == []
    assert got["total"][0] == got["total"][1]
    assert "去雷军化" in got["cut"] and "雷军" in got["cut"]       # domain words stay whole
    assert len(_bucket_files(tmp_path)) == 1


def test_damaged_bucket_file_is_rebuilt(tmp_path):
    first = _run(tmp_path)
    (path,) = _bucket_files(tmp_path)
    path.write_bytes(b"\x00garbage")
    again = _run(tmp_path)
    assert again == first
    assert path.stat().st_size > 1_000_000


def test_unwritable_cache_falls_back_to_the_whole_dictionary(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "ipcorpus").write_text("a file where the folder should be")
    got = _run(cache)
    assert got["differ"] == [] and got["total"][0] == got["total"][1]
