"""Where drawn text goes: a terminal as Rich draws it (a table taller than the screen through a
pager, as git does), or plain text into a pipe or a file."""

from __future__ import annotations

import os
import sys


def _paged(console, renderable, pager_allowed: bool) -> bool:
    """Show a table taller than the terminal through a pager, as git does: $PAGER, else `less`
    (with LESS=FRX unless set: quits when it fits, keeps colour); never with --no-pager, a PAGER of
    '' or cat (a missing pager: printed plainly)."""
    import shlex
    import shutil
    import subprocess

    pager = os.environ.get("PAGER", "less").strip()
    if not pager_allowed or not sys.stdin.isatty() or pager in ("", "cat"):
        return False
    with console.capture() as captured:
        console.print(renderable)
    text = captured.get()
    if text.count("\n") < console.size.height or shutil.which(shlex.split(pager)[0]) is None:
        sys.stdout.write(text)  # it fits, or there is no such pager
    else:
        subprocess.run(pager, shell=True, input=text, text=True, check=False,
                       env={**os.environ, "LESS": os.environ.get("LESS", "FRX")})
    return True


def print_rich(fh, renderable, inv) -> None:
    """To a terminal as Rich draws it (paged unless the invocation said --no-pager); piped or into a
    file as plain text without the spaces Rich pads each line with (200 columns wide unless the
    invocation's COLUMNS says otherwise)."""
    import io

    from rich.console import Console

    if fh is sys.stdout and fh.isatty():
        console = Console(file=fh)
        if not _paged(console, renderable, inv.pager):
            console.print(renderable)
        return
    buffer = io.StringIO()
    Console(file=buffer, width=200 if inv.columns is None else inv.columns, color_system=None,
            force_terminal=False).print(renderable)
    fh.write("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()))
