"""How findings are printed: one writer per format (text, json and jsonl, GitHub
workflow commands, SARIF 2.1.0), and the folder github and sarif paths are
relative to."""
from __future__ import annotations

import json
import os
import subprocess
from urllib.parse import quote

from ipcorpus import __version__
from ipcorpus.check.codes import CODES, Finding
from ipcorpus.commands.output import Out, safe_path
from ipcorpus.errors import IpcorpusError


def write_text(findings: list[Finding], out: Out, base: str | None = None):
    """`path:line:col: CODE message`, columns counting code points from 1."""
    for f in findings:
        out.write(f"{safe_path(f.path)}:{f.line}:{f.column}: {f.code} {f.message}\n")


def write_json(findings: list[Finding], out: Out, base: str | None = None):
    """An array of finding records (json), or one record a line (jsonl): Out.json picks."""
    out.json([f.record() for f in findings])


def write_github(findings: list[Finding], out: Out, base: str | None = None):
    for f in findings:
        out.write(github_line(f, base) + "\n")


def write_sarif(findings: list[Finding], out: Out, base: str | None = None):
    out.write(json.dumps(sarif(findings, base), ensure_ascii=False, indent=2) + "\n")


WRITERS = {"text": write_text, "json": write_json, "jsonl": write_json, "github": write_github,
           "sarif": write_sarif}
FORMATS = tuple(WRITERS)


def render(findings: list[Finding], fmt: str, out: Out, base: str | None = None):
    """`base`: the folder github and sarif paths are relative to (report_base)."""
    WRITERS[fmt](findings, out, base)


def report_base(paths: list[str], base: str | None = None) -> str:
    """The folder that github and sarif paths are relative to: `--base`, else the top
    of the git work tree that holds the checked paths (what GitHub resolves them
    against), else the current folder."""
    if base is not None:
        if not os.path.isdir(base):
            raise IpcorpusError(f"--base {base}: no such folder")
        return os.path.abspath(base)
    first = paths[0] if paths else "."
    where = first if os.path.isdir(first) else (os.path.dirname(first) or ".")
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=where, capture_output=True, check=False)
    except OSError:                        # no git, or the folder went away
        return os.getcwd()
    found = os.fsdecode(top.stdout).rstrip("\n")
    return found if top.returncode == 0 and found else os.getcwd()


def _from_base(path: str, base: str | None) -> str:
    """`path` relative to `base` with / separators; absolute when it lies outside."""
    if base is None:
        return path
    full = os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(path))), os.path.basename(path))
    rel = os.path.relpath(full, os.path.realpath(base))
    return full if rel == ".." or rel.startswith(".." + os.sep) else rel.replace(os.sep, "/")


_GH_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _gh_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(s: str) -> str:
    return _gh_data(s).replace(":", "%3A").replace(",", "%2C")


def github_line(f: Finding, base: str | None = None) -> str:
    """A GitHub Actions workflow command: `::error file=…,line=…,col=…,title=…::message`."""
    where = _gh_prop(safe_path(_from_base(f.path, base)))
    props = f"file={where},line={f.line},col={f.column},title={_gh_prop(f'{f.code} {f.name}')}"
    return f"::{_GH_LEVEL[f.severity]} {props}::{_gh_data(f.message)}"


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    p = safe_path(path)
    if os.path.isabs(p):
        return "file://" + quote(p.replace(os.sep, "/"))
    return quote(p.replace(os.sep, "/"))


def _location(path: str, line: int, column: int | None = None, base: str | None = None) -> dict:
    region = {"startLine": line}
    if column:
        region["startColumn"] = column
    return {"physicalLocation": {"artifactLocation": {"uri": _uri(_from_base(path, base))}, "region": region}}


def sarif(findings: list[Finding], base: str | None = None) -> dict:
    """SARIF 2.1.0: one run, every code as a rule; columns in code points."""
    index = {c: k for k, c in enumerate(CODES)}
    rules = [{"id": c.code, "name": c.name, "shortDescription": {"text": c.summary},
              "defaultConfiguration": {"level": _SARIF_LEVEL[c.severity], "enabled": c.default}}
             for c in CODES.values()]
    results = []
    for f in findings:
        r = {"ruleId": f.code, "ruleIndex": index[f.code], "level": _SARIF_LEVEL[f.severity],
             "message": {"text": f.message}, "locations": [_location(f.path, f.line, f.column, base=base)],
             "partialFingerprints": {"ipcorpusFingerprint/v1": f.fingerprint}}
        if f.related:
            r["relatedLocations"] = [{"id": 1, **_location(f.related[0], f.related[1], base=base),
                                      "message": {"text": "the other article"}}]
        results.append(r)
    return {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
            "runs": [{"tool": {"driver": {"name": "ipcorpus", "version": __version__, "rules": rules}},
                      "columnKind": "unicodeCodePoints", "results": results}]}
