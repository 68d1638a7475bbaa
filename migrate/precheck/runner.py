"""``migrate precheck`` as a library call: local rules, then (optionally) Webex validate."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate.config import load_config
from migrate.plan import builder
from migrate.plan import model as wm
from migrate.precheck.devices import device_findings
from migrate.precheck.remote import validate
from migrate.precheck.rules import Finding, check_model, from_map_issues
from migrate.webex import Webex


@dataclass
class PrecheckResult:
    findings: list[Finding]
    checked: dict[str, int]
    passed: list[tuple[str, str, str]]  # (entity, key, customer) with no blocker
    remote_calls: int = 0
    remote_passed: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def blockers(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "blocker"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "blockers": len(self.blockers),
            "warnings": len(self.findings) - len(self.blockers),
            "checked": self.checked,
            "passed": len(self.passed),
            "remote_calls": self.remote_calls,
            "remote_passed": self.remote_passed,
            "seconds": round(self.seconds, 2),
            "by_rule": self.counts,
            "findings": [vars(f) for f in self.findings],
        }


def saved_findings(saved: dict[str, Any]) -> list[Finding]:
    """The findings of a result kept with ``PrecheckResult.to_dict()``."""
    return [Finding(**finding) for finding in saved.get("findings", [])]


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str, str, str]] = set()
    kept = []
    for finding in findings:
        ident = (finding.severity, finding.rule, finding.entity, finding.key)
        if ident not in seen:
            seen.add(ident)
            kept.append(finding)
    return sorted(
        kept, key=lambda f: (f.severity != "blocker", f.customer or "", f.entity, f.key, f.rule)
    )


async def run_precheck(
    workspace: Path,
    config_path: Path | None,
    mappings: Path | None,
    webex: Webex | None,
    *,
    needs_token: bool,
    token_present: bool,
) -> PrecheckResult:
    started = time.perf_counter()
    config = load_config(config_path)
    customers = list(wm.read(workspace, "customers"))
    locations = list(wm.read(workspace, "locations"))
    subscribers = list(wm.read(workspace, "subscribers"))
    issues = list(wm.read(workspace, "issues"))
    findings = from_map_issues(issues)
    findings += check_model(
        customers,
        locations,
        subscribers,
        provisioning_id=config.provisioning_id,
        needs_token=needs_token,
        token_present=token_present,
        features=wm.read(workspace, "call_features"),
    )
    remote_calls = remote_passed = 0
    actions = None
    if webex is not None:
        actions = builder.build(workspace, config_path, mappings).actions
        remote, remote_passed = await validate(webex, actions)
        remote_calls = remote_passed + len(remote)
        findings += remote
    devices = list(wm.read(workspace, "devices"))
    found, answered, refused = await device_findings(webex, devices, actions)
    findings += found
    remote_calls += answered + refused
    remote_passed += answered
    findings = _dedupe(findings)
    blocked = {(f.entity, f.key) for f in findings if f.severity == "blocker"}
    passed = [
        (entity, obj.id, getattr(obj, "customer_id", None) or obj.id)
        for entity, objects in (
            ("customer", customers),
            ("location", locations),
            ("subscriber", subscribers),
        )
        for obj in objects
        if (entity, obj.id) not in blocked
    ]
    return PrecheckResult(
        findings=findings,
        checked={
            "customers": len(customers),
            "locations": len(locations),
            "subscribers": len(subscribers),
        },
        passed=passed,
        remote_calls=remote_calls,
        remote_passed=remote_passed,
        seconds=time.perf_counter() - started,
        counts=dict(sorted(Counter(f"{f.severity}:{f.rule}" for f in findings).items())),
    )
