"""`ipcorpus check`: every finding code, every format (golden files), every exit code,
--changed-since, baselines and the index-backed single-file check.

The deliberately bad articles live in tests/data/bad/; each test works on a copy in a
temporary folder, so paths in the output are short and stable. The golden files are
tests/golden/check/check.<format>; after an intended change of output, regenerate them
with `.venv/bin/python tests/update_golden.py` and review `git diff tests/golden`."""
import json
import os
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import update_golden as ug
from conftest import DATA, ROOT

from ipcorpus import check as chk
from ipcorpus.commands.cli import app

BAD = DATA / "bad"
GOLDEN = ug.CHECK_GOLDEN


# W203-W205 guard against furniture the cleaner misses. The cleaner does drop the
# furniture of kept_furniture.txt, so tests/data/bad/ipcorpus.toml turns the rules
# that drop it off: the situation the warnings exist for (a portal the rules miss).


def invoke(*args):
    return CliRunner().invoke(app, ["check", *map(str, args)])


def lines_of(result):
    return result.stdout.splitlines()


@pytest.fixture
def bad(tmp_path, monkeypatch):
    """A copy of tests/data/bad as ./bad, with the working folder beside it."""
    shutil.copytree(BAD, tmp_path / "bad")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "bad"


# -- golden files: one per format -------------------------------------------------
@pytest.mark.parametrize("fmt", chk.FORMATS)
def test_golden(bad, fmt):
    r = ug.check_run(fmt)
    assert r.exit_code == 1, r.stderr
    assert r.stderr.startswith("ipcorpus check: 9 findings (3 errors, 6 warnings) in 6 of 9 files")
    name = f"check.{fmt}"
    want = (GOLDEN / name).read_text(encoding="utf-8")
    assert r.stdout == want, f"`ipcorpus check bad --format {fmt}` differs from tests/golden/check/{name}:\n" \
                             f"{ug.diff(want, r.stdout, 'check/' + name)}\n{ug.HINT}"


def test_every_format_has_a_golden_file():
    assert sorted(p.name for p in GOLDEN.iterdir()) == sorted(f"check.{fmt}" for fmt in chk.FORMATS)


def test_machine_formats_parse(bad):
    recs = json.loads(invoke("bad", "--no-cache", "-f", "json").stdout)
    jsonl = [json.loads(x) for x in lines_of(invoke("bad", "--no-cache", "-f", "jsonl"))]
    assert recs == jsonl
    assert list(recs[0]) == ["path", "line", "column", "code", "name", "severity", "message", "related",
                             "fingerprint"]
    log = json.loads(invoke("bad", "--no-cache", "-f", "sarif").stdout)
    run = log["runs"][0]
    assert log["version"] == "2.1.0" and run["columnKind"] == "unicodeCodePoints"
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert ids == list(chk.CODES)
    assert [(x["ruleId"], x["locations"][0]["physicalLocation"]["region"]["startLine"]) for x in run["results"]] == \
        [(x["code"], x["line"]) for x in recs]
    assert all(ids[x["ruleIndex"]] == x["ruleId"] for x in run["results"])


# -- each finding code ------------------------------------------------------------
@pytest.mark.parametrize("files,expected", [
    (["binary.txt"], ["binary.txt:1:1: E101"]),
    (["empty.txt"], ["empty.txt:1:1: E102"]),
    (["all_noise.txt"], ["all_noise.txt:1:1: E103"]),
    (["damaged.txt"], ["damaged.txt:5:24: W201", "damaged.txt:7:30: W202"]),
    (["kept_furniture.txt"], ["kept_furniture.txt:5:3: W203", "kept_furniture.txt:9:1: W205",
                              "kept_furniture.txt:13:1: W204"]),
    (["repost_a_original.txt", "repost_b_copy.txt"], ["repost_b_copy.txt:5:1: W206"]),
])
def test_each_code(bad, files, expected):
    r = invoke(*[f"bad/{f}" for f in files], "--no-cache")
    got = [" ".join(x.split(" ")[:2]) for x in lines_of(r)]
    assert got == [f"bad/{e}" for e in expected]
    assert r.exit_code == (1 if expected[0].split(" ")[1].startswith("E") else 0)


