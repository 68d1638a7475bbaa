"""A small inventory with the quirks the mapper must handle, written as JSONL.

Imported by the map, overrides and bench tests; it holds no tests itself.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from migrate import inventory as inv

SP: dict[str, Any] = {
    "sp_id": "ent1",
    "name": "Example 100% Corp",
    "is_enterprise": True,
    "contact": {"name": "Ada Admin", "email": "ada@example.com"},
    "address": {
        "line1": "1 Main Street",
        "city": "New York",
        "state": "New York",
        "postal_code": "10001",
        "country": "USA",
    },
}
GROUPS: list[dict[str, Any]] = [
    {
        "sp_id": "ent1",
        "group_id": "g-ny",
        "name": "New York",
        "time_zone": "US/Eastern",
        "address": {
            "line1": "1 Main Street, Building 7, Floor 12, Suite 1200, North Wing",
            "city": "New York",
            "state": "New York",
            "postal_code": "10001",
            "country": "United States",
        },
    },
    {
        "sp_id": "ent1",
        "group_id": "g-mtl",
        "name": "Montreal",
        "time_zone": "Canada/Eastern",
        "address": {
            "line1": "2 Rue Sainte-Catherine",
            "city": "Montréal",
            "state": "Québec",
            "postal_code": "H3B 1A1",
            "country": "Canada",
        },
    },
]
BASIC = ["Authentication", "Call Waiting", "Call Forwarding Always"]
USERS: list[dict[str, Any]] = [
    {
        "user_id": "ada@ent1",
        "group_id": "g-ny",
        "first_name": "Ada",
        "last_name": "Admin",
        "email": "ada@example.com",
        "phone_number_raw": "2125550101",
        "country_code": "1",
        "extension": "0101",
        "language": "English",
        "time_zone": "America/New_York",
        "services": [*BASIC, "Integrated IMP"],
    },
    {
        "user_id": "bob@ent1",
        "group_id": "g-ny",
        "first_name": "Bob",
        "last_name": "Nomail",
        "phone_number_raw": "+1-2125550102",
        "country_code": "1",
        "extension": "0102",
        "language": "English",
        "services": [*BASIC, "Voice Messaging User"],
    },
    {
        "user_id": "cat@ent1",
        "group_id": "g-ny",
        "first_name": "Cat",
        "last_name": "Dup",
        "email": "shared@example.com",
        "phone_number": "+12125550103",
        "extension": "0103",
        "language": "English",
        "services": BASIC,
    },
    {
        "user_id": "dan@ent1",
        "group_id": "g-ny",
        "first_name": "Dan",
        "last_name": "Dup",
        "email": "SHARED@example.com",
        "extension": "0104",
        "language": "English",
        "services": [*BASIC, "Voice Messaging User"],
    },
    {
        "user_id": "eve@ent1",
        "group_id": "g-ny",
        "first_name": "Eve",
        "last_name": "Long",
        "email": "eve@example.com",
        "extension": "001212555010",
        "language": "English",
        "services": [*BASIC, "Voice Messaging User"],
    },
    {
        "user_id": "fay@ent1",
        "group_id": "g-mtl",
        "first_name": "Fay",
        "last_name": "Fr",
        "email": "fay@example.com",
        "phone_number_raw": "5145550201",
        "country_code": "1",
        "extension": "0201",
        "language": "French",
        "time_zone": "Canada/Eastern",
        "services": [*BASIC, "Voice Messaging User"],
    },
    {
        "user_id": "gus@ent1",
        "group_id": "g-mtl",
        "first_name": "Gus",
        "last_name": "Fr",
        "email": "gus@example.com",
        "extension": "0202",
        "language": "French",
        "services": [*BASIC, "Voice Messaging User"],
    },
    {
        "user_id": "lobby@ent1",
        "group_id": "g-ny",
        "first_name": "Lobby",
        "last_name": "Phone",
        "email": "lobby@example.com",
        "extension": "0199",
        "is_place": True,
        "services": BASIC,
    },
    {
        "user_id": "cc@ent1",
        "group_id": "g-ny",
        "first_name": "Cora",
        "last_name": "Agent",
        "email": "cora@example.com",
        "extension": "0110",
        "language": "English",
        "services": BASIC,
        "service_packs": ["Pack-Agent"],
    },
]
PACKS: list[dict[str, Any]] = [
    {
        "sp_id": "ent1",
        "name": "Pack-Agent",
        "services": ["Call Center - Premium", "Integrated IMP", "Voice Messaging User"],
    }
]
NUMBERS: list[dict[str, Any]] = [
    {
        "phone_number": "+12125550101",
        "phone_number_raw": "+1-2125550101",
        "sp_id": "ent1",
        "group_id": "g-ny",
        "user_id": "ada@ent1",
    },
    {"phone_number": "+12125550102", "sp_id": "ent1", "group_id": "g-ny", "user_id": "bob@ent1"},
    {"phone_number": "+12125550103", "sp_id": "ent1", "group_id": "g-ny", "user_id": "cat@ent1"},
    {
        "phone_number": "+12125550120",
        "sp_id": "ent1",
        "group_id": "g-ny",
        "user_id": "hg@ent1",
        "user_type": "Hunt Group",
    },
    {"phone_number": "+15145550201", "sp_id": "ent1", "group_id": "g-mtl", "user_id": "fay@ent1"},
]
MPP = "Cisco-CP-78xx-88xx-68xx-3PCC"
DEVICES: list[dict[str, Any]] = [
    {
        "sp_id": "ent1",
        "group_id": "g-ny",
        "device_name": "ada-phone",
        "device_type": MPP,
        "mac_address_raw": "00:04:f2:ab:cd:ef",
        "version": "Cisco-CP-8851-3PCC/11.3.7_MPP_0001",
        "lines": [
            {"user_id": "cat@ent1", "endpoint_type": "Shared Call Appearance", "order": 2},
            {"user_id": "ada@ent1", "endpoint_type": "Primary", "order": 1},
        ],
    },
    {
        "sp_id": "ent1",
        "group_id": "g-ny",
        "device_name": "bob-phone",
        "device_type": MPP,
        "mac_address": "AABBCC000001",
        "user_agents": ["Cisco-CP-8865-3PCC/12.0.3"],
        "lines": [{"user_id": "bob@ent1", "endpoint_type": "Primary"}],
    },
    {
        "sp_id": "ent1",
        "group_id": "g-ny",
        "device_name": "mystery-mpp",
        "device_type": MPP,
        "mac_address": "AABBCC000002",
    },
    {
        "sp_id": "ent1",
        "group_id": "g-ny",
        "device_name": "cat-pc",
        "device_type": "Business Communicator - PC",
    },
    {
        "sp_id": "ent1",
        "group_id": "g-ny",
        "device_name": "bad-mac",
        "device_type": "Generic SIP Phone",
        "mac_address": "XYZ",
    },
    {
        "sp_id": "ent1",
        "group_id": "g-ny",
        "device_name": "dup-mac",
        "device_type": "Generic SIP Phone",
        "mac_address": "aabbcc000001",
    },
    {
        "sp_id": "ent1",
        "group_id": "g-mtl",
        "device_name": "no-mac",
        "device_type": "Polycom VVX 400 DM",
    },
]
INSTANCES: list[dict[str, Any]] = [
    {
        "service_user_id": "hg@ent1",
        "kind": "hunt_group",
        "sp_id": "ent1",
        "group_id": "g-ny",
        "name": "Sales",
        "phone_number": "+12125550120",
        "policy": "Circular",
        "agents": ["ada@ent1", "bob@ent1"],
    },
    {
        "service_user_id": "cc@ent1-q",
        "kind": "call_center",
        "sp_id": "ent1",
        "group_id": "g-ny",
        "name": "Support",
        "type": "Premium",
    },
    {
        "service_user_id": "aa@ent1",
        "kind": "auto_attendant",
        "sp_id": "ent1",
        "group_id": "g-mtl",
        "name": "Réception",
    },
]
LANGUAGES: list[dict[str, Any]] = [
    {"language": "English", "locale": "en_US"},
    {"language": "French", "locale": "fr_FR"},
]


def inventory(**changes: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    data: dict[str, list[dict[str, Any]]] = {
        "service_providers": [SP],
        "groups": GROUPS,
        "users": [{"sp_id": "ent1", **u} for u in USERS],
        "numbers": NUMBERS,
        "devices": DEVICES,
        "service_packs": PACKS,
        "service_instances": INSTANCES,
        "languages": LANGUAGES,
        "time_zones": [],
        "warnings": [],
    }
    data = copy.deepcopy(data)
    data.update(copy.deepcopy(changes))
    return data


def write_inventory(workspace: Path, data: dict[str, list[dict[str, Any]]] | None = None) -> Path:
    folder = inv.inventory_dir(workspace)
    folder.mkdir(parents=True, exist_ok=True)
    for entity, records in (data or inventory()).items():
        inv.write_jsonl(folder / f"{entity}.jsonl", records)
    return workspace
