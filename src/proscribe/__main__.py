"""``python -m proscribe``: the same as the ``proscribe`` command."""

from proscribe.cli.app import main

main()
