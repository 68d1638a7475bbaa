"""The counts an export holds, accumulated while it is written, and its manifest."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

GENERATOR_VERSION = 1


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
    "user_settings",
)


def manifest_text(users: int, seed: int, total: Stats) -> str:
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
    "distinct (sp, pack); warnings: one per ErrorResponse and one per unknown "
    "User*Get*Response; unknown_commands: responses of a type the extractor does not "
    "know; user_settings: distinct (userId, service) in per-user service responses"
)


@dataclass
class Stats:
    """What one service provider (or the system document) added to the export."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    quirks: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    files: int = 0
    bytes_written: int = 0

    def add(self, other: Stats) -> None:
        for key, value in other.counts.items():
            self.counts[key] += value
        for key, value in other.quirks.items():
            self.quirks[key] = self.quirks.get(key, 0) + value
        self.documents += other.documents
        self.files += other.files
        self.bytes_written += other.bytes_written
