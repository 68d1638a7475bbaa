"""The extract stage: export → ``<workspace>/inventory`` (DESIGN §3, §4).

Every document is streamed once; every command goes to the parser of its
type; records are staged on disk and merged per key at the end; the new
inventory replaces the old one only when it is complete. Problems never
stop the stage: each becomes a warning naming the file, the command and the
field, and the exit status says whether anything was dropped.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import json
import os
import time
import zipfile
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from migrate import __version__, inventory
from migrate.errors import ExitCode, where
from migrate.extract.dump import dump
from migrate.extract.envelope import CommandType, command_type, error_code, text, to_data
from migrate.extract.numbers import DEFAULT_MAX_RANGE
from migrate.extract.parsers import PARSERS, Context, MissingKey
from migrate.extract.parsers.user_settings import is_user_get, not_understood_message
from migrate.extract.reader import Document, Export
from migrate.extract.staging import owned, remove_stale_staging
from migrate.extract.store import (
    Conflict,
    Row,
    encode,
    fold_shards,
    index_shard,
    split_key,
    stage_rows,
)
from migrate.extract.workers import Workers
from migrate.extract.xmlsafe import NotOCIDocument, UnsafeDocument, iter_commands, parse_small
from migrate.extract.zipindex import Entry
from migrate.workspace import staged_dir

REQUEST_KEYS = frozenset(
    (
        "serviceProviderId",
        "groupId",
        "GroupId",
        "userId",
        "deviceName",
        "serviceUserId",
        "servicePackName",
        "phoneNumber",  # a BroadWorks Anywhere location's number
        "name",  # a call park or pickup group's, within its group
        "scheduleName",  # inside scheduleKey
        "scheduleType",
        "eventName",
    )
)
# RuntimeError and NotImplementedError are how zipfile says an entry is
# encrypted or packed with a method it lacks; the reader refuses such zips up
# front, so these only catch what slips past its check.
_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,
    NotImplementedError,
)
# How many warnings the result spells out for the console; all of them are
# in warnings.jsonl and the report's Warnings sheet.
MESSAGE_LIMIT = 20
# Exports of one batch or less are parsed in this process: starting workers
# would cost more than it saves.
_BATCH_DOCUMENTS = 200
_SEQ_BITS = 24  # room for 16 million records per document (a DN range can be large)
_DOCUMENT_RECORDS = (1 << _SEQ_BITS) - 1


@dataclass
class ExtractResult:
    export: str
    inventory_dir: Path
    documents: int
    ignored_files: list[str]
    counts: dict[str, int]
    command_types: dict[str, int]
    unknown_commands: dict[str, int]
    warnings: dict[str, int]
    seconds: float
    started_at: str
    report: Path | None = None
    # The first MESSAGE_LIMIT warnings, worst first, each one line naming its file.
    messages: list[str] = field(default_factory=list)
    stale_removed: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.ITEMS_FAILED if self.warnings.get("error") else ExitCode.OK

    def as_dict(self) -> dict[str, Any]:
        return {
            "export": self.export,
            "inventory": str(self.inventory_dir),
            "documents": self.documents,
            "ignored_files": len(self.ignored_files),
            "counts": self.counts,
            "command_types": self.command_types,
            "unknown_commands": self.unknown_commands,
            "warnings": self.warnings,
            "seconds": round(self.seconds, 3),
            "report": str(self.report) if self.report else None,
            "exit_code": int(self.exit_code),
            "messages": self.messages,
            "stale_staging_removed": self.stale_removed,
        }


_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def warning_line(warning: dict[str, Any]) -> str:
    """One warning as the console shows it: ``error: file: record: field F: message``."""
    place = where(warning.get("file") or "?", warning.get("record"), warning.get("field"))
    return f"{warning.get('severity', 'warning')}: {place}: {warning.get('message', '')}"


def _messages(warnings: list[dict[str, Any]], limit: int = MESSAGE_LIMIT) -> list[str]:
    ranked = sorted(warnings, key=lambda w: _SEVERITY_RANK.get(w["severity"], 3))
    lines = [warning_line(w) for w in ranked[:limit]]
    if len(ranked) > limit:
        lines.append(f"... and {len(ranked) - limit} more in warnings.jsonl")
    return lines


@dataclass
class _Collector:
    """The parsers' sink for a run of documents: rows for the store, warnings, counters.

    Sequence numbers come from the document's place in the export, so the
    merged inventory is the same whichever process read which document.
    """

    file: str = ""
    # The command being read; its label is spelled out only when a warning needs it.
    command: Context | None = None
    seq: int = 0
    rows: list[Row] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    command_types: Counter[str] = field(default_factory=Counter)
    unknown: Counter[str] = field(default_factory=Counter)
    overflowed: bool = False

    @property
    def label(self) -> str | None:
        return None if self.command is None else self.command.label

    def record(self, entity: str, key: str, kind: str, data: dict[str, Any]) -> None:
        if self.seq & _DOCUMENT_RECORDS == _DOCUMENT_RECORDS:
            # One more would take the next document's sequence numbers and
            # scramble the merge order: the rest of this document is dropped.
            if not self.overflowed:
                self.overflowed = True
                self.warning(
                    "error",
                    "too-many-records",
                    f"the document holds more than {_DOCUMENT_RECORDS} records; "
                    "the rest were dropped",
                )
            return
        self.seq += 1
        self.rows.append((entity, key, kind, self.seq, self.file, encode(entity, data)))

    def warning(
        self,
        severity: str,
        code: str,
        message: str,
        field: str | None = None,
        oci_error_code: int | None = None,
        record: str | None = None,
        file: str | None = None,
    ) -> None:
        self.warnings.append(
            {
                "severity": severity,
                "code": code,
                "file": file if file is not None else self.file,
                "record": record if record is not None else self.label,
                "field": field,
                "message": " ".join(message.split()),
                "oci_error_code": oci_error_code,
            }
        )


def extract(
    export_path: Path,
    workspace: Path,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    max_range: int = DEFAULT_MAX_RANGE,
    shared: Workers | None = None,
) -> ExtractResult:
    """Extract ``export_path`` into ``workspace/inventory``; returns counts and warnings.

    Documents are parsed, and the merged entities written, by ``workers``
    processes (default: one per core, none for small exports). A DN
    range of more than ``max_range`` numbers is reported, not expanded.
    Staging folders a killed extract left behind are removed first.
    ``shared`` lends processes a caller uses again afterwards (the workbook).
    """
    if max_range < 1:
        raise ValueError(f"max_range must be at least 1, not {max_range}")
    started = time.perf_counter()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    final = inventory.inventory_dir(workspace)
    with Export(export_path) as export:
        stale = remove_stale_staging(final)
        with staged_dir(final) as staging, owned(staging):
            try:
                warnings, counts, documents, command_types, unknown = _read_all(
                    export, staging, progress, workers, max_range, shared
                )
            finally:
                for scratch in staging.glob(".*.sqlite"):
                    scratch.unlink()
            counts["warnings"] = inventory.write_jsonl(staging / "warnings.jsonl", warnings)
            severities = Counter(w["severity"] for w in warnings)
            result = ExtractResult(
                export=str(export_path),
                inventory_dir=final,
                documents=documents,
                ignored_files=export.ignored,
                counts=counts,
                command_types=dict(sorted(command_types.items())),
                unknown_commands=dict(sorted(unknown.items())),
                warnings=dict(sorted(severities.items())),
                seconds=0.0,
                started_at=started_at,
                messages=_messages(warnings),
                stale_removed=[str(path) for path in stale],
            )
            result.seconds = time.perf_counter() - started
            manifest = {
                "tool": f"bw2wholesale {__version__}",
                "started_at": started_at,
                **result.as_dict(),
                "ignored": export.ignored,
            }
            for console_only in ("inventory", "report", "messages", "stale_staging_removed"):
                manifest.pop(console_only)
            (staging / inventory.MANIFEST).write_text(
                json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                encoding="utf-8",
            )
    return result


def _read_all(
    export: Export,
    staging: Path,
    progress: Callable[[int], None] | None,
    workers: int | None,
    max_range: int,
    shared: Workers | None = None,
) -> tuple[list[dict[str, Any]], dict[str, int], int, Counter[str], Counter[str]]:
    """Parse every document into shards of records and dump the merged entities into ``staging``."""
    warnings: list[dict[str, Any]] = []
    documents = 0
    command_types: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    batches = _batches(export)
    first = next(batches, None)
    if workers is None:
        big = first is not None and len(first) == _BATCH_DOCUMENTS
        workers = len(os.sched_getaffinity(0)) if big else 1
    conflicts: list[Conflict] = []
    shards: set[Path] = set()
    with contextlib.ExitStack() as stack:
        pool = None
        if workers > 1:
            lent = shared if shared is not None else stack.enter_context(Workers(workers))
            pool = lent.pool()
        pending = itertools.chain([first] if first is not None else [], batches)
        for part in _parse_all(export, staging, pending, pool, workers, max_range):
            shards.add(part.shard)
            warnings.extend(part.warnings)
            command_types.update(part.command_types)
            unknown.update(part.unknown)
            documents += part.documents
            if progress is not None:
                progress(part.documents)
        sealed = fold_shards(sorted(shards))
        for _ in (map if pool is None else pool.map)(index_shard, sealed):
            pass  # each shard indexed, side by side where there are workers
        counts = dump(tuple(sealed), staging, conflicts, pool, workers)
    warnings.extend(_conflict_warning(conflict) for conflict in conflicts)
    warnings.sort(key=lambda w: (w["file"], w["record"] or "", w["code"], w["message"]))
    return warnings, counts, documents, command_types, unknown


@dataclass
class _Part:
    """What one batch of documents gave: picklable, so a worker can send it back.

    Its records stay in ``shard``, a file of the staging folder: ``rows``
    only holds them until they are staged there.
    """

    documents: int
    rows: list[Row]
    warnings: list[dict[str, Any]]
    command_types: Counter[str]
    unknown: Counter[str]
    shard: Path = Path()

    def staged(self, staging: Path) -> _Part:
        """This part with its rows moved to this process's shard in ``staging``."""
        self.shard = staging / f".rec-{os.getpid()}.sqlite"
        stage_rows(self.shard, self.rows)
        self.rows = []
        return self


