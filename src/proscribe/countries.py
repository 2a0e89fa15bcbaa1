"""Country names, demonyms and codes as publishers write them, resolved to ISO 3166-1 alpha-2.

Lists write "Korea, North", "Iranian", "Burma", "af" or "West Bank"; screening
needs one code per country. rigour's territory table does the lookup; we only
reduce sub-national territories (``ua-cri`` for Crimea) to their country.
"""

from __future__ import annotations

from functools import lru_cache

from rigour.territories import lookup_territory


@lru_cache(maxsize=8192)
def country_code(text: str | None) -> str | None:
    """ISO alpha-2 (upper case) for a country name, demonym or code; None when unknown."""
    if not text:
        return None
    cleaned = text.strip().strip(".;,")
    if not cleaned:
        return None
    for candidate in (cleaned, cleaned.replace("-", " and "), cleaned.replace("-", " ")):
        territory = lookup_territory(candidate)
        if territory is None:
            continue
        code = (territory.ftm_country or territory.code or "").split("-")[0]
        # historic entities (Serbia and Montenegro "csxx", the USSR "suhh") have no alpha-2 code
        return code.upper() if len(code) == 2 else None
    return None


def country_codes(texts: list[str] | tuple[str, ...]) -> list[str]:
    """Resolve several names, dropping unknowns and duplicates, keeping order."""
    seen: dict[str, None] = {}
    for text in texts:
        code = country_code(text)
        if code:
            seen[code] = None
    return list(seen)
