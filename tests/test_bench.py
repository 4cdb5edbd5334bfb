"""`make bench` works end to end: a quick run writes a complete results.json.

Timing targets are not asserted here: on a shared machine they are the benchmark's
business (ratios in one run), never a test's."""
import importlib.util
import json
import subprocess
import sys

import pytest

from conftest import ROOT

BENCH = ROOT / "bench" / "run.py"

MEASUREMENTS = {"cold", "reference", "warm", "new_file", "cold_jobs1", "cold_quarter", "cold_nomemo",
                "startup_help", "startup_import"}
RATIOS = {"cold_vs_reference", "cold_vs_reference_cut_only", "warm_vs_cold", "new_file_vs_cold",
          "startup_vs_import", "cold_n_vs_quarter", "rss_n_vs_quarter", "rss_n_mb", "jobs1_vs_default",
          "cpu_cold_vs_reference", "cold_nomemo_vs_reference"}


def _bench_module():
    spec = importlib.util.spec_from_file_location("ipcorpus_bench_run", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_generated_corpus_is_varied():
    bench = _bench_module()
    items, info = bench.generate(120, seed=3, extra=2)
    assert len(items) == 122
    names = [rel for rel, _, _ in items]
    assert len(set(names)) == len(names)
    assert any(" " in n and any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in names)
    assert info["reposts"] > 0
    data = [d for _, d, _ in items[:120]]
    assert len(set(data)) == 120 - info["reposts"]          # only the reposts are byte-identical
    assert {"utf-8", "gb18030", "big5", "utf-16"} <= {enc for _, _, enc in items}
    # The same seed makes the same corpus; a prefix is a corpus of its own.
    again, _ = bench.generate(30, seed=3)
    assert again == items[:30]


@pytest.mark.slow
def test_quick_bench_writes_results(tmp_path):
    out = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, str(BENCH), "--quick", "--out", str(out)],
                          capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    res = json.loads(out.read_text(encoding="utf-8"))
    assert res["n"] == 200 and res["quarter"] == 50 and res["repeat"] == 1 and res["quick"] is True
    assert MEASUREMENTS <= set(res["measurements"])
    for name in MEASUREMENTS:
        m = res["measurements"][name]
        for field in ("wall_s", "cpu_s", "peak_rss_mb"):
            assert {"median", "min", "max", "n", "samples"} <= set(m[field]), (name, field)
            assert m[field]["min"] <= m[field]["median"] <= m[field]["max"]
        assert m["wall_s"]["median"] > 0 and m["peak_rss_mb"]["median"] > 0
    assert {"init_s", "cut_s"} <= set(res["measurements"]["reference"])
    assert set(res["ratios"]) == RATIOS
    for r in res["ratios"].values():
        assert isinstance(r["value"], (int, float)) and r["value"] > 0
        assert r["pass"] in (True, False, None)
    # The runs measured did the work: every article labelled, and the warm run and
    # --jobs 1 printed exactly what the cold run printed.
    assert res["checks"]["cold_docs"] == 200
    assert res["checks"]["new_file_docs"] == 201
    assert res["checks"]["warm_output_identical"] is True
    assert res["checks"]["jobs1_output_identical"] is True
    assert res["checks"]["nomemo_output_identical"] is True
    assert res["reference_text"]["files"] == 200 and res["reference_text"]["chars"] > 0
    assert res["corpus"]["files"] == 200 and res["corpus"]["names_with_spaces"] > 0
    # The table is printed with every ratio.
    assert "| ratio (of medians) |" in proc.stdout and "cold / reference" in proc.stdout
