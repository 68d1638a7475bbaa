"""What hunt groups and call queues share: the location, number, caller id, agents,
policy and the options Webex lacks (listed on "Not migrated" with their values).

Agents are users or places: a user becomes ``{"$subscriber": id}``, a place (or a
user the rules made a common-area seat) ``{"$workspace": id}``. An agent who is not
migrated at all is dropped from the list with a warning; the feature is still built.
"""

from __future__ import annotations

import contextlib
import functools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate import inventory as inv
from migrate.mapping.context import BuildContext
from migrate.mapping.e164 import NumberError, is_digits, to_e164
from migrate.mapping.locations import ensure_location
from migrate.mapping.rules import is_workspace
from migrate.plan.model import CallFeature, Location, Number

POLICIES = {
    "circular": "CIRCULAR",
    "regular": "REGULAR",
    "simultaneous": "SIMULTANEOUS",
    "uniform": "UNIFORM",
    "weighted": "WEIGHTED",
}
# Other names exports use for a policy, and the Webex policy that behaves alike.
POLICY_ALIASES = {"longest idle": "UNIFORM", "most idle": "UNIFORM", "sequential": "REGULAR"}
WEIGHTED = "WEIGHTED"
# Webex's most agents per policy (Calling admin guide): more is refused.
MAX_AGENTS = {"SIMULTANEOUS": 50, "WEIGHTED": 100}
MAX_AGENTS_DEFAULT = 1000
MAX_RINGS = 20
SECONDS_PER_RING = 6  # BroadWorks counts forward timeouts in seconds, Webex in rings
EXTENSION_DIGITS = 6  # a destination this short is an extension, kept as dialled


@dataclass
class Draft:
    """A feature being mapped: its location, issues' key, and what Webex cannot carry."""

    ctx: BuildContext
    feature: inv.GroupFeature
    kind: str  # the CallFeature kind
    location: Location
    values: dict[str, Any]
    profile: dict[str, Any]
    not_migrated: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.feature.id}"

    def call_feature(self, members: list[str]) -> CallFeature:
        """The feature this draft becomes, its Webex body still to fill in."""
        return CallFeature(
            id=self.id,
            kind=self.kind,
            customer_id=self.location.customer_id,
            location_id=self.location.id,
            name=self.name,
            bw_key={"service_user_id": self.feature.id},
            members=members,
            bw_values=dict(self.values),
        )

    @property
    def name(self) -> str:
        return (self.feature.name or str(self.profile.get("name") or "") or self.feature.id).strip()

    def warn(
        self, code: str, message: str, field: str, value: Any = None, proposed: Any = None
    ) -> None:
        self.ctx.issues.warning(
            code,
            entity="call_feature",
            key=self.id,
            customer_id=self.location.customer_id,
            message=f"{self.name}: {message}",
            field=field,
            value=None if value is None else str(value),
            proposed=None if proposed is None else str(proposed),
        )

    def blocker(self, code: str, message: str, field: str, value: Any = None) -> None:
        """Something Webex would refuse, named in the review."""
        self.ctx.issues.blocker(
            code,
            entity="call_feature",
            key=self.id,
            customer_id=self.location.customer_id,
            message=f"{self.name}: {message}",
            field=field,
            value=None if value is None else str(value),
        )

    def lacks(self, element: str, value: Any, what: str) -> None:
        """An option Webex has no equivalent of: listed with its value."""
        self.not_migrated.append(f"{element} = {value}: {what}")


@functools.lru_cache(maxsize=4)
def _instance_groups(path: Path, _stamp: int) -> dict[str, tuple[str, str]]:
    return {
        i.service_user_id: (i.sp_id, i.group_id)
        for i in inv.read(path, "service_instances")
        if i.sp_id and i.group_id
    }


def instance_group(ctx: BuildContext, service_user_id: str) -> tuple[str, str] | None:
    """The group an instance is in, from its list row or DN assignment: older instance
    answers name neither."""
    stamp = 0
    with contextlib.suppress(OSError):
        stamp = (inv.inventory_dir(ctx.workspace) / "service_instances.jsonl").stat().st_mtime_ns
    return _instance_groups(ctx.workspace, stamp).get(service_user_id)


def draft(ctx: BuildContext, feature: inv.GroupFeature, kind: str) -> Draft | None:
    """The draft, or None for a feature whose group the export does not name."""
    if not feature.sp_id or not feature.group_id:
        found = instance_group(ctx, feature.id)
        if found is not None:
            feature.sp_id, feature.group_id = found
    if not feature.sp_id or not feature.group_id:
        ctx.issues.warning(
            "feature_without_group",
            entity="call_feature",
            key=f"{kind}:{feature.id}",
            customer_id=None,
            message=f"{feature.id}: its instance response is not in the export; not migrated",
        )
        return None
    location = ensure_location(ctx, feature.sp_id, feature.group_id)
    profile = feature.values.get("serviceInstanceProfile")
    return Draft(
        ctx,
        feature,
        kind,
        location,
        feature.values,
        profile if isinstance(profile, dict) else {},
    )


