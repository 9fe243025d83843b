from ldcli.cli.app import main

main()
