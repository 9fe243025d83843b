"""SPEC §10 documents through the real CLI: the board's HTML dashboard and the PLT compliance
evidence (table, CSV, JSON and HTML). The headless-browser checks are in test_documents_browser.py."""

import re
import stat
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ldcli.domain.plt import whole_percent

ROOT = Path(__file__).resolve().parents[2]


class Page(HTMLParser):
    """What a reader sees: table rows as lists of cell texts, SVG text labels, every tag and attribute."""

    def __init__(self, html: str):
        super().__init__()
        self.rows, self.svg_text, self.tags, self.attrs = [], [], [], []
        self._row, self._cell, self._in_svg_text = None, None, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "text":
            self._in_svg_text, self._cell = True, []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "text":
            self.svg_text.append("".join(self._cell))
            self._in_svg_text, self._cell = False, None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def self_contained(html: str) -> None:
    page = Page(html)
    assert "script" not in page.tags and "iframe" not in page.tags and "img" not in page.tags
    assert not [a for a, v in page.attrs if a in ("src", "href") or a.startswith("on")]
    assert "url(" not in html and "@import" not in html and "http://" not in html.replace(
        "http://www.w3.org/2000/svg", "")
    assert "https://" not in html
    assert re.search(r"@page\s*{\s*size:\s*A4", html)


@pytest.fixture
def sample(sample_db):
    """The sample force (a copy of the session's template)."""


@pytest.fixture
def sample_on_top(cli):
    """The sample force loaded into a database that already holds other records."""
    cli.ok("sample", "load", str(ROOT / "sample_data"), "--into-existing")


def test_board_html_shows_the_seed_rows_totals_and_growth(cli, sample, tmp_path):
    done = cli.ok("cadet", "dashboard", "--as-of", "2019-12-17", "--format", "html", "-o", "board.html")
    assert "wrote board.html" in done.stderr
    path = tmp_path / "board.html"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    html = path.read_text(encoding="utf-8")
    self_contained(html)
    page = Page(html)
    units = {r[0]: r[1:] for r in page.rows if len(r) == 6}
    # marked: five of its cadets are 18 by then (SPEC §16)
    assert units["Washwood Heath !"] == ["Birmingham East", "23", "7", "5", "0"]
    assert units["Totals"] == ["", "218", "62", "35", "17"]  # the board printed 219; its rows add up to 218
    assert len([u for u in units if u not in ("Unit", "Totals")]) == 10
    npu = {r[0]: r[1:] for r in page.rows if len(r) == 5}
    assert npu["Sandwell"] == ["2", "37", "12", "7"]
    departments = {r[0]: r[1] for r in page.rows if len(r) == 2}
    assert departments["Force Response"] == "22"
    targets = {r[0]: r[2] for r in page.rows if len(r) == 3}
    assert targets == {"Cadets": "218 of 500 (44%)", "Leaders": "62 of 100 (62%)",
                       "Active cadets": "201 of 250 (80%)"}
    # the growth chart: twelve points, eleven month ends then the day itself, each value printed
    labels = page.svg_text
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "17 Dec"]
    assert [t for t in labels if t in months] == months
    values = [int(t) for t in labels if t.isdigit() and len(t) <= 3 and t not in ("0", "50", "100", "150", "200",
                                                                                   "250")]
    by_month = dict(zip(months, values[-12:], strict=True))
    assert (by_month["Mar"], by_month["Jul"], by_month["Nov"], by_month["17 Dec"]) == (85, 157, 212, 218)
    assert "Grace Academy: 26 cadets for 3 regular leaders" in html
    assert ("26 cadets aged 18 or over on 2019-12-17 must leave or become leaders: Ark Boulton 3, Washwood Heath 5, "
            "The Lighthouse 2") in html


def test_board_html_by_extension_and_on_stdout(cli, sample, tmp_path):
    cli.ok("cadet", "dashboard", "--as-of", "2019-12-17", "-o", "board.HTML")
    assert (tmp_path / "board.HTML").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    shown = cli.ok("cadet", "dashboard", "--as-of", "2019-12-17", "--format", "html").stdout
    assert shown.startswith("<!DOCTYPE html>") and shown.rstrip().endswith("</html>")
    table = cli.ok("cadet", "dashboard", "--as-of", "2019-12-17", "-o", "board.txt")
    assert "wrote board.txt" in table.stderr and "<" not in (tmp_path / "board.txt").read_text(encoding="utf-8")


