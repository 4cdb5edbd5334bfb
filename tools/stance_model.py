#!/usr/bin/env python3
"""Fit and measure the stance decision (ipcorpus/stance/decide.py) on labelled articles.

usage: stance_model.py cv  [DIR] [--folds K]     k-fold cross-validated credit, rows and confusion matrix
       stance_model.py fit [DIR] [--write]       fit on all of DIR; --write updates lexicons/decision.toml

DIR holds the articles and a gold.json as in ../shared/stance_dev (default). The
decision's first step (does the author argue the question?) is a logistic model over
decide.FEATURES; its second step (which side) has no fitted weights. In `cv` every
fold is labelled by a model and a threshold fitted without that fold: that figure is
the result. The fit on all articles, which `fit --write` ships, is not.

Our own sample corpus (sample_corpus/ with tests/data/sample_gold.json: articles we
wrote, most of them arguing) is added to every training set, never to a measured
fold; --no-sample leaves it out. ../shared/real_pages is never trained on: it stays
a check on pages the model has not seen.

Deterministic: folds are dealt in name order, class by class; the model is fitted by
Newton's method from zero weights; nothing is random.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ipcorpus.corpus.analysis import article_units  # noqa: E402
from ipcorpus.corpus.pipeline import Options, run  # noqa: E402
from ipcorpus.stance.aggregate import ARGUED, explain  # noqa: E402
from ipcorpus.stance.decide import FEATURES, probability  # noqa: E402
from ipcorpus.stance.lexicon import get_lexicon  # noqa: E402

LABELS = ("founder-ip", "matrix", "mixed", "neutral")
DEFAULT_DIR = ROOT.parent / "shared" / "stance_dev"
SAMPLE = (ROOT / "sample_corpus", ROOT / "tests" / "data" / "sample_gold.json")
MODEL_FILE = ROOT / "ipcorpus" / "stance" / "lexicons" / "decision.toml"
L2 = 1.0                 # ridge penalty on the weights (not the bias)
EITHER_WEIGHT = 0.3      # an article whose readers accept both neutral and a side teaches little


def load(folder: Path, gold_file: Path | None = None) -> list[dict]:
    """One record per labelled article: its features, the side it gets when argued,
    and its gold labels (keyed by the path relative to `folder`)."""
    gold = json.loads((gold_file or folder / "gold.json").read_text(encoding="utf-8"))["files"]
    corpus = run([str(folder)], Options(no_cache=True, learn=True))
    lex = get_lexicon(())
    out = []
    for f in corpus.docs():
        name = Path(os.path.relpath(f.abspath, folder)).as_posix()
        if name not in gold:
            continue
        st, feats, _ = explain(article_units(corpus.analysis(f)), lex, model=ARGUED)
        g = gold[name]
        out.append({"name": name, "x": feats.vector(), "side": st.label, "stance": g["stance"],
                    "partial": g.get("partial", []), "topic": g.get("topic"), "feats": feats})
    out.sort(key=lambda r: r["name"])
    return out


def credit(label: str, r: dict) -> float:
    return 1.0 if label in r["stance"] else 0.5 if label in r["partial"] else 0.0


def target(r: dict) -> tuple[int, float]:
    """(argued, weight): an article argues when a reader gave it a side."""
    sides = [s for s in r["stance"] if s != "neutral"]
    if not sides:
        return 0, 1.0
    return 1, (EITHER_WEIGHT if "neutral" in r["stance"] else 1.0)


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the system is small and positive definite)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(c + 1, n):
            k = m[r][c] / m[c][c]
            for j in range(c, n + 1):
                m[r][j] -= k * m[c][j]
    x = [0.0] * n
    for c in range(n - 1, -1, -1):
        x[c] = (m[c][n] - sum(m[c][j] * x[j] for j in range(c + 1, n))) / m[c][c]
    return x


def fit_logistic(rows: list[dict]) -> tuple[float, list[float]]:
    """Weighted, ridge-penalised logistic regression with non-negative weights: every
    feature measures how much of the article is spent on the question, so more of it
    must never make an argument less likely (a negative weight would be a quirk of a
    few labelled articles, not a rule that holds on pages never seen). A feature whose
    weight comes out negative is left out and the rest fitted again (an active set)."""
    active = list(range(len(FEATURES)))
    while True:
        bias, w = _newton([[r["x"][i] for i in active] for r in rows], [target(r) for r in rows])
        neg = [k for k, v in enumerate(w) if v < 0]
        if not neg:
            break
        active.pop(min(neg, key=lambda k: w[k]))
    weights = [0.0] * len(FEATURES)
    for k, i in enumerate(active):
        weights[i] = w[k]
    return bias, weights


def _newton(xs: list[list[float]], ts: list[tuple[int, float]]) -> tuple[float, list[float]]:
    d = len(xs[0]) if xs else 0
    w = [0.0] * (d + 1)                 # bias first
    data = [([1.0] + x, y, sw) for x, (y, sw) in zip(xs, ts, strict=True)]
    for _ in range(50):
        grad = [0.0] * (d + 1)
        hess = [[0.0] * (d + 1) for _ in range(d + 1)]
        for x, y, sw in data:
            z = sum(wi * xi for wi, xi in zip(w, x, strict=True))
            p = 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))
            for i in range(d + 1):
                grad[i] += sw * (p - y) * x[i]
                for j in range(d + 1):
                    hess[i][j] += sw * p * (1 - p) * x[i] * x[j]
        for i in range(1, d + 1):
            grad[i] += L2 * w[i]
            hess[i][i] += L2
        step = _solve(hess, grad)
        w = [wi - si for wi, si in zip(w, step, strict=True)]
        if max(abs(s) for s in step) < 1e-9:
            break
    return w[0], w[1:]


def label_of(r: dict, p: float, threshold: float) -> str:
    return r["side"] if p >= threshold else "neutral"


def fit(rows: list[dict], extra: list[dict] = (), inner: int = 10) -> dict:
    """Weights fitted on `rows` and `extra`; then the threshold with the best macro-F1
    over the four labels, chosen on probabilities each of `rows` got from a model
    fitted without it (an inner `inner`-fold cross-validation; ties: the highest, the
    more cautious).

    Why out-of-fold: a model gives the articles it was fitted on higher probabilities
    than it gives articles it has never seen (with a handful of argued articles, each
    pulls the weights towards itself), so a threshold chosen on them sits too high for
    new pages, and argued articles fall below it. Why macro-F1, not credit: with most
    articles neutral, credit is best served by a model that shrugs, and half credit for
    a neutral on an argued article would teach it to. `extra` (our own articles, most
    of them argued) is in every training set and never chooses the threshold: a real
    folder is mostly neutral, ours is not."""
    extra = list(extra)
    bias, weights = fit_logistic(rows + extra)
    model = {"bias": bias, "weights": weights}
    ps = _out_of_fold(rows, extra, inner)
    best = None
    for t in sorted({round(p, 6) for p in ps} | {0.5}):
        c = macro_f1([label_of(r, p, t) for r, p in zip(rows, ps, strict=True)], rows)
        if best is None or c >= best[0]:
            best = (c, t)
    model["threshold"] = best[1]
    return model


def _out_of_fold(rows: list[dict], extra: list[dict], k: int) -> list[float]:
    """Each row's probability under weights fitted without its fold."""
    fold = folds(rows, k)
    ps = [0.0] * len(rows)
    for j in range(k):
        bias, weights = fit_logistic([r for r, f in zip(rows, fold, strict=True) if f != j] + extra)
        model = {"bias": bias, "weights": weights}
        for i, r in enumerate(rows):
            if fold[i] == j:
                ps[i] = probability(r["x"], model)
    return ps


