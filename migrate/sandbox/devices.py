"""The phones the sandbox accepts on ``POST /devices``: Webex ``model`` → product name.

The endpoints are in ``routes/devices.py``; this table is shared with tests that check
mappings/devices.csv only ever produces a model Webex knows.
"""

from __future__ import annotations

import re

# Webex `model` → product (display) name: the phones a BroadWorks estate brings, as the
# supported-devices API names them. mappings/devices.csv must only produce these.
MODELS: dict[str, str] = {
    **{
        f"DMS Cisco {m}": f"Cisco {m}"
        for m in (
            "6821",
            "6825",
            "6841",
            "6851",
            "6861",
            "6871",
            "7811",
            "7821",
            "7832",
            "7841",
            "7861",
            "8811",
            "8832",
            "8841",
            "8845",
            "8851",
            "8861",
            "8865",
            "8875",
            "191",
            "192",
        )
    },
    **{
        f"DMS Polycom VVX {m}": f"Polycom VVX {m}"
        for m in (
            "101",
            "150",
            "201",
            "250",
            "300",
            "301",
            "310",
            "311",
            "350",
            "400",
            "401",
            "410",
            "411",
            "450",
            "500",
            "501",
            "600",
            "601",
            "1500",
        )
    },
    **{
        f"DMS Poly Edge {m}": f"Poly Edge {m}"
        for m in ("E100", "E220", "E300", "E320", "E350", "E400", "E450", "E500", "E550")
    },
    **{f"DMS Poly CCX {m}": f"Poly CCX {m}" for m in ("400", "500", "505", "600", "700")},
    "Generic IPPhone Customer Managed": "Generic IPPhone Customer Managed",
}
CUSTOMER_MANAGED = frozenset({"Generic IPPhone Customer Managed"})
_BY_PRODUCT = {product.casefold(): model for model, product in MODELS.items()}
MAC = re.compile(r"^[0-9A-Fa-f]{12}$")


def model_named(name: str) -> str | None:
    """The Webex ``model`` for a model or product name as a client may send it."""
    return name if name in MODELS else _BY_PRODUCT.get(name.casefold())


def colon_mac(mac: str) -> str:
    return ":".join(mac[i : i + 2] for i in range(0, 12, 2))


__all__ = ["CUSTOMER_MANAGED", "MAC", "MODELS", "colon_mac", "model_named"]