def test_board_html_escapes_what_people_typed(cli, tmp_path):
    hostile = '<script>alert("x")</script>'
    cli.ok("cadet", "unit", "add", hostile, "--npu", "<b>NPU</b> & co", "--opened", "2019-01-01")
    cli.ok("cadet", "join", hostile, "--name", "Ann Cadet", "--dob", "2005-01-01", "--joined", "2019-02-01")
    cli.ok("cadet", "dashboard", "--as-of", "2019-12-17", "-o", "board.html")
    html = (tmp_path / "board.html").read_text(encoding="utf-8")
    self_contained(html)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html and "&lt;b&gt;NPU&lt;/b&gt; &amp; co" in html
    assert "Ann Cadet" not in html  # the board counts cadets; it names none


def test_board_html_with_nothing_to_show(cli, tmp_path):
    cli.ok("cadet", "dashboard", "--as-of", "2019-12-17", "-o", "board.html")
    page = Page((tmp_path / "board.html").read_text(encoding="utf-8"))
    assert ["No unit is open on this date."] in page.rows
    assert ["Totals", "", "0", "0", "0", "0"] in page.rows


@pytest.mark.parametrize("part, whole, percent", [
    (0, 4, 0), (1, 8, 13), (3, 8, 38), (2, 3, 67), (1, 3, 33), (1, 200, 1), (1, 201, 0), (199, 200, 100),
    (7, 7, 100), (0, 0, None),
])
def test_percent_met_is_whole_and_half_up(part, whole, percent):
    assert whole_percent(part, whole) == percent


PEOPLE = """person_id,name,kind,team,line_manager_id,weekly_hours
L1,Lee One,officer,Alpha,,40
L2,Lou Two,officer,Alpha,,40
L3,Liz Three,officer,Alpha,,40
B1,Bo Bravo,officer,Bravo,,40
"""


@pytest.fixture
def force(cli, write):
    cli.ok("people", "import", write("people.csv", PEOPLE))
    roster = ["L1,2026-11-03,0800,1600,duty", "L2,2026-11-04,0800,1600,duty", "B1,2026-11-05,0800,1600,duty",
              "L1,2026-12-01,0800,1600,duty", "L2,2026-12-02,0800,1600,duty", "L3,2026-12-03,0800,1600,duty",
              "B1,2026-12-04,0800,1600,duty"]
    cli.ok("plt", "roster", "import", write("roster.csv", "person_id,date,start,end,kind\n" + "\n".join(roster)))
    for person, programme in (("L1", "PCDA"), ("L2", "PCDA"), ("L3", "DHEP"), ("B1", "PCDA")):
        cli.ok("plt", "enrol", person, "--programme", programme, "--from", "2026-11")
    for month in ("2026-11", "2026-12"):  # placed before the months began (SPEC §16: the past needs --past)
        cli.ok("--as-of", "2026-10-31", "plt", "allocate", "--month", month)
    cli.ok("plt", "recall", "B1", "2026-12-04")  # recalled: the time was not given


def compliance(cli, *extra):
    return cli.ok("plt", "compliance", "--from", "2026-11", "--to", "2026-12", "--format", "json", *extra).json()


def test_compliance_by_team_and_month(cli, force):
    rows = compliance(cli)
    assert rows == [
        {"group": "Alpha", "month": "2026-11", "enrolments": 3, "met": 2, "short": 1, "percent_met": 67,
         "shortfall_hours": 4, "status": "counted"},
        {"group": "Alpha", "month": "2026-12", "enrolments": 3, "met": 3, "short": 0, "percent_met": 100,
         "shortfall_hours": 0, "status": "counted"},
        {"group": "Bravo", "month": "2026-11", "enrolments": 1, "met": 1, "short": 0, "percent_met": 100,
         "shortfall_hours": 0, "status": "counted"},
        {"group": "Bravo", "month": "2026-12", "enrolments": 1, "met": 0, "short": 1, "percent_met": 0,
         "shortfall_hours": 4, "status": "counted"},
    ]
    # the same figures as the evidence report, enrolment by enrolment
    report = cli.ok("plt", "report", "--from", "2026-11", "--to", "2026-12", "--format", "json").json()
    assert sum(r["status"] == "met" for r in report) == sum(r["met"] for r in rows)
    assert sum(r["shortfall_hours"] for r in report) == sum(r["shortfall_hours"] for r in rows)


def test_compliance_by_programme_one_team_and_csv(cli, force):
    rows = compliance(cli, "--by", "programme", "--team", "Alpha")
    assert [(r["group"], r["month"], r["met"], r["enrolments"]) for r in rows] == [
        ("DHEP", "2026-11", 0, 1), ("DHEP", "2026-12", 1, 1), ("PCDA", "2026-11", 2, 2), ("PCDA", "2026-12", 2, 2)]
    csv = cli.ok("plt", "compliance", "--from", "2026-11", "--to", "2026-11", "--format", "csv")
    assert csv.stdout.splitlines() == ["group,month,enrolments,met,short,percent_met,shortfall_hours,status",
                                       "Alpha,2026-11,3,2,1,67,4,counted", "Bravo,2026-11,1,1,0,100,0,counted"]
    assert "3 of 4 enrolment-month(s) met (75%)" in csv.stderr