def _batches(export: Export) -> Iterator[list[tuple[int, Document]]]:
    numbered = enumerate(export.documents())
    while batch := list(itertools.islice(numbered, _BATCH_DOCUMENTS)):
        yield batch


def _parse_all(
    export: Export,
    staging: Path,
    pending: Iterator[list[tuple[int, Document]]],
    pool: ProcessPoolExecutor | None,
    workers: int,
    max_range: int,
) -> Iterator[_Part]:
    if pool is None:
        for batch in pending:
            yield _parse_batch(export, batch, max_range).staged(staging)
        return
    # A bounded window of batches in flight: each result waits in memory until
    # this process takes it, so submitting everything at once would let memory
    # grow with the export.
    window: deque[Future[_Part]] = deque()
    for batch in itertools.islice(pending, workers * 2):
        window.append(pool.submit(_parse_batch_in_worker, export.path, batch, max_range, staging))
    while window:
        part = window.popleft().result()
        for batch in itertools.islice(pending, 1):
            window.append(
                pool.submit(_parse_batch_in_worker, export.path, batch, max_range, staging)
            )
        yield part


_WORKER_EXPORTS: dict[Path, Export] = {}


def _parse_batch_in_worker(
    path: Path, batch: list[tuple[int, Document]], max_range: int, staging: Path
) -> _Part:
    export = _WORKER_EXPORTS.get(path)
    if export is None:
        export = _WORKER_EXPORTS[path] = Export(path, scan=False)
    return _parse_batch(export, batch, max_range).staged(staging)


