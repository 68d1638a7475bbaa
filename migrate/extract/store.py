"""Records staged on disk, merged per key, dumped sorted (constant memory).

A user is described by several commands in several files (its list row,
its UserGet, its services, its registrations); an export of 200,000 users
does not fit the memory budget as Python objects. Every parser record goes
into a throw-away SQLite shard instead, one per parse worker; the dump walks
the shards together in key order and merges the records of one key at a
time, so memory holds one key's records, not the export.
"""

from __future__ import annotations

import itertools
import json
import marshal
import operator
import sqlite3
from collections.abc import Iterator
from dataclasses import MISSING, dataclass, fields
from pathlib import Path
from typing import Any

from migrate import inventory
from migrate.extract.parsers.base import KEY_SEP
from migrate.extract.parsers.user_settings import ADDITIVE_KINDS as SETTING_ADDITIVE_KINDS

# Which record kinds make an object exist; the others only add to it.
PRIMARY_KINDS: dict[str, frozenset[str]] = {
    "service_providers": frozenset({"list", "detail"}),
    "groups": frozenset({"list", "detail"}),
    "users": frozenset({"list", "detail"}),
    "numbers": frozenset({"dn", "user", "instance"}),
    "devices": frozenset({"list", "detail", "userlist", "endpoint"}),
    "service_packs": frozenset({"detail"}),
    "service_instances": frozenset({"list", "detail"}),
    "languages": frozenset({"detail"}),
    "time_zones": frozenset({"detail"}),
}
# Later kinds overwrite earlier ones field by field.
KIND_ORDER: dict[str, tuple[str, ...]] = {
    "users": ("list", "detail", "services", "assigned"),
    "numbers": ("dn", "instance", "user"),
    "devices": ("endpoint", "registration", "list", "detail", "userlist"),
    "service_instances": ("dn", "list", "detail"),
    # A call center's agents, overflow, bounce and joined flags do not name its group:
    # the instance's part, merged after them, does.
    "group_features": ("agent_joined", "agents", "overflow", "bounced"),
}
# Kinds that many records legitimately contribute to (every user of a shared
# phone adds a line): never a conflict.
ADDITIVE_KINDS = frozenset(
    {
        "endpoint",
        "registration",
        "services",
        "assigned",
        "dn_instance",
        "agent_joined",
        *SETTING_ADDITIVE_KINDS,
    }
)
UNION_FIELDS = frozenset(
    {"services", "group_services", "service_packs", "user_agents", "agents", "commands"}
)
# A user's service settings come from several responses (voice management, greeting,
# one per BroadWorks Anywhere location): their values are merged, nested dicts too.
MERGED_FIELDS = frozenset({"values"})
_SPECIAL_FIELDS = frozenset({"lines", *UNION_FIELDS, *MERGED_FIELDS})
# Fields two records may legitimately disagree on: provenance and raw forms.
IGNORED_IN_CONFLICTS = frozenset(
    {"sources", "response_type", "lines", "user_agents", "commands"}  # commands: a union
)