def macro_f1(labels: list[str], rows: list[dict]) -> float:
    conf: dict = {}
    for lb, r in zip(labels, rows, strict=True):
        pair = (lb if lb in r["stance"] else r["stance"][0], lb)
        conf[pair] = conf.get(pair, 0) + 1
    f1s = []
    for c in {a for a, _ in conf} | {b for _, b in conf}:
        tp = conf.get((c, c), 0)
        fp = sum(v for (a, b), v in conf.items() if b == c and a != c)
        fn = sum(v for (a, b), v in conf.items() if a == c and b != c)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0)
    return sum(f1s) / len(f1s)


def folds(rows: list[dict], k: int) -> list[int]:
    """Fold of each row: each class dealt round-robin in name order (stratified)."""
    fold = [0] * len(rows)
    for cls in (0, 1):
        idx = [i for i, r in enumerate(rows) if target(r)[0] == cls]
        for n, i in enumerate(idx):
            fold[i] = n % k
    return fold


def report(rows: list[dict], labels: list[str], ps: list[float], title: str) -> dict:
    print(f"{'file':32} {'p':>6} {'label':>11} {'want':>22} {'credit':>6}")
    confusion: dict = {}
    total = 0.0
    for r, lb, p in zip(rows, labels, ps, strict=True):
        c = credit(lb, r)
        total += c
        want = "/".join(r["stance"]) + ("(" + "/".join(r["partial"]) + ")" if r["partial"] else "")
        print(f"{r['name'][:32]:32} {p:6.3f} {lb:>11} {want:>22} {c:6.1f}")
        pair = (lb if lb in r["stance"] else r["stance"][0], lb)
        confusion[pair] = confusion.get(pair, 0) + 1
    print("gold down (the label given where the readers accept it), given across: "
          + " ".join(f"{lb:>10}" for lb in LABELS))
    for gl in LABELS:
        print(f"{gl:>39} " + " ".join(f"{confusion.get((gl, lb), 0):>10}" for lb in LABELS))
    sided = [(r, lb) for r, lb in zip(rows, labels, strict=True) if "neutral" not in r["stance"]]
    sided_ok = sum(1 for r, lb in sided if lb in r["stance"])
    f1s = []
    for c in {a for a, _ in confusion} | {b for _, b in confusion}:
        tp = confusion.get((c, c), 0)
        fp = sum(v for (a, b), v in confusion.items() if b == c and a != c)
        fn = sum(v for (a, b), v in confusion.items() if a == c and b != c)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0)
    topic_ok = sum(1 for r in rows if r["topic"] and ("on" if r["feats"].on_question + r["feats"].quoted >= 2
                                                       or r["feats"].thesis else "off") == r["topic"])
    neutral_all = sum(credit("neutral", r) for r in rows)
    print(f"{title}: stance={total:g}/{len(rows)} ({100 * total / len(rows):.1f}%) "
          f"sided={sided_ok}/{len(sided)} macro_f1={sum(f1s) / len(f1s):.2f} "
          f"topic={topic_ok}/{len(rows)} always_neutral={neutral_all:g}/{len(rows)}")
    return {"credit": total, "files": len(rows), "sided": sided_ok, "sided_of": len(sided)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=("cv", "fit"))
    ap.add_argument("dir", nargs="?", default=str(DEFAULT_DIR))
    ap.add_argument("--folds", type=int, default=10)
    ap.add_argument("--write", action="store_true", help="fit: write the model to " + str(MODEL_FILE.relative_to(ROOT)))
    ap.add_argument("--json", action="store_true", help="cv: print the totals as one JSON line at the end")
    ap.add_argument("--no-sample", action="store_true", help="train on DIR alone, without sample_corpus")
    args = ap.parse_args(argv)
    folder = Path(args.dir)
    if not (folder / "gold.json").is_file():
        print(f"stance_model: no gold.json in {folder}", file=sys.stderr)
        return 2
    rows = load(folder)
    extra = [] if args.no_sample else load(*SAMPLE)
    if args.command == "fit":
        model = fit(rows, extra)
        ps = [probability(r["x"], model) for r in rows]
        report(rows, [label_of(r, p, model["threshold"]) for r, p in zip(rows, ps, strict=True)], ps,
               "fit on all (not a result)")
        text = _toml(model, len(rows), len(extra))
        print(text)
        if args.write:
            MODEL_FILE.write_text(text, encoding="utf-8")
        return 0
    fold = folds(rows, args.folds)
    labels, ps = [""] * len(rows), [0.0] * len(rows)
    for k in range(args.folds):
        model = fit([r for r, f in zip(rows, fold, strict=True) if f != k], extra)
        for i, r in enumerate(rows):
            if fold[i] == k:
                ps[i] = probability(r["x"], model)
                labels[i] = label_of(r, ps[i], model["threshold"])
    totals = report(rows, labels, ps, f"{args.folds}-fold cross-validated")
    if args.json:
        print(json.dumps(totals))
    return 0


def _toml(model: dict, n: int, extra: int) -> str:
    lines = ["# The stance decision's first step: does the author argue the question?",
             "# A logistic model over decide.FEATURES, written by `tools/stance_model.py fit --write`",
             f"# from {n} labelled real articles and {extra} of our sample articles",
             "# (the cross-validated figure is in README.md).",
             "[decision]",
             "features = [" + ", ".join(f'"{f}"' for f in FEATURES) + "]",
             f"bias = {model['bias']:.6f}",
             "weights = [" + ", ".join(f"{w:.6f}" for w in model["weights"]) + "]",
             f"threshold = {model['threshold']:.6f}", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