def test_columns_are_code_points_of_the_original_line(bad):
    r = invoke("bad/damaged.txt", "bad/kept_furniture.txt", "--no-cache", "-f", "json")
    for f in json.loads(r.stdout):
        line = (bad.parent / f["path"]).read_text(encoding="utf-8").splitlines()[f["line"] - 1]
        at = line[f["column"] - 1:]
        assert {"W201": at.startswith("?"), "W202": at.startswith("(chǎn pǐn)"),
                "W203": at.startswith("https://"), "W204": at.startswith("如有侵权"),
                "W205": at.startswith("澳门")}[f["code"]], (f, at)


def test_repost_points_at_the_other_article(bad):
    [f] = json.loads(invoke("bad/repost_b_copy.txt", "bad/repost_a_original.txt", "--no-cache", "-f", "json").stdout)
    assert f["path"] == "bad/repost_b_copy.txt"
    assert f["related"] == {"path": "bad/repost_a_original.txt", "line": 6}
    assert f["message"].startswith("repost of bad/repost_a_original.txt:6 (")


def test_duplicate_file(bad):
    shutil.copy(bad / "clean.txt", bad / "clean_copy.txt")
    r = invoke("bad/clean.txt", "bad/clean_copy.txt", "--no-cache")
    assert lines_of(r) == ["bad/clean_copy.txt:3:1: W206 duplicate of bad/clean.txt:3 (the same file)"]


def test_too_large(bad):
    r = invoke("bad/clean.txt", "--no-cache", "--max-size", "100")
    assert lines_of(r) == [f"bad/clean.txt:1:1: E104 file too large ({(bad / 'clean.txt').stat().st_size} bytes > 100)"]
    assert r.exit_code == 1
    assert invoke("bad/clean.txt", "--no-cache", "--max-size", "1K").exit_code == 0
    assert invoke("bad/clean.txt", "--no-cache", "--max-size", "lots").exit_code == 2


def test_stance_undetermined_is_opt_in(bad):
    assert invoke("bad/no_stance.txt", "--no-cache").stdout == ""
    r = invoke("bad/no_stance.txt", "--no-cache", "--require-stance")
    assert lines_of(r) == ["bad/no_stance.txt:1:1: I301 stance undetermined: no argument for founder-IP or matrix "
                           "found (label neutral, no evidence)"]
    assert r.exit_code == 1                    # --require-stance makes it an error
    r = invoke("bad/no_stance.txt", "--no-cache", "--select", "I301", "-f", "json")
    assert json.loads(r.stdout)[0]["severity"] == "info" and r.exit_code == 0
    assert invoke("bad/no_stance.txt", "--no-cache", "--select", "I301", "--fail-on", "info").exit_code == 1


def test_clean_article_passes_silently(bad):
    for extra in ([], ["--require-stance"], ["--fail-on", "info"]):
        r = invoke("bad/clean.txt", "--no-cache", *extra)
        assert (r.exit_code, r.stdout, r.stderr) == (0, "", ""), extra


def test_sample_corpus_has_only_its_known_warnings(sample_gold, monkeypatch):
    monkeypatch.chdir(ROOT)
    r = invoke("sample_corpus", "--no-cache", "-f", "json")
    assert r.exit_code == 0, r.stderr
    got = sorted((f["code"], f["path"], f["line"]) for f in json.loads(r.stdout))
    want = []
    for name, g in sample_gold.items():
        want += [("W201", f"sample_corpus/{name}", n) for n in g["damaged_lines"]]
        if g.get("repost_of"):
            want.append(("W206", f"sample_corpus/{name}", None))
    assert [(c, p) for c, p, _ in got] == sorted((c, p) for c, p, _ in want)
    for c, p, n in want:
        if n is not None:
            assert (c, p, n) in got


def test_findings_do_not_depend_on_what_else_is_checked(bad):
    alone = invoke("bad/kept_furniture.txt", "--no-cache").stdout
    together = [x for x in lines_of(invoke("bad", "--no-cache")) if x.startswith("bad/kept_furniture.txt")]
    assert alone.splitlines() == together
    # The pipeline path (stance wanted) finds what the in-process path finds.
    piped = invoke("bad", "--no-cache", "--require-stance", "--ignore", "I301").stdout
    assert piped == invoke("bad", "--no-cache").stdout


