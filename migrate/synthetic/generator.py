"""Write a synthetic BroadWorks export of any size (DESIGN §3 convention).

The export looks like what an OCI-P client saves: ``NAME.xml`` request
documents beside ``NAME.xml.response.xml`` responses (and, for R22+
responses that echo their keys, some responses on their own). Every service
provider gets a BroadWorks *release* that fixes which response versions it
answers with, so old and new shapes mix the way they do across real
estates.

Memory stays constant: service providers and groups are planned and
written one at a time, and only one group's users are held at once (a group
has at most ``MAX_GROUP_USERS``). Output is a pure function of
``(users, seed)``: the same call writes byte-identical files.

The expected counts are accumulated while writing and saved in
``synthetic-manifest.json`` with the counting rules the extractor uses.
"""

from __future__ import annotations

import json
import os
import random
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from migrate.errors import InputError
from migrate.synthetic import data as d
from migrate.synthetic.zipstream import StreamingZip

MANIFEST_NAME = "synthetic-manifest.json"
MAX_COMMANDS = 15  # OCI-P: 1 to 15 commands per document
MAX_GROUP_USERS = 400
MAX_FREE_NUMBERS = 20  # spare numbers per group, shown as one range row
USERS_PER_DOCUMENT = 7  # 2-3 commands each: up to 15 commands a document
GENERATOR_VERSION = 1
ZIP_DATE_TIME = (2025, 7, 30, 12, 0, 0)  # fixed: the archive is byte-identical for a seed

HEAD = (
    '<?xml version="1.0" encoding="{encoding}"?>\n'
    '<BroadsoftDocument protocol="OCI" xmlns="C" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    '<sessionId xmlns="">{session}</sessionId>\n'
)
TAIL = "</BroadsoftDocument>\n"

USER_LIST_HEADS = (
    "User Id",
    "Last Name",
    "First Name",
    "Department",
    "Phone Number",
    "Phone Number Activated",
    "Email Address",
    "Hiragana Last Name",
    "Hiragana First Name",
    "In Trunk Group",
    "Extension",
    "Country Code",
    "National Prefix",
)
DN_HEADS = (
    "Phone Numbers",
    "Department",
    "Activated",
    "User Id",
    "Last Name",
    "First Name",
    "Extension",
    "Email Address",
    "User Type",
    "Country Code",
    "National Prefix",
)
DEVICE_LIST_HEADS = (
    "Device Name",
    "Device Type",
    "Available Ports",
    "Net Address",
    "MAC Address",
    "Status",
    "Version",
    "Access Device External Id",
)
DEVICE_USER_HEADS = (
    "Line/Port",
    "Last Name",
    "First Name",
    "Phone Number",
    "User Id",
    "User Type",
    "Endpoint Type",
    "Order",
    "Primary Line/Port",
    "Extension",
    "Department",
    "Email Address",
    "Private Identity",
)
REGISTRATION_HEADS = (
    "Device Level",
    "Device Name",
    "Order",
    "URI",
    "Expiration",
    "Line/Port",
    "Endpoint Type",
    "Public Net Address",
    "Public Port",
    "Private Net Address",
    "Private Port",
    "User Agent",
    "Lockout Started",
    "Lockout Expires",
    "Lockout Count",
    "Access Info",
    "Private Identity",
    "SIP Instance ID",
    "Supports Only CS Media",
    "Feature Parameters",
    "Supports Voice Over PS",
    "Path Header",
    "Registration Active",
    "P-Access-Network-Info",
)
AGENT_HEADS = (
    "User Id",
    "Last Name",
    "First Name",
    "Hiragana Last Name",
    "Hiragana First Name",
    "Weight",
    "Phone Number",
    "Extension",
    "Department",
    "Email Address",
)
COUNT_KEYS = (
    "service_providers",
    "groups",
    "users",
    "numbers",
    "devices",
    "service_instances",
    "service_packs",
    "languages",
    "time_zones",
    "warnings",
    "unknown_commands",
)
MODEL_WEIGHTS = tuple(m.weight for m in d.DEVICE_MODELS)
MODELS_BY_KEY = {m.key: m for m in d.DEVICE_MODELS}


@dataclass(frozen=True)
class SyntheticResult:
    """What ``generate`` wrote; ``counts`` are the exact expected extract counts."""

    path: Path
    users: int
    seed: int
    counts: dict[str, int]
    quirks: dict[str, int]
    documents: int
    files: int
    bytes_written: int
    seconds: float

    @property
    def users_per_second(self) -> float:
        return self.users / self.seconds if self.seconds > 0 else float("inf")