def test_compliance_html_has_the_chart_and_the_figures(cli, force, tmp_path):
    cli.ok("plt", "compliance", "--from", "2026-11", "--to", "2026-12", "-o", "compliance.html")
    path = tmp_path / "compliance.html"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    html = path.read_text(encoding="utf-8")
    self_contained(html)
    page = Page(html)
    assert "<svg" in html and "75%" in page.svg_text and "75%" in page.svg_text  # Nov 3 of 4, Dec 3 of 4
    assert ["November 2026", "4", "3", "1", "75%", "4"] in page.rows
    assert ["December 2026", "4", "3", "1", "75%", "4"] in page.rows
    assert ["Alpha", "67% 2 of 3", "100% 3 of 3", "4"] in page.rows
    assert ["Bravo", "100% 1 of 1", "0% 0 of 1", "4"] in page.rows


def test_compliance_refusals(cli, force):
    wrong = cli("plt", "compliance", "--from", "2026-12", "--to", "2026-11")
    assert wrong.exit_code == 1 and wrong.stderr.strip().splitlines() == [
        "error: --to: 2026-11 is before the first month, 2026-12"]
    bad = cli("plt", "compliance", "--from", "2026-11", "--to", "2026-12", "--by", "unit")
    assert bad.exit_code == 2 and "team" in bad.stderr and "programme" in bad.stderr
    nothing = cli.ok("plt", "compliance", "--from", "2026-01", "--to", "2026-01")
    assert "no enrolment was owed protected learning time in 2026-01" in nothing.stderr


@pytest.mark.slow
def test_only_the_commands_writing_a_page_import_the_template_engine(cli, sample, tmp_path, db, loaded_modules):
    def modules(*args, cwd):
        code, found = loaded_modules(*args, cwd=cwd, watch=("jinja2", "icalendar"))
        assert code == 0
        return found

    assert modules("--help", cwd=tmp_path) == set()
    assert modules("--db", db, "cadet", "dashboard", "--as-of", "2019-12-17", cwd=tmp_path) == set()
    assert modules("--db", db, "plt", "report", "--month", "2027-03", cwd=tmp_path) == set()
    assert modules("--db", db, "cadet", "dashboard", "--as-of", "2019-12-17", "-o", "b.html",
                   cwd=tmp_path) == {"jinja2"}


def test_pages_read_without_colour(cli, force, sample_on_top, tmp_path):
    """Every colour the pages use is a grey, so a black-and-white print loses nothing."""
    cli.ok("cadet", "dashboard", "--as-of", "2019-12-17", "-o", "board.html")
    cli.ok("plt", "compliance", "--from", "2026-11", "--to", "2026-12", "-o", "compliance.html")
    for name in ("board.html", "compliance.html"):
        html = (tmp_path / name).read_text(encoding="utf-8")
        colours = re.findall(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", html)
        assert colours
        for c in colours:
            c = c if len(c) == 6 else "".join(x * 2 for x in c)
            assert c[0:2] == c[2:4] == c[4:6], f"{name} uses the colour #{c}"
        assert not re.search(r"\b(rgb|hsl)a?\(", html)


def test_months_with_nothing_owed_draw_no_bar(cli, force, tmp_path):
    """An inspector must not read an empty month as 0% met: no column, a dash."""
    cli.ok("plt", "compliance", "--from", "2026-09", "--to", "2026-12", "-o", "c.html")
    page = Page((tmp_path / "c.html").read_text(encoding="utf-8"))
    labels = page.svg_text
    assert labels.count("nothing owed") == 2 and "0%" in labels  # Sep and Oct; the axis starts at 0%
    assert ["September 2026", "0", "0", "0", "nothing owed", "0"] in page.rows


def test_output_files_links_devices_folders(cli, sample, tmp_path):
    real = tmp_path / "real.html"
    real.write_text("old", encoding="utf-8")
    (tmp_path / "link.html").symlink_to(real)
    cli.ok("cadet", "dashboard", "--as-of", "2019-12-17", "-o", "link.html")
    assert (tmp_path / "link.html").is_symlink() and real.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    folder = cli("cadet", "dashboard", "-o", str(tmp_path))
    assert folder.exit_code == 1 and folder.stderr == f"error: cannot write {tmp_path}: it is a folder; give a file name\n"
    empty = cli("people", "list", "-o", "")
    assert empty.exit_code == 2 and "give a file name" in empty.stderr
    if Path("/dev/full").exists():
        full = cli("people", "list", "--format", "csv", "-o", "/dev/full")
        assert full.exit_code == 1 and full.stderr.startswith("error: cannot write /dev/full:")
        assert Path("/dev/full").is_char_device()
