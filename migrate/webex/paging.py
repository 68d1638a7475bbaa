"""RFC 5988 ``Link`` headers: Webex pages every list with ``rel="next"``."""

from __future__ import annotations

from typing import Any

import httpx


def next_link(response: httpx.Response) -> str | None:
    link = response.links.get("next")
    url = link.get("url") if link else None
    return url or None


def page_items(data: Any, item_key: str | None) -> list[Any]:
    """The page's items: ``item_key`` if given, else the body's first list (wxc_sdk style)."""
    if not isinstance(data, dict):
        return []
    if item_key is not None:
        items = data.get(item_key)
        # Sub-partners: the schema says items, the spec example subPartners; accept both.
        if items is None and item_key == "items":
            items = next((v for v in data.values() if isinstance(v, list)), None)
        return items if isinstance(items, list) else []
    return next((v for v in data.values() if isinstance(v, list)), [])
