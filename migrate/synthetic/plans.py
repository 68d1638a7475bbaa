"""The plan of an export: service providers and groups decided before anything is written.

Everything random about a service provider is fixed here, so that service
providers can be written in any order, by any process, and give the same bytes.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from migrate.synthetic import data as d

MAX_GROUP_USERS = 400
MAX_FREE_NUMBERS = 20  # spare numbers per group, shown as one range row


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
class Device:
    name: str
    model: d.DeviceModel
    mac: str | None
    net: str


@dataclass
class User:
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
    device: Device | None
    services: list[str]
    packs: list[str]
    registration: bool
    prefixed: bool
    sca_on: list[User] = field(default_factory=list)  # devices of others this user appears on


@dataclass
class Instance:
    kind: str  # "hg" | "cc" | "aa"
    service_user_id: str
    name: str
    phone: str
    extension: str
    agents: list[User]


@dataclass
class ServiceProvider:
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


class Planner:
    """Decides the service providers and their groups, one at a time."""

    def __init__(self, users: int, seed: int) -> None:
        self.target = users
        self.rng = random.Random(seed)
        self.release_offset = self.rng.randrange(len(d.RELEASES))
        self.number_next: dict[str, int] = {cc: base for cc, (base, _) in d.NATIONAL_BASE.items()}
        self.seq_next = 0
        self.device_next = 0
        self.errors = 0

    def plans(self) -> Iterator[ServiceProvider]:
        remaining, index = self.target, 0
        while remaining > 0:
            index += 1
            plan = self.plan_service_provider(index, remaining)
            remaining -= sum(plan.group_sizes)
            yield plan

    def plan_service_provider(self, index: int, remaining: int) -> ServiceProvider:
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
        plan = ServiceProvider(
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