def _defaults(cls: type[Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for f in fields(cls):
        if f.default is not MISSING:
            result[f.name] = f.default
        elif f.default_factory is not MISSING:
            result[f.name] = f.default_factory()
    return result


DEFAULTS = {name: _defaults(cls) for name, cls in inventory.ENTITIES.items()}


@dataclass
class Conflict:
    entity: str
    key: str
    kind: str
    field: str
    first: Any
    second: Any
    first_file: str
    second_file: str


# The store's SQL reads these entities' records, so they are staged as JSON text.
_JSON_ENTITIES = frozenset({"user_devices"})
_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def encode(entity: str, data: dict[str, Any]) -> bytes | str:
    """One record as staged: marshal, several times cheaper than JSON both ways.

    Values marshal cannot take (the envelope's list subclasses) go through a
    JSON round trip first, which is what every record used to be staged as.
    """
    if entity in _JSON_ENTITIES:
        return _json(data)
    try:
        return marshal.dumps(data)
    except ValueError:
        return marshal.dumps(json.loads(_json(data)))


def decode(raw: bytes | str) -> Any:
    # Only ever this run's own staging rows: nothing from outside is unmarshalled.
    if isinstance(raw, str):
        return json.loads(raw)
    return marshal.loads(raw)  # noqa: S302


Row = tuple[str, str, str, int, str, bytes | str]

_PRAGMAS = """
    PRAGMA journal_mode = OFF;
    PRAGMA synchronous = OFF;
    PRAGMA temp_store = FILE;
    PRAGMA cache_size = -8000;
"""
_REC = """
    CREATE TABLE IF NOT EXISTS rec (entity TEXT, key TEXT, kind TEXT, seq INTEGER, file TEXT, data)
"""
_REC_ORDER = "CREATE INDEX IF NOT EXISTS rec_order ON rec (entity, key, seq)"
# SQLite attaches at most ten databases to a connection unless it was built
# otherwise: more parse shards than this are folded into these first, which
# leaves room for the registrations' shard.
MAX_SHARDS = 8


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(_PRAGMAS)
    return db


def stage_rows(shard: Path, rows: list[Row]) -> None:
    """Add ``(entity, key, kind, seq, file, encode(...))`` rows to the shard at ``shard``.

    Each parse worker stages into a shard of its own, so records never cross
    a process boundary and no process waits for another's writes; ``seq``
    orders the records of a key whichever shard holds them.
    """
    db = _connect(shard)
    try:
        db.execute(_REC)
        db.execute("BEGIN")
        db.executemany("INSERT INTO rec VALUES (?, ?, ?, ?, ?, ?)", rows)
        db.execute("COMMIT")
    finally:
        db.close()


def index_shard(shard: Path) -> None:
    """No more records for ``shard``: index them for the ordered walk."""
    db = _connect(shard)
    try:
        db.execute(_REC_ORDER)
    finally:
        db.close()


def fold_shards(shards: list[Path], limit: int = MAX_SHARDS) -> list[Path]:
    """At most ``limit`` shards: the records of the others moved into these (unindexed)."""
    keep, extra = shards[:limit], shards[limit:]
    for i, other in enumerate(extra):
        db = _connect(keep[i % limit])
        try:
            db.execute("ATTACH DATABASE ? AS other", (str(other),))
            db.execute("INSERT INTO rec SELECT * FROM other.rec")
            db.execute("DETACH DATABASE other")
        finally:
            db.close()
        other.unlink()
    return keep


class Store:
    """The records staged in ``shards`` (indexed, at most ``MAX_SHARDS`` + 1), read as one."""

    def __init__(self, shards: tuple[Path, ...]) -> None:
        self.shards = shards
        self._db = sqlite3.connect(":memory:", isolation_level=None)
        for i, shard in enumerate(shards):
            self._db.execute(f"ATTACH DATABASE ? AS s{i}", (str(shard),))

    def close(self) -> None:
        self._db.close()

    def _select(
        self, columns: str, entity: str, low: str | None, high: str | None
    ) -> tuple[str, list[str]]:
        """One SELECT of ``entity``'s records within ``[low, high)`` over every shard."""
        where = "entity = ?"
        args: list[str] = [entity]
        if low is not None:
            where += " AND key >= ?"
            args.append(low)
        if high is not None:
            where += " AND key < ?"
            args.append(high)
        # A compound SELECT ordered by what each part's index gives is merged, not sorted.
        query = " UNION ALL ".join(
            f"SELECT {columns} FROM s{i}.rec WHERE {where}"  # noqa: S608 - names of ours
            for i in range(len(self.shards))
        )
        return query, args * len(self.shards)

    def split(self, entity: str, parts: int) -> list[str]:
        """Up to ``parts - 1`` keys that cut ``entity`` into runs of about equal size."""
        count = self.count(entity)
        if not self.shards:
            return []
        query, args = self._select("key", entity, None, None)
        bounds: list[str] = []
        for i in range(1, parts):
            row = self._db.execute(
                f"{query} ORDER BY 1 LIMIT 1 OFFSET ?", [*args, count * i // parts]
            ).fetchone()
            # A key is never cut in two: a bound is where a run starts, whole keys after it.
            if row is not None and (not bounds or row[0] > bounds[-1]):
                bounds.append(row[0])
        return bounds

    def count(self, entity: str) -> int:
        if not self.shards:
            return 0
        query, args = self._select("count(*)", entity, None, None)
        return sum(int(n) for (n,) in self._db.execute(query, args))

    def merged(
        self,
        entity: str,
        conflicts: list[Conflict],
        low: str | None = None,
        high: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Each object of ``entity`` with ``low <= key < high``, merged, in key order."""
        if not self.shards:
            return
        query, args = self._select("key, seq, kind, file, data", entity, low, high)
        cursor = self._db.execute(query + " ORDER BY 1, 2", args)
        # Grouped at C level: a few hundred thousand rows, a handful per key.
        for key, group in itertools.groupby(cursor, _first):
            record = merge(entity, key, [row[2:] for row in group], conflicts)
            if record is not None:
                yield record


class UserLocations:
    """Where each merged user lives, remembered by the dump worker that wrote it."""

    def __init__(self, path: Path) -> None:
        self._db = _connect(path)
        self._db.execute(_USER_LOC)

    def remember(self, users: list[tuple[str, str | None, str | None]]) -> None:
        self._db.execute("BEGIN")
        self._db.executemany("INSERT OR REPLACE INTO user_loc VALUES (?, ?, ?)", users)
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()


_USER_LOC = (
    "CREATE TABLE IF NOT EXISTS user_loc (user_id TEXT PRIMARY KEY, sp_id TEXT, group_id TEXT)"
)


def stage_registrations(target: Path, locations: list[Path], shards: tuple[Path, ...]) -> int:
    """Stage, in the new shard ``target``, the registrations and SCA lines of ``shards``
    under their device, found through the users' ``locations``; returns how many.

    A shard of its own, so that it is written while other processes read the
    parse shards for the other entities.
    """
    sep = KEY_SEP
    added = 0
    db = _connect(target)
    try:
        db.execute(_REC)
        db.execute(_USER_LOC)
        for other in locations:
            db.execute("ATTACH DATABASE ? AS other", (str(other),))
            db.execute("INSERT OR REPLACE INTO user_loc SELECT * FROM other.user_loc")
            db.execute("DETACH DATABASE other")
        for shard in shards:
            db.execute("ATTACH DATABASE ? AS other", (str(shard),))
            cursor = db.execute(
                f"""
                INSERT INTO rec (entity, key, kind, seq, file, data)
                SELECT 'devices',
                       CASE json_extract(r.data, '$.device_level')
                            WHEN 'System' THEN '{sep}{sep}'
                            WHEN 'Service Provider' THEN u.sp_id || '{sep}{sep}'
                            ELSE u.sp_id || '{sep}' || u.group_id || '{sep}'
                       END || json_extract(r.data, '$.device_name'),
                       'registration', r.seq, r.file, r.data
                FROM other.rec r JOIN user_loc u ON u.user_id = r.key
                WHERE r.entity = 'user_devices' AND u.sp_id IS NOT NULL
                """  # noqa: S608 - the separator is a constant of ours, not input
            )
            added += cursor.rowcount
            db.execute("DETACH DATABASE other")
        db.execute(_REC_ORDER)
    finally:
        db.close()
    return added


_first = operator.itemgetter(0)
# Each KIND_ORDER as ranks, and the rank of a kind it does not name.
_RANKS = {entity: {kind: i for i, kind in enumerate(order)} for entity, order in KIND_ORDER.items()}


def merge(
    entity: str, key: str, rows: list[tuple[str, str, bytes | str]], conflicts: list[Conflict]
) -> dict[str, Any] | None:
    """Merge one key's records; ``None`` when only supplementary kinds describe it."""
    kinds = {kind for kind, _f, _d in rows}
    primary = PRIMARY_KINDS.get(entity)
    if primary is not None and not kinds & primary:
        return None
    rank = _RANKS.get(entity)
    if rank is not None and len(kinds) > 1:
        last = len(rank)
        rows = sorted(rows, key=lambda row: rank.get(row[0], last))  # stable: keeps seq order
    record = dict(DEFAULTS[entity])
    sources: set[str] = set()
    seen: dict[str, tuple[dict[str, Any], str]] = {}
    lines: dict[tuple[Any, Any], dict[str, Any]] = {}
    loads = marshal.loads
    for kind, file, raw in rows:
        data = json.loads(raw) if isinstance(raw, str) else loads(raw)  # decode(), inline
        sources.add(file)
        if kind not in ADDITIVE_KINDS:
            first = seen.get(kind)
            if first is None:
                seen[kind] = (data, file)
            else:
                clash = _clash(first[0], data)
                if clash is not None:
                    conflicts.append(
                        Conflict(
                            entity,
                            key,
                            kind,
                            clash,
                            first[0].get(clash),
                            data.get(clash),
                            first[1],
                            file,
                        )
                    )
                    continue  # the first description wins; the warning says so
        if _SPECIAL_FIELDS.isdisjoint(data):
            record.update(data)  # the common case: every field simply overwrites
            continue
        for name, value in data.items():
            if name == "lines":
                for line in value:
                    ident = (line.get("user_id"), line.get("line_port"))
                    lines[ident] = {**lines.get(ident, {}), **line}
            elif name in UNION_FIELDS:
                record[name] = sorted(set(record.get(name) or []) | set(value))
            elif name in MERGED_FIELDS and isinstance(record.get(name), dict):
                record[name] = _merged(record[name], value)
            else:
                record[name] = value
    if lines:
        record["lines"] = sorted(
            (dict(inventory.DeviceLine().__dict__) | line for line in lines.values()),
            key=lambda ln: (
                ln.get("order") is None,
                ln.get("order") or 0,
                ln.get("line_port") or "",
                ln.get("user_id") or "",
            ),
        )
    if "sources" in record:
        record["sources"] = sorted(sources)
    return record


def _merged(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    out = dict(old)
    for name, value in new.items():
        if isinstance(value, dict) and isinstance(out.get(name), dict):
            out[name] = _merged(out[name], value)
        else:
            out[name] = value
    return out


def _clash(first: dict[str, Any], second: dict[str, Any]) -> str | None:
    for name, value in second.items():
        if name in IGNORED_IN_CONFLICTS or name.endswith("_raw"):
            continue
        other = first.get(name)
        if other is not None and value is not None and other != value:
            return name
    return None


def split_key(key: str) -> list[str]:
    return key.split(KEY_SEP)
