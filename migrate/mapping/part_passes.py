"""One part's pass one and pass two, in whichever process of a map by parts does it.

Each takes paths and small values and leaves the part's model in its spill
file, so the worker (``shared_parts``) can do it as well as the process that
runs the map; what it returns is what that process files in order: the
part's MACs and claims, or its rows for the model files.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate.config import Config
from migrate.mapping import workspaces
from migrate.mapping.context import BuildContext
from migrate.mapping.devices import MacIndex
from migrate.mapping.holders import Claims, Holders, claims_of
from migrate.mapping.mapper import finalize_customers, map_records
from migrate.mapping.model import Model
from migrate.mapping.ordered_records import record_rows
from migrate.mapping.tables import Tables
from migrate.plan.model import Issue


@dataclass
class MappedPart:
    """What the run keeps of a part that pass one mapped and spilled."""

    macs: dict[str, str]  # MAC → the part's first device with it, in the order they came
    claims: Claims
    customers: list[str]
    locations: list[str]
    subscribers: int


def map_part(
    folder: Path,
    spill: Path,
    tables: Tables,
    config: Config,
    fingerprint: str,
    by_mac: MacIndex | None = None,
) -> MappedPart:
    """Pass one for the part whose inventory is ``folder``: mapped and spilled.

    ``by_mac``: the MACs of the parts before it. Without it the part's MACs are
    held against its own only: the same mapping unless an earlier part has one
    of them, which the run checks (and then maps the part again with them)."""
    macs: dict[str, str] = {}
    ctx = BuildContext(folder, tables, config)
    ctx.model.inventory_fingerprint = fingerprint
    map_records(ctx, macs if by_mac is None else by_mac)
    model = ctx.model
    write_spill(spill, model)
    return MappedPart(
        macs, claims_of(model), list(model.customers), list(model.locations), len(model.subscribers)
    )


def finalize_part(
    spill: Path, holders: Holders, tables: Tables, config: Config
) -> tuple[dict[str, list[tuple[Any, ...]]], list[tuple[str, Issue]]]:
    """Pass two for the part spilled to ``spill``: finalized and spilled again; its rows
    for the model files and its issues of no customer."""
    model = read_spill(spill)
    finalize_customers(model, tables, config, holders)
    workspaces.derive(model)  # places → workspaces, device owners
    rows = record_rows(model)
    write_spill(spill, model)
    strays = [
        (issue_id, issue)
        for issue_id, issue in model.issues.items.items()
        if issue.customer_id not in model.customers
    ]
    return rows, strays


def write_spill(path: Path, model: Model) -> None:
    with path.open("wb") as handle:
        pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)


def read_spill(path: Path) -> Model:
    """A part's model as its spill file holds it."""
    with path.open("rb") as handle:
        model: Model = pickle.load(handle)  # noqa: S301 - this run's own spill file
    return model