def _parse_batch(export: Export, batch: list[tuple[int, Document]], max_range: int) -> _Part:
    sink = _Collector()
    # A batch makes millions of small dicts and no reference cycles worth
    # chasing: the collector would rescan the growing rows over and over.
    # What cycles there are wait for the batch's end, a few megabytes at most.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for index, doc in batch:
            sink.seq = index << _SEQ_BITS
            _read_document(export, doc, sink, sink.command_types, sink.unknown, max_range)
    finally:
        if collecting:
            gc.enable()
    return _Part(len(batch), sink.rows, sink.warnings, sink.command_types, sink.unknown)


def _read_document(
    export: Export,
    doc: Document,
    sink: _Collector,
    command_types: Counter[str],
    unknown: Counter[str],
    max_range: int = DEFAULT_MAX_RANGE,
) -> None:
    sink.file, sink.command, sink.overflowed = doc.name, None, False
    requests: list[tuple[str, dict[str, str]]] = []
    if doc.request is not None:
        requests = _read_request(export, doc.request, sink, doc.request_entry)
        sink.file = doc.name
    index = 0
    try:
        with export.open(doc.name, doc.entry) as stream:
            for index, element in enumerate(iter_commands(stream), start=1):
                ctype = command_type(element)
                if ctype.is_request:
                    # A request without a response beside it: nothing to extract.
                    continue
                command_types[ctype.name] += 1
                request_type, keys = requests[index - 1] if index <= len(requests) else (None, {})
                ctx = Context(doc.name, index, ctype, keys, request_type, max_range)
                sink.command = ctx
                _dispatch(element, ctx, sink, unknown)
        if requests and index != len(requests):
            sink.warning(
                "warning",
                "command-count",
                f"the request has {len(requests)} commands, the response {index}; "
                "commands were paired in order",
                record="document",
            )
    except UnsafeDocument as err:
        sink.warning("error", "unsafe-xml", f"document {err}", record="document")
    except NotOCIDocument as err:
        sink.warning("error", "not-oci", f"not an OCI-P document: {err}", record="document")
    except etree.XMLSyntaxError as err:
        kept = f"; the {index} command(s) before it were kept" if index else ""
        sink.warning(
            "error",
            "malformed-xml",
            f"malformed XML at line {err.lineno}: {err.msg}{kept}",
            record="document" if not index else f"after command {index}",
        )
    except _READ_ERRORS as err:
        sink.warning("error", "unreadable", f"cannot read the file: {err}", record="document")