# -- select / ignore / fail-on ----------------------------------------------------
def test_select_and_ignore(bad):
    codes = lambda r: sorted({x.split(" ")[1] for x in lines_of(r)})  # noqa: E731
    assert codes(invoke("bad", "--no-cache", "--select", "E")) == ["E101", "E102", "E103"]
    assert codes(invoke("bad", "--no-cache", "--select", "W20", "--ignore", "W201,W206")) == \
        ["W202", "W203", "W204", "W205"]
    assert codes(invoke("bad", "--no-cache", "--ignore", "E", "--ignore", "W2")) == []
    r = invoke("bad", "--no-cache", "--select", "X999")
    assert r.exit_code == 2 and "unknown code 'X999'" in r.stderr


# -- exit codes -------------------------------------------------------------------
def test_exit_codes(bad):
    assert invoke("bad/clean.txt", "--no-cache").exit_code == 0
    assert invoke("bad/empty.txt", "--no-cache").exit_code == 1
    # warnings alone pass by default and fail with --fail-on warning
    assert invoke("bad/damaged.txt", "--no-cache").exit_code == 0
    assert invoke("bad/damaged.txt", "--no-cache", "--fail-on", "warning").exit_code == 1
    r = invoke("bad/empty.txt", "--no-cache", "--exit-zero")
    assert r.exit_code == 0 and "E102" in r.stdout
    # usage errors
    for args in (["--fail-on", "fatal"], ["-f", "table"], ["missing.txt"], ["--baseline", "missing.json"]):
        r = invoke("bad/clean.txt", "--no-cache", *args)
        assert r.exit_code == 2 and r.stderr.startswith("ipcorpus: error: "), args


def test_unreadable_file_is_exit_2_even_with_exit_zero(bad):
    os.symlink("nowhere.txt", bad / "dangling.txt")
    for args in ([], ["--exit-zero"], ["--fail-on", "info"]):
        r = invoke("bad", "--no-cache", *args)
        assert r.exit_code == 2, args
        assert "ipcorpus: error: bad/dangling.txt: no such file or directory" in r.stderr
        assert "bad/empty.txt:1:1: E102" in r.stdout        # the other files are still reported


# -- github format escaping -------------------------------------------------------
def test_github_escaping():
    f = chk.Finding("a,b:c%.txt", 3, 7, "W204", "50% off\nnext: line", "warning")
    assert chk.github_line(f) == ("::warning file=a%2Cb%3Ac%25.txt,line=3,col=7,title=W204 disclaimer-line"
                                  "::50%25 off%0Anext: line")
    assert chk.github_line(chk.Finding("x.txt", 1, 1, "I301", "m", "info")).startswith("::notice ")


# -- --changed-since --------------------------------------------------------------
def _git(cwd, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com")
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "repo"
    (root / "articles").mkdir(parents=True)
    (root / "other").mkdir()
    shutil.copy(BAD / "clean.txt", root / "articles" / "old.txt")
    shutil.copy(BAD / "no_stance.txt", root / "articles" / "untouched.txt")
    shutil.copy(BAD / "ipcorpus.toml", root / "articles" / "ipcorpus.toml")   # keeps the URL line below
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "corpus")
    _git(root, "checkout", "-q", "-b", "feature")
    shutil.copy(BAD / "all_noise.txt", root / "articles" / "committed.txt")
    shutil.copy(BAD / "all_noise.txt", root / "other" / "out_of_scope.txt")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "new articles")
    (root / "articles" / "untracked.txt").write_bytes(b"")
    with open(root / "articles" / "old.txt", "a", encoding="utf-8") as fh:
        fh.write("\n- https://example.com/x\n\n后来，小米继续加大对雷军个人IP的投入，这一策略在2025年依然没有改变。\n")
    monkeypatch.chdir(root)
    return root


def test_changed_since(repo):
    r = invoke("articles", "--changed-since", "main", "--no-cache")
    assert [" ".join(x.split(" ")[:2]) for x in lines_of(r)] == [
        "articles/committed.txt:1:1: E103", "articles/old.txt:11:3: W203", "articles/untracked.txt:1:1: E102"]
    assert r.exit_code == 1
    # from a subfolder, paths stay relative to where the command runs
    os.chdir(repo / "articles")
    r = invoke(".", "--changed-since", "main", "--no-cache", "--select", "E103")
    assert lines_of(r)[0].startswith("./committed.txt:1:1: E103")


def test_changed_since_nothing_changed(repo):
    r = invoke("articles", "--changed-since", "HEAD", "--no-cache", "--select", "E103")
    assert r.exit_code == 0 and r.stdout == ""


