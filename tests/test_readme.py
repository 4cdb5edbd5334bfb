"""README.md is the user's manual. Each thing it documents is checked where it is
documented: every command has its section with a real example, every option a
section or an example names is an option of that command (its --help), every option
of a command is documented, the rules table is what `ipcorpus rules` prints, the check
codes, formats and exit codes are those of the code, and the set-up commands exist
and are what CI runs."""
import re

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from conftest import ROOT

from ipcorpus import check as chk
from ipcorpus.commands.cli import app
from ipcorpus.commands.output import FORMATS

README = (ROOT / "README.md").read_text(encoding="utf-8")
GROUP = get_command(app)
COMMANDS = sorted(GROUP.commands)
LONG_OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)")


def sections(text: str) -> list[tuple[int, str, str]]:
    """(level, title, body) of every heading outside code blocks."""
    out: list[tuple[int, str, list[str]]] = []
    fence = False
    for line in text.splitlines():
        if line.startswith("```"):
            fence = not fence
        m = None if fence else re.match(r"^(#{1,6}) (.+)$", line)
        if m:
            out.append((len(m.group(1)), m.group(2).strip(), []))
        elif out:
            out[-1][2].append(line)
    return [(level, title, "\n".join(body)) for level, title, body in out]


SECTIONS = sections(README)


def section(title: str, level: int) -> str:
    """The body of a section with its subsections."""
    for i, (lvl, t, body) in enumerate(SECTIONS):
        if lvl == level and t == title:
            parts = [body]
            for lvl2, t2, body2 in SECTIONS[i + 1:]:
                if lvl2 <= level:
                    break
                parts.append(f"{'#' * lvl2} {t2}\n{body2}")
            return "\n".join(parts)
    raise AssertionError(f"README.md has no {'#' * level} {title} section")


def general_text() -> str:
    """The README outside the sections of the commands."""
    keep, skip = [], False
    for lvl, title, body in SECTIONS:
        if lvl <= 3:
            skip = lvl == 3 and title in COMMANDS
        if not skip:
            keep.append(f"{title}\n{body}")
    return "\n".join(keep)


