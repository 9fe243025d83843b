"""Start-up benchmark: `ldcli --help` and `ldcli people list` on the sample data, as ratios to a bare
Typer app's `--help` measured in the same run (median of repeated runs; wall-clock seconds).

Targets (issue 2): under 1.3x for --help, under 3x for people list.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RUNS = 21
BARE = '''
import typer
app = typer.Typer()
@app.command()
def hello(name: str = "world"):
    """Say hello."""
    print(name)
@app.command()
def bye():
    """Say bye."""
app()
'''


# Byte-code caching on, as on a user's machine (this sandbox sets PYTHONDONTWRITEBYTECODE, which
# would make every run recompile ldcli's own modules but not the installed packages').
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def median_seconds(cmd: list[str], cwd: Path) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "bare.py").write_text(BARE)
        db = work / "sample.db"
        ldcli = str(BIN / "ldcli")
        subprocess.run([ldcli, "--db", str(db), "sample", "load", str(ROOT / "sample_data")],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "bare typer --help": [sys.executable, str(work / "bare.py"), "--help"],
            "ldcli --help": [ldcli, "--help"],
            "ldcli people list (sample data)": [ldcli, "--db", str(db), "people", "list"],
        }
        for cmd in cases.values():  # warm the file cache once
            subprocess.run(cmd, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        results = {name: median_seconds(cmd, work) for name, cmd in cases.items()}
    bare = results["bare typer --help"]
    print(f"start-up, median of {RUNS} runs each")
    for name, seconds in results.items():
        print(f"{name}: {seconds:.3f} s")
    print(f"ratio ldcli --help / bare typer --help: {results['ldcli --help'] / bare:.2f}x (target < 1.3x)")
    print(f"ratio ldcli people list / bare typer --help: "
          f"{results['ldcli people list (sample data)'] / bare:.2f}x (target < 3x)")


if __name__ == "__main__":
    main()
