"""Draw the sample board and compliance pages with headless Chromium into DIR/board.png and
DIR/compliance.png (the pictures the README shows).  python scripts/screenshots.py docs"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LDCLI = str(Path(sys.executable).with_name("ldcli"))
PAGES = {  # page: (command, window height that holds it whole)
    "board": (["cadet", "dashboard", "--as-of", "2019-12-17"], 1110),
    "compliance": (["plt", "compliance", "--from", "2027-03", "--to", "2027-03"], 1000),
}


def main(out: Path) -> int:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("no chromium: install Debian's chromium package", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "sample.db")
        subprocess.run([LDCLI, "--db", db, "sample", "load", str(ROOT / "sample_data")], check=True,
                       capture_output=True)
        subprocess.run([LDCLI, "--db", db, "plt", "allocate", "--month", "2027-03"], check=True, capture_output=True)
        for name, (command, height) in PAGES.items():
            page = Path(tmp) / f"{name}.html"
            subprocess.run([LDCLI, "--db", db, *command, "-o", str(page)], check=True, capture_output=True)
            subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                            "--disable-background-networking", "--disable-component-update", "--disable-sync",
                            f"--user-data-dir={Path(tmp) / 'profile'}", "--hide-scrollbars",
                            f"--window-size=800,{height}", f"--screenshot={out / (name + '.png')}", page.as_uri()],
                           check=True, capture_output=True, timeout=120)
            print(f"wrote {out / (name + '.png')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")))
