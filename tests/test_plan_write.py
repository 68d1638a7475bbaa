"""plan.json is streamed to disk: the same bytes ``json.dumps`` gives, read back whole."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from migrate.plan import builder
from migrate.plan.actions import Action
from migrate.plan.builder import CustomerPart, LeftAlone
from migrate.plan.diff import Change
from migrate.plan.jsonfile import write_json
from migrate.plan.stream import PlanStreams
from migrate.reports.plan_report import _customer_ordered


def test_a_streamed_plan_is_byte_for_byte_the_dumped_one(tmp_path: Path) -> None:
    actions = [
        Action(
            f"create_subscriber:c{n % 7}:u{n}",
            "create_subscriber",
            f"c{n % 7}",
            n,
            {"body": {"email": f"zoë{n}@example.com", "firstName": "Zoë", "n": n}},
            depends_on=(f"create_customer:c{n % 7}",),
            summary="é" * 40,
        )
        for n in range(6000)  # over a megabyte: the buffer is written several times
    ]
    plan = builder.Plan(actions, [], {"model": "abc"}, "f" * 64, "2026-01-01T00:00:00+00:00")
    path = builder.write(plan, tmp_path)
    expected = json.dumps(plan.to_dict(), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    assert path.stat().st_size > 1 << 20
    assert path.read_bytes() == expected.encode("utf-8")
    again = builder.read(tmp_path)
    assert [a.to_dict() for a in again.actions] == [a.to_dict() for a in actions]


def test_a_document_of_iterators_and_a_late_value_is_the_dumped_one(tmp_path: Path) -> None:
    seen: list[str] = []

    def items() -> Iterator[dict[str, Any]]:
        for n in range(3):
            seen.append(f"n{n}")
            yield {"n": n, "deep": {"z": [1, {"ü": None}], "a": []}, "text": "line\nbreak"}

    late = {"counted": seen}  # filled in only once the list before it is written
    document: dict[str, Any] = {
        "b_items": items(),
        "c_late": lambda: dict(late),
        "a_empty": iter(()),
        "d_plain": {"x": [1.5, True, "é"]},
    }
    path = write_json(tmp_path / "doc.json", document)
    expected = {
        "a_empty": [],
        "b_items": [
            {"n": n, "deep": {"z": [1, {"ü": None}], "a": []}, "text": "line\nbreak"}
            for n in range(3)
        ],
        "c_late": {"counted": ["n0", "n1", "n2"]},
        "d_plain": {"x": [1.5, True, "é"]},
    }
    dumped = json.dumps(expected, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    assert path.read_text(encoding="utf-8") == dumped


def test_streams_by_customer_take_each_customers_removals_and_left_together(
    tmp_path: Path,
) -> None:
    from_part = [
        CustomerPart(
            c,
            [],
            [Change(c, "subscriber", f"{c}-kept", "create")],
            [LeftAlone(c, "subscriber", f"{c}-left", "blocked")],
            [LeftAlone(c, "number", f"{c}-number", "not a customer's")],
        )
        for c in ("a", "b")
    ]
    streams = PlanStreams(tmp_path)
    for part in from_part:
        streams.add(part)
    streams.finish([(Change(c, "subscriber", f"{c}-gone", "remove"), None) for c in ("b", "a")])

    in_plan = [c["key"] for c in streams.iter_changes()]
    assert in_plan == ["a-kept", "b-kept", "b-gone", "a-gone"]
    by_customer = [c["key"] for c in streams.iter_changes(by_customer=True)]
    assert by_customer == ["a-kept", "a-gone", "b-kept", "b-gone"]
    assert [i["key"] for i in streams.iter_left()] == ["a-number", "b-number", "a-left", "b-left"]
    left = [i["key"] for i in streams.iter_left(by_customer=True)]
    assert left == ["a-number", "a-left", "b-number", "b-left"]


def test_a_streamed_plans_rows_are_put_in_customer_order_keeping_their_own(
    tmp_path: Path,
) -> None:
    rows = [Change(c, "subscriber", f"{c}-{n}", "create") for n, c in enumerate("babca")]
    ordered = list(_customer_ordered(iter(rows), tmp_path / "scratch.sqlite"))
    assert [r.key for r in ordered] == ["a-1", "a-4", "b-0", "b-2", "c-3"]
    assert ordered[0] == rows[1]
