"""The analyser version covers the stage packages read/, clean/ and patterns/ whole:
an edit to any of their modules or packs (a new one too) re-analyses rather than
serving results the old code decided (corpus/fingerprint.py)."""
from pathlib import Path

import pytest

from ipcorpus.corpus import fingerprint

PACKAGE = fingerprint.PACKAGE


def _fingerprint(monkeypatch) -> str:
    monkeypatch.setattr(fingerprint, "_FINGERPRINTS", {})
    return fingerprint.code_fingerprint()


@pytest.mark.parametrize("package", ["read", "clean", "patterns"])
def test_an_edit_to_any_file_of_a_stage_package_changes_the_analyser_version(package, monkeypatch):
    files = sorted((PACKAGE / package).rglob("*.py")) + sorted((PACKAGE / package).rglob("*.toml"))
    assert len(files) >= 5, files
    base = _fingerprint(monkeypatch)
    real = Path.read_bytes
    for f in files:
        def edited(self, f=f):
            data = real(self)
            return data + b"\n# edited\n" if self.resolve() == f else data
        monkeypatch.setattr(Path, "read_bytes", edited)
        assert _fingerprint(monkeypatch) != base, f"{f.relative_to(PACKAGE)} is not in the analyser version"
    monkeypatch.setattr(Path, "read_bytes", real)
    assert _fingerprint(monkeypatch) == base


def test_a_new_module_of_a_stage_package_changes_the_analyser_version(monkeypatch, tmp_path):
    base = _fingerprint(monkeypatch)
    extra = PACKAGE / "patterns" / "zz_new_module_for_the_test.py"
    real = Path.rglob

    def rglob(self, pattern):
        found = list(real(self, pattern))
        return found + [extra] if self == PACKAGE and pattern == "*.py" else found
    monkeypatch.setattr(Path, "rglob", rglob)
    real_read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: b"X = 1\n" if self == extra else real_read(self))
    assert _fingerprint(monkeypatch) != base
