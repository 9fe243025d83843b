"""The README's examples run as written (issue 11): every shell block from "Protected learning time"
on is run, in order, in one bash with `set -e`, in a new folder holding the sample's CSV files, as the
README says (its first block fixes today and loads the sample force). Lines for other
machines (pip, make, sudo, PostgreSQL URLs) are in the earlier sections, which this does not run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def runnable_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Protected learning time")
    end = text.index("## Rules we chose")
    return re.findall(r"```sh\n(.*?)```", text[start:end], flags=re.S)


@pytest.mark.heavy
@pytest.mark.sqlite_only
def test_the_readme_examples_run_in_order_on_the_sample(tmp_path):
    blocks = runnable_blocks()
    assert len(blocks) >= 4
    assert "export LDCLI_AS_OF=" in blocks[0] and "ldcli sample load" in blocks[0]
    for csv in (ROOT / "sample_data").glob("*.csv"):
        shutil.copy(csv, tmp_path / csv.name)
    bin_dir = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LDCLI_")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", LDCLI_ACTOR="readme", COLUMNS="100")
    script = "set -euo pipefail\n" + "\n".join(blocks)
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
