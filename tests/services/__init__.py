"""Service tests (a package, so that its conftest keeps a name of its own)."""
