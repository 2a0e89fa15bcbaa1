"""The ``proscribe`` command line (Typer + rich)."""