def flag(values: dict[str, Any], name: str) -> bool | None:
    raw = values.get(name)
    if not isinstance(raw, str):
        return None
    return raw.strip().lower() == "true"


def number(values: dict[str, Any], name: str) -> int | None:
    raw = values.get(name)
    if isinstance(raw, dict):
        raw = raw.get("quantity")
    try:
        return int(str(raw).strip()) if raw is not None else None
    except ValueError:
        return None


def identity(d: Draft, body: dict[str, Any], feature: CallFeature) -> None:
    """Name, number, extension and caller id names; the number moves to the feature."""
    cc, prefix = _str(d.profile.get("countryCode")), _str(d.profile.get("nationalPrefix"))
    raw = _str(d.profile.get("phoneNumber"))
    if raw:
        try:
            e164 = to_e164(raw, cc, prefix)
        except NumberError as err:
            d.blocker("invalid_number", str(err), "phoneNumber", raw)
        else:
            if _claim_number(d, e164):
                body["phoneNumber"] = feature.phone_number = e164
    extension = _str(d.profile.get("extension"))
    if extension and not (is_digits(extension) and 2 <= len(extension) <= 10):
        d.warn(
            "invalid_extension",
            "the extension is not 2-10 digits: left out",
            "extension",
            extension,
        )
    elif extension:
        holder = _extension_holder(d, extension)
        if holder is not None and "phoneNumber" in body:
            d.warn(
                "extension_in_use",
                f"extension {extension} is also {holder}'s: left out",
                "extension",
                extension,
            )
        else:
            if holder is not None:
                d.blocker(
                    "extension_in_use",
                    f"extension {extension} is also {holder}'s",
                    "extension",
                    extension,
                )
            body["extension"] = feature.extension = extension
    if "phoneNumber" not in body and "extension" not in body:
        d.blocker(
            "number_or_extension_required",
            "Webex needs a number or an extension for it",
            "extension",
        )
    first = _str(d.profile.get("callingLineIdFirstName"))
    last = _str(d.profile.get("callingLineIdLastName"))
    if first:
        body["firstName"] = first
    if last:
        body["lastName"] = last
    _caller_id(d, body, cc)
    for element in ("alias", "publicUserIdentity", "department"):
        if d.profile.get(element):
            d.lacks(element, d.profile[element], "Webex features have no such field")


def _caller_id(d: Draft, body: dict[str, Any], cc: str | None) -> None:
    clid = _str(d.profile.get("callingLineIdPhoneNumber"))
    if clid:
        try:
            number = to_e164(clid, cc)
        except NumberError:
            d.lacks(
                "callingLineIdPhoneNumber", clid, "not an E.164 number: set the caller id by hand"
            )
        else:
            body["callingLineIdPolicy"] = "CUSTOM"
            body["callingLineIdPhoneNumber"] = number
            return
    body["callingLineIdPolicy"] = "DIRECT_LINE" if "phoneNumber" in body else "LOCATION_NUMBER"


def _extension_holder(d: Draft, extension: str) -> str | None:
    """Who else in the location has the extension: a person, a place or another feature."""
    for sub in d.ctx.model.subscribers.values():
        if sub.location_id == d.location.id and sub.extension == extension:
            return sub.id
    for other in d.ctx.model.features.values():
        if other.location_id == d.location.id and other.extension == extension:
            return other.id
    return None


def _claim_number(d: Draft, e164: str) -> bool:
    """The feature's number is its own: never someone else's, always added to its location."""
    record = d.ctx.model.numbers.get(e164)
    if record is None:
        # Not in the group's DN list: added to the location like a subscriber's would be.
        d.warn(
            "number_not_in_group_list",
            f"{e164} is not in the group's DN list: added",
            "phoneNumber",
            e164,
        )
        record = d.ctx.model.numbers[e164] = Number(
            id=e164,
            customer_id=d.location.customer_id,
            location_id=d.location.id,
            bw_key={"phone_number": e164},
            phone_number=e164,
        )
    if record.assignment == "subscriber" and record.assigned_to != d.feature.id:
        d.blocker(
            "number_in_use",
            f"{e164} is {record.assigned_to}'s number: left out",
            "phoneNumber",
            e164,
        )
        return False
    record.assigned_to, record.assignment = d.feature.id, "service_instance"
    return True


