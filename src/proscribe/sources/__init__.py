"""Parsers for the official list formats, one module per format.

Each module exposes ``FORMAT``, a :class:`~proscribe.sources.base.Format`.
``FORMATS`` maps format keys to them in the order detection tries them: the
most specific recognisers first.
"""

from __future__ import annotations

import importlib

from proscribe.sources.base import Format, ListFile, ListFormatError

_MODULES = (
    "ofac_csv",
    "ofac_xml",
    "ofac_advanced_xml",
    "un_xml",
    "eu_fsf",
    "uk_fcdo",
    "csl",
    "bis_dpl",
    "fcc_covered",
    "opensanctions",
)


def _load_formats() -> dict[str, Format]:
    formats: dict[str, Format] = {}
    for name in _MODULES:
        module = importlib.import_module(f"proscribe.sources.{name}")
        fmt: Format = module.FORMAT
        formats[fmt.key] = fmt
    return formats


FORMATS: dict[str, Format] = _load_formats()

__all__ = ["FORMATS", "Format", "ListFile", "ListFormatError"]
