"""`ldcli sample load [DIR]`: load whichever sample files exist, in dependency order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ldcli.csvio.reader import read_csv
from ldcli.db.session import Session
from ldcli.domain.errors import LdcliError
from ldcli.services import people

Loader = Callable[[Session, Path], dict]


def load_people(session: Session, path: Path) -> dict:
    required, optional = people.IMPORT_COLUMNS
    _, rows = read_csv(path, required=required, optional=optional)
    return people.upsert_people(session, rows=rows, source=path.name)


# file name -> loader, in the order the files depend on each other. Later groups add theirs.
LOADERS: list[tuple[str, Loader]] = [
    ("people.csv", load_people),
]


def load_sample(session: Session, *, folder: Path) -> list[dict]:
    """Load every known sample file found in `folder`; one row of counts per file."""
    if not folder.is_dir():
        raise LdcliError(f"sample folder {folder} does not exist")
    results = []
    for name, loader in LOADERS:
        path = folder / name
        if path.exists():
            results.append({"file": name, **loader(session, path)})
    if not results:
        raise LdcliError(f"no sample files in {folder}: expected {', '.join(n for n, _ in LOADERS)}")
    return results
