"""ipcorpus.toml: found the way the index is (walking up from each path to the corpus
root), checked key by key, and shown with where each setting came from."""
import json
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from ipcorpus.clean.examples import PROSE, TITLE
from ipcorpus.commands.cli import app

SPONSOR = "本栏目由某某汽车独家赞助"
URL = "https://example.com/articles/matrix-2025"
# The corpus's own rules: a sponsor footer the shipped packs do not know, and a bare
# URL line kept (so that `check` has a W203 to report).
TOML = """
[clean]
keep_rules = ["bare-url"]

[[clean.rule]]
name = "sponsor-line"
family = "promotion"
description = "our crawler's sponsor footer"
patterns = ['^本栏目由.{1,12}独家赞助$']
max_len = 30
"""


def article(k: int = 0, extra: tuple = ()) -> str:
    prose = PROSE[k:] + PROSE[:k]
    lines = [f"{TITLE}（第{k + 1}篇）", ""]
    for p in list(prose) + list(extra):
        lines += [p, ""]
    return "\n".join(lines + [SPONSOR]) + "\n"


def invoke(*args, code=0):
    res = CliRunner().invoke(app, [str(a) for a in args])
    assert res.exit_code == code, (res.exit_code, res.stdout, res.stderr, res.exception)
    return res


