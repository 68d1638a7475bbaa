"""What must be unique across the whole platform, indexed on disk.

When the inventory is mapped one part (service provider) at a time, the
checks that span parts cannot keep the platform in memory: a MAC is unique
platform-wide, an email across Webex, a number across the platform. Each part
files its claims here; once every part has, each claim's first holder (the
order the in-memory checks use) is known, and a part asks only for its own
subscribers that lose to someone else.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

from migrate.mapping.model import Model
from migrate.mapping.numbers import number_claims
from migrate.mapping.subscriber_emails import email_claims

_KINDS = ("emails", "numbers")
_CHUNK = 500  # MACs looked up in one query
# Kind → ``(key, customer id, user id)`` of a part's subscribers.
Claims = dict[str, list[tuple[str, str, str]]]


def claims_of(model: Model) -> Claims:
    """The emails and numbers ``model``'s subscribers hold (overrides applied)."""
    return {"emails": list(email_claims(model)), "numbers": list(number_claims(model))}


@dataclass
class Holders:
    """For a part's subscribers that are not first with their email or number: user id →
    the user id that is (``check_emails`` / ``check_numbers`` name it)."""

    emails: dict[str, str] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)


class MacsOnDisk:
    """MAC → the first device that has it, for ``map_devices`` across parts."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        db.execute("CREATE TABLE IF NOT EXISTS macs (mac TEXT PRIMARY KEY, device TEXT)")

    def __contains__(self, mac: object, /) -> bool:
        return self._get(str(mac)) is not None

    def __getitem__(self, mac: str, /) -> str:
        device = self._get(mac)
        if device is None:
            raise KeyError(mac)
        return device

    def held(self, macs: Iterable[str]) -> bool:
        """Whether any of ``macs`` is filed already."""
        wanted = list(macs)
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            holes = ", ".join("?" * len(chunk))
            query = f"SELECT 1 FROM macs WHERE mac IN ({holes}) LIMIT 1"  # noqa: S608
            if self._db.execute(query, chunk).fetchone() is not None:
                return True
        return False

    def file(self, macs: dict[str, str]) -> None:
        """File ``macs`` (MAC → device), none of them :meth:`held`."""
        self._db.executemany("INSERT INTO macs VALUES (?, ?)", macs.items())

    def setdefault(self, mac: str, device_id: str, /) -> str:
        filed = self._db.execute("INSERT OR IGNORE INTO macs VALUES (?, ?)", (mac, device_id))
        if filed.rowcount == 1:  # the first with it: no need to read it back
            return device_id
        return self[mac]

    def _get(self, mac: str) -> str | None:
        row = self._db.execute("SELECT device FROM macs WHERE mac = ?", (mac,)).fetchone()
        return None if row is None else str(row[0])


class PlatformIndex:
    """Emails, numbers and MACs of every part, in one sqlite database."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self.macs = MacsOnDisk(db)
        for kind in _KINDS:
            db.execute(f"CREATE TABLE {kind} (key TEXT, cid TEXT, sid TEXT, part INTEGER)")

    def file(self, part: int, claims: Claims) -> None:
        """File part ``part``'s :func:`claims_of`."""
        for kind, held in claims.items():
            self._db.executemany(
                f"INSERT INTO {kind} VALUES (?, ?, ?, ?)",  # noqa: S608 - our table names
                ((key, cid, sid, part) for key, cid, sid in held),
            )

    def settle(self) -> None:
        """Every part has claimed: find each key's first holder, in (customer, user) order
        (sqlite's binary order of UTF-8 is Python's order of str)."""
        for kind in _KINDS:
            self._db.execute(f"CREATE INDEX {kind}_part ON {kind} (part)")
            first = (
                f"CREATE TABLE {kind}_first AS SELECT key, sid FROM ("  # noqa: S608
                "SELECT key, sid, ROW_NUMBER() OVER (PARTITION BY key ORDER BY cid, sid) AS n "
                f"FROM {kind}) WHERE n = 1"
            )
            self._db.execute(first)
            self._db.execute(f"CREATE UNIQUE INDEX {kind}_first_key ON {kind}_first (key)")
        self._db.commit()

    def holders(self, part: int) -> Holders:
        found = Holders()
        for kind, out in (("emails", found.emails), ("numbers", found.numbers)):
            query = (
                f"SELECT c.sid, f.sid FROM {kind} c JOIN {kind}_first f ON c.key = f.key "  # noqa: S608
                "WHERE c.part = ? AND c.sid != f.sid"
            )
            rows = self._db.execute(query, (part,))
            out.update((str(sid), str(holder)) for sid, holder in rows)
        return found
