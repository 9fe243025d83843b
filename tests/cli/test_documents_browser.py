"""The board and compliance pages as a real browser draws and prints them (Debian's chromium,
headless): the sample board prints on one A4 page and neither page renders blank. Marked slow; run
by `make test` where chromium is installed (`.ci/run` installs it and sets LDCLI_REQUIRE_BROWSER, so
CI cannot skip these silently)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]
if BROWSER is None and os.environ.get("LDCLI_REQUIRE_BROWSER"):
    raise RuntimeError("LDCLI_REQUIRE_BROWSER is set but no chromium is installed")
if BROWSER is None:
    pytestmark.append(pytest.mark.skip(reason="no headless chromium installed"))

A4 = (595, 842)  # points


def headless(page: Path, tmp_path: Path, *args: str) -> None:
    """Chromium, headless, with nothing fetched in the background (this machine has no network)."""
    done = subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", *args, page.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def pdf_pages(path: Path) -> list[tuple[int, int]]:
    from pypdf import PdfReader

    return [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in PdfReader(path).pages]


def not_blank(path: Path) -> None:
    from PIL import Image, ImageStat

    with Image.open(path) as image:
        grey = image.convert("L")
        assert grey.getextrema()[0] < 64  # something dark was drawn: text, rules, the chart
        dark = sum(grey.histogram()[:200]) / (grey.width * grey.height)
        assert dark > 0.01, f"only {dark:.2%} of the page is drawn"
        assert ImageStat.Stat(grey).stddev[0] > 10


@pytest.fixture
def pages(allocated_db, cli, tmp_path):
    cli.ok("cadet", "dashboard", "--as-of", "2019-12-17", "-o", "board.html")
    cli.ok("plt", "compliance", "--from", "2027-03", "--to", "2027-03", "-o", "compliance.html")
    return tmp_path / "board.html", tmp_path / "compliance.html"


def test_the_sample_board_prints_on_one_a4_page(pages, tmp_path):
    board, _ = pages
    headless(board, tmp_path, f"--print-to-pdf={tmp_path / 'board.pdf'}", "--no-pdf-header-footer")
    assert pdf_pages(tmp_path / "board.pdf") == [A4]


def test_the_compliance_evidence_prints_on_a4(pages, tmp_path):
    _, compliance = pages
    headless(compliance, tmp_path, f"--print-to-pdf={tmp_path / 'compliance.pdf'}", "--no-pdf-header-footer")
    sizes = pdf_pages(tmp_path / "compliance.pdf")
    assert sizes and set(sizes) == {A4}


@pytest.mark.parametrize("which", [0, 1])
def test_the_screenshot_is_not_blank(pages, tmp_path, which):
    shot = tmp_path / "shot.png"
    headless(pages[which], tmp_path, f"--screenshot={shot}", "--window-size=900,1300", "--hide-scrollbars")
    not_blank(shot)