def table(text: str, header: str) -> list[list[str]]:
    """The rows (cells) of the markdown table whose header row starts with `header`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]])
    return rows


def help_options(name: str) -> set[str]:
    res = CliRunner().invoke(app, [name, "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    return set(LONG_OPTION.findall(res.stdout))


def options(name: str) -> list[list[str]]:
    """Each option of a command as the list of its spellings."""
    return [p.opts + p.secondary_opts for p in GROUP.commands[name].params if p.param_type_name == "option"]


def test_every_command_has_a_section_and_an_example():
    for name in COMMANDS:
        assert re.search(rf"^### {name}$", README, re.M), f"README.md has no section for `{name}`"
        assert f"$ ipcorpus {name}" in section(name, 3), f"README.md shows no example run of `ipcorpus {name}`"


@pytest.mark.parametrize("name", COMMANDS)
def test_options_documented_in_a_command_section_exist(name):
    known = help_options(name) | {"--debug", "--version"}
    named = set(LONG_OPTION.findall(section(name, 3)))
    assert named - known == set(), f"README.md's `{name}` section names options `ipcorpus {name} --help` lacks"


def code_lines(text: str) -> list[str]:
    out, fence = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fence = not fence
        elif fence:
            out.append(line)
    return out


def test_example_runs_use_existing_options():
    runs = [m.groups() for line in code_lines(README) if (m := re.match(r"^(?:\$ )?ipcorpus ([a-z]+)(.*)$", line))]
    assert len(runs) > 20
    for name, args in runs:
        assert name in COMMANDS, f"README.md runs an unknown command: ipcorpus {name}{args}"
        used = set(LONG_OPTION.findall(args.split("|")[0].split("#")[0]))
        assert used <= help_options(name), f"ipcorpus {name}{args}: {sorted(used - help_options(name))}"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_is_documented(name):
    """In the command's section, in the general sections, or (an option several
    commands share) in the section of another command that has it."""
    for spellings in options(name):
        places = [section(name, 3), general_text()]
        places += [section(other, 3) for other in COMMANDS
                   if other != name and any(spellings[0] in o for o in options(other))]
        assert any(re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text) for s in spellings for text in places), \
            f"`ipcorpus {name} {'/'.join(spellings)}` is not documented in README.md"


def test_rules_table_is_the_rules_output():
    body = section("rules", 3)
    res = CliRunner().invoke(app, ["rules", "--format", "markdown"])
    assert res.exit_code == 0, res.output
    want = res.stdout.strip()
    got = "\n".join(line for line in body.splitlines() if line.startswith("|"))
    assert got == want, "README.md's rules table differs from `ipcorpus rules --format markdown`: paste its output"
    names = [row[0] for row in table(body, "| rule |")]
    assert f"<summary>{len(names)} rules</summary>" in body
    # The example at the top of the section is the real first lines.
    example = re.search(r"^\$ ipcorpus rules \| head -(\d+)\n(.*?)\n```", body, re.M | re.S)
    tsv = CliRunner().invoke(app, ["rules", "--format", "tsv"]).stdout.splitlines()
    assert example and example.group(2).splitlines() == tsv[:int(example.group(1))]
    # The opt-in rules the clean section names are those off by default.
    off = {row[0] for row in table(body, "| rule |") if row[3] == "no"}
    opt_in = re.search(r"turns on an opt-in rule \(([^)]*)\)", section("clean", 3))
    assert opt_in and set(re.findall(r"`([^`]+)`", opt_in.group(1))) == off


def test_check_codes_table_is_the_code_table():
    rows = table(section("check", 3), "| code | name | default severity |")
    assert [(r[0], r[1], r[2]) for r in rows] == [(c.code, c.name, c.severity) for c in chk.CODES.values()]


def test_check_formats_are_the_check_formats():
    formats = re.findall(r"^- `([a-z]+)`", section("Formats", 4), re.M)
    assert formats == list(chk.FORMATS)
    assert f"`--format {'|'.join(FORMATS)}`" in section("Output formats", 2)


def test_exit_code_tables():
    for text, header in ((section("Exit codes", 2), "| code | meaning |"),
                         (section("check", 3), "| code | meaning |")):
        assert [r[0] for r in table(text, header)] == ["0", "1", "2"]
    # What the tables say: a usage error is 2, check findings are 1, a clean run is 0.
    runner = CliRunner()
    assert runner.invoke(app, ["stance", "--no-such-option"]).exit_code == 2
    assert runner.invoke(app, ["rules", "--format", "nonsense"]).exit_code == 2
    assert runner.invoke(app, ["rules", "--format", "tsv"]).exit_code == 0


def test_setup_commands_exist_and_ci_runs_the_documented_test_command():
    setup = section("Set-up", 2)
    assert "make demo" in setup and "make test" in setup
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in re.findall(r"^make ([a-z-]+)", README, re.M):
        assert re.search(rf"^{target}:", makefile, re.M), f"README.md documents `make {target}`: no such target"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M)


def test_make_bench_runs_the_speed_table_then_the_cluster_benchmark():
    """Issue 14: the cluster benchmark is part of `make bench`; `make bench-dask` is it alone."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")

    def recipe(target):
        m = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", makefile, re.M)
        assert m, f"no make target {target}"
        return [line.strip() for line in m.group(1).splitlines()]

    assert recipe("bench") == ["$(BIN)/python bench/run.py", "$(BIN)/python bench/cluster.py"]
    assert recipe("bench-dask") == ["$(BIN)/python bench/cluster.py"]
    performance = section("Performance", 2)
    assert "`make bench` runs `bench/run.py`, then the cluster benchmark `bench/cluster.py`" in performance
