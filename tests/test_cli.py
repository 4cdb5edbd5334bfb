"""The command line: every command, its contracts (DESIGN.md) and its failures.

In-process runs use typer's CliRunner on a copy of the sample corpus (indexes are
written there, never into the repository); checks on stderr, exit codes and pipes run
the real program in a subprocess, where stdout and stderr cannot mix."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SAMPLE, parse_show

import ipcorpus
from ipcorpus.commands.cli import app

LABELS = {"founder-ip", "matrix", "mixed", "neutral"}
CORPUS = "sample_corpus"           # the copy's folder name, relative to the working directory
N_FILES = sum(1 for p in SAMPLE.rglob("*") if p.is_file() and p.suffix in (".txt", ".md")
              and ".ipcorpus" not in p.parts)
EXE = Path(sys.executable).with_name("ipcorpus")
TESLA = f"{CORPUS}/36kr/tesla_musk_x_account.txt"
BIG5 = f"{CORPUS}/blog/chenou_wo_wei_ziji_daiyan.txt"
ERROR_LINE = re.compile(r"^ipcorpus: error: \S")


def copy_sample(dest: Path) -> Path:
    """A copy of sample_corpus (without any index) at dest/sample_corpus; returns dest."""
    shutil.copytree(SAMPLE, dest / CORPUS, ignore=shutil.ignore_patterns(".ipcorpus"))
    return dest


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """One shared copy, ingested once so later runs read the index. Tests chdir here."""
    base = copy_sample(tmp_path_factory.mktemp("cli"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))
        mp.delenv("IPCORPUS_DB", raising=False)
        mp.chdir(base)
        res = CliRunner().invoke(app, ["ingest", CORPUS, "--format", "json"])
        assert res.exit_code == 0, res.stderr
    return base


@pytest.fixture
def cwd(work, monkeypatch):
    monkeypatch.chdir(work)
    return work


def cli(*args, code=0):
    res = CliRunner().invoke(app, list(args))
    assert res.exit_code == code, \
        f"ipcorpus {' '.join(args)}: exit {res.exit_code}, wanted {code}\n{res.stderr}\n{res.exception!r}"
    return res


def run(*args, cwd=None, **kw):
    """The installed program in a subprocess."""
    return subprocess.run([sys.executable, "-m", "ipcorpus", *args], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", timeout=120, **kw)


def one_error_line(stderr: str):
    lines = stderr.splitlines()
    assert len(lines) == 1, f"wanted one stderr line, got {len(lines)}:\n{stderr}"
    assert ERROR_LINE.match(lines[0]), lines[0]
    assert "Traceback" not in stderr


def clean_json(*paths):
    return {r["path"]: r for r in json.loads(cli("clean", *paths, "--format", "json").stdout)}


# -- help, version, entry points ---------------------------------------------------------
_PROBE = """
import io, json, sys
from contextlib import redirect_stdout
from ipcorpus.commands.cli import app
out = []
for args in json.loads(sys.argv[1]):
    buf = io.StringIO()
    code = None
    with redirect_stdout(buf):
        try:
            app(args, prog_name="ipcorpus")
        except SystemExit as e:
            code = e.code
    out.append([args, code, buf.getvalue()])
print(json.dumps({"runs": out, "jieba": "jieba" in sys.modules, "opencc": "opencc" in sys.modules,
                  "dask": sorted(m for m in sys.modules if m.split(".")[0] in ("dask", "distributed", "fsspec"))}))
