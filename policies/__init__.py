"""The example policy files that ship with ldcli: `ldcli --policy west-mercia` or `--policy northumbria`."""