def test_changed_since_errors(repo, tmp_path):
    r = invoke("articles", "--changed-since", "no-such-ref", "--no-cache")
    assert r.exit_code == 2 and "unknown git revision 'no-such-ref'" in r.stderr
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(BAD / "clean.txt", outside / "a.txt")
    os.chdir(outside)
    r = invoke(".", "--changed-since", "main", "--no-cache")
    assert r.exit_code == 2
    assert r.stderr.strip() == f"ipcorpus: error: --changed-since: {outside} is not in a git repository"


def test_github_and_sarif_paths_are_relative_to_the_repository_root(repo):
    """GitHub resolves annotation and SARIF paths against the repository root, so they
    are relative to the git work tree's top wherever the command runs; `--base DIR`
    sets another folder. The text format keeps the paths as given."""
    os.chdir(repo / "articles")
    args = ["committed.txt", "--no-cache", "--select", "E103"]
    assert lines_of(invoke(*args))[0].startswith("committed.txt:1:1: E103")
    gh = invoke(*args, "--format", "github")
    assert gh.stdout.startswith("::error file=articles/committed.txt,line=1,col=1,"), gh.stdout
    doc = json.loads(invoke(*args, "--format", "sarif").stdout)
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"]
            for r in doc["runs"][0]["results"] for loc in r["locations"]]
    assert uris == ["articles/committed.txt"]
    gh = invoke(*args, "--format", "github", "--base", ".")
    assert gh.stdout.startswith("::error file=committed.txt,"), gh.stdout
    os.chdir(repo)
    gh = invoke("articles/committed.txt", "--no-cache", "--select", "E103", "--format", "github", "--base", "articles")
    assert gh.stdout.startswith("::error file=committed.txt,"), gh.stdout
    bad_base = invoke(*args, "--format", "github", "--base", "no/such/folder")
    assert bad_base.exit_code == 2 and "--base no/such/folder: no such folder" in bad_base.stderr


# -- baseline ---------------------------------------------------------------------
def test_baseline_round_trip(bad):
    r = invoke("bad", "--no-cache", "--write-baseline", "base.json")
    assert (r.exit_code, r.stdout) == (0, "") and "wrote 9 findings to base.json" in r.stderr
    data = json.loads((bad.parent / "base.json").read_text(encoding="utf-8"))
    assert len(data["findings"]) == 9 and data["findings"][0]["path"] == "bad/all_noise.txt"
    r = invoke("bad", "--no-cache", "--baseline", "base.json")
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")
    # Known findings stay known when lines move; new ones are reported.
    text = (bad / "damaged.txt").read_text(encoding="utf-8")
    (bad / "damaged.txt").write_text("\n\n" + text + "\n传闻中的?件在2025年终于有了结果，这件事仍然值得继续关注。\n",
                                     encoding="utf-8")
    (bad / "new_empty.txt").write_bytes(b"\n\n")
    r = invoke("bad", "--no-cache", "--baseline", "base.json")
    assert [" ".join(x.split(" ")[:2]) for x in lines_of(r)] == [
        "bad/damaged.txt:13:5: W201", "bad/new_empty.txt:1:1: E102"]
    assert r.exit_code == 1
    assert "2 findings (1 error, 1 warning) in 2 of 10 files; 9 known findings accepted by the baseline" in r.stderr
    # from another folder the same baseline still applies (paths are relative to it)
    os.chdir(bad)
    r = invoke(".", "--no-cache", "--baseline", "../base.json", "--select", "E103")
    assert (r.exit_code, r.stdout) == (0, "")


# -- the index: one new file against an indexed corpus -------------------------------
@pytest.fixture
def indexed(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("clean.txt", "repost_a_original.txt", "no_stance.txt"):
        shutil.copy(BAD / name, corpus / name)
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, ["ingest", "corpus", "-f", "json"])
    assert r.exit_code == 0, r.stderr
    shutil.copy(BAD / "repost_b_copy.txt", corpus / "new.txt")
    return corpus


