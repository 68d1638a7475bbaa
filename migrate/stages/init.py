"""``init``: a new migration project — an editable copy of the mapping tables and a
commented ``migrate.toml``.

The shipped tables live inside the package, so a non-editable install finds
them; ``init`` copies them out so a provider can edit its own.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import migrate
from migrate.errors import ExitCode, InputError, PreconditionError
from migrate.mapping.tables import shipped_dir

CONFIG_NAME = "migrate.toml"
MAPPINGS_NAME = "mappings"


def config_template() -> Path:
    """The commented configuration every key of which is explained."""
    return Path(migrate.__file__).resolve().parent / "data" / "migrate.toml.example"


@dataclass
class InitResult:
    directory: Path
    written: list[Path] = field(default_factory=list)
    error: str | None = None

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK

    def to_dict(self) -> dict[str, Any]:
        return {"directory": str(self.directory), "written": [str(p) for p in self.written]}


def init(directory: Path, *, force: bool = False) -> InitResult:
    """Write ``DIR/migrate.toml`` and ``DIR/mappings/*``; refuse (exit 3) to overwrite a file
    that is already there unless ``force``, naming it, before anything is written."""
    if directory.exists() and not directory.is_dir():
        raise InputError(f"{directory}: not a folder")
    sources = sorted(p for p in shipped_dir().iterdir() if p.is_file())
    targets = [(config_template(), directory / CONFIG_NAME)] + [
        (source, directory / MAPPINGS_NAME / source.name) for source in sources
    ]
    if not force:
        present = [target for _, target in targets if target.exists()]
        if present:
            raise PreconditionError(
                f"{present[0]}: already exists ({len(present)} of the project's files do); "
                "nothing written (--force overwrites them)"
            )
    result = InitResult(directory)
    for source, target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        result.written.append(target)
    return result
