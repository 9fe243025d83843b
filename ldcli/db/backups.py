"""The backups `ldcli db upgrade` writes beside a SQLite file, named one way
(FILE.REVISION.YYYYMMDDTHHMMSSZ.bak), and found again by that name: an erasure cannot reach into
them, so the erase commands and `ldcli db vacuum` name them, and `db vacuum --backups` removes them."""

from __future__ import annotations

import glob
import re
from pathlib import Path

from ldcli.db.schema import REVISIONS

NEVER_VERSIONED = "unversioned"  # a file that had tables but no Alembic revision
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"


def backup_path(path: Path, revision: str | None, stamp: str) -> Path:
    """Where `db upgrade` backs up `path`, at `revision`, at the UTC time `stamp` (STAMP_FORMAT)."""
    return path.with_name(f"{path.name}.{revision or NEVER_VERSIONED}.{stamp}.bak")


def upgrade_backups(path: Path | None) -> list[Path]:
    """The backups of `path` that `db upgrade` made (regular files only, oldest first); none for
    PostgreSQL (`path` None), which `db upgrade` does not copy."""
    if path is None or not path.parent.is_dir():
        return []
    names = "|".join(re.escape(r) for r in (*REVISIONS, NEVER_VERSIONED))
    pattern = re.compile(rf"{re.escape(path.name)}\.(?:{names})\.\d{{8}}T\d{{6}}Z\.bak")
    found = [p for p in path.parent.glob(glob.escape(path.name) + ".*.bak") if pattern.fullmatch(p.name)]
    return sorted((p for p in found if p.is_file() and not p.is_symlink()), key=lambda p: p.name.rsplit(".", 2)[-2])


def backups_note(path: Path | None) -> str | None:
    """The line that names the upgrade backups still holding erased data, or None when there are none."""
    found = upgrade_backups(path)
    if not found:
        return None
    some = f"{len(found)} backups that `ldcli db upgrade` made still hold" if len(found) > 1 else \
        "1 backup that `ldcli db upgrade` made still holds"
    return (f"note: {some} the erased data: {', '.join(str(p) for p in found)}; remove "
            f"{'them' if len(found) > 1 else 'it'} with `ldcli db vacuum --backups` once "
            f"{'they are' if len(found) > 1 else 'it is'} no longer needed")


def remove_backups(backups: list[Path]) -> list[Path]:
    """Delete these upgrade backups (as `upgrade_backups` found them, and the user was asked about:
    not a fresh search, which could find others); the ones removed."""
    from ldcli.domain.errors import LdcliError

    removed = []
    for found in backups:
        try:
            found.unlink(missing_ok=True)
        except OSError as exc:
            done = f" (removed {', '.join(map(str, removed))})" if removed else ""
            raise LdcliError(f"cannot remove the backup {found}: {(exc.strerror or str(exc)).lower()}{done}") from None
        removed.append(found)
    return removed