@pytest.fixture
def c4(tmp_path, monkeypatch):
    """c4/ with its ipcorpus.toml at the top and articles in c4/ and c4/sub/."""
    root = tmp_path / "c4"
    (root / "sub").mkdir(parents=True)
    (root / "ipcorpus.toml").write_text(TOML, encoding="utf-8")
    (root / "top.md").write_text(article(0), encoding="utf-8")
    for k in (1, 2):
        (root / "sub" / f"a{k}.md").write_text(article(k), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return root


def sponsor_line(path) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(SPONSOR) + 1


# -- item 1: settings are found the way the index is ----------------------------------
def test_a_file_or_subfolder_named_uses_the_corpus_settings(c4):
    n = sponsor_line(c4 / "sub" / "a1.md")
    want = f"c4/sub/a1.md:{n}: [sponsor-line] {SPONSOR}"
    assert want in invoke("clean", "c4", "--explain", "--no-cache").stdout.splitlines()
    assert want in invoke("clean", "c4/sub/a1.md", "--explain", "--no-cache").stdout.splitlines()
    assert want in invoke("clean", "c4/sub", "--explain", "--no-cache").stdout.splitlines()
    shown = invoke("show", f"c4/sub/a1.md:{n}", "--no-cache").stdout
    assert shown.rstrip("\n").endswith(f"{SPONSOR}  [drop: sponsor-line]"), shown


def test_check_of_one_new_file_uses_the_corpus_rules(c4, monkeypatch):
    # The corpus keeps bare URL lines (keep_rules), so check reports W203 on them; a
    # CI run names only the new file, from wherever it runs.
    new = c4 / "sub" / "new.md"
    new.write_text(article(3, extra=(URL,)), encoding="utf-8")
    res = invoke("check", "c4/sub/new.md", "--no-cache", code=0)
    assert "W203" in res.stdout, res.stdout
    monkeypatch.chdir(c4 / "sub")
    res = invoke("check", "new.md", "--no-cache", code=0)
    assert res.stdout.startswith("new.md:") and "W203" in res.stdout, res.stdout


def _ingest(path) -> dict:
    return json.loads(invoke("ingest", path, "--format", "json").stdout)


def test_ingest_of_a_subfolder_then_the_corpus_analyses_nothing_again(c4):
    # ipcorpus.toml marks the corpus root: the index is made beside it, whichever
    # folder is named first, and the settings (so the analyser version) are the same.
    first = _ingest("c4/sub")
    assert (first["new"], first["index"]) == (2, "c4/.ipcorpus/index.sqlite")
    assert not (c4 / "sub" / ".ipcorpus").exists()
    whole = _ingest("c4")
    assert (whole["new"], whole["changed"], whole["unchanged"]) == (1, 0, 2)
    for _ in range(2):
        sub = _ingest("c4/sub")
        assert (sub["changed"], sub["unchanged"]) == (0, 2)
        whole = _ingest("c4")
        assert (whole["changed"], whole["unchanged"]) == (0, 3)


def test_paths_of_two_corpora_with_different_settings_are_refused(c4, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "ipcorpus.toml").write_text('[clean]\ndrop_rules = ["english-line"]\n', encoding="utf-8")
    (other / "b.md").write_text(article(1), encoding="utf-8")
    res = invoke("clean", "c4/sub/a1.md", "other/b.md", "--no-cache", code=2)
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ipcorpus: error: "), lines
    assert "c4/ipcorpus.toml" in lines[0] and "other/ipcorpus.toml" in lines[0] and "--config" in lines[0]
    # --config settles it.
    invoke("clean", "c4/sub/a1.md", "other/b.md", "--no-cache", "--config", "c4/ipcorpus.toml")


# -- item 17: settings are checked ------------------------------------------------------
BAD_SETTINGS = [
    ('[corpus]\nglobs = ["*.txt"]\n', ["unknown key 'corpus.globs'", "glob, max_size"]),
    ('[clean]\nkeep_rule = ["share"]\n', ["unknown key 'clean.keep_rule'", "keep_rules"]),
    ('[report]\ntop = 3\n', ["unknown table [report]", "[corpus], [clean], [stance]"]),
    ('glob = ["*.txt"]\n', ["unknown key 'glob'", "[corpus]"]),
    ('[[clean.rule]]\nname = "x"\npatterns = ["^x$"]\nmaxlen = 3\n', ["[[clean.rule]] 'x'", "unknown key 'maxlen'"]),
    ('[[clean.rule]]\nname = "x"\npatterns = ["([bad"]\n', ["[[clean.rule]] 'x'", "bad pattern"]),
    ('[[clean.rule]]\nname = "x"\n', ["[[clean.rule]] 'x'", "patterns"]),
    ('[[clean.rule]]\npatterns = ["^x$"]\n', ["[[clean.rule]] number 1", "name"]),
    ('[[clean.rule]]\nname = "x"\npatterns = ["^x$"]\nzone = "middle"\n', ["'x'", "zone", "any, edge"]),
    ('[[clean.rule]]\nname = "x"\npatterns = ["^x$"]\nmax_len = "long"\n', ["'x'", "max_len"]),
    ('[[clean.rule]]\nname = "x"\npatterns = ["^x$"]\nexamples_at = "end"\n',
     ["'x'", "examples_at", "middle, top, bottom"]),
    ('[[clean.rule]]\nname = "x"\npatterns = ["^x$"]\nkeeps = [3]\n', ["'x' keeps", "list of strings"]),
    ('[[clean.rule]]\nname = "x"\npatterns = ["^x$"]\ncta = "yes"\n', ["'x'", "cta must be true or false"]),
    ('[[clean.rule]]\nname = "x"\npatterns = ["^x$"]\nshadowed_by = [1]\n', ["'x' shadowed_by", "list of strings"]),
    ('[[clean.rule]]\nname = "x"\npatterns = ["^x$"]\nexample = ["x"]\n', ["'x'", "unknown key 'example'",
                                                                           "examples, examples_at, keeps"]),
    ('[clean]\nkeep_rules = ["nope"]\n', ["clean.keep_rules", "unknown rule 'nope'"]),
    ('[clean]\ndrop_rules = "nope"\n', ["clean.drop_rules", "unknown rule 'nope'"]),
    ('[corpus]\nglob = 3\n', ["corpus.glob", "string"]),
    ('[corpus]\nmax_size = "lots"\n', ["corpus.max_size", "size"]),
    ('[stance]\nlexicon = ["missing.toml"]\n', ["stance.lexicon", "missing.toml", "no such lexicon file"]),
    ('corpus = 3\n', ["'corpus' must be the table [corpus]"]),
]


@pytest.mark.parametrize("toml,words", BAD_SETTINGS)
def test_a_bad_setting_is_one_error_naming_the_file_and_the_key(c4, toml, words):
    (c4 / "ipcorpus.toml").write_text(toml, encoding="utf-8")
    for args in (["clean", "c4/sub/a1.md", "--no-cache"], ["stance", "c4", "--no-cache"],
                 ["check", "c4/sub/a1.md", "--no-cache"]):
        res = invoke(*args, code=2)
        lines = res.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("ipcorpus: error: c4/ipcorpus.toml: "), lines
        for w in words:
            assert w in lines[0], (w, lines[0])
    # `rules --config` reads the same file the same way (rule names and lexicons
    # are checked where they are used).
    if "unknown rule" not in words[-1] and "lexicon" not in words[0]:
        res = invoke("rules", "--config", "c4/ipcorpus.toml", code=2)
        assert res.stderr.startswith("ipcorpus: error: c4/ipcorpus.toml: ") and res.stderr.count("\n") == 1


def test_settings_of_every_documented_kind_are_taken(c4):
    (c4 / "more.txt").write_text(article(3), encoding="utf-8")
    (c4 / "ipcorpus.toml").write_text(TOML + '\n[corpus]\nglob = "*.md"\nmax_size = "1M"\n', encoding="utf-8")
    listed = json.loads(invoke("clean", "c4", "--no-cache", "--format", "json").stdout)
    assert sorted(r["path"] for r in listed) == ["c4/sub/a1.md", "c4/sub/a2.md", "c4/top.md"]


# -- item 17: `ipcorpus config` shows the effective settings and where each came from --
def settings_of(*args) -> dict:
    rows = json.loads(invoke("config", *args, "--format", "json").stdout)
    assert [sorted(r) for r in rows] == [["setting", "source", "value"]] * len(rows)
    return {r["setting"]: (r["value"], r["source"]) for r in rows}


def test_config_shows_the_effective_settings_and_their_sources(c4, tmp_path, monkeypatch):
    (c4 / "lex.toml").write_text('[matrix]\n"员工大使" = 1.0\n', encoding="utf-8")
    with open(c4 / "ipcorpus.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[stance]\nlexicon = ["lex.toml"]\n')
    got = settings_of("c4/sub")
    assert got["config"] == ("c4/ipcorpus.toml", "found at or above the paths")
    assert got["glob"] == (["*.txt", "*.md", "*.html", "*.htm"], "default")
    assert got["max_size"] == (100 * 1024 * 1024, "default")
    assert got["keep_rules"] == (["bare-url"], "c4/ipcorpus.toml")
    assert got["drop_rules"] == ([], "default")
    assert got["rules"] == (["sponsor-line"], "c4/ipcorpus.toml")
    assert got["lexicon"] == ([str(c4 / "lex.toml")], "c4/ipcorpus.toml")
    assert got["index"] == ("c4/.ipcorpus/index.sqlite", "default")
    assert not (c4 / ".ipcorpus").exists(), "config made the index folder"
    # The command line adds to the file's lists and replaces its glob.
    got = settings_of("c4/sub", "--keep-rule", "share", "--glob", "*.md", "--db", "idx.sqlite")
    assert got["keep_rules"] == (["share", "bare-url"], "command line + c4/ipcorpus.toml")
    assert got["glob"] == (["*.md"], "command line")
    assert got["index"] == ("idx.sqlite", "command line")
    monkeypatch.setenv("IPCORPUS_DB", "env.sqlite")
    assert settings_of("c4")["index"] == ("env.sqlite", "IPCORPUS_DB")
    assert settings_of("c4", "--no-cache")["index"] == (None, "command line (--no-cache)")
    monkeypatch.delenv("IPCORPUS_DB")
    # --config names the file; without any, everything is a default.
    assert settings_of("c4", "--config", "c4/ipcorpus.toml")["config"] == ("c4/ipcorpus.toml", "command line")
    (tmp_path / "plain").mkdir()
    got = settings_of("plain")
    assert got["config"] == (None, "none found")
    assert {s for _, s in got.values()} == {"none found", "default"}


def test_config_prints_tsv_when_piped_and_checks_what_it_shows(c4):
    res = invoke("config", "c4")
    lines = res.stdout.splitlines()
    assert lines[0] == "setting\tvalue\tsource"
    assert "keep_rules\tbare-url\tc4/ipcorpus.toml" in lines
    (c4 / "ipcorpus.toml").write_text("[clean]\nkeep_rule = []\n", encoding="utf-8")
    res = invoke("config", "c4", code=2)
    assert res.stderr.startswith("ipcorpus: error: c4/ipcorpus.toml: unknown key 'clean.keep_rule'")
    res = invoke("config", "missing", code=2)
    assert res.stderr == "ipcorpus: error: missing: no such file or directory\n"


# -- item 17: --list-files prints what the glob takes ------------------------------------
PATH_COMMANDS = ("ingest", "clean", "stance", "report", "check", "config")


@pytest.mark.parametrize("cmd", PATH_COMMANDS)
def test_list_files_prints_the_files_taken_and_reads_nothing(c4, cmd):
    (c4 / "notes.rst").write_text("not an article\n", encoding="utf-8")
    (c4 / ".hidden").mkdir()
    (c4 / ".hidden" / "h.md").write_text(article(3), encoding="utf-8")
    res = invoke(cmd, "c4", "--list-files")
    assert res.stdout.splitlines() == ["c4/top.md", "c4/sub/a1.md", "c4/sub/a2.md"] and res.stderr == ""
    assert not (c4 / ".ipcorpus").exists()
    # The glob (here the command line's), and a file named whatever its name.
    res = invoke(cmd, "c4", "c4/sub/a1.md", "--glob", "*.rst", "--list-files")
    assert res.stdout.splitlines() == ["c4/notes.rst", "c4/sub/a1.md"]
    # Nothing taken is not success (rg --files): the usual note, exit 1.
    res = invoke(cmd, "c4", "--glob", "*.none", "--list-files", code=1)
    assert res.stdout == "" and res.stderr.startswith("ipcorpus: no files matched: ")


def test_list_files_of_check_lists_the_changed_files_only(c4, monkeypatch):
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(c4.parent))
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["-c", "user.name=t", "-c", "user.email=t@t",
                                                             "commit", "-q", "-m", "corpus"]):
        subprocess.run(["git", *args], cwd=c4, check=True)
    (c4 / "sub" / "new.md").write_text(article(3), encoding="utf-8")
    res = invoke("check", "c4", "--changed-since", "main", "--list-files")
    assert res.stdout.splitlines() == ["c4/sub/new.md"]
