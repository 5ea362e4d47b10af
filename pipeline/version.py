"""The package version (one place; written into every result and the decision log)."""

__version__ = "0.2.0"
