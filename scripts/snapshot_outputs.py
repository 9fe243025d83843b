"""Write what a user sees into a folder, so two trees can be compared byte for byte:
every `make demo` step (stdout, stderr, exit code), the documents it writes, every export kind in
every format, and docs/cli.md as the help generates it.

    python scripts/snapshot_outputs.py OUT        # then: diff -r OUT-before OUT-after

Clock times are the only thing that differs between runs (the audit trail's, a calendar's DTSTAMP);
they are replaced by `<at>`. An xlsx is compared by its unzipped sheets, whose zip dates also differ."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this tree's ldcli, whatever is installed
from ldcli.areas import exports  # noqa: E402

EXPORT_KINDS = tuple(exports())  # every kind the areas declare (ldcli/areas.py)
AT = re.compile(rb"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?"  # the audit trail's clock
                rb"|DTSTAMP:\d{8}T\d{6}Z")  # when a calendar was made
AUDIT_CELL = re.compile(rb'(?<=" s="2" t="n"><v>)[\d.]+')  # the audit clock in its spreadsheet


def demo_steps() -> list[str]:
    steps = []
    for line in (ROOT / "Makefile").read_text().split("\ndemo:", 1)[1].split("\n\n", 1)[0].splitlines()[1:]:
        line = line.strip()
        if line.startswith("$(LDCLI)"):
            steps.append(line.replace("$(LDCLI) --db $(DEMO_DB) ", ""))
    return steps


def main() -> None:
    out = Path(sys.argv[1]).resolve()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    work = Path(tempfile.mkdtemp())
    shutil.copytree(ROOT / "sample_data", work / "sample_data")
    (work / "demo").mkdir()
    env = {**os.environ, "COLUMNS": "80", "LDCLI_DB": str(work / "demo" / "ldcli.db"), "LDCLI_ACTOR": "snapshot",
           "PYTHONPATH": str(ROOT)}
    env.pop("LDCLI_POLICY", None)

    def run(n: str, args: list[str]) -> None:
        done = subprocess.run([sys.executable, "-m", "ldcli", *args], cwd=work, env=env, capture_output=True)
        (out / f"{n}.out").write_bytes(AT.sub(b"<at>", done.stdout))
        (out / f"{n}.err").write_bytes(done.stderr)
        (out / f"{n}.rc").write_text(f"{shlex.join(args)}\n{done.returncode}\n")

    for i, step in enumerate(demo_steps()):
        run(f"demo-{i:02d}", shlex.split(step))
    for name in sorted(os.listdir(work / "demo")):
        if name != "ldcli.db":
            (out / f"document-{name}").write_bytes(AT.sub(b"<at>", (work / "demo" / name).read_bytes()))
    for kind in EXPORT_KINDS:
        run(f"export-{kind}-csv", ["export", kind])
        run(f"export-{kind}-json", ["export", kind, "--format", "json"])
        run(f"export-{kind}-excel", ["export", kind, "--excel"])
        run(f"export-{kind}-sorted", ["export", kind, "--sort", "-" + "id" if kind != "audit" else "-id", "--limit", "5"])
        xlsx = work / f"{kind}.xlsx"  # named relative to the work folder, so the message is the same
        run(f"export-{kind}-xlsx", ["export", kind, "-o", xlsx.name])
        if xlsx.exists():
            with zipfile.ZipFile(xlsx) as z:
                for member in sorted(z.namelist()):
                    if member.endswith(".xml") and "docProps" not in member:
                        sheet = z.read(member) if kind != "audit" else AUDIT_CELL.sub(b"<at>", z.read(member))
                        (out / f"export-{kind}-xlsx-{member.replace('/', '_')}").write_bytes(sheet)
    docs = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_cli_docs.py")], env=env, capture_output=True)
    (out / "docs-cli.md").write_bytes(docs.stdout)
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
