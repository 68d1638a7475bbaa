"""Package rules (services → Wholesale package) and device rules (type/UA → model)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from migrate.mapping.packages import CALLING_PACKAGES, PACKAGES, WORKSPACE_PACKAGE

__all__ = ["CALLING_PACKAGES", "PACKAGES", "WORKSPACE_PACKAGE"]

MATCH_KINDS: tuple[str, ...] = ("any", "all", "only", "none", "place", "no_number", "default")
DEVICE_KINDS: tuple[str, ...] = (
    "phone",
    "ata",
    "generic",
    "soft_client",
    "trunk",
    "unsupported",
    "unknown",
)
MIGRATED_DEVICE_KINDS: frozenset[str] = frozenset({"phone", "ata", "generic"})


class _Seat(Protocol):
    is_place: bool
    package: str


def is_workspace(sub: _Seat) -> bool:
    """A place, or a user the rules (or a reviewer) gave the common-area package: Webex
    takes neither as a subscriber, both become workspaces."""
    return bool(sub.is_place) or sub.package == WORKSPACE_PACKAGE


def glob_error(pattern: str) -> str | None:
    """Why a service glob is broken (fnmatch silently takes an unclosed ``[`` literally)."""
    depth = 0
    for char in pattern:
        if char == "[":
            if depth:
                return "nested '['"
            depth = 1
        elif char == "]" and depth:
            depth = 0
    if depth:
        return "unclosed '['"
    return None


@dataclass
class ServiceMatcher:
    """A set of service names and globs, matched case-insensitively."""

    exact: frozenset[str] = frozenset()
    globs: re.Pattern[str] | None = None
    patterns: tuple[str, ...] = ()

    @classmethod
    def of(cls, patterns: Iterable[str]) -> ServiceMatcher:
        items = tuple(p.strip() for p in patterns if p.strip())
        exact = frozenset(p.casefold() for p in items if not any(c in p for c in "*?["))
        wild = [fnmatch.translate(p.casefold()) for p in items if any(c in p for c in "*?[")]
        globs = re.compile("|".join(f"(?:{w})" for w in wild)) if wild else None
        return cls(exact, globs, items)

    def matches(self, service: str) -> bool:
        key = service.casefold()
        if key in self.exact:
            return True
        return self.globs is not None and self.globs.match(key) is not None


@dataclass
class PackageRule:
    order: int
    package: str
    match: str
    services: ServiceMatcher
    row: int

    def applies(self, services: tuple[str, ...], is_place: bool, telephony: bool = True) -> bool:
        kind = self.match
        if kind == "default":
            return True
        if kind == "place":
            return is_place
        if kind == "no_number":
            # A person with neither a number nor an extension cannot hold a calling seat.
            return not telephony and not is_place
        if kind == "any":
            return any(self.services.matches(s) for s in services)
        if kind == "none":
            return not any(self.services.matches(s) for s in services)
        if kind == "only":
            # A user with no services at all tells nothing; let a later rule decide.
            return bool(services) and all(self.services.matches(s) for s in services)
        # "all": every listed exact service is present and every glob matches one.
        folded = {s.casefold() for s in services}
        if not self.services.exact <= folded:
            return False
        wild = [p for p in self.services.patterns if any(c in p for c in "*?[")]
        return all(any(fnmatch.fnmatchcase(s, w.casefold()) for s in folded) for w in wild)


@dataclass
class PackageRules:
    rules: list[PackageRule] = field(default_factory=list)
    _cache: dict[tuple[tuple[str, ...], bool, bool], PackageRule] = field(default_factory=dict)

    def classify(
        self, services: tuple[str, ...], is_place: bool, *, telephony: bool = True
    ) -> PackageRule:
        """The first rule that fits; ``telephony``: the user has a number or an extension."""
        # Users share a handful of service sets, so 100k users cost a few hundred matches.
        key = (services, is_place, telephony)
        hit = self._cache.get(key)
        if hit is None:
            hit = next(r for r in self.rules if r.applies(services, is_place, telephony))
            self._cache[key] = hit
        return hit


@dataclass
class LostServices:
    """``unsupported_services.csv``: services with no Wholesale equivalent."""

    rows: list[tuple[ServiceMatcher, str, str]] = field(default_factory=list)
    _cache: dict[tuple[str, ...], tuple[tuple[str, str], ...]] = field(default_factory=dict)

    def lost(self, services: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        """(service, what to rebuild) for each service that will not migrate."""
        hit = self._cache.get(services)
        if hit is None:
            found: list[tuple[str, str]] = []
            for service in services:
                for matcher, _pattern, rebuild in self.rows:
                    if matcher.matches(service):
                        found.append((service, rebuild))
                        break
            hit = tuple(found)
            self._cache[services] = hit
        return hit


_TYPE_SEPARATORS = re.compile(r"[\s_\-]+")


def normalise_device_type(device_type: str | None) -> str:
    return _TYPE_SEPARATORS.sub(" ", (device_type or "").lower()).strip()


@dataclass
class DeviceRule:
    order: int
    device_type: re.Pattern[str] | None
    user_agent: re.Pattern[str] | None
    model: str
    kind: str
    note: str
    row: int


@dataclass(frozen=True, slots=True)
class DeviceMatch:
    model: str | None
    kind: str
    rule: int
    evidence: str
    note: str


@dataclass
class DeviceRules:
    rules: list[DeviceRule] = field(default_factory=list)

    def classify(self, device_type: str | None, user_agents: Iterable[str]) -> DeviceMatch:
        norm = normalise_device_type(device_type)
        agents = [ua for ua in user_agents if ua]
        for rule in self.rules:
            groups: tuple[str | None, ...] = ()
            evidence: list[str] = []
            if rule.user_agent is not None:
                ua_match = None
                for ua in agents:
                    ua_match = rule.user_agent.search(ua)
                    if ua_match:
                        evidence.append(f"user agent {ua}")
                        break
                if ua_match is None:
                    continue
                groups = ua_match.groups()
            if rule.device_type is not None:
                type_match = rule.device_type.fullmatch(norm)
                if type_match is None:
                    continue
                evidence.append(f"device type {device_type or ''}")
                groups = groups or type_match.groups()
            model = _fill(rule.model, groups) if rule.model else None
            text = "; ".join(evidence) or "default"
            evidence_text = f"rule {rule.order}: {text}"
            return DeviceMatch(model, rule.kind, rule.order, evidence_text, rule.note)
        return DeviceMatch(None, "unknown", 0, "no rule matched", "")


def _fill(template: str, groups: tuple[str | None, ...]) -> str:
    out = template
    for index, value in enumerate(groups, start=1):
        out = out.replace(f"{{{index}}}", (value or "").upper())
    return out
