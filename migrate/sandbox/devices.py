"""The phones the sandbox accepts on ``POST /devices``: Webex's supported-devices list.

The endpoints are in ``routes/devices.py``; this table is shared with tests that check
mappings/devices.csv only ever produces a model Webex knows.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

# Webex's list as the sandbox serves it on ``GET /telephony/config/supportedDevices``
# (provenance in data/webex/README.md); mappings/devices.csv must only produce these.
SUPPORTED: dict[str, Any] = json.loads(
    resources.files("migrate").joinpath("data/webex/supported-devices.json").read_text()
)
# Webex `model` → product (display) name.
MODELS: dict[str, str] = {d["model"]: d["displayName"] for d in SUPPORTED["devices"]}
LINE_PORTS: dict[str, int] = {d["model"]: int(d["numberOfLinePorts"]) for d in SUPPORTED["devices"]}
CUSTOMER_MANAGED = frozenset(
    d["model"] for d in SUPPORTED["devices"] if d["managedBy"] == "CUSTOMER"
)
_BY_PRODUCT = {product.casefold(): model for model, product in MODELS.items()}
MAC = re.compile(r"^[0-9A-Fa-f]{12}$")


def model_named(name: str) -> str | None:
    """The Webex ``model`` for a model or product name as a client may send it."""
    return name if name in MODELS else _BY_PRODUCT.get(name.casefold())


def colon_mac(mac: str) -> str:
    return ":".join(mac[i : i + 2] for i in range(0, 12, 2))


__all__ = [
    "CUSTOMER_MANAGED",
    "LINE_PORTS",
    "MAC",
    "MODELS",
    "SUPPORTED",
    "colon_mac",
    "model_named",
]