def test_new_file_against_the_index_is_the_only_one_analysed(indexed, monkeypatch):
    import ipcorpus.corpus.analysis
    import ipcorpus.corpus.workers
    calls = []
    real = ipcorpus.corpus.analysis.analyse_bytes

    def counting(path, *args, **kw):
        calls.append((path, kw.get("with_stance", True)))
        return real(path, *args, **kw)
    monkeypatch.setattr(ipcorpus.corpus.analysis, "analyse_bytes", counting)
    monkeypatch.setattr(ipcorpus.corpus.workers, "analyse_bytes", counting)
    r = invoke("corpus/new.txt")
    assert lines_of(r) == ["corpus/new.txt:5:1: W206 repost of corpus/repost_a_original.txt:6 "
                           "(94% of the kept text is the same)"]
    assert calls == [("corpus/new.txt", False)]
    # An indexed file is read from the index, not analysed.
    calls.clear()
    r = invoke("corpus/repost_a_original.txt", "--select", "W206")
    assert calls == [] and r.stdout == ""     # the copy is later in sorted order: reported there


def test_indexed_articles_are_compared_by_their_stored_sketches(indexed, monkeypatch):
    """The index keeps each article's sketch in its digest: of the three indexed
    articles only the candidate's analysis is loaded, to compare it exactly."""
    from ipcorpus.corpus.analysis import content_hash
    from ipcorpus.index import Store
    loaded = []
    real = Store.analysis

    def counting(self, h, version):
        loaded.append(h)
        return real(self, h, version)
    monkeypatch.setattr(Store, "analysis", counting)
    r = invoke("corpus/new.txt")
    assert lines_of(r) == ["corpus/new.txt:5:1: W206 repost of corpus/repost_a_original.txt:6 "
                           "(94% of the kept text is the same)"]
    new = content_hash((indexed / "new.txt").read_bytes())
    assert set(loaded) - {new} == {content_hash((indexed / "repost_a_original.txt").read_bytes())}


def test_index_of_other_settings_is_not_compared_and_says_so(indexed):
    r = invoke("corpus/new.txt", "--keep-rule", "share")       # other settings: another analyser version
    assert r.stdout == "" and r.exit_code == 0
    assert "ipcorpus: note: 3 indexed files changed or were analysed with other settings" in r.stderr


def test_a_few_new_files_are_not_written_to_the_index(bad):
    assert invoke("bad/clean.txt").exit_code == 0
    assert not (bad / ".ipcorpus" / "index.sqlite").exists()


def test_jieba_is_loaded_only_for_stance(indexed):
    probe = ("import atexit, sys\n"
             "atexit.register(lambda: sys.stderr.write('JIEBA=%s\\n' % ('jieba' in sys.modules)))\n"
             "from ipcorpus.commands.cli import main\n"
             "sys.argv = ['ipcorpus'] + sys.argv[1:]\n"
             "main()\n")

    def run(*args):
        p = subprocess.run([sys.executable, "-c", probe, "check", *args], capture_output=True, text=True)
        return p.returncode, p.stderr.strip().splitlines()[-1]
    assert run("corpus/new.txt") == (0, "JIEBA=False")
    assert run("corpus/new.txt", "--require-stance") == (0, "JIEBA=True")


def test_parse_size():
    assert [chk.parse_size(x) for x in ("100", "2K", "3m", "1G", "5MiB", None)] == \
        [100, 2048, 3 * 1024 ** 2, 1024 ** 3, 5 * 1024 ** 2, 0]


# Each check code against real-looking prose it must leave alone (and the notice it must not).
@pytest.mark.parametrize("text,lost", [
    ("这是真的?不一定,要看情况。", 0),           # a writer of half-width punctuation
    ("你知道吗?我也不知道。", 0),                 # after a question particle
    ("品?价值是靠人撑起来的。", 1),               # a character lost inside a word
    ("雷军说??这不对", 2),
])
def test_w201_half_width_question_marks_in_prose_are_not_lost_characters(text, lost):
    from ipcorpus.read.normalize import count_damage
    assert count_damage(text) == lost


@pytest.mark.parametrize("text,notice", [
    ("很多人以为版权归平台所有，其实作者才是这篇文章真正的主人，这一点常被忽略。", False),
    ("他说这些数据并不构成投资建议，但依然值得每一位创业者认真对待和反复琢磨。", False),
    ("这份报告的结论仅供参考，真正的决策还要看企业自己的情况和团队判断。", False),
    ("如有侵权，请联系我们删除，谢谢。", True),
    ("注：本文观点仅代表作者本人，与本平台无关。", True),
    ("图片来自网络，如有侵权请联系删除", True),
])
def test_w204_prose_that_mentions_copyright_is_not_a_disclaimer(text, notice):
    from ipcorpus.check.decisions import _reads_like_disclaimer
    assert _reads_like_disclaimer(text) is notice
