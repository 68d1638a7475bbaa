"""What every entity parser gets and gives.

A parser reads one command's data (``envelope.to_data``) and emits records
``(entity, key, kind, fields)``; the store merges records of one key from
many commands later (a user's list row, its UserGet and its services), so a
parser never needs to see anything but its own command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from migrate.extract.envelope import CommandType, text
from migrate.extract.numbers import DEFAULT_MAX_RANGE

KEY_SEP = "\x01"


def join_key(*parts: str | None) -> str:
    return KEY_SEP.join(p or "" for p in parts)


class MissingKey(LookupError):
    """The response does not echo a key and no paired request says it."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class Sink(Protocol):
    def record(self, entity: str, key: str, kind: str, data: dict[str, Any]) -> None: ...

    def warning(
        self,
        severity: str,
        code: str,
        message: str,
        field: str | None = None,
        oci_error_code: int | None = None,
        record: str | None = None,
    ) -> None: ...


@dataclass
class Context:
    file: str
    index: int
    ctype: CommandType
    keys: dict[str, str] = field(default_factory=dict)
    request_type: str | None = None
    max_range: int = DEFAULT_MAX_RANGE  # most numbers one DN range may expand to

    def key(self, data: dict[str, Any], *names: str) -> str:
        """The first of ``names`` the response echoes, else the one its request sent."""
        value = self.optional_key(data, *names)
        if value is None:
            raise MissingKey(names[0])
        return value

    def optional_key(self, data: dict[str, Any], *names: str) -> str | None:
        for name in names:
            value = data.get(name)
            if type(value) is str:
                return value
        for name in names:
            value = self.keys.get(name)
            if value:
                return value
        return None

    @property
    def label(self) -> str:
        """How a warning names this record: ``command 3 (UserGetResponse21, userId=x)``."""
        keys = ", ".join(f"{k}={v}" for k, v in sorted(self.keys.items()))
        detail = f"{self.ctype.name}, {keys}" if keys else self.ctype.name
        return f"command {self.index} ({detail})"


Parser = Callable[[dict[str, Any], Context, Sink], None]


def address(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    result = {
        "line1": text(value.get("addressLine1")),
        "line2": text(value.get("addressLine2")),
        "city": text(value.get("city")),
        "state": text(value.get("stateOrProvince")),
        "state_display": text(value.get("stateOrProvinceDisplayName")),
        "postal_code": text(value.get("zipOrPostalCode")),
        "country": text(value.get("country")),
    }
    return result if any(v is not None for v in result.values()) else None


def contact(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    result = {
        "name": text(value.get("contactName")),
        "number": text(value.get("contactNumber")),
        "email": text(value.get("contactEmail")),
    }
    return result if any(v is not None for v in result.values()) else None


def compact(data: dict[str, Any]) -> dict[str, Any]:
    """Drop ``None`` values so a sparse record never blanks a fuller one in the merge."""
    # ``v or not isinstance(...)`` is ``v != []`` without making a list per value.
    return {k: v for k, v in data.items() if v is not None and (v or not isinstance(v, list))}