def _str(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def destination(d: Draft, raw: Any, element: str) -> str | None:
    """A forward or transfer target as Webex takes it: an extension or E.164."""
    text = _str(raw)
    if text is None:
        return None
    if is_digits(text) and len(text) <= EXTENSION_DIGITS:
        return text
    try:
        return to_e164(
            text, _str(d.profile.get("countryCode")), _str(d.profile.get("nationalPrefix"))
        )
    except NumberError:
        d.lacks(element, text, "not a number Webex takes: set the destination by hand")
        return None


def rings(d: Draft, value: int | None, element: str, low: int = 1) -> int | None:
    """A ring count within Webex's bounds, with an issue when it had to change."""
    if value is None:
        return None
    bounded = min(MAX_RINGS, max(low, value))
    if bounded != value:
        d.warn(
            "rings_out_of_range",
            f"{element} {value} is outside {low}-{MAX_RINGS}",
            element,
            value,
            bounded,
        )
    return bounded


def seconds_as_rings(d: Draft, seconds: int | None, element: str) -> int | None:
    if seconds is None or seconds <= 0:
        return None
    wanted = math.ceil(seconds / SECONDS_PER_RING)
    bounded = min(MAX_RINGS, max(2, wanted))
    d.warn(
        "seconds_as_rings",
        f"{element} is {seconds} s; Webex counts rings (about {SECONDS_PER_RING} s each)",
        element,
        seconds,
        bounded,
    )
    return bounded


def policy(d: Draft, agents: int) -> str:
    raw = _str(d.values.get("policy")) or "Circular"
    wanted = POLICIES.get(raw.casefold()) or POLICY_ALIASES.get(raw.casefold())
    if wanted is None:
        wanted = "CIRCULAR"
        d.warn("unknown_policy", f"policy {raw!r} has no Webex equivalent", "policy", raw, wanted)
    elif raw.casefold() not in POLICIES:
        d.warn("policy_renamed", f"policy {raw!r} is Webex's {wanted}", "policy", raw, wanted)
    limit = MAX_AGENTS.get(wanted, MAX_AGENTS_DEFAULT)
    if agents > limit:
        d.warn(
            "too_many_agents",
            f"Webex allows {limit} agents with {wanted}, it has {agents}",
            "policy",
            wanted,
            "CIRCULAR",
        )
        wanted = "CIRCULAR"
    return wanted


def agent_refs(
    d: Draft, rows: list[dict[str, Any]], members: list[str]
) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """``(user id, reference, its table row)`` for each agent that is migrated, in order."""
    by_id = {str(row.get("User Id")): row for row in rows if isinstance(row, dict)}
    out: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    seen: set[str] = set()
    for user_id in members:
        if user_id in seen:
            continue
        seen.add(user_id)
        sub = d.ctx.model.subscribers.get(user_id)
        if sub is None:
            d.warn(
                "agent_not_migrated",
                f"agent {user_id} is not migrated: left out of it",
                "agents",
                user_id,
            )
            continue
        marker = "$workspace" if is_workspace(sub) else "$subscriber"
        out.append((user_id, {marker: user_id}, by_id.get(user_id, {})))
    return out


def weights(d: Draft, rows: list[dict[str, Any]]) -> list[str]:
    """Each agent's share in percent, summing to 100 as Webex requires."""
    raw = [max(0, number(row, "Weight") or 0) for row in rows]
    total = sum(raw)
    if not raw:
        return []
    if total == 0:
        shares = [100 // len(raw)] * len(raw)
    else:
        exact = [w * 100 / total for w in raw]
        shares = [math.floor(x) for x in exact]
        # largest remainders get the points rounding lost
        for i in sorted(range(len(raw)), key=lambda i: exact[i] - shares[i], reverse=True)[
            : 100 - sum(shares)
        ]:
            shares[i] += 1
    if total != 100:
        d.warn(
            "weights_rescaled",
            f"agent weights sum to {total}; Webex needs 100",
            "agents.weight",
            ",".join(map(str, raw)),
            ",".join(map(str, shares)),
        )
    return [str(s) for s in shares]


def listed(d: Draft, rebuild: str) -> None:
    """The options Webex lacks, on "Not migrated" beside the feature that was built."""
    if not d.not_migrated:
        return
    d.ctx.model.add_not_migrated(
        kind=f"{d.kind}_options",
        key=d.feature.id,
        customer_id=d.location.customer_id,
        location_id=d.location.id,
        bw_key={"service_user_id": d.feature.id},
        name=d.name,
        items=sorted(d.not_migrated),
        reason="options Webex lacks; the feature itself is migrated",
        rebuild=rebuild,
    )


def add(d: Draft, feature: CallFeature) -> None:
    d.ctx.model.features[feature.id] = feature
