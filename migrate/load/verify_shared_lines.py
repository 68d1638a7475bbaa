"""``verify`` for shared call appearances: read each phone's members back.

Every line an ``add_shared_lines`` put on a phone must be there, on its port, as a
shared call appearance. Read-only: one ``GET .../members`` per phone. What differs
is returned as the fields of verify's ``Difference`` (its problem names), which
verify completes with the customer and this kind.
"""

from __future__ import annotations

import functools
from typing import Any

from migrate.load import journal as jr
from migrate.plan.actions import ADD_SHARED_LINES, Action, is_ref
from migrate.webex import Webex, WebexError
from migrate.webex.devices import SHARED_CALL_APPEARANCE

SHARED_LINE = "shared_line"
Finding = dict[str, Any]


def _resolved(value: Any, results: dict[str, dict[str, Any]]) -> Any:
    if is_ref(value):
        return (results.get(value["$ref"]) or {}).get(value["field"])
    return value


def _finding(
    device: str,
    base: dict[str, Any],
    line: dict[str, Any],
    problem: str,
    message: str,
    **more: Any,
) -> Finding:
    key = f"{device}/{line['port']}"
    return {"key": key, "problem": problem, "message": message, **base, **more}


async def verify_shared_lines(
    webex: Webex,
    actions: dict[str, Action],
    states: dict[str, str],
    results: dict[str, dict[str, Any]],
) -> tuple[list[Finding], int, int]:
    """Differences, lines compared, lines found as planned."""
    out: list[Finding] = []
    checked = matched = 0
    for action in sorted(actions.values(), key=lambda a: a.key):
        if action.type != ADD_SHARED_LINES:
            continue
        state = states.get(action.key, jr.PENDING)
        if state == jr.ROLLED_BACK:
            continue  # the phone's earlier lines are back: nothing of ours to find
        device = str(action.payload["fields"]["device"])
        shown: list[dict[str, Any]] = action.payload["fields"]["members"]
        device_id = _resolved(action.payload["deviceId"], results)
        checked += len(shown)
        base = {"action": action.key, "journal_state": state, "webex_id": device_id}
        finding = functools.partial(_finding, device, base)
        if state != jr.SUCCEEDED or not device_id:
            out += [
                finding(line, "missing", f"{line['user']} was not added (journal: {state})")
                for line in shown
            ]
            continue
        try:
            org_id = _resolved(action.payload["orgId"], results)
            found = (await webex.devices.members(device_id, org_id=org_id)).members
        except WebexError as err:
            out += [finding(line, "unread", f"could not read the lines: {err}") for line in shown]
            continue
        by_port = {int(m.get("port") or 0): m for m in found}
        for line, member in zip(shown, action.payload["members"], strict=True):
            there = by_port.get(int(line["port"]))
            expected = {"field": "member", "expected": line["user"]}
            if there is None:
                out.append(finding(line, "missing", f"port {line['port']} is empty", **expected))
            elif (
                there.get("id") != _resolved(member["id"], results)
                or there.get("lineType") != SHARED_CALL_APPEARANCE
            ):
                actual = f"{there.get('firstName', '')} {there.get('lastName', '')}".strip()
                out.append(
                    finding(
                        line,
                        "different",
                        f"port {line['port']} holds another line",
                        actual=f"{actual or there.get('id')} ({there.get('lineType')})",
                        **expected,
                    )
                )
            else:
                matched += 1
    return out, checked, matched
