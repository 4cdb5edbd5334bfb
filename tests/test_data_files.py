"""The data files check themselves: a user's lexicon is checked before it is used (a
misspelt table or setting is an error that names the file and the key, never a
silently ignored entry), and every shipped pack and lexicon holds only known keys."""
import tomllib
from importlib import resources

import pytest
from typer.testing import CliRunner

from ipcorpus.commands.cli import app
from ipcorpus.config import RULE_KEYS
from ipcorpus.errors import IpcorpusError
from ipcorpus.stance.lexicon import Lexicon, load_lexicon

PACK_KEYS = {"name", "description", "outlet", "detect"}

ARTICLE = "创始人亲自出镜，是品牌最好的代言人。\n\n企业应该让老板走到台前，成为品牌的门面。\n"


def _lexicon(tmp_path, text: str) -> str:
    p = tmp_path / "my_lexicon.toml"
    p.write_text(text, encoding="utf-8")
    return str(p)


@pytest.mark.parametrize("text, message", [
    ('[fonder]\n"老板娘IP" = 1.0\n', r"unknown table \[fonder\]"),
    ("[factors]\nadvocacyy = 2.0\n", r"unknown key 'factors\.advocacyy'"),
    ('[factors]\nadvocacy = "high"\n', r"factors\.advocacy: must be a number"),
    ("[question]\nleader = [\"掌柜\"]\n", r"unknown key 'question\.leader'"),
    ("[question]\nleaders = \"掌柜\"\n", r"question\.leaders: must be a list of strings"),
    ("[decision]\nthreshhold = 0.2\n", r"unknown key 'decision\.threshhold'"),
    ("[founders]\nname = [\"张三\"]\n", r"unknown key 'founders\.name'"),
    ('advocacy = "应该"\n', r"advocacy: must be a list of strings"),
    ('[entities]\n"某公司" = "某司"\n', r"entities\.某公司: must be a list of strings"),
    ('founder = ["老板娘IP"]\n', r"\[founder\] must be a table"),
])
def test_a_misspelt_or_misshapen_entry_names_the_file_and_the_key(tmp_path, text, message):
    path = _lexicon(tmp_path, text)
    with pytest.raises(IpcorpusError, match=message) as e:
        load_lexicon((path,))
    assert str(e.value).startswith(path)


def test_a_well_formed_lexicon_is_taken(tmp_path):
    path = _lexicon(tmp_path, 'advocacy = ["理应"]\n\n[founder]\n"老板娘IP" = 1.0\n\n[factors]\nadvocacy = 2.0\n\n'
                              '[question]\nleaders = ["掌柜"]\nwindow = 12\n')
    lex = load_lexicon((path,))
    assert lex.terms["founder"]["老板娘IP"] == 1.0
    assert lex.factor("advocacy") == 2.0
    assert "掌柜" in lex.question["leaders"] and lex.question["window"] == 12
    assert "理应" in lex.lists["advocacy"]


def test_the_cli_prints_one_error_line_and_exits_2(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    path = _lexicon(tmp_path, "[factors]\nadvocacyy = 2.0\n")
    res = CliRunner().invoke(app, ["stance", str(tmp_path / "a.txt"), "--lexicon", path, "--no-cache"])
    assert res.exit_code == 2
    lines = [x for x in res.output.splitlines() if x.strip()]
    assert len(lines) == 1 and "advocacyy" in lines[0] and "Traceback" not in res.output


def _shipped(package: str, folder: str):
    root = resources.files(package) / folder
    return [(p.name, tomllib.loads(p.read_text(encoding="utf-8"))) for p in sorted(root.iterdir(), key=lambda p: p.name)
            if p.name.endswith(".toml")]


def test_every_shipped_pack_rule_has_only_known_keys_of_the_right_kind():
    packs = _shipped("ipcorpus.clean", "packs")
    assert len(packs) >= 10
    for name, data in packs:
        assert set(data) <= {"pack", "rule"}, name
        assert set(data["pack"]) <= PACK_KEYS, name
        for r in data.get("rule", []):
            assert set(r) <= set(RULE_KEYS), (name, r.get("name"), set(r) - set(RULE_KEYS))
            assert isinstance(r["name"], str) and r["patterns"], (name, r)
            assert all(isinstance(p, str) for p in r["patterns"]), (name, r["name"])
            assert r.get("zone", "any") in ("any", "edge") and r.get("on", "bare") in ("bare", "text"), r["name"]
            assert isinstance(r.get("max_len", 1), int), r["name"]
            assert all(isinstance(r.get(k, False), bool) for k in ("default", "prose", "cta")), r["name"]
            assert isinstance(r.get("shadowed_by", []), list), r["name"]
    # A rule beaten to its examples names rules that exist.
    names = {r["name"] for _, data in packs for r in data.get("rule", [])}
    shadowing = [(r["name"], s) for _, data in packs for r in data.get("rule", []) for s in r.get("shadowed_by", [])]
    assert shadowing and all(s in names and s != n for n, s in shadowing), shadowing


def test_every_shipped_lexicon_passes_the_check_a_users_file_gets():
    """The shipped files define the settings, so each is checked as a user's file
    would be, against all of them merged: nothing shipped is a stray key."""
    lexicons = _shipped("ipcorpus.stance", "lexicons")
    merged = Lexicon()
    for name, data in lexicons:
        merged.merge(data, name, shipped=True)
    for name, data in lexicons:
        merged.check(data, name, shipped=False)