def _read_request(
    export: Export, name: str, sink: _Collector, entry: Entry | None = None
) -> list[tuple[str, dict[str, str]]]:
    try:
        with export.open(name, entry) as stream:
            root = parse_small(stream)
    except (UnsafeDocument, NotOCIDocument, etree.XMLSyntaxError, *_READ_ERRORS) as err:
        sink.warning(
            "warning",
            "unreadable-request",
            f"request unreadable ({err}); its response is read with echoed keys only",
            record="document",
            file=name,
        )
        return []
    result = []
    names = _LOCAL_NAMES
    for element in root.iter("{*}command"):
        keys = {}
        for child in element:
            tag = child.tag
            if type(tag) is not str:
                continue
            local = names.get(tag)
            if local is None:
                local = names[tag] = tag.rsplit("}", 1)[-1]
            if local in REQUEST_KEYS:
                if not len(child) and (value := (child.text or "").strip()):
                    keys[local] = value
            elif local == "scheduleKey":  # a schedule is named by its name and type together
                for leaf in child:
                    tag = leaf.tag
                    if type(tag) is str and not len(leaf):
                        key = names.get(tag) or tag.rsplit("}", 1)[-1]
                        if key in REQUEST_KEYS and (value := (leaf.text or "").strip()):
                            keys[key] = value
        result.append((command_type(element).name, keys))
    return result


# Local names of the few tags requests use, by namespaced tag.
_LOCAL_NAMES: dict[str, str] = {}


def _dispatch(
    element: etree._Element, ctx: Context, sink: _Collector, unknown: Counter[str]
) -> None:
    ctype: CommandType = ctx.ctype
    if ctype.base in ("ErrorResponse", "SuccessResponse"):
        if ctype.base == "ErrorResponse":
            data = to_data(element)
            data = data if isinstance(data, dict) else {}
            summary = text(data.get("summaryEnglish")) or text(data.get("summary")) or ""
            about = ctx.request_type or "the request"
            level = (element.get("type") or "Error").lower()
            sink.warning(
                "warning" if level == "error" else "info",
                "oci-error",
                f"{about} answered {element.get('type') or 'Error'}: {summary}",
                oci_error_code=error_code(data),
            )
        return
    parser = PARSERS.get(ctype.base)
    if parser is None:
        unknown[ctype.name] += 1
        if is_user_get(ctype.base):
            sink.warning(
                "info",
                "not-understood",
                not_understood_message(ctx),
                record=f"user {ctx.keys.get('userId') or '?'}",
            )
        return
    data = to_data(element)
    if not isinstance(data, dict):
        data = {}
    try:
        parser(data, ctx, sink)
    except MissingKey as err:
        sink.warning(
            "error",
            "no-keys",
            f"{ctype.name} neither echoes {err.name} nor has a paired request that "
            "says it; record dropped",
            field=err.name,
        )


def _conflict_warning(conflict: Conflict) -> dict[str, Any]:
    key = " / ".join(part for part in split_key(conflict.key) if part)
    noun = conflict.entity.rstrip("s").replace("_", " ")
    return {
        "severity": "error",
        "code": "conflict",
        "file": conflict.second_file,
        "record": f"{noun} {key}",
        "field": conflict.field,
        "message": (
            f"{noun} {key} is described twice with different {conflict.field}: "
            f"{conflict.first!r} in {conflict.first_file} and {conflict.second!r} in "
            f"{conflict.second_file}; the first was kept"
        ),
        "oci_error_code": None,
    }
