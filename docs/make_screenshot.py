"""Render the HTML brief of sample_corpus/ in headless Chromium and save docs/report.png.

    .venv/bin/python docs/make_screenshot.py [--width 1000] [--height 1800]

Needs Debian's `chromium` (apt-get install chromium) and a CJK font such as
fonts-noto-cjk, or the Chinese text shows as boxes. The corpus is copied to a
temporary folder first, so sample_corpus/ gets no index and the page shows the
paths as `sample_corpus/...`."""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium_args(chromium: str, profile: str) -> list[str]:
    """A headless Chromium that makes no network requests of its own."""
    return [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
            f"--user-data-dir={profile}"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--width", type=int, default=1000)
    ap.add_argument("--height", type=int, default=1800)
    ap.add_argument("--out", default=str(ROOT / "docs" / "report.png"))
    args = ap.parse_args(argv)
    chromium = find_chromium()
    if not chromium:
        print("make_screenshot: chromium not found (apt-get install chromium fonts-noto-cjk)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "sample_corpus", Path(tmp) / "sample_corpus",
                        ignore=shutil.ignore_patterns(".ipcorpus"))
        page = Path(tmp) / "brief.html"
        subprocess.run([sys.executable, "-m", "ipcorpus", "report", "sample_corpus", "--no-cache",
                        "--html", str(page)], cwd=tmp, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        out = Path(args.out).resolve()
        subprocess.run(chromium_args(chromium, str(Path(tmp) / "profile")) +
                       [f"--screenshot={out}", f"--window-size={args.width},{args.height}",
                        "--force-device-scale-factor=1", page.as_uri()],
                       check=True, timeout=120, capture_output=True)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