def generate(
    path: Path,
    users: int,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> SyntheticResult:
    """Write an export of exactly ``users`` users to ``path``.

    ``path`` is a new or empty folder, or a new ``….zip`` (one file, which a
    slow disk writes much faster than a hundred thousand small ones).
    ``progress`` is called with the number of users written so far. ``workers``
    processes write service providers in parallel into a folder; the output
    does not depend on it. One is the default: on a CPU-quota'd VM a second
    process gains nothing.
    """
    if users < 1:
        raise InputError(f"synthetic: --users must be at least 1, got {users}")
    as_zip = path.suffix.lower() == ".zip"
    if as_zip:
        if path.exists():
            raise InputError(f"{path}: already exists; synthetic exports are written to a new one")
        if workers > 1:
            raise InputError(f"{path}: --workers needs a folder export (a zip has one writer)")
    elif path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise InputError(f"{path}: not an empty folder; synthetic exports are written to a new one")
    started = time.perf_counter()
    total = _Stats()
    done = 0

    def absorb(stats: _Stats) -> None:
        nonlocal done
        total.add(stats)
        done += stats.counts["users"]
        if progress is not None:
            progress(done)

    plans = _Planner(users, seed).plans()
    if as_zip:
        partial = path.with_name(path.name + ".partial")
        path.parent.mkdir(parents=True, exist_ok=True)
        with StreamingZip(partial, ZIP_DATE_TIME) as archive:
            sink: _Sink = _ZipSink(archive)
            total.add(_write_system(sink))
            for plan in plans:
                absorb(_write_service_provider_to(sink, plan))
            text = _manifest_text(users, seed, total)
            sink.put(MANIFEST_NAME, text.encode("utf-8"))
        os.replace(partial, path)
    else:
        path.mkdir(parents=True, exist_ok=True)
        total.add(_write_system(_FolderSink(path)))
        if workers <= 1:
            for plan in plans:
                absorb(_write_service_provider(path, plan))
        else:
            # A bounded window of submitted plans keeps memory flat however many there are.
            with ProcessPoolExecutor(max_workers=workers) as pool:
                pending: set[Future[_Stats]] = set()
                for plan in plans:
                    pending.add(pool.submit(_write_service_provider, path, plan))
                    if len(pending) >= 2 * workers:
                        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                        for future in finished:
                            absorb(future.result())
                for future in pending:
                    absorb(future.result())
        text = _manifest_text(users, seed, total)
        (path / MANIFEST_NAME).write_text(text, encoding="utf-8")
    seconds = time.perf_counter() - started
    return SyntheticResult(
        path=path,
        users=users,
        seed=seed,
        counts={key: total.counts[key] for key in COUNT_KEYS},
        quirks=dict(sorted(total.quirks.items())),
        documents=total.documents,
        files=total.files + 1,
        bytes_written=total.bytes_written + len(text.encode("utf-8")),
        seconds=seconds,
    )


def _manifest_text(users: int, seed: int, total: _Stats) -> str:
    # No timings or paths: the manifest is part of the byte-identical output.
    manifest = {
        "generator": "migrate synthetic",
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "users": users,
        "counts": {key: total.counts[key] for key in COUNT_KEYS},
        "quirks": dict(sorted(total.quirks.items())),
        "documents": total.documents,
        "files": total.files + 1,
        "counting_rules": COUNTING_RULES,
    }
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


COUNTING_RULES = (
    "service_providers: distinct ids in ServiceProviderGetListResponse rows or "
    "ServiceProviderGetResponse*; groups: distinct (sp, group) in group list rows or "
    "GroupGetResponse*; users: distinct userId in UserGetListInGroupResponse rows or "
    "UserGetResponse*; numbers: distinct E.164 in DN tables (ranges expanded) + users' "
    "and service instances' phoneNumber; devices: distinct (sp, group, deviceName); "
    "service_instances: hunt groups + call centers + auto attendants; service_packs: "
    "distinct (sp, pack); warnings: one per ErrorResponse; unknown_commands: responses "
    "of a type the extractor does not know"
)


@dataclass
class _Stats:
    """What one service provider (or the system document) added to the export."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    quirks: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    files: int = 0
    bytes_written: int = 0

    def add(self, other: _Stats) -> None:
        for key, value in other.counts.items():
            self.counts[key] += value
        for key, value in other.quirks.items():
            self.quirks[key] = self.quirks.get(key, 0) + value
        self.documents += other.documents
        self.files += other.files
        self.bytes_written += other.bytes_written


def _write_system(sink: _Sink) -> _Stats:
    sink.mkdir("system")
    writer = _Writer(sink, 0)
    languages = table("languageTable", ("Language", "Locale", "Encoding"), d.LANGUAGE_TABLE)
    zones = table("timeZoneTable", ("Key", "Display Name"), d.TIME_ZONE_TABLE)
    writer.write(
        "system/system.xml",
        "ISO-8859-1",
        [
            (
                req("SystemLanguageGetListRequest", ""),
                resp(
                    "SystemLanguageGetListResponse",
                    f"<defaultLanguage>English</defaultLanguage>{languages}",
                ),
            ),
            (
                req("SystemTimeZoneGetListRequest20", ""),
                resp(
                    "SystemTimeZoneGetListResponse20",
                    f"<serverTimeZone>America/New_York</serverTimeZone>{zones}",
                ),
            ),
        ],
    )
    stats = _Stats(
        documents=writer.documents, files=writer.files, bytes_written=writer.bytes_written
    )
    stats.counts["languages"] = len(d.LANGUAGE_TABLE)
    stats.counts["time_zones"] = len(d.TIME_ZONE_TABLE)
    return stats


def _write_service_provider(root: Path, plan: _ServiceProvider) -> _Stats:
    """Write one service provider into a folder; a plain function so that workers can run it."""
    return _write_service_provider_to(_FolderSink(root), plan)


def _write_service_provider_to(sink: _Sink, plan: _ServiceProvider) -> _Stats:
    writer = _SpWriter(sink, plan)
    writer.write_service_provider()
    return writer.stats()


class _Sink(Protocol):
    """Where documents go: a folder or a zip."""

    def mkdir(self, rel: str) -> None: ...

    def put(self, rel: str, data: bytes) -> None: ...


class _FolderSink:
    def __init__(self, root: Path) -> None:
        self.root = str(root)

    def mkdir(self, rel: str) -> None:
        os.mkdir(f"{self.root}/{rel}")

    def put(self, rel: str, data: bytes) -> None:
        with open(f"{self.root}/{rel}", "wb") as handle:
            handle.write(data)


class _ZipSink:
    def __init__(self, archive: StreamingZip) -> None:
        self.archive = archive

    def mkdir(self, rel: str) -> None:
        """Zip members carry their folder in their name; nothing to create."""

    def put(self, rel: str, data: bytes) -> None:
        self.archive.write(rel, data)


# ---- document writer ----------------------------------------------------------------------------


def esc(text: str) -> str:
    """Text content escaping; ids are built from safe characters and skip this."""
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def req(xtype: str, body: str) -> str:
    return f'<command xsi:type="{xtype}" xmlns="">{body}</command>\n'


def resp(xtype: str, body: str, prefixed: bool = False) -> str:
    if prefixed:
        return f'<command echo="" xsi:type="c:{xtype}" xmlns:c="C" xmlns="">{body}</command>\n'
    return f'<command echo="" xsi:type="{xtype}" xmlns="">{body}</command>\n'


def error(summary: str, code: int | None) -> str:
    code_element = f"<errorCode>{code}</errorCode>" if code is not None else ""
    return (
        '<command type="Error" echo="" xsi:type="c:ErrorResponse" xmlns:c="C" xmlns="">'
        f"{code_element}<summary>{summary}</summary><summaryEnglish>{summary}</summaryEnglish>"
        "</command>\n"
    )


def table(tag: str, heads: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """An OCI table; empty cells are written ``<col/>`` as servers do."""
    head = "".join(["<colHeading>", "</colHeading><colHeading>".join(heads), "</colHeading>"])
    body = "".join(["<row><col>" + "</col><col>".join(row) + "</col></row>" for row in rows])
    return f"<{tag}>{head}{body.replace('<col></col>', '<col/>')}</{tag}>"


class _Writer:
    """Writes request/response document pairs and keeps the totals."""

    def __init__(self, sink: _Sink, sp_index: int) -> None:
        self.sink = sink
        self.sp_index = sp_index
        self.documents = 0
        self.files = 0
        self.bytes_written = 0
        self._session = 0

    def write(
        self, rel: str, encoding: str, pairs: list[tuple[str, str]], lone: bool = False
    ) -> None:
        assert 1 <= len(pairs) <= MAX_COMMANDS, (rel, len(pairs))
        self._session += 1
        # host,epoch,millis like real OCI clients; unique per document of the export
        session = (
            f"10.64.{self.sp_index % 251}.7,1753862400,"
            f"{1753862400000 + self.sp_index * 1_000_000 + self._session}"
        )
        head = HEAD.format(encoding=encoding, session=session)
        codec = "iso-8859-1" if encoding == "ISO-8859-1" else "utf-8"
        response = "".join([head, *(r for _, r in pairs), TAIL]).encode(codec)
        self.sink.put(f"{rel}.response.xml", response)
        self.bytes_written += len(response)
        self.files += 1
        self.documents += 1
        if lone:
            return
        request = "".join([head, *(q for q, _ in pairs), TAIL]).encode(codec)
        self.sink.put(rel, request)
        self.bytes_written += len(request)
        self.files += 1
        self.documents += 1


# ---- the model of one group while it is written ---------------------------------------------


_ASCII_CACHE: dict[str, str] = {}
_ASCII_EXTRA = str.maketrans(
    {"ß": "ss", "œ": "oe", "Œ": "Oe", "ł": "l", "Ł": "L", "'": "", " ": ""}
)


def ascii_id(name: str) -> str:
    """Lower-case ASCII form of a name, for user ids and emails."""
    cached = _ASCII_CACHE.get(name)
    if cached is None:
        decomposed = unicodedata.normalize("NFKD", name.translate(_ASCII_EXTRA))
        kept = (c for c in decomposed if (c.isascii() and c.isalnum()) or c == "-")
        cached = "".join(kept).lower()
        _ASCII_CACHE[name] = cached
    return cached


@dataclass
class _Device:
    name: str
    model: d.DeviceModel
    mac: str | None
    net: str


@dataclass
class _User:
    user_id: str
    local: str
    first: str
    last: str
    phone: str | None
    extension: str
    email: str | None
    language: str
    zone: str
    zone_display: str
    version: str
    place: bool
    title: str | None
    department: str | None
    device: _Device | None
    services: list[str]
    packs: list[str]
    registration: bool
    prefixed: bool
    sca_on: list[_User] = field(default_factory=list)  # devices of others this user appears on


@dataclass
class _Instance:
    kind: str  # "hg" | "cc" | "aa"
    service_user_id: str
    name: str
    phone: str
    extension: str
    agents: list[_User]


@dataclass
class _ServiceProvider:
    index: int
    sp_id: str
    name: str
    domain: str
    enterprise: bool
    release: d.Release
    encoding: str
    id_style: str  # "phone" | "name"
    mac_case: str  # "upper" | "lower"
    device_naming: str  # "model-mac" | "sep" | "user"
    reorder_columns: bool
    extra_columns: bool
    packs: list[tuple[str, str, tuple[str, ...]]]  # (name, description, services)
    group_sizes: list[int]
    group_ids: list[str]
    group_names: list[str]
    # Everything below is fixed by the planner so that service providers can be
    # written in any order, by any process, and still give the same bytes.
    seed: int = 0
    group_seeds: list[int] = field(default_factory=list)
    group_countries: list[int] = field(default_factory=list)
    number_starts: list[int] = field(default_factory=list)  # first national number of each block
    seq_starts: list[int] = field(default_factory=list)  # user/ghost sequence of each group
    device_starts: list[int] = field(default_factory=list)
    group_errors: list[str] = field(default_factory=list)  # "", "code" or "summary"


class _Planner:
    """Decides the service providers and their groups, one at a time."""

    def __init__(self, users: int, seed: int) -> None:
        self.target = users
        self.rng = random.Random(seed)
        self.release_offset = self.rng.randrange(len(d.RELEASES))
        self.number_next: dict[str, int] = {cc: base for cc, (base, _) in d.NATIONAL_BASE.items()}
        self.seq_next = 0
        self.device_next = 0
        self.errors = 0

    def plans(self) -> Iterator[_ServiceProvider]:
        remaining, index = self.target, 0
        while remaining > 0:
            index += 1
            plan = self.plan_service_provider(index, remaining)
            remaining -= sum(plan.group_sizes)
            yield plan

    def plan_service_provider(self, index: int, remaining: int) -> _ServiceProvider:
        rng = random.Random(self.rng.getrandbits(64))
        # Releases in turn from a seeded start: any export of six service providers
        # or more has every response version.
        release = d.RELEASES[(index + self.release_offset) % len(d.RELEASES)]
        word = rng.choice(d.COMPANY_WORDS)
        enterprise = rng.random() < 0.6
        sizes: list[int] = []
        for _ in range(rng.randint(1, 6)):
            if remaining <= 0:
                break
            band = rng.random()
            if band < 0.5:
                size = rng.randint(1, 20)
            elif band < 0.85:
                size = rng.randint(20, 120)
            else:
                size = rng.randint(120, MAX_GROUP_USERS)
            size = min(size, remaining)
            sizes.append(size)
            remaining -= size
        sp_id = f"sp{index:05d}-{ascii_id(word)}"
        countries = [rng.choices(range(len(d.COUNTRIES)), d.COUNTRY_WEIGHTS)[0] for _ in sizes]
        group_ids, group_names = [], []
        for g in range(len(sizes)):
            group_ids.append(f"{sp_id}-g{g + 1:02d}")
            # An enterprise's groups are its sites; a service provider's are its customers.
            city = rng.choice(d.COUNTRIES[countries[g]].cities)[0]
            name = (
                f"{word} {city} {g + 1}" if enterprise else f"{word} {rng.choice(d.COMPANY_KINDS)}"
            )
            if rng.random() < 0.03:
                name += " 100% Local"  # a '%' the Wholesale API refuses in customer names
            if rng.random() < 0.05:
                name = name.replace(" ", " & ", 1)
            group_names.append(name)
        pack_count = rng.randint(2, 4)
        short = word.upper()[:4]
        packs: list[tuple[str, str, tuple[str, ...]]] = []
        contents = (
            d.BASIC_SERVICES,
            d.UC_SERVICES,
            d.AGENT_SERVICES,
            d.BASIC_SERVICES + d.UC_SERVICES + ("Call Recording",),
        )
        for (name, description), services in list(zip(d.PACK_NAMES, contents, strict=True))[
            :pack_count
        ]:
            packs.append((f"{short}-{name}", description, services))
        plan = _ServiceProvider(
            index=index,
            sp_id=sp_id,
            name=f"{word} {'Corporation' if enterprise else 'Telecom'}",
            domain=f"{ascii_id(word)}{index}.example.net",
            enterprise=enterprise,
            release=release,
            encoding="UTF-8" if rng.random() < release.utf8_share else "ISO-8859-1",
            id_style=rng.choice(("phone", "name")),
            mac_case=rng.choice(("upper", "upper", "lower")),
            device_naming=rng.choice(("model-mac", "sep", "user")),
            reorder_columns=rng.random() < 0.2,
            extra_columns=release.name in ("R24", "R25") and rng.random() < 0.5,
            packs=packs,
            group_sizes=sizes,
            group_ids=group_ids,
            group_names=group_names,
            seed=rng.getrandbits(64),
        )
        for size, country in zip(sizes, countries, strict=True):
            cc = d.COUNTRIES[country].calling_code
            plan.group_seeds.append(rng.getrandbits(64))
            plan.group_countries.append(country)
            plan.number_starts.append(self.number_next[cc])
            # users + up to 3 service instances + up to 20 spare numbers
            self.number_next[cc] += size + 3 + MAX_FREE_NUMBERS
            plan.seq_starts.append(self.seq_next)
            self.seq_next += size + 1  # + a ghost user id for an ErrorResponse
            plan.device_starts.append(self.device_next)
            self.device_next += size
            error = ""
            if rng.random() < 0.04:
                # Alternate across the export: the code in <errorCode>, or only in <summary>.
                error = ("code", "summary")[self.errors % 2]
                self.errors += 1
            plan.group_errors.append(error)
        return plan


class _SpWriter:
    """Writes one service provider from its plan."""

    def __init__(self, sink: _Sink, plan: _ServiceProvider) -> None:
        self.sink = sink
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.writer = _Writer(sink, plan.index)
        self.counts: dict[str, int] = dict.fromkeys(COUNT_KEYS, 0)
        self.quirks: dict[str, int] = {}
        self.user_seq = 0
        self.device_seq = 0
        self.number_next: dict[str, int] = {}

    def quirk(self, name: str, n: int = 1) -> None:
        self.quirks[name] = self.quirks.get(name, 0) + n

    def stats(self) -> _Stats:
        return _Stats(
            counts=self.counts,
            quirks=self.quirks,
            documents=self.writer.documents,
            files=self.writer.files,
            bytes_written=self.writer.bytes_written,
        )

    # -- service provider ---------------------------------------------------------------------

    def write_service_provider(self) -> None:
        sp = self.plan
        percent = sum(1 for name in sp.group_names if "%" in name)
        if percent:
            self.quirk("percent_in_group_name", percent)
        self.sink.mkdir(f"sp{sp.index:05d}")
        rng = random.Random(self.rng.getrandbits(64))
        rel = f"sp{sp.index:05d}"
        country = d.COUNTRIES[0]
        city, state, postal = rng.choice(country.cities)
        address = (
            f"<address><addressLine1>{rng.randint(1, 999)} {rng.choice(country.streets)}"
            f"</addressLine1><city>{city}</city><stateOrProvince>{state}</stateOrProvince>"
            f"<zipOrPostalCode>{postal}</zipOrPostalCode>"
            f"<country>{rng.choice(country.spellings)}</country></address>"
        )
        version = sp.release.service_provider
        body = (
            f"<isEnterprise>{'true' if sp.enterprise else 'false'}</isEnterprise>"
            f"<defaultDomain>{sp.domain}</defaultDomain>"
            f"<serviceProviderName>{esc(sp.name)}</serviceProviderName>"
            f"<supportEmail>support@{sp.domain}</supportEmail>"
            f"<contact><contactName>NOC</contactName><contactNumber>+1-800-555-0100</contactNumber>"
            f"<contactEmail>noc@{sp.domain}</contactEmail></contact>{address}"
            "<useServiceProviderLanguages>false</useServiceProviderLanguages>"
        )
        if version in d.ECHOING_SP_VERSIONS:
            body += f"<serviceProviderId>{sp.sp_id}</serviceProviderId>"
        sp_get = (
            req(
                f"ServiceProviderGetRequest{version}",
                f"<serviceProviderId>{sp.sp_id}</serviceProviderId>",
            ),
            resp(f"ServiceProviderGetResponse{version}", body),
        )
        pairs: list[tuple[str, str]] = []
        if version in d.ECHOING_SP_VERSIONS and rng.random() < 0.5:
            self.writer.write(f"{rel}/profile.xml", sp.encoding, [sp_get], lone=True)
            self.quirk("lone_response_documents")
        else:
            pairs.append(sp_get)
        sp_row = (sp.sp_id, esc(sp.name), "true" if sp.enterprise else "false", "")
        pairs.append(
            (
                req(
                    "ServiceProviderGetListRequest",
                    "<responseSizeLimit>1000</responseSizeLimit><searchCriteriaServiceProviderId>"
                    f"<mode>Equal To</mode><value>{sp.sp_id}</value>"
                    "<isCaseInsensitive>true</isCaseInsensitive></searchCriteriaServiceProviderId>",
                ),
                resp(
                    "ServiceProviderGetListResponse",
                    table(
                        "serviceProviderTable",
                        (
                            "Service Provider Id",
                            "Service Provider Name",
                            "Is Enterprise",
                            "Reseller Id",
                        ),
                        [sp_row],
                    ),
                ),
            )
        )
        group_rows = [
            (gid, esc(name), str(max(size * 2, 25)))
            for gid, name, size in zip(sp.group_ids, sp.group_names, sp.group_sizes, strict=True)
        ]
        pairs.append(
            (
                req(
                    "GroupGetListInServiceProviderRequest",
                    f"<serviceProviderId>{sp.sp_id}</serviceProviderId>"
                    "<responseSizeLimit>1000</responseSizeLimit>",
                ),
                resp(
                    "GroupGetListInServiceProviderResponse",
                    table("groupTable", ("Group Id", "Group Name", "User Limit"), group_rows),
                ),
            )
        )
        for name, description, services in sp.packs:
            rows = [(s, "Unlimited", "Unlimited", "Unlimited") for s in services]
            pairs.append(
                (
                    req(
                        "ServiceProviderServicePackGetDetailListRequest",
                        f"<serviceProviderId>{sp.sp_id}</serviceProviderId>"
                        f"<servicePackName>{name}</servicePackName>",
                    ),
                    resp(
                        "ServiceProviderServicePackGetDetailListResponse",
                        f"<servicePackName>{name}</servicePackName>"
                        f"<servicePackDescription>{description}</servicePackDescription>"
                        "<isAvailableForUse>true</isAvailableForUse>"
                        "<servicePackQuantity><unlimited>true</unlimited></servicePackQuantity>"
                        f"<assignedQuantity><quantity>{sum(sp.group_sizes)}</quantity>"
                        "</assignedQuantity><allowedQuantity><unlimited>true</unlimited>"
                        "</allowedQuantity>"
                        + table(
                            "userServiceTable",
                            ("Service", "Authorized", "Allocated", "Available"),
                            rows,
                        ),
                    ),
                )
            )
        self.writer.write(f"{rel}/service-provider.xml", sp.encoding, pairs)
        self.counts["service_providers"] += 1
        self.counts["service_packs"] += len(sp.packs)
        self.quirk(f"release_{sp.release.name}")
        self.quirk(f"encoding_{sp.encoding}")
        for g, size in enumerate(sp.group_sizes):
            self.write_group(sp, g, size)

    # -- group ---------------------------------------------------------------------------------

    def next_numbers(self, calling_code: str, n: int) -> list[str]:
        first = self.number_next[calling_code]
        self.number_next[calling_code] = first + n
        digits = d.NATIONAL_BASE[calling_code][1]
        return [str(first + i).zfill(digits) for i in range(n)]

    def write_group(self, sp: _ServiceProvider, g: int, size: int) -> None:
        rng = random.Random(sp.group_seeds[g])
        group_id = sp.group_ids[g]
        rel = f"sp{sp.index:05d}/g{g + 1:02d}"
        self.sink.mkdir(rel)
        country = d.COUNTRIES[sp.group_countries[g]]
        cc = country.calling_code
        self.number_next = {cc: sp.number_starts[g]}
        self.user_seq = sp.seq_starts[g]
        self.device_seq = sp.device_starts[g]
        zone, summer, winter = rng.choice(country.zones)
        ext_digits = rng.choices((3, 4, 6), (15, 65, 20))[0]
        users = self.make_users(
            sp, group_id, g, size, rng, country, (zone, summer, winter), ext_digits
        )
        # Service instances: numbers and extensions follow the users' block.
        instances: list[_Instance] = []
        kinds = [
            k
            for k, p in (("hg", 0.35), ("cc", 0.15 if size >= 10 else 0.0), ("aa", 0.4))
            if rng.random() < p
        ]
        inst_numbers = self.next_numbers(cc, len(kinds))
        labels = {"hg": "Hunt Group", "cc": "Call Center", "aa": "Auto Attendant"}
        for i, (kind, number) in enumerate(zip(kinds, inst_numbers, strict=True)):
            agents = [u for u in users if not u.place][: rng.randint(1, 4)] if kind != "aa" else []
            ext = self.extension(ext_digits, g, size + i)
            instances.append(
                _Instance(
                    kind,
                    f"{group_id}-{kind}@{sp.domain}",
                    f"{sp.group_names[g]} {labels[kind]}",
                    number,
                    ext,
                    agents,
                )
            )
        free = rng.choice((0, 0, 1, 4, 10, MAX_FREE_NUMBERS))
        free_numbers = self.next_numbers(cc, free)
        if free >= 2:
            self.quirk("dn_ranges")

        user_numbers = sum(1 for u in users if u.phone)
        self.counts["groups"] += 1
        self.counts["users"] += size
        self.counts["numbers"] += user_numbers + len(instances) + free
        self.counts["devices"] += sum(1 for u in users if u.device)
        self.counts["service_instances"] += len(instances)

        self.write_group_document(
            sp, g, rel, rng, country, (zone, summer), users, instances, free_numbers
        )
        self.write_user_documents(sp, group_id, rel, country, users)
        self.write_device_documents(sp, group_id, rel, rng, users, cc)
        self.write_service_documents(
            sp, group_id, rel, rng, country, zone, summer, users, instances, sp.group_errors[g]
        )

    def extension(self, digits: int, g: int, i: int) -> str:
        if digits == 3:
            return str(100 + i)
        if digits == 4:
            return str(2000 + i)
        return f"8{g % 10}{1000 + i}"

    def make_users(
        self,
        sp: _ServiceProvider,
        group_id: str,
        g: int,
        size: int,
        rng: random.Random,
        country: d.Country,
        zone: tuple[str, str, str],
        ext_digits: int,
    ) -> list[_User]:
        with_number = [rng.random() < 0.92 for _ in range(size)]
        numbers = iter(self.next_numbers(country.calling_code, sum(with_number)))
        versions = sp.release.user_versions
        place_ok = any(d.USER_RANK[v] >= d.USER_RANK["22V9"] for v in versions)
        mail_domain = f"{ascii_id(sp.group_names[g].split(' ')[0])}{g + 1}.example.com"
        users: list[_User] = []
        previous_email: str | None = None
        for i in range(size):
            self.user_seq += 1
            language = rng.choice(country.languages)
            place = rng.random() < 0.04
            if place:
                first, last = "Phone", rng.choice(("Lobby", "Kitchen", "Warehouse", "Break Room"))
            elif sp.encoding == "UTF-8" and rng.random() < 0.01:
                first, last = rng.choice(d.UTF8_ONLY_NAMES)
                self.quirk("utf8_only_names")
            else:
                first = rng.choice(d.FIRST_NAMES[language])
                last = rng.choice(d.LAST_NAMES[language])
            phone = next(numbers) if with_number[i] else None
            if sp.id_style == "phone" and phone:
                local = f"{country.calling_code}{phone}" if country.calling_code != "1" else phone
            else:
                local = f"{ascii_id(first)}.{ascii_id(last)}{self.user_seq}"
            email: str | None = None
            if not place and rng.random() < 0.85:
                email = f"{ascii_id(first)}.{ascii_id(last)}{self.user_seq}@{mail_domain}"
                if previous_email and rng.random() < 0.004:
                    email = previous_email  # the same mailbox typed for two people
                    self.quirk("duplicate_emails")
                previous_email = email
            else:
                self.quirk("users_without_email")
            version = rng.choice(versions)
            if place and d.USER_RANK[version] < d.USER_RANK["22V9"]:
                version = "22V9" if place_ok else version
            is_place = place and d.USER_RANK[version] >= d.USER_RANK["22V9"]
            if is_place:
                self.quirk("places")
            device = self.make_device(sp, rng, place, local)
            services, packs = self.make_services(sp, rng, place)
            registration = device is not None and (
                device.model.ua_in == "registration"
                or (device.model.ua_in == "both" and rng.random() < 0.3)
            )
            summer = rng.random() < 0.6
            users.append(
                _User(
                    user_id=f"{local}@{sp.domain}",
                    local=local,
                    first=first,
                    last=last,
                    phone=phone,
                    extension=self.extension(ext_digits, g, i),
                    email=email,
                    language=language,
                    zone=zone[0],
                    zone_display=zone[1] if summer else zone[2],
                    version=version,
                    place=is_place,
                    title=rng.choice(d.TITLES) if rng.random() < 0.5 and not place else None,
                    department=rng.choice(d.DEPARTMENTS) if rng.random() < 0.3 else None,
                    device=device,
                    services=services,
                    packs=packs,
                    registration=registration,
                    prefixed=rng.random() < 0.002,
                )
            )
            if users[-1].prefixed:
                self.quirk("prefixed_data_responses")
        # Shared call appearances: a colleague's line on a desk phone.
        for i, user in enumerate(users):
            if (
                user.device
                and user.device.model.ports
                and user.device.model.ports > 1
                and i + 1 < size
                and rng.random() < 0.03
            ):
                users[i + 1].sca_on.append(user)
                self.quirk("shared_call_appearances")
        return users

    def make_device(
        self, sp: _ServiceProvider, rng: random.Random, place: bool, local: str
    ) -> _Device | None:
        if place:
            model = MODELS_BY_KEY[rng.choice(d.PLACE_MODELS)]
        elif rng.random() < 0.05:
            return None
        else:
            model = rng.choices(d.DEVICE_MODELS, MODEL_WEIGHTS)[0]
        self.device_seq += 1
        mac: str | None = None
        if model.oui:
            raw = f"{model.oui}{self.device_seq:06X}"
            roll = rng.random()
            if roll < 0.01:
                mac = ":".join(raw[i : i + 2] for i in range(0, 12, 2)).lower()
                self.quirk("mac_with_separators")
            elif roll < 0.02:
                mac = raw[:6] + raw[6:].lower()
                self.quirk("mac_mixed_case")
            else:
                mac = raw.lower() if sp.mac_case == "lower" else raw
        if mac is None or sp.device_naming == "user":
            name = f"{local}-{model.key}"
        elif sp.device_naming == "sep" and model.device_type == d.MPP:
            name = f"SEP{mac.replace(':', '').upper()}"
        else:
            name = f"{model.key}-{mac.replace(':', '').lower()}"
        net = (
            f"10.{(self.device_seq >> 16) & 255}.{(self.device_seq >> 8) & 255}."
            f"{self.device_seq & 255}"
        )
        return _Device(name, model, mac, net)

    def make_services(
        self, sp: _ServiceProvider, rng: random.Random, place: bool
    ) -> tuple[list[str], list[str]]:
        if place:
            return list(d.PLACE_SERVICES), []
        packs = [sp.packs[0][0]]
        services = list(sp.packs[0][2])
        for name, _, contents in sp.packs[1:]:
            chance = 0.03 if "Call Center - Premium" in contents else 0.35
            if rng.random() < chance:
                packs.append(name)
                services.extend(s for s in contents if s not in services)
        if rng.random() < 0.08:
            extra = rng.choice(d.EXTRA_SERVICES)
            if extra not in services:
                services.append(extra)
        return services, packs

    # -- the group's documents -----------------------------------------------------------------

    def write_group_document(
        self,
        sp: _ServiceProvider,
        g: int,
        rel: str,
        rng: random.Random,
        country: d.Country,
        zone: tuple[str, str],
        users: list[_User],
        instances: list[_Instance],
        free_numbers: list[str],
    ) -> None:
        group_id = sp.group_ids[g]
        cc, np = country.calling_code, country.national_prefix
        version = sp.release.group
        first_number = next((u.phone for u in users if u.phone), None) or (
            instances[0].phone if instances else None
        )
        city, state, postal = rng.choice(country.cities)
        street = f"{rng.randint(1, 999)} {rng.choice(country.streets)}"
        if rng.random() < 0.05:
            # Longer than the 50 characters the Wholesale API accepts in an address line.
            street = f"{sp.group_names[g]} Building, {street}, Suite {rng.randint(100, 999)}"
            self.quirk("long_address_lines")
        address = (
            f"<address><addressLine1>{esc(street)}</addressLine1><city>{city}</city>"
            f"<stateOrProvince>{state}</stateOrProvince><zipOrPostalCode>{postal}"
            f"</zipOrPostalCode><country>{rng.choice(country.spellings)}</country></address>"
        )
        clid = ""
        if first_number:
            clid = (
                f"<callingLineIdPhoneNumber>+{cc}{first_number}</callingLineIdPhoneNumber>"
                f"<callingLineIdDisplayPhoneNumber>{np}{first_number}"
                "</callingLineIdDisplayPhoneNumber>"
            )
        name = esc(sp.group_names[g])
        head = (
            f"<defaultDomain>{sp.domain}</defaultDomain>"
            f"<userLimit>{max(len(users) * 2, 25)}</userLimit>"
            f"<userCount>{len(users)}</userCount>"
            f"<groupName>{name}</groupName><callingLineIdName>{name}</callingLineIdName>"
        )
        zone_xml = (
            f"<timeZone>{zone[0]}</timeZone><timeZoneDisplayName>{zone[1]}</timeZoneDisplayName>"
        )
        if version == "14sp7":
            body = head + zone_xml + clid + address
        else:
            body = head + clid + zone_xml + address
        keys = f"<serviceProviderId>{sp.sp_id}</serviceProviderId><groupId>{group_id}</groupId>"
        if version in d.ECHOING_GROUP_VERSIONS:
            body += keys
        pairs = [(req(f"GroupGetRequest{version}", keys), resp(f"GroupGetResponse{version}", body))]

        user_heads = list(USER_LIST_HEADS)
        if sp.reorder_columns:
            user_heads = user_heads[1:3] + user_heads[:1] + user_heads[3:]
        if sp.extra_columns:
            user_heads.insert(4, d.EXTRA_USER_COLUMN)
        user_rows = []
        for u in users:
            cells = {
                "User Id": u.user_id,
                "Last Name": u.last,
                "First Name": u.first,
                "Department": u.department or "",
                "Phone Number": f"+{cc}-{u.phone}" if u.phone else "",
                "Phone Number Activated": "true" if u.phone else "false",
                "Email Address": u.email or "",
                "Hiragana Last Name": u.last,
                "Hiragana First Name": u.first,
                "In Trunk Group": "false",
                "Extension": u.extension,
                "Country Code": cc,
                "National Prefix": np,
                d.EXTRA_USER_COLUMN: f"{u.last}, {u.first}",
            }
            user_rows.append([cells[h] for h in user_heads])
        pairs.append(
            (
                req(
                    "UserGetListInGroupRequest",
                    f"<serviceProviderId>{sp.sp_id}</serviceProviderId><GroupId>{group_id}</GroupId>"
                    "<responseSizeLimit>1000</responseSizeLimit>",
                ),
                resp("UserGetListInGroupResponse", table("userTable", user_heads, user_rows)),
            )
        )

        dn_rows: list[tuple[str, ...]] = []
        for inst in instances:
            label = {"hg": "Hunt Group", "cc": "Call Center", "aa": "Auto Attendant"}[inst.kind]
            dn_rows.append(
                (
                    f"+{cc}-{inst.phone}",
                    "",
                    "true",
                    inst.service_user_id,
                    esc(inst.name),
                    label,
                    inst.extension,
                    "",
                    label,
                    cc,
                    np,
                )
            )
        for u in users:
            if u.phone:
                dn_rows.append(
                    (
                        f"+{cc}-{u.phone}",
                        u.department or "",
                        "true",
                        u.user_id,
                        u.last,
                        u.first,
                        u.extension,
                        u.email or "",
                        "Normal",
                        cc,
                        np,
                    )
                )
        if len(free_numbers) == 1:
            dn_rows.append(
                (f"+{cc}-{free_numbers[0]}", "", "false", "", "", "", "", "", "", cc, np)
            )
        elif free_numbers:
            dn_rows.append(
                (
                    f"+{cc}-{free_numbers[0]} - +{cc}-{free_numbers[-1]}",
                    "",
                    "false",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    cc,
                    np,
                )
            )
        pairs.append(
            (
                req("GroupDnGetAssignmentListRequest18", keys),
                resp("GroupDnGetAssignmentListResponse18", table("dnTable", DN_HEADS, dn_rows)),
            )
        )

        device_heads = list(DEVICE_LIST_HEADS)
        if sp.reorder_columns:
            device_heads = device_heads[4:5] + device_heads[:4] + device_heads[5:]
        if sp.extra_columns:
            device_heads.insert(5, d.EXTRA_DEVICE_COLUMN)
        device_rows = []
        for u in users:
            dev = u.device
            if dev is None:
                continue
            model = dev.model
            ports = "Unlimited" if model.ports is None else str(model.ports - 1 - len(u.sca_on))
            cells = {
                "Device Name": dev.name,
                "Device Type": model.device_type,
                "Available Ports": ports,
                "Net Address": dev.net if dev.mac else "",
                "MAC Address": dev.mac or "",
                "Status": "Online",
                "Version": (model.user_agent or "") if model.ua_in in ("version", "both") else "",
                "Access Device External Id": "",
                d.EXTRA_DEVICE_COLUMN: f"site={group_id}",
            }
            device_rows.append([cells[h] for h in device_heads])
        pairs.append(
            (
                req(
                    "GroupAccessDeviceGetListRequest",
                    f"{keys}<responseSizeLimit>1000</responseSizeLimit>",
                ),
                resp(
                    "GroupAccessDeviceGetListResponse",
                    table("accessDeviceTable", device_heads, device_rows),
                ),
            )
        )
        self.writer.write(f"{rel}/group.xml", sp.encoding, pairs)

    def user_get(self, sp: _ServiceProvider, u: _User, group_id: str, country: d.Country) -> str:
        rank = d.USER_RANK[u.version]
        parts = [f"<serviceProviderId>{sp.sp_id}</serviceProviderId><groupId>{group_id}</groupId>"]
        if rank >= d.USER_RANK["22"]:
            parts.append(f"<userId>{u.user_id}</userId>")
        parts.append(
            f"<lastName>{u.last}</lastName><firstName>{u.first}</firstName>"
            f"<callingLineIdLastName>{u.last}</callingLineIdLastName>"
            f"<callingLineIdFirstName>{u.first}</callingLineIdFirstName>"
            f"<hiraganaLastName>{u.last}</hiraganaLastName>"
            f"<hiraganaFirstName>{u.first}</hiraganaFirstName>"
        )
        if u.phone:
            parts.append(f"<phoneNumber>{u.phone}</phoneNumber>")
        parts.append(f"<extension>{u.extension}</extension>")
        if u.department:
            parts.append(
                f'<department xsi:type="GroupDepartmentKey"><serviceProviderId>{sp.sp_id}'
                f"</serviceProviderId><groupId>{group_id}</groupId><name>{u.department}</name>"
                f"</department><departmentFullPath>{u.department} ({group_id})</departmentFullPath>"
            )
        parts.append(
            f"<language>{u.language}</language><timeZone>{u.zone}</timeZone>"
            f"<timeZoneDisplayName>{u.zone_display}</timeZoneDisplayName>"
            f"<defaultAlias>{u.local}@{sp.domain}</defaultAlias>"
        )
        if u.device:
            hotline = "<useHotline>false</useHotline>" if rank >= d.USER_RANK["22"] else ""
            parts.append(
                "<accessDeviceEndpoint><accessDevice><deviceLevel>Group</deviceLevel>"
                f"<deviceName>{u.device.name}</deviceName></accessDevice>"
                f"<linePort>{u.local}@{sp.domain}</linePort>"
                "<staticRegistrationCapable>false</staticRegistrationCapable>"
                "<useDomain>true</useDomain>"
                f"<supportVisualDeviceManagement>false</supportVisualDeviceManagement>{hotline}"
                "</accessDeviceEndpoint>"
            )
        if u.title:
            parts.append(f"<title>{u.title}</title>")
        if u.email:
            parts.append(f"<emailAddress>{u.email}</emailAddress>")
        parts.append(f"<countryCode>{country.calling_code}</countryCode>")
        if country.national_prefix:
            parts.append(f"<nationalPrefix>{country.national_prefix}</nationalPrefix>")
        if rank >= d.USER_RANK["22V5"]:
            parts.append("<allowVideo>true</allowVideo>")
        if rank >= d.USER_RANK["22V9"]:
            parts.append(f"<isPlace>{'true' if u.place else 'false'}</isPlace>")
        return resp(f"UserGetResponse{u.version}", "".join(parts), prefixed=u.prefixed)

    def write_user_documents(
        self,
        sp: _ServiceProvider,
        group_id: str,
        rel: str,
        country: d.Country,
        users: list[_User],
    ) -> None:
        chunk: list[tuple[str, str]] = []
        number = 0
        in_chunk = 0
        assignment_list = sp.release.name in ("R20", "R21")
        for u in users:
            commands = self.user_commands(sp, group_id, country, u, assignment_list)
            full = len(chunk) + len(commands) > MAX_COMMANDS or in_chunk >= USERS_PER_DOCUMENT
            if chunk and full:
                number += 1
                self.writer.write(f"{rel}/users-{number:03d}.xml", sp.encoding, chunk)
                chunk, in_chunk = [], 0
            chunk.extend(commands)
            in_chunk += 1
        if chunk:
            number += 1
            self.writer.write(f"{rel}/users-{number:03d}.xml", sp.encoding, chunk)

    def user_commands(
        self,
        sp: _ServiceProvider,
        group_id: str,
        country: d.Country,
        u: _User,
        assignment_list: bool,
    ) -> list[tuple[str, str]]:
        key = f"<userId>{u.user_id}</userId>"
        commands = [
            (req(f"UserGetRequest{u.version}", key), self.user_get(sp, u, group_id, country))
        ]
        if assignment_list or u.extension.endswith("7"):
            packs = [
                (name, "true" if name in u.packs else "false", desc) for name, desc, _ in sp.packs
            ]
            authorised: list[str] = []
            for _, _, contents in sp.packs:
                authorised.extend(s for s in contents if s not in authorised)
            authorised.extend(
                s for s in (*d.EXTRA_SERVICES, *d.PLACE_SERVICES) if s not in authorised
            )
            on = set(u.services)
            services = [(s, "true" if s in on else "false") for s in authorised]
            commands.append(
                (
                    req("UserServiceGetAssignmentListRequest", key),
                    resp(
                        "UserServiceGetAssignmentListResponse",
                        table(
                            "servicePacksAssignmentTable",
                            ("Service Pack Name", "Assigned", "Description"),
                            packs,
                        )
                        + table(
                            "userServicesAssignmentTable", ("Service Name", "Assigned"), services
                        ),
                    ),
                )
            )
        else:
            entries = "".join(
                f"<userServiceEntry><serviceName>{s}</serviceName>"
                "<isActive>true</isActive></userServiceEntry>"
                for s in u.services
            )
            commands.append(
                (
                    req("UserAssignedServicesGetListRequest", key),
                    resp("UserAssignedServicesGetListResponse", entries),
                )
            )
        if u.registration and u.device is not None:
            dev = u.device
            row = (
                "Group",
                dev.name,
                "1",
                f"sip:{u.local}@{dev.net}:5060;transport=udp",
                "Mon Jul 28 14:32:07 EDT 2025",
                f"{u.local}@{sp.domain}",
                "Primary",
                "",
                "",
                dev.net,
                "5060",
                dev.model.user_agent or "",
                "",
                "",
                "0",
                "",
                "",
                "",
                "false",
                "",
                "false",
                "",
                "true",
                "",
            )
            commands.append(
                (
                    req("UserGetRegistrationListRequest", key),
                    resp(
                        "UserGetRegistrationListResponse",
                        table("registrationTable", REGISTRATION_HEADS, [row]),
                    ),
                )
            )
        return commands

    def write_device_documents(
        self,
        sp: _ServiceProvider,
        group_id: str,
        rel: str,
        rng: random.Random,
        users: list[_User],
        cc: str,
    ) -> None:
        version = sp.release.device
        echoes = version in d.ECHOING_DEVICE_VERSIONS
        keys = f"<serviceProviderId>{sp.sp_id}</serviceProviderId><groupId>{group_id}</groupId>"
        chunk: list[tuple[str, str]] = []
        number = 0

        def flush() -> None:
            nonlocal chunk, number
            number += 1
            lone = echoes and rng.random() < 0.5
            if lone:
                self.quirk("lone_response_documents")
            self.writer.write(f"{rel}/devices-{number:03d}.xml", sp.encoding, chunk, lone=lone)
            chunk = []

        for u in users:
            dev = u.device
            if dev is None:
                continue
            model = dev.model
            ports = (
                "<numberOfPorts><unlimited>true</unlimited></numberOfPorts>"
                if model.ports is None
                else f"<numberOfPorts><quantity>{model.ports}</quantity></numberOfPorts>"
            )
            body = [f"<deviceType>{model.device_type}</deviceType><protocol>SIP 2.0</protocol>"]
            if dev.mac:
                body.append(f"<netAddress>{dev.net}</netAddress><macAddress>{dev.mac}</macAddress>")
            body.append(
                f"{ports}<numberOfAssignedPorts>{1 + len(u.sca_on)}</numberOfAssignedPorts>"
                "<status>Online</status><configurationMode>Default</configurationMode>"
                "<transportProtocol>Unspecified</transportProtocol>"
                "<useCustomUserNamePassword>false</useCustomUserNamePassword>"
            )
            if model.ua_in in ("version", "both") and model.user_agent:
                body.append(f"<version>{model.user_agent}</version>")
            if version == "22V2":
                body.append("<useHotline>false</useHotline>")
            if echoes:
                body.append(f"{keys}<deviceName>{dev.name}</deviceName>")
            chunk.append(
                (
                    req(
                        f"GroupAccessDeviceGetRequest{version}",
                        f"{keys}<deviceName>{dev.name}</deviceName>",
                    ),
                    resp(f"GroupAccessDeviceGetResponse{version}", "".join(body)),
                )
            )
            if len(chunk) == MAX_COMMANDS:
                flush()
        if chunk:
            flush()

        # Devices with a shared call appearance: their user lists (no key echo: paired).
        sca: list[tuple[str, str]] = []
        number = 0
        owners: dict[str, list[_User]] = {}
        for u in users:
            for owner in u.sca_on:
                owners.setdefault(owner.user_id, [owner]).append(u)
        for lines in owners.values():
            owner = lines[0]
            assert owner.device is not None
            rows = []
            for order, line_user in enumerate(lines, 1):
                line_port = (
                    f"{line_user.local}@{sp.domain}"
                    if order == 1
                    else f"{line_user.local}_sca{order - 1}@{sp.domain}"
                )
                rows.append(
                    (
                        line_port,
                        line_user.last,
                        line_user.first,
                        f"+{cc}-{line_user.phone}" if line_user.phone else "",
                        line_user.user_id,
                        "Normal",
                        "Primary" if order == 1 else "Shared Call Appearance",
                        str(order),
                        "true" if order == 1 else "false",
                        line_user.extension,
                        "",
                        line_user.email or "",
                        "",
                    )
                )
            sca.append(
                (
                    req(
                        "GroupAccessDeviceGetUserListRequest21sp1",
                        f"{keys}<deviceName>{owner.device.name}</deviceName>",
                    ),
                    resp(
                        "GroupAccessDeviceGetUserListResponse21sp1",
                        table("deviceUserTable", DEVICE_USER_HEADS, rows),
                    ),
                )
            )
            if len(sca) == MAX_COMMANDS:
                number += 1
                self.writer.write(f"{rel}/device-users-{number:03d}.xml", sp.encoding, sca)
                sca = []
        if sca:
            number += 1
            self.writer.write(f"{rel}/device-users-{number:03d}.xml", sp.encoding, sca)

    def write_service_documents(
        self,
        sp: _ServiceProvider,
        group_id: str,
        rel: str,
        rng: random.Random,
        country: d.Country,
        zone: str,
        zone_display: str,
        users: list[_User],
        instances: list[_Instance],
        failure: str,
    ) -> None:
        pairs: list[tuple[str, str]] = []
        language = users[0].language
        for inst in instances:
            label = {"hg": "Hunt Group", "cc": "Call Center", "aa": "Auto Attendant"}[inst.kind]
            name = esc(inst.name)
            profile = (
                f"<serviceInstanceProfile><name>{name}</name>"
                f"<callingLineIdLastName>{name}</callingLineIdLastName>"
                f"<callingLineIdFirstName>{label}</callingLineIdFirstName>"
                f"<phoneNumber>{inst.phone}</phoneNumber><extension>{inst.extension}</extension>"
                f"<countryCode>{country.calling_code}</countryCode><language>{language}</language>"
                f"<timeZone>{zone}</timeZone><timeZoneDisplayName>{zone_display}"
                "</timeZoneDisplayName></serviceInstanceProfile>"
            )
            key = f"<serviceUserId>{inst.service_user_id}</serviceUserId>"
            if inst.kind == "hg":
                version = sp.release.hunt_group
                rows = [
                    (
                        a.user_id,
                        a.last,
                        a.first,
                        a.last,
                        a.first,
                        "0",
                        f"+{country.calling_code}-{a.phone}" if a.phone else "",
                        a.extension,
                        "",
                        a.email or "",
                    )
                    for a in inst.agents
                ]
                body = (
                    f"{profile}<policy>{rng.choice(('Circular', 'Regular', 'Simultaneous'))}"
                    "</policy><huntAfterNoAnswer>true</huntAfterNoAnswer>"
                    "<noAnswerNumberOfRings>5</noAnswerNumberOfRings>"
                    "<forwardAfterTimeout>false</forwardAfterTimeout>"
                    "<forwardTimeoutSeconds>0</forwardTimeoutSeconds>"
                    + table("agentUserTable", AGENT_HEADS, rows)
                    + "<allowCallWaitingForAgents>false</allowCallWaitingForAgents>"
                )
                pairs.append(
                    (
                        req(f"GroupHuntGroupGetInstanceRequest{version}", key),
                        resp(f"GroupHuntGroupGetInstanceResponse{version}", body),
                    )
                )
            elif inst.kind == "cc":
                version = sp.release.call_center
                body = (
                    f"{profile}<type>Premium</type><policy>Longest Idle</policy>"
                    "<enableVideo>false</enableVideo><queueLength>25</queueLength>"
                    "<allowCallerToDialEscapeDigit>true</allowCallerToDialEscapeDigit>"
                    "<escapeDigit>0</escapeDigit>"
                )
                pairs.append(
                    (
                        req(f"GroupCallCenterGetInstanceRequest{version}", key),
                        resp(f"GroupCallCenterGetInstanceResponse{version}", body),
                    )
                )
            else:
                version = sp.release.auto_attendant
                timeout = (
                    "<firstDigitTimeoutSeconds>10</firstDigitTimeoutSeconds>"
                    if version == "24"
                    else ""
                )
                body = (
                    f"{profile}<type>Standard</type>{timeout}<enableVideo>false</enableVideo>"
                    "<extensionDialingScope>Group</extensionDialingScope>"
                    "<nameDialingScope>Group</nameDialingScope>"
                    "<nameDialingEntries>LastName + FirstName</nameDialingEntries>"
                    "<businessHoursMenu><announcementSelection>Default</announcementSelection>"
                    "<enableFirstMenuLevelExtensionDialing>true"
                    "</enableFirstMenuLevelExtensionDialing><keyConfiguration><key>0</key>"
                    "<entry><action>Transfer To Operator</action>"
                    f"<phoneNumber>{users[0].extension}</phoneNumber></entry>"
                    "</keyConfiguration></businessHoursMenu>"
                )
                pairs.append(
                    (
                        req(f"GroupAutoAttendantGetInstanceRequest{version}", key),
                        resp(f"GroupAutoAttendantGetInstanceResponse{version}", body),
                    )
                )
        if rng.random() < 0.08:
            # A command the extractor does not know: counted, never fatal.
            u = users[0]
            pairs.append(
                (
                    req("UserCallForwardingAlwaysGetRequest", f"<userId>{u.user_id}</userId>"),
                    resp(
                        "UserCallForwardingAlwaysGetResponse",
                        "<isActive>false</isActive><isRingSplashActive>false</isRingSplashActive>",
                    ),
                )
            )
            self.counts["unknown_commands"] += 1
        if failure:
            # A user removed between the list and the get: the server answers with an error.
            self.user_seq += 1
            ghost = f"former.employee{self.user_seq}@{sp.domain}"
            summary = f"[Error 4008] User not found: {ghost}"
            code = 4008 if failure == "code" else None
            pairs.append(
                (req("UserGetRequest22V5", f"<userId>{ghost}</userId>"), error(summary, code))
            )
            self.counts["warnings"] += 1
        if pairs:
            self.writer.write(f"{rel}/services.xml", sp.encoding, pairs)
