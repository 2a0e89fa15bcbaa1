"""proscribe: sanctions and restricted-party compliance.

``proscribe.screen(name, ...)`` screens a name against the loaded lists;
``proscribe.compare(name1, name2)`` scores two names. Both are imported on
first use, so ``import proscribe`` stays cheap.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["compare", "screen"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from proscribe import screening

        return getattr(screening, name)
    raise AttributeError(f"module 'proscribe' has no attribute {name!r}")