"""
_LIGHT = [["--help"], ["--version"], ["stance", "--help"], ["clean", "--help"], ["ingest", "--help"],
          ["rules", "--help"], ["show", "--help"], ["report", "--help"], ["check", "--help"]]


def test_help_and_version_stay_light():
    """--help and --version answer at once: jieba and opencc are not even imported."""
    p = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(_LIGHT)], capture_output=True, text=True,
                       encoding="utf-8", timeout=60)
    assert p.returncode == 0, p.stderr
    probe = json.loads(p.stdout)
    assert probe["jieba"] is False, "--help/--version imported jieba"
    assert probe["opencc"] is False, "--help/--version imported opencc"
    assert probe["dask"] == [], "--help/--version imported Dask or fsspec"
    for args, code, text in probe["runs"]:
        assert code == 0, args
        if "--help" in args:
            assert "Usage:" in text, args
        else:
            assert text.strip() == f"ipcorpus {ipcorpus.__version__}"


def test_python_m_ipcorpus():
    p = run("--version")
    assert p.returncode == 0 and p.stdout.strip() == f"ipcorpus {ipcorpus.__version__}"
    p = run("--help")
    assert p.returncode == 0
    for cmd in ("ingest", "clean", "stance", "rules", "show"):
        assert re.search(rf"^\s+{cmd}\s", p.stdout, re.M), cmd


def test_console_script_runs(cwd):
    if not EXE.exists():
        pytest.skip("the ipcorpus console script is not installed beside this Python")
    p = subprocess.run([str(EXE), "stance", TESLA, "--no-cache"], cwd=cwd, capture_output=True, text=True,
                       encoding="utf-8", timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[1].startswith(TESLA + "\t")


@pytest.mark.parametrize("name", ["ingest", "clean", "stance", "rules", "show", "report", "check"])
def test_help_names_values_readably(name):
    """Metavars a user can read: PATH..., N, FORMAT, FILE; not {paths}..., <int range>, <str>."""
    text = CliRunner().invoke(app, [name, "--help"], env={"COLUMNS": "200"}, prog_name="ipcorpus").stdout
    # (<stdin> is no metavar: it is the path standard input is cited by.)
    assert not re.search(r"<(?!stdin>)[a-z ]+>|\{\w+\}|\bpaths\.\.\.", text), text
    usage = text.splitlines()[0]
    assert usage == {"rules": "Usage: ipcorpus rules [OPTIONS]", "show": "Usage: ipcorpus show [OPTIONS] PATH:LINE",
                     "check": "Usage: ipcorpus check [OPTIONS] [PATH...]"}.get(
        name, f"Usage: ipcorpus {name} [OPTIONS] PATH..."), usage
    assert name == "show" or re.search(r"-f, --format FORMAT\s", text)


def test_help_metavars_of_values():
    text = CliRunner().invoke(app, ["stance", "--help"], env={"COLUMNS": "200"}).stdout
    for opt in ("-e, --evidence N ", "--label LABEL ", "--color WHEN ", "--db FILE ", "-j, --jobs N ",
                "--glob PATTERN ", "--config FILE ", "--keep-rule RULE ", "--lexicon FILE "):
        assert opt in text, opt
    assert "--html FILE " in CliRunner().invoke(app, ["report", "--help"], env={"COLUMNS": "200"}).stdout


def test_shell_completion():
    """`ipcorpus --show-completion` prints the script for the shell it runs in
    (`--install-completion` adds it to the shell's start-up file), and the program
    answers the script's questions."""
    if not shutil.which("bash"):
        pytest.skip("bash is not installed")
    # `; true`: bash must stay the parent, where the shell is detected.
    p = subprocess.run(["bash", "-c", f"'{sys.executable}' -m ipcorpus --show-completion; true"],
                       capture_output=True, text=True, timeout=60)
    assert "_IPCORPUS_COMPLETE=complete_bash" in p.stdout, p.stdout + p.stderr
    assert "complete -o default -F _ipcorpus_completion ipcorpus" in p.stdout
    assert "--install-completion" in run("--help").stdout

    def complete(words, cword):
        env = dict(os.environ, _IPCORPUS_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=str(cword))
        return subprocess.run([sys.executable, "-m", "ipcorpus"], env=env, capture_output=True, text=True,
                              timeout=60).stdout.split()

    assert complete("ipcorpus sta", 1) == ["stance"]
    assert complete("ipcorpus stance --ev", 2) == ["--evidence"]


# -- ingest --------------------------------------------------------------------------------
def test_ingest_twice_is_incremental(tmp_path, monkeypatch):
    copy_sample(tmp_path)
    monkeypatch.chdir(tmp_path)
    first = json.loads(cli("ingest", CORPUS, "--format", "json").stdout)
    assert first["files"] == N_FILES and first["new"] == N_FILES and first["failed"] == 0
    assert first["index"] and Path(first["index"]).is_file()
    assert Path(first["index"]).resolve().is_relative_to(tmp_path.resolve())
    second = json.loads(cli("ingest", CORPUS, "--format", "json").stdout)
    assert second["unchanged"] == N_FILES
    assert second["new"] == 0 and second["changed"] == 0
    assert (second["lines"], second["kept"], second["dropped"]) == (first["lines"], first["kept"], first["dropped"])
    # Touch one article's content: only it is re-analysed.
    p = tmp_path / TESLA
    p.write_bytes(p.read_bytes() + "\n补充：创始人亲自发声的成本越来越高，矩阵化是大势所趋。\n".encode())
    third = json.loads(cli("ingest", CORPUS, "--format", "json").stdout)
    assert (third["changed"], third["unchanged"], third["new"]) == (1, N_FILES - 1, 0)


def test_ingest_table_lists_the_summary(cwd):
    out = cli("ingest", CORPUS, "--format", "tsv").stdout
    rows = dict(line.split("\t", 1) for line in out.splitlines()[1:])
    assert out.splitlines()[0] == "metric\tvalue"
    assert rows["files"] == str(N_FILES) and rows["unchanged"] == str(N_FILES)
    assert "utf-8:" in rows["encodings"]


# -- usage and input errors -------------------------------------------------------------------
def test_missing_path_is_one_error_line(tmp_path):
    p = run("stance", "no/such/folder", cwd=tmp_path)
    assert p.returncode == 2
    one_error_line(p.stderr)
    assert "no/such/folder" in p.stderr and p.stdout == ""
    assert not (tmp_path / "no").exists() and not (tmp_path / ".ipcorpus").exists()


@pytest.mark.parametrize("cmd", ["ingest", "clean", "stance"])
def test_missing_path_in_process(cmd, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = cli(cmd, "no/such/folder", code=2)
    one_error_line(res.stderr)
    assert "no/such/folder" in res.stderr


def test_unknown_option_is_one_error_line(work):
    p = run("stance", CORPUS, "--bogus", cwd=work)
    assert p.returncode == 2
    one_error_line(p.stderr)
    assert "--bogus" in p.stderr and p.stdout == ""


def test_unknown_format_is_one_error_line(work):
    p = run("stance", CORPUS, "--format", "xml", cwd=work)
    assert p.returncode == 2
    one_error_line(p.stderr)
    assert "xml" in p.stderr and p.stdout == ""


@pytest.mark.parametrize("args", [
    ["stance", CORPUS, "--bogus"],
    ["--bogus"],
    ["nosuchcommand"],
    ["stance"],                           # a missing argument
    ["stance", CORPUS, "--evidence", "many"],
    ["show", f"{TESLA}:1", "-C", "-1"],
])
def test_usage_errors_are_one_line(args, cwd):
    res = cli(*args, *(["--no-cache"] if args[0] != "--bogus" else []), code=2)
    one_error_line(res.stderr)


def test_bare_ipcorpus_prints_the_formatted_help(tmp_path):
    """No command: the help as --help prints it, not one flattened error line."""
    p = run(cwd=tmp_path)
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr == run("--help", cwd=tmp_path).stdout
    assert p.stderr.startswith("Usage: ipcorpus [OPTIONS] COMMAND [ARGS]...\n")
    assert re.search(r"^Commands:$", p.stderr, re.M) and re.search(r"^\s+stance\s", p.stderr, re.M)


@pytest.mark.parametrize("args", [["stance", "no/such/folder"], ["show", "no/such/file.txt:1"],
                                  ["stance", CORPUS, "--label", "pro-founder"], ["stance", CORPUS, "--bogus"]])
def test_debug_changes_only_internal_errors(args, work):
    """A user error is the same one line and exit code with --debug."""
    plain = run(*args, "--no-cache", cwd=work)
    debug = run("--debug", *args, "--no-cache", cwd=work)
    assert plain.returncode == debug.returncode == 2
    one_error_line(debug.stderr)
    assert debug.stderr == plain.stderr and debug.stdout == plain.stdout == ""


def test_debug_shows_the_traceback_of_an_internal_error(cwd, monkeypatch):
    import ipcorpus.commands.rules_show

    def broken(*a, **k):
        raise ZeroDivisionError("boom")
    monkeypatch.setattr(ipcorpus.commands.rules_show, "rules_output", broken)
    res = cli("rules", code=2)
    one_error_line(res.stderr)
    assert "internal error: ZeroDivisionError: boom" in res.stderr
    res = CliRunner().invoke(app, ["--debug", "rules"])
    assert isinstance(res.exception, ZeroDivisionError)


def test_report_html_to_stdout_with_a_format_is_refused(work):
    p = run("report", CORPUS, "--html", "-", "--format", "json", "--keywords", "0", cwd=work)
    assert p.returncode == 2 and p.stdout == ""
    one_error_line(p.stderr)
    assert "--html -" in p.stderr and "--format" in p.stderr


@pytest.mark.parametrize("args", [
    ["stance", CORPUS, "--format", "xml"],
    ["clean", CORPUS, "--format", "yaml"],
    ["ingest", CORPUS, "--format", "html"],
    ["rules", "--format", "pdf"],
    ["stance", CORPUS, "--label", "pro-founder"],
    ["stance", CORPUS, "--by", "outlet"],
    ["stance", CORPUS, "--keep-rule", "no-such-rule"],
    ["clean", CORPUS, "--drop-rule", "no-such-rule"],
])
def test_bad_choices_exit_2(args, cwd):
    res = cli(*args, *(["--no-cache"] if args[0] != "rules" else []), code=2)
    one_error_line(res.stderr)
    assert res.stdout == ""


def test_unknown_format_in_process(cwd):
    res = cli("stance", CORPUS, "--format", "xml", code=2)
    assert "unknown format 'xml'" in res.stderr


# -- clean ---------------------------------------------------------------------------------------
def test_clean_file_prints_only_kept_lines(cwd):
    out = cli("clean", TESLA).stdout
    rec = clean_json(TESLA)[TESLA]
    kept = [ln["text"] for ln in rec["lines"] if ln["action"] == "keep"]
    assert out.splitlines() == kept
    assert "36氪首页" not in out and "视觉中国" not in out and "==>" not in out
    assert "马斯克的X账号，就是特斯拉的市场部" in out


def test_clean_folder_heads_each_file(cwd):
    out = cli("clean", f"{CORPUS}/36kr", f"{CORPUS}/blog").stdout
    heads = [ln for ln in out.splitlines() if ln.startswith("==> ")]
    assert heads == [f"==> {TESLA} <==", f"==> {BIG5} <=="]


def test_clean_original_prints_the_file_lines(cwd):
    original = (cwd / BIG5).read_bytes().decode("big5").splitlines()
    rec = clean_json(BIG5)[BIG5]
    kept_numbers = [ln["line"] for ln in rec["lines"] if ln["action"] == "keep"]
    out = cli("clean", BIG5, "--original").stdout.splitlines()
    assert out == [original[n - 1] for n in kept_numbers]
    normalized = cli("clean", BIG5).stdout.splitlines()
    assert out != normalized                      # traditional as it stands vs simplified
    assert "創始人" in "".join(out) and "创始人" in "".join(normalized)


def test_clean_explain_cites_dropped_lines(cwd):
    out = cli("clean", CORPUS, "--explain").stdout
    lines = out.splitlines()
    assert len(lines) > 100
    pat = re.compile(r"^(?P<path>.+?):(?P<line>\d+): \[(?P<rule>[\w:.-]+)\] ")
    recs = clean_json(CORPUS)
    for ln in lines:
        m = pat.match(ln)
        assert m, ln
        rec = recs[m["path"]]
        verdict = {x["line"]: x for x in rec["lines"]}[int(m["line"])]
        assert verdict["action"] == "drop" and verdict["rule"] == m["rule"], ln
    dropped = sum(1 for r in recs.values() for x in r["lines"] if x["action"] == "drop")
    assert dropped == len(lines)


def test_clean_explain_prints_the_original_line(cwd):
    out = cli("clean", TESLA, "--explain").stdout
    assert f"{TESLA}:1: [breadcrumb] 36氪首页 | 资讯 | 汽车" in out.splitlines()


def test_clean_json_contract(cwd):
    recs = json.loads(cli("clean", CORPUS, "--format", "json").stdout)
    assert len(recs) == N_FILES
    for r in recs:
        for key in ("path", "encoding", "script", "title", "source", "author", "published", "lines"):
            assert key in r, key
        assert r["path"].startswith(CORPUS + "/")
        assert (cwd / r["path"]).is_file()
        assert r["script"] in ("simplified", "traditional", "traditional-with-pinyin", "mixed", "none")
        assert r["published"] is None or re.match(r"^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d)?)?$", r["published"])
        numbers = [x["line"] for x in r["lines"]]
        assert numbers == sorted(set(numbers)) and numbers[0] >= 1
        for x in r["lines"]:
            assert x["action"] in ("keep", "drop")
            if x["action"] == "keep":
                assert set(x) == {"line", "action", "text"} and x["text"].strip()
            else:
                assert set(x) == {"line", "action", "rule"} and x["rule"]


# -- stance ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def stance_recs(work):
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(work)
        res = CliRunner().invoke(app, ["stance", CORPUS, "--format", "json"])
        assert res.exit_code == 0, res.stderr
        cl = CliRunner().invoke(app, ["clean", CORPUS, "--format", "json"])
        assert cl.exit_code == 0, cl.stderr
    return json.loads(res.stdout), {r["path"]: r for r in json.loads(cl.stdout)}


def test_stance_json_contract(stance_recs):
    recs, _ = stance_recs
    assert len(recs) == N_FILES
    for r in recs:
        for key in ("path", "title", "source", "published", "label", "score", "confidence", "founder", "matrix",
                    "entities", "evidence"):
            assert key in r, key
        assert r["label"] in LABELS
        assert -1.0 <= r["score"] <= 1.0
        assert 0.0 <= r["confidence"] <= 1.0
        assert r["founder"] >= 0 and r["matrix"] >= 0
        assert isinstance(r["entities"], dict)
        weights = [e["weight"] for e in r["evidence"]]
        assert weights == sorted(weights, reverse=True), f"{r['path']}: evidence not ranked"
        for e in r["evidence"]:
            for key in ("line", "end_line", "side", "weight", "rules", "text"):
                assert key in e, key
            assert 1 <= e["line"] <= e["end_line"]
            # "mixed": one clause arguing both sides (stance/aggregate.py); DESIGN.md names only two.
            assert e["side"] in ("founder-ip", "matrix", "mixed")
            assert isinstance(e["rules"], list) and e["text"]
    assert {r["label"] for r in recs} == LABELS      # the sample has all four


def test_stance_evidence_cites_kept_lines(stance_recs):
    recs, cleaned = stance_recs
    for r in recs:
        verdicts = {x["line"]: x for x in cleaned[r["path"]]["lines"]}
        for e in r["evidence"]:
            span = range(e["line"], e["end_line"] + 1)
            for n in (e["line"], e["end_line"]):
                assert verdicts.get(n, {}).get("action") == "keep", f"{r['path']}:{n} cited but not kept"
            assert all(verdicts.get(n, {"action": "blank"})["action"] != "drop" for n in span)
            joined = "".join(verdicts[n]["text"] for n in span if n in verdicts).replace(" ", "")
            assert e["text"].replace(" ", "") in joined, f"{r['path']}:{e['line']}: {e['text']}"


def test_stance_label_filters(cwd, stance_recs):
    recs, _ = stance_recs
    want = [r["path"] for r in recs if r["label"] == "matrix"]
    assert want
    got = json.loads(cli("stance", CORPUS, "--label", "matrix", "--format", "json").stdout)
    assert [r["path"] for r in got] == want and {r["label"] for r in got} == {"matrix"}
    tsv = cli("stance", CORPUS, "--label", "matrix", "--label", "mixed").stdout.splitlines()[1:]
    assert {row.split("\t")[4] for row in tsv} == {"matrix", "mixed"}


def test_stance_by_entity(cwd, stance_recs):
    recs, _ = stance_recs
    lines = cli("stance", CORPUS, "--by", "entity").stdout.splitlines()
    head = lines[0].split("\t")
    assert head[:7] == ["entity", "articles", "mentions", "founder-ip", "matrix", "mixed", "neutral"]
    rows = {row.split("\t")[0]: row.split("\t") for row in lines[1:]}
    names = {n for r in recs for n in r["entities"]}
    assert set(rows) == names and "小米" in rows
    for name, row in rows.items():
        articles = sum(1 for r in recs if name in r["entities"])
        assert int(row[1]) == articles, name
        assert sum(int(x) for x in row[3:7]) == articles, f"{name}: label counts do not add up: {row}"
    js = json.loads(cli("stance", CORPUS, "--by", "entity", "--format", "json").stdout)
    assert {r["entity"] for r in js} == names
    assert all(sum(r["labels"].values()) == r["articles"] for r in js)


def test_stance_evidence_rows(cwd, stance_recs):
    recs, _ = stance_recs
    lines = cli("stance", CORPUS, "--evidence", "2").stdout.splitlines()
    assert lines[0].split("\t") == ["citation", "label", "rank", "side", "weight", "rules", "text"]
    per_path: dict = {}
    for row in lines[1:]:
        cells = row.split("\t")
        assert len(cells) == 7
        m = re.match(r"^(.+):(\d+)(?:-(\d+))?$", cells[0])
        assert m, cells[0]
        per_path.setdefault(m.group(1), []).append(int(cells[2]))
    assert per_path
    assert all(ranks == list(range(1, len(ranks) + 1)) and len(ranks) <= 2 for ranks in per_path.values())
    with_evidence = {r["path"] for r in recs if r["evidence"]}
    assert set(per_path) == with_evidence


def test_stance_json_evidence_limit(cwd):
    recs = json.loads(cli("stance", CORPUS, "--evidence", "1", "--format", "json").stdout)
    assert all(len(r["evidence"]) <= 1 for r in recs)
    assert any(r["evidence"] for r in recs)


# -- rules -----------------------------------------------------------------------------------------
def test_rules_lists_every_rule_clean_uses(cwd):
    listed = cli("rules").stdout.splitlines()
    assert listed[0].split("\t") == ["rule", "family", "pack", "default", "description"]
    names = {row.split("\t")[0] for row in listed[1:]}
    explained = cli("clean", CORPUS, "--explain").stdout
    used = set(re.findall(r"^.+?:\d+: \[([^\]]+)\] ", explained, re.M))
    assert len(used) > 20
    assert used <= names, f"rules that drop lines but `ipcorpus rules` does not list: {sorted(used - names)}"


def test_rules_rows_are_complete(cwd):
    rows = [r.split("\t") for r in cli("rules").stdout.splitlines()[1:]]
    assert all(len(r) == 5 and r[0] and r[1] and r[3] in ("yes", "no") for r in rows)
    names = [r[0] for r in rows]
    assert len(names) == len(set(names)), "a rule is listed twice"
    assert {"english-line", "edge-short"} <= {r[0] for r in rows if r[3] == "no"}


def test_rules_json_gives_booleans_as_booleans(cwd):
    recs = json.loads(cli("rules", "--format", "json").stdout)
    assert {type(r["default"]) for r in recs} == {bool}
    assert {r["rule"] for r in recs if r["default"] is False} >= {"english-line", "edge-short"}
    first = json.loads(cli("rules", "--format", "jsonl").stdout.splitlines()[0])
    assert first["default"] is True


# -- show ------------------------------------------------------------------------------------------



def test_show_one_line(cwd):
    rows = parse_show(cli("show", f"{TESLA}:7").stdout)
    assert len(rows) == 1
    mark, n, text, rule = rows[0]
    assert (mark, n) == (">", 7)
    assert text.startswith("本文来自微信公众号“车界观察”")
    assert rule == "original-publish"


def test_show_range_with_context(cwd):
    rows = parse_show(cli("show", f"{TESLA}:5-9", "-C", "1").stdout)
    assert [n for _, n, _, _ in rows] == list(range(4, 11))
    assert [n for mark, n, _, _ in rows if mark == ">"] == list(range(5, 10))
    single = clean_json(TESLA)[TESLA]
    want = {x["line"]: x.get("rule") for x in single["lines"] if x["action"] == "drop"}
    assert {n: rule for _, n, _, rule in rows if rule} == {n: r for n, r in want.items() if 4 <= n <= 10}
    assert want.get(9) == "image-licence"
    original = (cwd / TESLA).read_text(encoding="utf-8").splitlines()
    assert all(text.rstrip() == original[n - 1].rstrip() for _, n, text, _ in rows)


def test_show_cites_what_stance_prints(cwd, stance_recs):
    recs, _ = stance_recs
    r = next(r for r in recs if r["evidence"])
    e = r["evidence"][0]
    cite = f"{r['path']}:{e['line']}" + (f"-{e['end_line']}" if e["end_line"] != e["line"] else "")
    assert e.get("citation", cite) == cite
    rows = parse_show(cli("show", cite).stdout)
    assert all(mark == ">" and rule is None for mark, _, _, rule in rows)


def test_show_normalized(cwd):
    plain = parse_show(cli("show", f"{BIG5}:1-60").stdout)
    norm = parse_show(cli("show", f"{BIG5}:1-60", "--normalized").stdout)
    assert len(plain) == len(norm)
    assert "創始人" in "".join(t for _, _, t, _ in plain) and "创始人" in "".join(t for _, _, t, _ in norm)


@pytest.mark.parametrize("citation", [
    f"{TESLA}", f"{TESLA}:", f"{TESLA}:x", f"{TESLA}:0", f"{TESLA}:9-5", f"{TESLA}:99999",
    f"{CORPUS}/no_such_file.txt:3", f"{CORPUS}/36kr:3",
])
def test_show_bad_citation(citation, cwd):
    res = cli("show", citation, "--no-cache", code=2)
    one_error_line(res.stderr)
    assert res.stdout == ""


def test_show_bad_citation_subprocess(work):
    p = run("show", f"{TESLA}:0-", cwd=work)
    assert p.returncode == 2
    one_error_line(p.stderr)
    assert p.stdout == ""


# -- pipes -----------------------------------------------------------------------------------------
def test_head_closes_quietly(work):
    if not EXE.exists():
        pytest.skip("the ipcorpus console script is not installed beside this Python")
    p = subprocess.run(["sh", "-c", f'"{EXE}" stance {CORPUS} --no-cache | head -1'], cwd=work,
                       capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert p.returncode == 0
    assert p.stdout.startswith("path\ttitle\t") and p.stdout.count("\n") == 1
    assert p.stderr == "", p.stderr


def test_closed_pipe_on_large_output_exits_0(tmp_path):
    """Output far beyond a pipe's buffer: the reader goes away after one line."""
    prose = [ln for p in sorted(SAMPLE.rglob("*.txt")) if p.stat().st_size
             for ln in p.read_bytes().decode("utf-8", "ignore").splitlines() if len(ln) > 30 and "。" in ln]
    big = tmp_path / "big.txt"
    big.write_text("大文件的标题\n\n" + "\n\n".join(f"{i}、{ln}" for i, ln in enumerate(prose * 6)), encoding="utf-8")
    assert big.stat().st_size > 200_000
    proc = subprocess.Popen([sys.executable, "-m", "ipcorpus", "clean", str(big), "--no-cache"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    code = proc.wait(timeout=120)
    assert first.decode("utf-8").strip() == "大文件的标题"
    assert code == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err and err == ""


# -- unreadable files --------------------------------------------------------------------------------
def _binary(path: Path):
    path.write_bytes(bytes(range(256)) * 8 + b"\x00\x00PK\x03\x04")


def test_binary_file_named_explicitly(tmp_path):
    _binary(tmp_path / "blob.txt")
    p = run("stance", "blob.txt", "--no-cache", cwd=tmp_path)
    assert p.returncode == 2
    one_error_line(p.stderr)
    assert "blob.txt" in p.stderr and "binary" in p.stderr


def test_binary_file_inside_a_folder_is_a_warning(tmp_path):
    corpus = tmp_path / "c"
    shutil.copytree(SAMPLE / "36kr", corpus)
    shutil.copy(SAMPLE / "blog/chenou_wo_wei_ziji_daiyan.txt", corpus)
    _binary(corpus / "blob.txt")
    p = run("stance", "c", "--no-cache", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    warnings = p.stderr.splitlines()
    assert len(warnings) == 1 and warnings[0].startswith("ipcorpus: warning: c/blob.txt: "), p.stderr
    rows = p.stdout.splitlines()[1:]
    assert sorted(r.split("\t")[0] for r in rows) == ["c/chenou_wo_wei_ziji_daiyan.txt", "c/tesla_musk_x_account.txt"]


def test_binary_in_folder_shows_in_ingest_failures(tmp_path, monkeypatch):
    corpus = tmp_path / "c"
    shutil.copytree(SAMPLE / "36kr", corpus)
    _binary(corpus / "blob.txt")
    monkeypatch.chdir(tmp_path)
    res = cli("ingest", "c", "--format", "json")
    s = json.loads(res.stdout)
    assert (s["files"], s["failed"], s["new"]) == (2, 1, 1)
    assert s["failures"][0]["path"] == "c/blob.txt" and "binary" in s["failures"][0]["error"]


def test_empty_file_named_explicitly(tmp_path, monkeypatch):
    (tmp_path / "empty.txt").write_bytes(b"\n\n  \n")
    monkeypatch.chdir(tmp_path)
    res = cli("clean", "empty.txt", "--no-cache", code=2)
    one_error_line(res.stderr)
    assert "empty.txt" in res.stderr


# -- settings beside the corpus --------------------------------------------------------------------------
@pytest.mark.parametrize("rule", ["image", "share", "related-list", "tail", "breadcrumb"])
def test_keep_rule_through_the_cli(cwd, rule):
    """--keep-rule turns one rule off; a line it dropped is kept, unless another rule
    (tail, masthead …) also claims it."""
    path = f"{CORPUS}/netease/gree_dongmingzhu_yilai.txt" if rule in ("related-list", "tail") else TESLA
    base = {x["line"]: x for x in clean_json_args(path)["lines"]}
    hit = [n for n, x in base.items() if x.get("rule") == rule]
    assert hit, f"{path} has no line dropped by {rule}"
    after = {x["line"]: x for x in clean_json_args(path, "--keep-rule", rule)["lines"]}
    assert not [n for n, x in after.items() if x.get("rule") == rule]
    if rule in ("image", "tail"):
        assert any(after[n]["action"] == "keep" for n in hit)
    else:
        assert {after[n].get("rule") for n in hit} - {rule}
    # Lines other rules dropped are still dropped.
    assert all(after[n]["action"] == "drop" for n, x in base.items() if x["action"] == "drop" and n not in hit)


def clean_json_args(path, *extra):
    recs = json.loads(cli("clean", path, "--no-cache", "--format", "json", *extra).stdout)
    return recs[0]



@pytest.mark.parametrize("args", [["stance", "empty"], ["clean", "empty"], ["check", "empty"],
                                  ["stance", "c", "--glob", "*.nope"], ["clean", "c", "--glob", ""]])
def test_nothing_matched_is_not_success(tmp_path, args):
    """As rg does: no file to read says so on stderr, prints nothing, exits 1."""
    (tmp_path / "empty").mkdir()
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_text("创始人IP是品牌最好的护城河。\n", encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "ipcorpus", *args, "--no-cache"], cwd=tmp_path, capture_output=True,
                       text=True)
    assert p.returncode == 1, p.stderr
    assert p.stdout == ""
    assert p.stderr.startswith("ipcorpus: no files matched: nothing under ")


def test_ingest_of_nothing_warns_and_succeeds(tmp_path):
    (tmp_path / "empty").mkdir()
    p = subprocess.run([sys.executable, "-m", "ipcorpus", "ingest", "empty", "--no-cache"], cwd=tmp_path,
                       capture_output=True, text=True)
    assert p.returncode == 0
    assert "ipcorpus: warning: no files matched" in p.stderr
