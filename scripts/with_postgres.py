"""Run a command against a throwaway PostgreSQL cluster that this script starts and stops.

    python scripts/with_postgres.py -- python -m pytest

The cluster lives in a temporary folder, listens on a Unix socket only (no TCP port), trusts
local connections and is removed afterwards. The command sees LDCLI_TEST_PG, a SQLAlchemy URL.
Run as root, the server runs as the `postgres` user (PostgreSQL refuses root).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def find_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    candidates.sort(key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return candidates[-1] if candidates else None


def main(argv: list[str]) -> int:
    if argv == ["--check"]:  # are the server binaries here? (exit 0 when they are)
        return 0 if find_binary("initdb") and find_binary("pg_ctl") else 1
    command = argv[argv.index("--") + 1:] if "--" in argv else argv
    if not command:
        print("usage: with_postgres.py -- COMMAND …", file=sys.stderr)
        return 2
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    if not initdb or not pg_ctl:
        print("PostgreSQL server binaries (initdb, pg_ctl) not found: run scripts/ensure-postgres.sh "
              "or install the Debian package postgresql", file=sys.stderr)
        return 1
    base = Path(tempfile.mkdtemp(prefix="ldcli-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(base, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, log = base / "data", base / "server.log"
    options = f"-k {base} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    quiet = {"stdout": subprocess.DEVNULL}
    try:
        subprocess.run(prefix + [initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                                 "--no-sync"], check=True, **quiet)
        subprocess.run(prefix + [pg_ctl, "-D", str(data), "-l", str(log), "-w", "-o", options, "start"],
                       check=True, **quiet)
    except subprocess.CalledProcessError as exc:
        print(f"could not start PostgreSQL: {exc}", file=sys.stderr)
        if log.exists():
            print(log.read_text(errors="replace")[-2000:], file=sys.stderr)
        shutil.rmtree(base, ignore_errors=True)
        return 1
    env = dict(os.environ, LDCLI_TEST_PG=f"postgresql+psycopg://postgres@/postgres?host={base}")
    try:
        print(f"PostgreSQL test cluster running in {base}", file=sys.stderr)
        return subprocess.call(command, env=env)
    finally:
        subprocess.run(prefix + [pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], **quiet)
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
