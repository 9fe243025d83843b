"""Print docs/cli.md from the commands' help text: `make docs` writes it."""

import sys

from ldcli.cli.docs import render

sys.stdout.write(render())
