"""plan.json is streamed to disk: the same bytes ``json.dumps`` gives, read back whole."""

from __future__ import annotations

import json
from pathlib import Path

from migrate.plan import builder
from migrate.plan.actions import Action


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
