"""What the emulator knows: an export's responses, indexed by request type and keys.

An export pairs ``NAME.xml`` (requests) with ``NAME.xml.response.xml``
(responses, in the same order). Each answered request is indexed by its
command name without the version suffix and by its key elements
(``userId``, ``groupId`` ...), so any version of a request finds the data
the export holds: the emulator replays what was saved, it cannot translate
one release's shape into another. A response saved without its request is
indexed by the keys it echoes.

The versions the export used are the only versions the emulator's "release"
understands; asking for any other answers an ``ErrorResponse``, which is
how a real server answers a request type it does not know.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
RESPONSE_SUFFIX = ".response.xml"
# The elements a Get request names its object with; GroupId is how the
# group-level user list spells groupId.
KEY_NAMES = frozenset(
    {
        "serviceProviderId",
        "groupId",
        "GroupId",
        "userId",
        "deviceName",
        "serviceUserId",
        "servicePackName",
        "name",  # a call park or pickup group's, within its group
    }
)
SCHEDULE_KEYS = frozenset({"scheduleName", "scheduleType"})
# Which keys a request carries, for responses saved without their request
# (a response echoes more than its request sent: UserGet echoes the group).
REQUEST_KEYS: dict[str, tuple[str, ...]] = {
    "ServiceProviderGetRequest": ("serviceProviderId",),
    "GroupGetRequest": ("serviceProviderId", "groupId"),
    "UserGetRequest": ("userId",),
    "GroupAccessDeviceGetRequest": ("serviceProviderId", "groupId", "deviceName"),
    "GroupAccessDeviceGetUserListRequest": ("serviceProviderId", "groupId", "deviceName"),
    "GroupHuntGroupGetInstanceRequest": ("serviceUserId",),
    "GroupCallCenterGetInstanceRequest": ("serviceUserId",),
    "GroupCallCenterGetAgentListRequest": ("serviceUserId",),
    "GroupCallCenterOverflowGetRequest": ("serviceUserId",),
    "GroupCallCenterBouncedCallGetRequest": ("serviceUserId",),
    "GroupAutoAttendantGetInstanceRequest": ("serviceUserId",),
    "GroupGroupPagingGetInstanceRequest": ("serviceUserId",),
}
_VERSION = re.compile(
    r"^(?P<base>.*?(?:Response|Request))(?P<version>\d+(?:sp\d+|mp\d+)?(?:V\d+)?)?$"
)
_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)

Keys = frozenset[tuple[str, str]]


def local_type(element: etree._Element) -> str:
    """``xsi:type`` without any namespace prefix: ``UserGetRequest22V5``."""
    return (element.get(XSI_TYPE) or "").rsplit(":", 1)[-1].strip()


def base_of(type_name: str) -> str:
    match = _VERSION.match(type_name)
    return match.group("base") if match else type_name


def keys_of(element: etree._Element, names: tuple[str, ...] | frozenset[str] = KEY_NAMES) -> Keys:
    """The key elements directly under a command, ``GroupId`` read as ``groupId``.

    A search criterion's value is a key too: a list asked for one provider
    answers that provider's row, not another's.
    """
    found: set[tuple[str, str]] = set()
    for child in element:
        tag = child.tag
        if type(tag) is not str:
            continue
        name = tag.rsplit("}", 1)[-1]
        if len(child):
            if name == "scheduleKey":  # a schedule is named by its name and type together
                for leaf in child:
                    leaf_name = str(leaf.tag).rsplit("}", 1)[-1]
                    if leaf_name in SCHEDULE_KEYS and leaf.text and leaf.text.strip():
                        found.add((leaf_name, leaf.text.strip()))
            elif name.startswith("searchCriteria"):
                value = child.findtext("value")
                if value and value.strip():
                    found.add((name, value.strip()))
            continue
        if name in names and child.text and child.text.strip():
            found.add(("groupId" if name == "GroupId" else name, child.text.strip()))
    return frozenset(found)


@dataclass
class Replay:
    """Stored response commands (serialised) by request base name and keys."""

    answers: dict[tuple[str, Keys], bytes] = field(default_factory=dict)
    versions: dict[str, set[str]] = field(default_factory=dict)  # base → request type names
    documents: int = 0
    skipped: list[str] = field(default_factory=list)  # responses that could not be indexed

    def knows(self, request_type: str) -> bool:
        return request_type in self.versions.get(base_of(request_type), set())

    def answer(self, request_type: str, keys: Keys) -> bytes | None:
        return self.answers.get((base_of(request_type), keys))

    def _add(self, request_type: str, keys: Keys, response: etree._Element) -> None:
        base = base_of(request_type)
        self.versions.setdefault(base, set()).add(request_type)
        # The first saved answer wins, as the first description wins in extract.
        self.answers.setdefault((base, keys), etree.tostring(response))


def _files(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            yield Path(folder) / name


def _commands(path: Path) -> list[etree._Element]:
    tree = etree.parse(str(path), _PARSER)
    return [c for c in tree.getroot() if type(c.tag) is str and c.tag.endswith("command")]


def load(root: Path) -> Replay:
    """Index the export folder ``root``; unreadable documents are listed, not fatal."""
    replay = Replay()
    standalone: list[tuple[Path, etree._Element]] = []
    for path in _files(root):
        name = path.name
        if not name.endswith(".xml"):
            continue
        if name.endswith(RESPONSE_SUFFIX):
            request_path = path.with_name(name[: -len(RESPONSE_SUFFIX)])
            try:
                responses = _commands(path)
                requests = _commands(request_path) if request_path.is_file() else None
            except (etree.XMLSyntaxError, OSError) as err:
                replay.skipped.append(f"{path}: {err}")
                continue
            replay.documents += 1
            if requests is None:
                standalone.extend((path, r) for r in responses)
                continue
            for request, response in zip(requests, responses, strict=False):
                replay._add(local_type(request), keys_of(request), response)
        elif not path.with_name(name + RESPONSE_SUFFIX).is_file():
            try:
                commands = _commands(path)
            except (etree.XMLSyntaxError, OSError) as err:
                replay.skipped.append(f"{path}: {err}")
                continue
            replay.documents += 1
            standalone.extend(
                (path, c) for c in commands if base_of(local_type(c)).endswith("Response")
            )
    for path, response in standalone:
        _add_standalone(replay, path, response)
    _derive_pack_lists(replay)
    return replay


def _derive_pack_lists(replay: Replay) -> None:
    """Answer a provider's service pack list from the pack details the export holds.

    Exports rarely save the list itself, but a server always answers it; a
    client discovers pack names with it.
    """
    packs: dict[str, list[str]] = {}
    for (base, keys), _answer in replay.answers.items():
        if base == "ServiceProviderServicePackGetDetailListRequest":
            named = dict(keys)
            if "serviceProviderId" in named and "servicePackName" in named:
                packs.setdefault(named["serviceProviderId"], []).append(named["servicePackName"])
    request = "ServiceProviderServicePackGetListRequest"
    for sp, names in packs.items():
        element = etree.Element("command")
        element.set(XSI_TYPE, "ServiceProviderServicePackGetListResponse")
        for name in sorted(names):
            etree.SubElement(element, "servicePackName").text = name
        replay._add(request, frozenset({("serviceProviderId", sp)}), element)


def _add_standalone(replay: Replay, path: Path, response: etree._Element) -> None:
    response_type = local_type(response)
    base = base_of(response_type)
    if not base.endswith("Response") or base in ("ErrorResponse", "SuccessResponse"):
        replay.skipped.append(f"{path}: {response_type} without its request")
        return
    request_type = response_type.replace("Response", "Request", 1)
    request_base = base_of(request_type)
    names = REQUEST_KEYS.get(request_base)
    keys = keys_of(response, frozenset(names) if names else KEY_NAMES)
    if names and len(keys) < len(names):
        replay.skipped.append(f"{path}: {response_type} does not echo its keys")
        return
    replay._add(request_type, keys, response)
