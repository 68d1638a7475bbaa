"""``reports/devices.xlsx``: the device move sheet.

One row per BroadWorks access device: its MAC, BroadWorks name and type, the
Webex model, the owner, the Webex device id and status, and what the
engineer must still do on the phone or on BroadWorks' device management to
re-point it. Works after ``map`` (status "planned"/"not migrated"), after
``plan`` (adds "left alone") and after ``load`` (the journal's outcome).
It only reads: a workspace without a journal does not get one.

Above ``split_rows`` rows (devices and workspaces) it is an index
(:mod:`migrate.reports.parts`): the summary, what belongs to no customer, and
a *Workbooks* sheet with each customer's counts, customers with a failed
device first; each customer's rows go to ``reports/devices/<customer>.xlsx``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate.load.journal import Journal, JournalAction
from migrate.plan import model as wm
from migrate.plan.actions import CREATE_DEVICE, CREATE_WORKSPACE, action_key
from migrate.plan.builder import Plan
from migrate.plan.builder import read as read_plan
from migrate.reports.parts import (
    Part,
    key_values,
    write_parts,
    write_whole,
)
from migrate.reports.xlsx import Column, SheetSpec
from migrate.workspace import Workspace

DEVICES_REPORT = "devices.xlsx"
# The actions whose outcome the workbook shows: a caller passes these, not the journal.
JOURNALED = (CREATE_DEVICE, CREATE_WORKSPACE)

PLANNED = "planned"
NOT_MIGRATED = "not migrated"
LEFT_ALONE = "left alone"

_BROADWORKS_STEP = (
    "On BroadWorks, delete the device (or its device-management profile) so it "
    "stops serving this phone its old configuration."
)
_ON_THE_PHONE = {
    "cisco": "Factory-reset the phone: it finds Webex by its MAC (Cisco activation/EDOS) and "
    "downloads its new configuration.",
    "ata": "Factory-reset the ATA: it finds Webex by its MAC (Cisco activation/EDOS); "
    "re-check each analogue port's line in Control Hub.",
    "poly": "Point the phone's provisioning server at Webex (or factory-reset it so zero-touch "
    "provisioning redirects it), then check it registers.",
    "generic": "Customer-managed: in Control Hub open the device, take its SIP credentials "
    "(user, password, outbound proxy) and configure them on the phone by hand or "
    "through the phone's own provisioning server.",
}
_BY_KIND = {
    "soft_client": "Uninstall the UC-One / BroadWorks client; the user signs in to the Webex "
    "App with their Webex account.",
    "unsupported": "Replace the phone with a Webex-supported model (an ATA 191/192 for "
    "analogue ports), then add it by MAC or activation code.",
    "trunk": "Rebuild as a Local Gateway / trunk and route group in Control Hub.",
    "unknown": "Make the phone register (its User-Agent tells the model) or add a "
    "devices.csv rule, then re-run map and plan.",
}


@dataclass
class DeviceRow:
    values: list[Any]
    status: str


def _family(model: str | None) -> str:
    text = (model or "").casefold()
    if "generic" in text:
        return "generic"
    if "cisco 19" in text:
        return "ata"
    if "cisco" in text:
        return "cisco"
    return "poly"


def _todo(device: wm.Device, status: str, error: str | None) -> str:
    steps: list[str] = []
    if status in ("created", "adopted"):
        steps = [_BROADWORKS_STEP, _ON_THE_PHONE[_family(device.model)]]
    elif status == "failed":
        steps = [f"Fix the error ({error or 'see load.xlsx'}), then `migrate retry`."]
    elif status in ("skipped", "parked", "pending", "started"):
        steps = ["Waits for its owner or customer: `migrate retry` once they are done."]
    elif status == LEFT_ALONE:
        steps = [
            f"Left alone by the plan ({error}): fix that in review.xlsx, then run map, "
            "plan and load again; until then the phone stays on BroadWorks."
        ]
    elif status == "rolled back":
        steps = ["Rolled back: the phone still belongs to BroadWorks; change nothing on it."]
    elif status == PLANNED:
        steps = [
            "After `migrate load`: " + _BROADWORKS_STEP[0].lower() + _BROADWORKS_STEP[1:],
            _ON_THE_PHONE[_family(device.model)],
        ]
    elif device.kind in _BY_KIND:
        steps = [_BY_KIND[device.kind]]
    elif not device.mac:
        steps = [
            "Read the MAC from the phone's label or menu and add the phone by MAC or "
            "activation code in Control Hub after the move."
        ]
    else:
        steps = [
            f"{device.reason or 'Not migrated'}: add the phone in Control Hub once that is fixed."
        ]
    if device.shared_lines and status not in (NOT_MIGRATED, "rolled back"):
        steps.append(
            "The load adds the shared line(s) of "
            + ", ".join(device.shared_lines)
            + " to the device (ports 2 on); lines it cannot carry are on Not migrated."
        )
    return " ".join(steps)


def _status(
    device: wm.Device, journaled: JournalAction | None, left: dict[str, str]
) -> tuple[str, str | None]:
    if not device.migrate:
        return NOT_MIGRATED, device.reason
    if device.id in left:
        return LEFT_ALONE, left[device.id]
    if journaled is None:
        return PLANNED, None
    if journaled.state == "succeeded":
        return ("adopted" if journaled.adopted else "created"), None
    if journaled.state == "rolled_back":
        return "rolled back", None
    return journaled.state, (
        f"{journaled.error_code}: {journaled.error_message}"
        if journaled.error_code
        else journaled.error_message
    )


def write_devices_report(
    workspace: Path,
    path: Path,
    plan: Plan | None = None,
    actions: list[JournalAction] | None = None,
    split_rows: int | None = None,
) -> Path:
    """Write ``path`` (normally ``<reports>/devices.xlsx``) from the model, plan and journal.

    A caller that holds the plan and the journal's actions passes them; the
    others are read from the workspace when it has them.
    """
    ws = Workspace(workspace)
    if plan is None and ws.has_plan():
        plan = read_plan(workspace)
    if actions is None and ws.has_journal():
        with Journal(workspace) as journal:
            actions = journal.actions(types=JOURNALED, outcomes_only=True)
    devices = sorted(wm.read(workspace, "devices"), key=lambda d: d.id)
    workspaces = sorted(wm.read(workspace, "workspaces"), key=lambda w: w.id)
    left: dict[str, str] = {}
    if plan is not None:
        left = {
            item.key: item.reason
            for item in plan.left_alone
            if item.entity in ("device", "workspace")
        }
    journaled = {a.key: a for a in actions or [] if a.type in JOURNALED}

    rows: list[DeviceRow] = []
    for device in devices:
        action = journaled.get(action_key(CREATE_DEVICE, device.id))
        status, detail = _status(device, action, left)
        result = (action.result or {}) if action else {}
        owner_id = result.get("personId") or result.get("workspaceId")
        rows.append(
            DeviceRow(
                [
                    device.customer_id,
                    device.location_id,
                    device.device_name,
                    device.device_type,
                    device.mac,
                    device.mac_raw,
                    device.model,
                    device.kind,
                    device.owner,
                    device.owner_kind,
                    device.shared_lines,
                    result.get("deviceId"),
                    owner_id,
                    status,
                    detail,
                    _todo(device, status, detail),
                    device.evidence,
                ],
                status,
            )
        )
    order = {"failed": 0, LEFT_ALONE: 1, NOT_MIGRATED: 2}
    rows.sort(key=lambda r: (order.get(r.status, 3), r.values[0], r.values[2]))
    places = [_workspace_row(place, journaled, left) for place in workspaces]
    counts = Counter(r.status for r in rows)
    summary = key_values(
        "Summary",
        [
            ("Workspace", str(workspace)),
            ("BroadWorks devices", len(rows)),
            *[(f"Devices {status}", n) for status, n in sorted(counts.items())],
            ("Workspaces (common-area phones)", len(workspaces)),
            (
                "Read me",
                "One row per BroadWorks device. 'What to do' is the engineer's "
                "remaining work on the phone and in BroadWorks device management.",
            ),
        ],
    )
    if split_rows is None or len(rows) + len(places) <= split_rows:
        write_whole(path, [summary, *_sheets(rows, places)])
        return path
    mine: dict[str, tuple[list[DeviceRow], list[list[Any]]]] = {}
    for row in rows:
        mine.setdefault(row.values[0] or "", ([], []))[0].append(row)
    for place in places:
        mine.setdefault(place[0] or "", ([], []))[1].append(place)
    of_none = mine.pop("", ([], []))

    def failed(customer: str) -> int:
        return sum(r.status == "failed" for r in mine[customer][0])

    def parts() -> Iterator[Part]:
        for customer in sorted(mine, key=lambda c: (failed(c) == 0, c)):
            theirs, their_places = mine[customer]
            statuses = Counter(r.status for r in theirs)
            tally = [len(theirs), failed(customer), statuses[LEFT_ALONE], statuses[NOT_MIGRATED]]
            yield Part(customer, _sheets(theirs, their_places), [*tally, len(their_places)])

    write_parts(path, [summary, *_sheets(*of_none)], _COUNT_COLUMNS, parts())
    return path


_DEVICE_COLUMNS = [
    Column("Customer", width=22),
    Column("Location", width=26),
    Column("BroadWorks device", width=26),
    Column("BroadWorks type", width=30),
    Column("MAC", width=14),
    Column("MAC (BroadWorks)", width=18),
    Column("Webex model", width=30),
    Column("Kind", width=11),
    Column("Owner (BroadWorks user)", width=32),
    Column("Owner kind", width=11),
    Column("Shared lines (carried)", width=32),
    Column("Webex device id", width=44),
    Column("Webex owner id", width=44),
    Column("Status", width=13),
    Column("Reason / error", width=50),
    Column("What to do", width=90),
    Column("Evidence", width=50),
]
_WORKSPACE_COLUMNS = [
    Column("Customer", width=22),
    Column("Location", width=26),
    Column("BroadWorks user", width=32),
    Column("Workspace name", width=26),
    Column("Phone number", width=16),
    Column("Extension", width=10),
    Column("Devices", width=40),
    Column("Webex workspace id", width=44),
    Column("Status", width=13),
    Column("Reason / error", width=50),
]
_COUNT_COLUMNS = [
    Column("Devices", width=10),
    Column("Failed", width=8, note="listed first in the customer's workbook"),
    Column("Left alone", width=11),
    Column("Not migrated", width=13),
    Column("Workspaces", width=11),
]


def _sheets(rows: Sequence[DeviceRow], places: Sequence[list[Any]]) -> list[SheetSpec]:
    """``rows`` failed first, as the Devices sheet lists them."""
    return [
        SheetSpec("Devices", _DEVICE_COLUMNS, lambda: (row.values for row in rows)),
        SheetSpec("Workspaces", _WORKSPACE_COLUMNS, lambda: iter(places)),
    ]


def _workspace_row(
    place: wm.Workspace, journaled: dict[str, JournalAction], left: dict[str, str]
) -> list[Any]:
    action = journaled.get(action_key(CREATE_WORKSPACE, place.id))
    if place.id in left:
        status, detail = LEFT_ALONE, left[place.id]
    elif action is None:
        status, detail = PLANNED, None
    elif action.state == "succeeded":
        status, detail = ("adopted" if action.adopted else "created"), None
    elif action.state == "rolled_back":
        status, detail = "rolled back", None
    else:
        status, detail = action.state, action.error_message
    return [
        place.customer_id,
        place.location_id,
        place.id,
        place.name,
        place.phone_number,
        place.extension,
        place.devices,
        (action.result or {}).get("workspaceId") if action else None,
        status,
        detail,
    ]
