"""`python -m ldcli`."""
from ldcli.cli.entry import main

main()
