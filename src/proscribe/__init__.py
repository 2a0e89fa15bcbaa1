"""proscribe: sanctions and restricted-party compliance."""

from __future__ import annotations

__version__ = "0.1.0"
