"""ldcli: Learning & Development and HR over one database."""

__version__ = "0.1.0"
