"""The export a live walk writes: every request beside its response, plus the walk's state.

Each request gets a path of its own from what it asks (``provider/SP/groups/
G/users/U/UserGet.xml``), so a re-run finds what is already saved and asks
only for the rest. A pair is written request first, then response, each
under a temporary name renamed into place: a response file exists only
when both are whole, whatever killed the previous run.

``oci-walk.jsonl`` (not ``.xml``, so ``extract`` lists it as ignored) keeps
the versions the server answered and the optional requests it declined.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from migrate.errors import PreconditionError
from migrate.extract.oci.wire import Answer, Dropped, read_answer
from migrate.extract.reader import RESPONSE_SUFFIX

STATE_FILE = "oci-walk.jsonl"
_UNSAFE = re.compile(r"[^A-Za-z0-9._@+=-]")
_NAME_MAX = 120


def safe_name(value: str) -> str:
    """A file name for an id: readable, reversible enough, never a path or a dot file."""
    name = _UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", value)
    if name.startswith("."):
        name = "%2E" + name[1:]
    if len(name) > _NAME_MAX or not name:
        name = name[:80] + "~" + hashlib.sha256(value.encode()).hexdigest()[:16]
    return name


class SavedExport:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.versions: dict[str, str] = {}
        self.unanswered: set[str] = set()
        self.unsupported: set[str] = set()  # request types the server does not know
        self.scope: dict[str, Any] | None = None
        self._state = root / STATE_FILE
        if self._state.is_file():
            for line in self._state.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line a kill cut short
                if "version" in entry:
                    self.versions[entry["version"]] = entry["type"]
                elif "unanswered" in entry:
                    self.unanswered.add(entry["unanswered"])
                elif "unsupported" in entry:
                    self.unsupported.add(entry["unsupported"])
                elif "scope" in entry:
                    self.scope = entry["scope"]
        self._log = self._state.open("a", encoding="utf-8")
        for leftover in root.rglob(".*.part"):
            leftover.unlink(missing_ok=True)

    def path(self, place: Iterable[str], name: str) -> Path:
        return self.root.joinpath(*(safe_name(p) for p in place), f"{name}.xml")

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def load(self, path: Path) -> Answer | None:
        response = path.with_name(path.name + RESPONSE_SUFFIX)
        try:
            return read_answer(response.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError, Dropped):
            return None  # unreadable: asked again and replaced

    def save(self, path: Path, request: bytes, answer: Answer) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._write(path, request)
        self._write(path.with_name(path.name + RESPONSE_SUFFIX), answer.raw)

    def _write(self, final: Path, data: bytes) -> None:
        # One walk writes one path once, so a name per process is unique enough.
        part = final.with_name(f".{final.name}.{os.getpid()}.part")
        part.write_bytes(data)
        os.replace(part, final)

    def remember(self, entry: dict[str, Any]) -> None:
        self._log.write(json.dumps(entry, sort_keys=True) + "\n")
        self._log.flush()

    def confirm_version(self, base: str, type_name: str) -> None:
        if self.versions.get(base) != type_name:
            self.versions[base] = type_name
            self.remember({"version": base, "type": type_name})

    def mark_unsupported(self, type_name: str) -> None:
        if type_name not in self.unsupported:
            self.unsupported.add(type_name)
            self.remember({"unsupported": type_name})

    def claim(self, scope: dict[str, Any]) -> None:
        """Refuse to mix two customers' walks in one folder."""
        if self.scope is not None and self.scope != scope:
            raise PreconditionError(
                f"{self.root}: holds the walk of {self.scope}, not {scope}; "
                "use another workspace, or delete the folder to start over"
            )
        if self.scope is None:
            self.scope = scope
            self.remember({"scope": scope})

    def decline(self, path: Path, type_name: str, keys: dict[str, str], summary: str) -> None:
        relative = self.relative(path)
        self.unanswered.add(relative)
        self.remember({"unanswered": relative, "type": type_name, "keys": keys, "summary": summary})

    def close(self) -> None:
        self._log.close()
