"""Synthetic BroadWorks exports of any size, for benchmarks and scale tests (DESIGN §2)."""

from __future__ import annotations

from migrate.synthetic.generator import MANIFEST_NAME, SyntheticResult, generate

__all__ = ["MANIFEST_NAME", "SyntheticResult", "generate"]
