"""Cleaning the sample corpus: every article line kept, every noise line dropped."""
from conftest import SAMPLE, ranges

from ipcorpus.clean.lines import clean
from ipcorpus.read.document import load_document


def test_every_body_line_kept_and_noise_dropped(sample_gold):
    lost, leaked = [], []
    for name, g in sample_gold.items():
        c = clean(load_document(str(SAMPLE / name)))
        kept = {v.line for v in c.verdicts if v.action == "keep"}
        lost += [(name, n) for n in sorted(ranges(g["body"]) - kept)]
        leaked += [(name, n) for n in sorted(ranges(g["noise"]) & kept)]
    assert not lost, f"article lines dropped: {lost}"
    assert not leaked, f"noise lines kept: {leaked}"


def test_encodings_and_scripts(sample_gold):
    for name, g in sample_gold.items():
        d = load_document(str(SAMPLE / name))
        assert d.encoding.replace("-sig", "") == g["encoding"], name
        assert d.script == g["script"], name
