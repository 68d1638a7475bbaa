"""Keys for matching free text from BroadWorks against the mapping tables."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Case-, accent-, dot- and space-insensitive key: ``U.S.A.`` == ``usa``."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace(".", "").replace(",", " ")
    return _SPACES.sub(" ", stripped).strip().casefold()
