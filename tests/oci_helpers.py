"""Shared by the ``extract --from-oci`` tests: an emulator per test, inventories compared."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from migrate.extract import extract
from migrate.extract.oci import Connection, Login, connection
from migrate.sandbox.broadworks import BroadWorksEmulator, Credentials, EmulatorConfig, load
from migrate.sandbox.broadworks.replay import base_of, keys_of, local_type

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = {
    "acme-enterprise": "acme-ent",
    "metro-sp-group-mode": "metro-voip",
}
USER = "oci-admin"
PASSWORD = "Pw-9f3c!never-in-a-file"  # a test secret, grepped for
Asked = tuple[str, frozenset[tuple[str, str]]]


@contextmanager
def emulator(sample: str, **config: Any) -> Iterator[BroadWorksEmulator]:
    with emulator_of(ROOT / "samples" / sample, **config) as emu:
        yield emu


@contextmanager
def emulator_of(export: Path, **config: Any) -> Iterator[BroadWorksEmulator]:
    emu = BroadWorksEmulator(
        load(export), EmulatorConfig(credentials=Credentials(USER, PASSWORD), **config)
    )
    emu.start()
    try:
        yield emu
    finally:
        emu.close()


def conn(emu: BroadWorksEmulator, flow: str = "signed", **options: Any) -> Connection:
    options.setdefault("max_rps", 0)
    return connection(f"127.0.0.1:{emu.port}", Login(USER, PASSWORD, flow), **options)


def entities(workspace: Path) -> dict[str, list[dict[str, Any]]]:
    """Every inventory entity, record by record; ``sources`` names files, so it is left out."""
    found: dict[str, list[dict[str, Any]]] = {}
    for path in sorted((workspace / "inventory").glob("*.jsonl")):
        if path.stem == "warnings":
            continue
        records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        for record in records:
            record.pop("sources", None)
        found[path.stem] = records
    return found


def warnings(workspace: Path) -> list[str]:
    path = workspace / "inventory" / "warnings.jsonl"
    return sorted(json.loads(line)["message"] for line in path.read_text("utf-8").splitlines())


def folder_inventory(sample: str, workspace: Path) -> Path:
    extract(ROOT / "samples" / sample, workspace)
    return workspace


def saved_requests(export: Path) -> set[Asked]:
    """(request base, keys) of every pair saved in ``export``, and every request it declined."""
    from lxml import etree

    found: set[Asked] = set()
    for response in export.rglob("*.xml.response.xml"):
        request = response.with_name(response.name.removesuffix(".response.xml"))
        for command in etree.parse(str(request)).getroot():
            if str(command.tag).endswith("command"):
                found.add((base_of(local_type(command)), keys_of(command)))
    state = export / "oci-walk.jsonl"
    for line in state.read_text("utf-8").splitlines():
        entry = json.loads(line)
        if "unanswered" in entry:
            keys = frozenset(
                ("groupId" if k == "GroupId" else k, v) for k, v in entry["keys"].items()
            )
            found.add((base_of(entry["type"]), keys))
    return found


def asked(emu: BroadWorksEmulator) -> list[Asked]:
    return [(base_of(a.type), frozenset(a.keys.items())) for a in emu.log if a.outcome != "dropped"]
