"""Learned furniture (corpus/furniture.py): brought up to date when documents come and go, with
exactly the result of counting everything again."""
import random

import pytest

from conftest import SAMPLE

from ipcorpus.corpus import furniture as learn_mod
from ipcorpus.corpus.pipeline import Options, run

FURNITURE = ["品牌故事第三季", "扫一扫看更多行业观察", "本栏目由品牌周刊整理发布", "延伸阅读：十年品牌路"]


def _articles():
    return sorted(p for p in SAMPLE.rglob("*.txt") if p.read_bytes()[:2] not in (b"\xff\xfe", b"\xfe\xff"))


def _write(root, i, src, rng):
    """A sample article with some of the furniture lines before it."""
    data = src.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    head = "\n\n".join(rng.sample(FURNITURE, rng.randint(0, 3)))
    (root / f"a{i:03d}.txt").write_text(f"第{i}期观察\n\n{head}\n\n{text}", encoding="utf-8")
    return True


def _learned(corpus):
    return corpus.recurring, corpus.affected, {h: corpus.keys_of(h) for h in corpus.affected}


def _full(root, tmp_path, name):
    return _learned(run([str(root)], Options(jobs=1, db=str(tmp_path / f"{name}.sqlite"))))


@pytest.fixture
def updates(monkeypatch):
    """Count the learning passes brought up to date rather than counted again."""
    calls = []
    real = learn_mod._update

    def counting(*a):
        got = real(*a)
        calls.append(got is not None)
        return got

    monkeypatch.setattr(learn_mod, "_update", counting)
    monkeypatch.setattr(learn_mod, "RECOUNT_SHARE", 1.0)
    return calls


def test_updates_equal_a_full_count(tmp_path, updates):
    rng = random.Random(7)
    root = tmp_path / "c"
    root.mkdir()
    arts = _articles()
    n = 0
    for src in arts[:10]:
        n += _write(root, n, src, rng)
    db = str(tmp_path / "live.sqlite")
    run([str(root)], Options(jobs=1, db=db))
    for step in range(6):
        files = sorted(root.glob("*.txt"))
        if step % 3 == 0:                       # add two
            for src in rng.sample(arts, 2):
                n += _write(root, n, src, rng)
        elif step % 3 == 1:                     # remove one
            rng.choice(files).unlink()
        else:                                   # change one
            _write(root, int(rng.choice(files).stem[1:]), rng.choice(arts), rng)
        live = _learned(run([str(root)], Options(jobs=1, db=db)))
        assert live == _full(root, tmp_path, f"full{step}"), f"step {step}"
    assert updates.count(True) >= 6
    assert live[0], "nothing was learned: the test proves nothing"


def test_too_much_changed_counts_everything_again(tmp_path, monkeypatch):
    root = tmp_path / "c"
    root.mkdir()
    rng = random.Random(3)
    for i, src in enumerate(_articles()[:6]):
        _write(root, i, src, rng)
    db = str(tmp_path / "live.sqlite")
    run([str(root)], Options(jobs=1, db=db))
    for i, src in enumerate(_articles()[6:12]):
        _write(root, 100 + i, src, rng)
    calls = []
    real = learn_mod._count
    monkeypatch.setattr(learn_mod, "_count", lambda *a: calls.append(1) or real(*a))
    live = _learned(run([str(root)], Options(jobs=1, db=db)))
    assert calls == [1]
    assert live == _full(root, tmp_path, "full")


def test_a_run_without_learning_that_forgets_documents_is_caught_up(tmp_path, updates):
    # `check` runs without learning but prunes and forgets what went; the next
    # learning run cannot read those documents' keys and counts everything again.
    rng = random.Random(5)
    root = tmp_path / "c"
    root.mkdir()
    for i, src in enumerate(_articles()[:10]):
        _write(root, i, src, rng)
    db = str(tmp_path / "live.sqlite")
    run([str(root)], Options(jobs=1, db=db))
    sorted(root.glob("*.txt"))[3].unlink()
    run([str(root)], Options(jobs=1, db=db, learn=False))
    live = _learned(run([str(root)], Options(jobs=1, db=db)))
    assert live == _full(root, tmp_path, "full")
    assert updates[-1] is False
