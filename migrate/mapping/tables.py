"""Load the mapping tables (DESIGN §5) from a user's folder or the shipped defaults.

Every table is validated as it is read, and every error names the file, the
row (as a spreadsheet shows it: the header is row 1) and the column.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import migrate
from migrate.errors import ConfigError
from migrate.mapping.call_settings_table import CallSettingRules, load_rules
from migrate.mapping.geo import Countries, States
from migrate.mapping.rules import (
    DEVICE_KINDS,
    MATCH_KINDS,
    PACKAGES,
    DeviceRule,
    DeviceRules,
    LostServices,
    PackageRule,
    PackageRules,
    ServiceMatcher,
    glob_error,
)
from migrate.mapping.text import fold

TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # name: (required columns, optional columns)
    "packages.csv": (("order", "package", "match", "services"), ("note",)),
    "unsupported_services.csv": (("service", "rebuild"), ("note",)),
    "devices.csv": (("order", "device_type", "user_agent", "model", "kind"), ("note",)),
    "languages.csv": (("language", "iso639_1"), ("country", "note")),
    "countries.csv": (("name", "code"), ("note",)),
    "states.csv": (("country", "name", "code"), ("note",)),
    "call_settings.csv": (("service", "field", "feature", "webex_field", "decision"), ("note",)),
}

_ALPHA2 = re.compile(r"^[A-Z]{2}$")
_ISO639 = re.compile(r"^[a-z]{2}$")
# Each unbounded quantifier that can backtrack into the next multiplies the work by the
# input's length: three on a 256-character user agent is ~10^7 steps, four is ~10^9.
MAX_UNBOUNDED = 3
_REPEAT = re.compile(r"\*|\+|\{\d*,\d*\}|\{\d+\}")


def shipped_dir() -> Path:
    """The default tables, shipped inside the package (``migrate init`` copies them out)."""
    return Path(migrate.__file__).resolve().parent / "data" / "mappings"


@dataclass
class Language:
    code: str
    country: str | None


@dataclass
class Tables:
    packages: PackageRules
    lost_services: LostServices
    devices: DeviceRules
    languages: dict[str, Language]
    countries: Countries
    states: States
    sources: dict[str, str] = field(default_factory=dict)  # table → path it came from
    digest: str = ""
    call_settings: CallSettingRules = field(default_factory=CallSettingRules)

    def language(self, name: str | None) -> Language | None:
        if not name:
            return None
        return self.languages.get(fold(name))


class _Reader:
    """Rows of one CSV table with their spreadsheet row numbers."""

    def __init__(self, path: Path, name: str) -> None:
        self.path = path
        self.name = name
        required, optional = TABLES[name]
        if path.is_dir():
            raise ConfigError(f"{path}: a folder, not a CSV table")
        try:
            self.text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as err:
            raise ConfigError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from err
        except OSError as err:
            raise ConfigError(f"{path}: cannot read: {err.strerror}") from err
        rows = self._parse()
        if not rows:
            header = ",".join(required)
            raise ConfigError(f"{path}: row 1: empty table, expected the header {header}")
        self.header = [h.strip() for h in rows[0]]
        for column in required:
            if column not in self.header:
                raise ConfigError(f"{path}: row 1: column {column}: missing column")
        for column in self.header:
            if column not in required and column not in optional:
                raise ConfigError(f"{path}: row 1: column {column or '(blank)'}: unknown column")
        self.rows = rows[1:]

    def _parse(self) -> list[list[str]]:
        """Every record; strict, so that a quote left open is an error, not a record that
        swallows the rest of the file."""
        reader = csv.reader(io.StringIO(self.text, newline=""), strict=True)
        rows: list[list[str]] = []
        while True:
            first_line = reader.line_num + 1
            try:
                rows.append(next(reader))
            except StopIteration:
                return rows
            except csv.Error as err:
                raise ConfigError(
                    f"{self.path}: row {len(rows) + 1}: {err} (the record starts on line "
                    f"{first_line}: a quote left open?)"
                ) from None

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        for index, values in enumerate(self.rows, start=2):
            if not any(v.strip() for v in values) or values[0].lstrip().startswith("#"):
                continue
            if len(values) > len(self.header):
                self.fail(
                    index, self.header[-1], f"{len(values)} cells for {len(self.header)} columns"
                )
            padded = values + [""] * (len(self.header) - len(values))
            yield index, {h: v.strip() for h, v in zip(self.header, padded, strict=True)}

    def fail(self, row: int, column: str, message: str) -> NoReturn:
        raise ConfigError(f"{self.path}: row {row}: column {column}: {message}")


def _order(reader: _Reader, row: int, value: str, seen: dict[int, int]) -> int:
    try:
        order = int(value)
    except ValueError:
        reader.fail(row, "order", f"not a whole number: {value!r}")
    if order in seen:
        reader.fail(row, "order", f"duplicate key {order} (also row {seen[order]})")
    seen[order] = row
    return order


def _load_packages(reader: _Reader) -> PackageRules:
    rules: list[PackageRule] = []
    seen: dict[int, int] = {}
    for row, cells in reader:
        order = _order(reader, row, cells["order"], seen)
        if cells["package"] not in PACKAGES:
            reader.fail(
                row,
                "package",
                f"unknown package {cells['package']!r}; use one of {', '.join(PACKAGES)}",
            )
        if cells["match"] not in MATCH_KINDS:
            reader.fail(
                row,
                "match",
                f"unknown match {cells['match']!r}; use one of {', '.join(MATCH_KINDS)}",
            )
        patterns = [p.strip() for p in cells["services"].split(";") if p.strip()]
        for pattern in patterns:
            problem = glob_error(pattern)
            if problem:
                reader.fail(row, "services", f"broken pattern {pattern!r}: {problem}")
        if cells["match"] in ("any", "all", "only", "none") and not patterns:
            reader.fail(row, "services", f"match {cells['match']!r} needs services")
        rules.append(
            PackageRule(order, cells["package"], cells["match"], ServiceMatcher.of(patterns), row)
        )
    rules.sort(key=lambda r: r.order)
    defaults = [r for r in rules if r.match == "default"]
    if len(defaults) != 1:
        raise ConfigError(
            f"{reader.path}: column match: {len(defaults)} default rows, expected one"
        )
    if rules[-1].match != "default":
        raise ConfigError(
            f"{reader.path}: row {defaults[0].row}: column order: the default row "
            "must come last (rules after it would never match)"
        )
    return PackageRules(rules)


def _load_lost(reader: _Reader) -> LostServices:
    lost = LostServices()
    seen: dict[str, int] = {}
    for row, cells in reader:
        pattern = cells["service"]
        if not pattern:
            reader.fail(row, "service", "empty")
        problem = glob_error(pattern)
        if problem:
            reader.fail(row, "service", f"broken pattern {pattern!r}: {problem}")
        key = pattern.casefold()
        if key in seen:
            reader.fail(row, "service", f"duplicate key {pattern!r} (also row {seen[key]})")
        seen[key] = row
        lost.rows.append((ServiceMatcher.of([pattern]), pattern, cells["rebuild"]))
    return lost


def backtracking_risk(pattern: str) -> str | None:
    """Why ``pattern`` may backtrack catastrophically, or None.

    A static check, made as the table is read: a quantified group holding a quantifier
    or an alternation (``(a+)+``, ``(a|ab)*``) can take exponential time on a
    non-matching input, and many unbounded quantifiers polynomial time of a high degree.
    Python's ``re`` has no match timeout; refusing the shape up front names the row
    before any device is read, needs no extra dependency, and refuses nothing a device
    rule needs (a character class or one quantifier says the same).
    """
    groups: list[bool] = [False]  # per open group: holds a quantifier or an alternation
    unbounded = 0
    i = 0
    last_group_risky = False  # the group that just closed, for a quantifier after it
    while i < len(pattern):
        char = pattern[i]
        closed = False
        if char == "\\":
            i += 2
        elif char == "[":
            i += 1
            if i < len(pattern) and pattern[i] == "^":
                i += 1
            if i < len(pattern) and pattern[i] == "]":
                i += 1
            while i < len(pattern) and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
            i += 1
        elif char == "(":
            groups.append(False)
            i += 1
            if pattern.startswith("?", i):
                i += 1  # (?:, (?P<name>, (?=: the ? is not a quantifier
        elif char == ")":
            last_group_risky = groups.pop() if len(groups) > 1 else False
            groups[-1] = groups[-1] or last_group_risky
            closed = True
            i += 1
        elif char in "|?":
            groups[-1] = True  # an alternation or an optional part: more ways to match
            i += 1
        else:
            i += 1
        repeat = _REPEAT.match(pattern, i)
        if repeat is None:
            continue
        text = repeat.group()
        many = text in ("*", "+") or _repeats_many(text)
        if many and closed and last_group_risky:
            return f"nested quantifier: a group that repeats or alternates is repeated by {text}"
        if many:
            groups[-1] = True
            if text in ("*", "+") or text.endswith(",}"):
                unbounded += 1
        i = repeat.end()
        if pattern.startswith(("?", "+"), i):
            i += 1  # lazy or possessive
    if unbounded > MAX_UNBOUNDED:
        return f"{unbounded} unbounded quantifiers (at most {MAX_UNBOUNDED})"
    return None


def _repeats_many(braces: str) -> bool:
    low, _, high = braces[1:-1].partition(",")
    if "," not in braces:
        return int(low) > 1
    return not high or int(high) > 1


def _regex(reader: _Reader, row: int, column: str, value: str) -> re.Pattern[str] | None:
    if not value:
        return None
    try:
        compiled = re.compile(value, re.IGNORECASE)
    except re.error as err:
        reader.fail(row, column, f"broken pattern {value!r}: {err}")
    risk = backtracking_risk(value)
    if risk:
        reader.fail(row, column, f"pattern {value!r} may never finish matching: {risk}")
    return compiled


def _load_devices(reader: _Reader) -> DeviceRules:
    rules: list[DeviceRule] = []
    seen: dict[int, int] = {}
    pairs: dict[tuple[str, str], int] = {}
    for row, cells in reader:
        order = _order(reader, row, cells["order"], seen)
        type_re = _regex(reader, row, "device_type", cells["device_type"])
        ua_re = _regex(reader, row, "user_agent", cells["user_agent"])
        pair = (cells["device_type"].casefold(), cells["user_agent"].casefold())
        if pair in pairs:
            reader.fail(row, "device_type", f"duplicate key {pair} (also row {pairs[pair]})")
        pairs[pair] = row
        if type_re is None and ua_re is None:
            reader.fail(
                row, "device_type", "a rule needs device_type or user_agent (use .* for all)"
            )
        if cells["kind"] not in DEVICE_KINDS:
            reader.fail(
                row, "kind", f"unknown kind {cells['kind']!r}; use one of {', '.join(DEVICE_KINDS)}"
            )
        groups = max((p.groups for p in (type_re, ua_re) if p is not None), default=0)
        for ref in re.findall(r"\{(\d+)\}", cells["model"]):
            if int(ref) > groups or int(ref) == 0:
                reader.fail(row, "model", f"{{{ref}}} but the patterns capture {groups} group(s)")
        if cells["kind"] in ("phone", "ata", "generic") and not cells["model"]:
            reader.fail(row, "model", f"kind {cells['kind']!r} needs a Webex model")
        rules.append(
            DeviceRule(
                order, type_re, ua_re, cells["model"], cells["kind"], cells.get("note", ""), row
            )
        )
    rules.sort(key=lambda r: r.order)
    return DeviceRules(rules)


def _load_languages(reader: _Reader) -> dict[str, Language]:
    out: dict[str, Language] = {}
    rows: dict[str, int] = {}
    for row, cells in reader:
        key = fold(cells["language"])
        if not key:
            reader.fail(row, "language", "empty")
        if key in rows:
            reader.fail(
                row, "language", f"duplicate key {cells['language']!r} (also row {rows[key]})"
            )
        rows[key] = row
        code = cells["iso639_1"].lower()
        if not _ISO639.match(code):
            reader.fail(row, "iso639_1", f"not a two-letter ISO 639-1 code: {cells['iso639_1']!r}")
        country = cells.get("country", "").upper() or None
        if country is not None and not _ALPHA2.match(country):
            reader.fail(row, "country", f"not an ISO alpha-2 code: {cells['country']!r}")
        out[key] = Language(code, country)
    return out


def _load_countries(reader: _Reader) -> Countries:
    countries = Countries()
    rows: dict[str, int] = {}
    for row, cells in reader:
        key = fold(cells["name"])
        if not key:
            reader.fail(row, "name", "empty")
        if key in rows:
            reader.fail(row, "name", f"duplicate key {cells['name']!r} (also row {rows[key]})")
        rows[key] = row
        if not _ALPHA2.match(cells["code"]):
            reader.fail(row, "code", f"not an ISO alpha-2 code: {cells['code']!r}")
        countries.add(cells["name"], cells["code"])
    return countries


def _load_states(reader: _Reader) -> States:
    states = States()
    rows: dict[tuple[str, str], int] = {}
    for row, cells in reader:
        if not _ALPHA2.match(cells["country"]):
            reader.fail(row, "country", f"not an ISO alpha-2 code: {cells['country']!r}")
        key = (cells["country"], fold(cells["name"]))
        if not key[1]:
            reader.fail(row, "name", "empty")
        if key in rows:
            reader.fail(
                row,
                "name",
                f"duplicate key {cells['country']},{cells['name']} (also row {rows[key]})",
            )
        rows[key] = row
        if not re.match(r"^[A-Z0-9]{1,3}$", cells["code"]):
            reader.fail(row, "code", f"not a subdivision code: {cells['code']!r}")
        states.add(cells["country"], cells["name"], cells["code"])
    return states


def load_tables(user_dir: Path | None = None) -> Tables:
    """Read every table from ``user_dir`` when it has it, else from the shipped folder."""
    shipped = shipped_dir()
    if user_dir is not None and not user_dir.is_dir():
        raise ConfigError(f"{user_dir}: mappings folder not found")
    readers: dict[str, _Reader] = {}
    for name in TABLES:
        path = user_dir / name if user_dir is not None else None
        if path is None or not path.exists():
            path = shipped / name
            if not path.is_file():
                raise ConfigError(
                    f"{path}: shipped mapping table missing (is the project "
                    "installed from its repository, pip install -e .?)"
                )
        readers[name] = _Reader(path, name)
    digest = hashlib.sha256()
    for name, reader in readers.items():
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(reader.text.encode())
        digest.update(b"\0")
    return Tables(
        packages=_load_packages(readers["packages.csv"]),
        lost_services=_load_lost(readers["unsupported_services.csv"]),
        devices=_load_devices(readers["devices.csv"]),
        languages=_load_languages(readers["languages.csv"]),
        countries=_load_countries(readers["countries.csv"]),
        states=_load_states(readers["states.csv"]),
        call_settings=load_rules(readers["call_settings.csv"], readers["call_settings.csv"].fail),
        sources={name: str(r.path) for name, r in readers.items()},
        digest=digest.hexdigest(),
    )
