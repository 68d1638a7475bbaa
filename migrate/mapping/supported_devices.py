"""Webex's supported-devices list: model names and how many line ports each has.

The shipped copy (``data/webex/supported-devices.json``, provenance in its README)
stands in for ``GET /telephony/config/supportedDevices`` when Webex is not asked;
:meth:`Catalogue.from_wire` reads the live answer into the same shape.
"""

from __future__ import annotations

import difflib
import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class SupportedDevice:
    model: str
    display_name: str
    line_ports: int


@dataclass(frozen=True)
class Catalogue:
    devices: dict[str, SupportedDevice]

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Catalogue:
        devices: dict[str, SupportedDevice] = {}
        for item in data.get("devices") or []:
            model = str(item["model"])
            devices[model] = SupportedDevice(
                model, str(item.get("displayName") or model), int(item.get("numberOfLinePorts", 1))
            )
        return cls(devices)

    def line_ports(self, model: str | None) -> int | None:
        found = self.devices.get(model or "")
        return found.line_ports if found else None

    def closest(self, model: str) -> str | None:
        """The supported model whose name is nearest ``model``'s (for a hint)."""
        by_fold = {m.casefold(): m for m in self.devices}
        near = difflib.get_close_matches(model.casefold(), list(by_fold), n=1, cutoff=0.5)
        return by_fold[near[0]] if near else None


@functools.cache
def shipped() -> Catalogue:
    text = resources.files("migrate").joinpath("data/webex/supported-devices.json").read_text()
    return Catalogue.from_wire(json.loads(text))
