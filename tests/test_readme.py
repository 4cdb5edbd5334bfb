"""README.md is the user's manual: every command documented with a real example, and
the two set-up commands it promises exist and are what CI runs."""
import re

from typer.main import get_command

from conftest import ROOT

from ipcorpus.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands():
    return sorted(get_command(app).commands)


def test_every_command_has_a_section_and_an_example():
    for name in commands():
        assert re.search(rf"^##+ {name}\b", README, re.M), f"README.md has no section for `{name}`"
        assert f"$ ipcorpus {name}" in README, f"README.md shows no example run of `ipcorpus {name}`"


def test_setup_commands_exist_and_ci_runs_the_documented_test_command():
    assert "make demo" in README and "make test" in README
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M)


def test_every_format_and_exit_code_documented():
    for fmt in ("table", "tsv", "csv", "json", "jsonl", "markdown"):
        assert fmt in README
    for code in ("| 0 |", "| 1 |", "| 2 |"):
        assert code in README
