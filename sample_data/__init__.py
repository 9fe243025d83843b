"""The invented sample force, shipped inside ldcli so that `ldcli sample load` works anywhere."""
