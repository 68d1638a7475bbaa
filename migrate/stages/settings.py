"""What the common options resolved to; every stage function takes it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from migrate.workspace import Workspace

DEFAULT_API_URL = "https://webexapis.com/v1"


@dataclass(frozen=True)
class Settings:
    workspace: Path
    reports: Path
    config: Path | None = None
    mappings: Path | None = None
    sandbox: bool = False
    api_url: str = DEFAULT_API_URL
    json: bool = False
    verbose: int = 0

    @property
    def ws(self) -> Workspace:
        return Workspace(self.workspace)
