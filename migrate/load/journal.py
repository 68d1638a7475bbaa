"""The load journal: ``<workspace>/journal.sqlite`` (DESIGN §6).

Every action of the plan is written before the first request. An action is
marked ``started`` (committed) before its request is sent and gets its
outcome (committed) right after, so a crash at any point leaves at most the
actions that were in flight as ``started``; the next run reconciles those by
looking the objects up before anything is retried. WAL mode keeps readers
(``status``, reports) from blocking the loader.

The journal is the only record of what this toolkit created, so it is
checked when opened (a damaged one is refused before any request) and its
file is checked before each commit: one deleted or replaced during a run
stops the run rather than letting it write into a file nobody will read.
Readers that send nothing (``status``, ``report``) open it unchecked and read it
through :meth:`Journal.reading`, which checks only what it reads: a million
actions answer in a fraction of the second every page would take.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from migrate.errors import WorkspaceError

# Re-exported for the dry-run, which copies the journal into a scratch folder.
from migrate.workspace import JOURNAL_FILE as JOURNAL_FILE
from migrate.workspace import Workspace

PENDING = "pending"
STARTED = "started"
SUCCEEDED = "succeeded"
FAILED = "failed"
SKIPPED = "skipped"
PARKED = "parked"
ROLLED_BACK = "rolled_back"
STATES = (PENDING, STARTED, SUCCEEDED, FAILED, SKIPPED, PARKED, ROLLED_BACK)
# What `retry` picks up again.
RETRYABLE = (FAILED, SKIPPED, PARKED)
# Done with, one way or the other: load.xlsx lists every other state first.
FINISHED = (SUCCEEDED, ROLLED_BACK)
# Events that change no state. CREATE_SENT is committed before a create goes out: an
# object a later lookup finds is then ours, not adopted, even when the answer was lost
# or the process died waiting for it.
CREATE_SENT = "create_sent"
# A definite refusal of that create (4xx): it made nothing, so it makes nothing ours.
CREATE_REFUSED = "create_refused"
ROLLBACK_STARTED = "rollback_started"
ROLLBACK_FAILED = "rollback_failed"
ROLLBACK_SKIPPED = "rollback_skipped"
# A consent email sent again to a subscriber parked in pending_user_migration.
CONSENT_RESENT = "consent_resent"
# Run statuses: a run is "running" until it ends; one whose process died (SIGKILL, power)
# is marked "interrupted" by the next command that takes the workspace lock.
RUNNING = "running"
INTERRUPTED = "interrupted"
# Events that leave an action parked as it was: the parking goes on through them.
_PARKING_GOES_ON = frozenset({PARKED, STARTED, CREATE_SENT, CREATE_REFUSED, CONSENT_RESENT})

Clock = Callable[[], datetime]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY,
    command TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    plan_fingerprint TEXT,
    status TEXT
);
CREATE TABLE IF NOT EXISTS actions (
    key TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    customer TEXT NOT NULL,
    batch INTEGER NOT NULL DEFAULT 0,
    ordinal INTEGER NOT NULL,
    payload TEXT NOT NULL,
    depends_on TEXT NOT NULL,
    inverse TEXT,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    result TEXT,
    adopted INTEGER NOT NULL DEFAULT 0,
    tracking_id TEXT,
    error_kind TEXT,
    error_code TEXT,
    error_message TEXT,
    run_id INTEGER,
    updated_at TEXT
);
CREATE INDEX IF NOT EXISTS actions_state ON actions (state);
CREATE INDEX IF NOT EXISTS actions_customer ON actions (customer, ordinal);
-- Covers status's tally: counted from the index, never from the payload-laden rows.
CREATE INDEX IF NOT EXISTS actions_tally ON actions (customer, batch, type, state, updated_at);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    run_id INTEGER,
    key TEXT NOT NULL,
    state TEXT NOT NULL,
    at TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS events_key ON events (key, state);
"""


# How many actions each (customer, batch, type, state) holds, kept by triggers in the
# transaction of every write to the actions table, so status reads a few thousand counts
# instead of counting a million index entries. A group emptied keeps its row at 0 (the
# loader empties and refills `started` all day). Created and filled by the first writer
# that opens a journal without it; readers count from actions_tally until then.
_COUNTS = (
    """CREATE TABLE action_counts (
        customer TEXT NOT NULL,
        batch INTEGER NOT NULL,
        type TEXT NOT NULL,
        state TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (customer, batch, type, state)
    ) WITHOUT ROWID""",
    """INSERT INTO action_counts
        SELECT customer, batch, type, state, COUNT(*) FROM actions
        GROUP BY customer, batch, type, state""",
    """CREATE TRIGGER action_counts_insert AFTER INSERT ON actions BEGIN
        INSERT INTO action_counts VALUES (new.customer, new.batch, new.type, new.state, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    END""",
    """CREATE TRIGGER action_counts_delete AFTER DELETE ON actions BEGIN
        UPDATE action_counts SET n = n - 1 WHERE customer = old.customer
        AND batch = old.batch AND type = old.type AND state = old.state;
    END""",
    """CREATE TRIGGER action_counts_update
    AFTER UPDATE OF customer, batch, type, state ON actions
    WHEN old.customer IS NOT new.customer OR old.batch IS NOT new.batch
        OR old.type IS NOT new.type OR old.state IS NOT new.state
    BEGIN
        UPDATE action_counts SET n = n - 1 WHERE customer = old.customer
        AND batch = old.batch AND type = old.type AND state = old.state;
        INSERT INTO action_counts VALUES (new.customer, new.batch, new.type, new.state, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    END""",
)


@dataclass(frozen=True)
class JournalAction:
    """An action as the journal knows it: the plan's fields plus its state."""

    key: str
    type: str
    customer: str
    batch: int
    ordinal: int
    payload: dict[str, Any]
    depends_on: tuple[str, ...]
    inverse: dict[str, Any] | None
    state: str = PENDING
    attempts: int = 0
    result: dict[str, Any] | None = None
    adopted: bool = False
    tracking_id: str | None = None
    error_kind: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    run_id: int | None = None
    updated_at: str | None = None


class Attention(NamedTuple):
    """An action an engineer must look at (failed or parked), as ``status`` lists it.

    A tuple, not a :class:`JournalAction`: a journal of a million actions has
    thousands of these, and status's memory must not follow the journal's size.
    """

    key: str
    customer: str
    state: str
    error_code: str | None
    error_message: str | None
    tracking_id: str | None
    # Read for parked actions only: a held subscriber's id is in it.
    result: dict[str, Any] | None


# (customer, batch, type, state, how many, latest update): Journal.tally's rows.
Tally = tuple[str, int, str, str, int, str]


def stamp(when: datetime) -> str:
    """How the journal writes a time: ISO-8601 UTC, milliseconds."""
    return when.astimezone(UTC).isoformat(timespec="milliseconds")


def _now() -> str:
    return stamp(datetime.now(UTC))


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class Journal:
    """The journal of one workspace. Not thread-safe: one writer, the loader's thread."""

    def __init__(
        self, workspace: Path, clock: Clock | None = None, *, check_every_page: bool = True
    ) -> None:
        """``check_every_page=False``: for a reader that sends nothing and reads the
        journal through :meth:`reading` (which checks what it reads)."""
        self.path = Workspace(workspace).journal_file
        self._clock = clock
        # Rows of the actions table, counted by :meth:`reading` for tally to compare.
        self._table_rows: int | None = None
        try:
            workspace.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise WorkspaceError(
                f"{workspace}: cannot create the workspace ({err.strerror})"
            ) from err
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as err:
            raise self._failure(err) from err
        try:
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode = WAL")
            # NORMAL in WAL mode: every commit survives the process being killed (the
            # crash the loader must survive); only an OS crash may lose the last
            # commits, and those actions are then reconciled by lookup like any
            # `started` one. FULL would fsync each transition and stall the loader.
            self._db.execute("PRAGMA synchronous = NORMAL")
            if check_every_page:
                # quick_check reads every page (a 100,000-action journal in well under a
                # second) without the index cross-checks of integrity_check.
                problems = [row[0] for row in self._db.execute("PRAGMA quick_check")]
                if problems != ["ok"]:
                    raise sqlite3.DatabaseError(problems[0] if problems else "check failed")
            self._db.executescript(_SCHEMA)
            if check_every_page:
                self._count_actions()
            self._identity = self._stat()
        except (sqlite3.Error, OSError) as err:
            self._db.close()
            raise self._failure(err) from err

    def _counted(self) -> bool:
        """Whether the journal keeps :data:`_COUNTS` (one written before it does not)."""
        found = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'action_counts'"
        )
        return found.fetchone() is not None

    def _count_actions(self) -> None:
        """Give a journal written before the counts existed its counts, in one transaction
        with their triggers: from then on every write keeps them."""
        if self._counted():
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            if not self._counted():  # another writer may have got there first
                for statement in _COUNTS:
                    self._db.execute(statement)
            self._db.execute("COMMIT")
        finally:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")

    def _stat(self) -> tuple[int, int]:
        found = os.stat(self.path)
        return found.st_dev, found.st_ino

    def check_in_place(self) -> None:
        """Stop (exit 5) when the journal file was deleted or replaced since it was opened:
        the commits would go to a file nobody reads, and the next run would adopt all."""
        try:
            same = self._stat() == self._identity
        except FileNotFoundError:
            same = False
        if not same:
            raise WorkspaceError(
                f"{self.path}: the journal was deleted or replaced while this command ran; "
                "stopped before sending more. Put the journal back (from a copy) before any "
                "retry: without it every object made so far would be taken as adopted"
            )

    @contextmanager
    def reading(self) -> Iterator[None]:
        """One consistent read (a snapshot, however the loader commits meanwhile) in which
        damage is named like a damaged journal at opening (exit 5), never a traceback.

        Checked: the header and the file's length (sqlite, when it opens the file),
        every page of the actions table's b-tree (walked to count its rows; ``tally``
        compares that count with its index's and its counts'), every page of the index
        ``tally`` reads, and every page a query reads.
        """
        try:
            self._db.execute("BEGIN")
            try:
                row = self._db.execute("SELECT COUNT(*) FROM actions NOT INDEXED").fetchone()
                self._table_rows = int(row[0])
                yield
            finally:
                self._table_rows = None
                if self._db.in_transaction:
                    self._db.execute("COMMIT")
        except sqlite3.DatabaseError as err:
            raise self._failure(err) from err

    def _failure(self, err: BaseException) -> WorkspaceError:
        text = " ".join(str(err).split()) or type(err).__name__
        if isinstance(err, sqlite3.DatabaseError) and not isinstance(err, sqlite3.OperationalError):
            return WorkspaceError(
                f"{self.path}: the journal is damaged ({text}); nothing was sent. It is the "
                "record of what this toolkit created: restore it from a copy, do not delete it"
            )
        return WorkspaceError(f"{self.path}: cannot use the journal ({text})")

    def now(self) -> str:
        return stamp(self._clock()) if self._clock is not None else _now()

    def close(self) -> None:
        self.flush()
        self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- runs -----------------------------------------------------------------

    def begin_run(self, command: str, fingerprint: str | None) -> int:
        with self._transaction():
            cursor = self._db.execute(
                "INSERT INTO runs (command, started_at, plan_fingerprint, status) "
                "VALUES (?, ?, ?, ?)",
                (command, self.now(), fingerprint, RUNNING),
            )
        return int(cursor.lastrowid or 0)

    def end_run(self, run_id: int, status: str) -> None:
        with self._transaction():
            self._db.execute(
                "UPDATE runs SET finished_at = ?, status = ? WHERE run_id = ?",
                (self.now(), status, run_id),
            )

    def interrupt_abandoned_runs(self) -> list[int]:
        """Mark ``interrupted`` every run still ``running``. Only a holder of the workspace
        lock may call this: every writer holds it, so no live process owns such a run."""
        with self._transaction():
            ids = [
                int(row[0])
                for row in self._db.execute("SELECT run_id FROM runs WHERE status = ?", (RUNNING,))
            ]
            self._db.execute("UPDATE runs SET status = ? WHERE status = ?", (INTERRUPTED, RUNNING))
        return ids

    def runs(self) -> list[dict[str, Any]]:
        return [dict(row) for row in self._db.execute("SELECT * FROM runs ORDER BY run_id")]

    # -- the plan -------------------------------------------------------------

    def record_plan(self, actions: Iterable[JournalAction]) -> int:
        """Write every planned action once; actions already journaled keep their state."""
        now = self.now()
        rows = [_plan_row(a, now) for a in actions]
        with self._transaction():
            # The rows this statement inserted, not those the counts' trigger wrote.
            written = self._db.executemany(
                "INSERT INTO actions (key, type, customer, batch, ordinal, payload, depends_on, "
                "inverse, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (key) DO NOTHING",
                rows,
            ).rowcount
            return written

    def replan(self, actions: Iterable[JournalAction]) -> None:
        """Give actions not done yet the plan's current payload (a later plan may differ).

        What succeeded keeps the payload it was done with: the plan diff reads
        the fields an object was created with from it.
        """
        with self._transaction():
            self._db.executemany(
                "UPDATE actions SET payload = ?, depends_on = ?, inverse = ?, ordinal = ? "
                "WHERE key = ? AND state NOT IN (?, ?)",
                [
                    (
                        _dumps(a.payload),
                        _dumps(list(a.depends_on)),
                        _dumps(a.inverse) if a.inverse is not None else None,
                        a.ordinal,
                        a.key,
                        SUCCEEDED,
                        STARTED,
                    )
                    for a in actions
                ],
            )

    def write_plan(self, actions: Iterable[JournalAction]) -> None:
        """:meth:`record_plan` and :meth:`replan` in one pass: new actions are written,
        those not done yet take the plan's current payload, the rest stay as they are."""
        now = self.now()
        rows = [(*_plan_row(a, now), SUCCEEDED, STARTED) for a in actions]
        with self._transaction():
            self._db.executemany(
                "INSERT INTO actions (key, type, customer, batch, ordinal, payload, depends_on, "
                "inverse, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET payload = excluded.payload, "
                "depends_on = excluded.depends_on, inverse = excluded.inverse, "
                "ordinal = excluded.ordinal WHERE state NOT IN (?, ?)",
                rows,
            )

    def assign_batch(self, keys: Iterable[str], batch: int) -> None:
        """Actions first run in this batch get its number (rollback --batch uses it)."""
        with self._transaction():
            self._db.executemany(
                "UPDATE actions SET batch = ? WHERE key = ? AND batch = 0",
                [(batch, key) for key in keys],
            )

    def next_batch(self) -> int:
        row = self._db.execute("SELECT COALESCE(MAX(batch), 0) FROM actions").fetchone()
        return int(row[0]) + 1

    # -- transitions ----------------------------------------------------------

    def start(self, key: str, run_id: int) -> None:
        self._transition(key, STARTED, run_id, attempts_delta=1)

    def succeed(
        self,
        key: str,
        run_id: int,
        result: dict[str, Any],
        tracking_id: str | None = None,
        adopted: bool = False,
        *,
        held: bool = False,
    ) -> None:
        """``held``: left for the next write (or :meth:`flush`) to commit with its own.

        For a caller that writes again before anything else can happen (the
        executor: a customer's next action is started before the loop runs
        anything else), so no request goes out between the two: one commit
        instead of two, and a crash leaves what it would have left anyway.
        """
        self._transition(
            key,
            SUCCEEDED,
            run_id,
            result=result,
            tracking_id=tracking_id,
            adopted=adopted,
            held=held,
        )

    def fail(
        self,
        key: str,
        run_id: int,
        kind: str,
        code: str | None,
        message: str,
        tracking_id: str | None = None,
    ) -> None:
        self._transition(key, FAILED, run_id, error=(kind, code, message), tracking_id=tracking_id)

    def skip(self, key: str, run_id: int, reason: str) -> None:
        self._transition(key, SKIPPED, run_id, error=("dependency", None, reason))

    def park(
        self,
        key: str,
        run_id: int,
        reason: str,
        message: str | None = None,
        result: dict[str, Any] | None = None,
        tracking_id: str | None = None,
    ) -> None:
        self._transition(
            key,
            PARKED,
            run_id,
            error=("parked", reason, message or reason),
            result=result,
            tracking_id=tracking_id,
        )

    def roll_back(self, key: str, run_id: int, tracking_id: str | None = None) -> None:
        self._transition(key, ROLLED_BACK, run_id, tracking_id=tracking_id)

    def _transition(
        self,
        key: str,
        state: str,
        run_id: int,
        *,
        attempts_delta: int = 0,
        result: dict[str, Any] | None = None,
        tracking_id: str | None = None,
        adopted: bool | None = None,
        error: tuple[str, str | None, str] | None = None,
        held: bool = False,
    ) -> None:
        kind, code, message = error if error is not None else (None, None, None)
        now = self.now()
        with self._transaction(held=held):
            cursor = self._db.execute(
                "UPDATE actions SET state = ?, run_id = ?, attempts = attempts + ?, "
                "result = COALESCE(?, result), tracking_id = COALESCE(?, tracking_id), "
                "adopted = COALESCE(?, adopted), error_kind = ?, error_code = ?, "
                "error_message = ?, updated_at = ? WHERE key = ?",
                (
                    state,
                    run_id,
                    attempts_delta,
                    _dumps(result) if result is not None else None,
                    tracking_id,
                    None if adopted is None else int(adopted),
                    kind,
                    code,
                    message,
                    now,
                    key,
                ),
            )
            if cursor.rowcount != 1:
                raise KeyError(f"journal has no action {key!r}")
            self._db.execute(
                "INSERT INTO events (run_id, key, state, at, detail) VALUES (?, ?, ?, ?, ?)",
                (run_id, key, state, now, message),
            )

    def note(self, key: str, run_id: int, what: str, detail: str) -> None:
        """An event without a state change (a rollback step that failed or was refused)."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO events (run_id, key, state, at, detail) VALUES (?, ?, ?, ?, ?)",
                (run_id, key, what, self.now(), detail),
            )

    def create_sent(self, key: str, run_id: int, detail: Any = None) -> None:
        """Committed before a create is sent: whatever a lookup finds afterwards is ours."""
        self.note(key, run_id, CREATE_SENT, _dumps(detail))

    def create_refused(self, key: str, run_id: int, detail: str) -> None:
        """Webex answered the last create sent for ``key`` with a refusal: nothing was made."""
        self.note(key, run_id, CREATE_REFUSED, detail)

    def creates_sent(self, key: str) -> list[Any]:
        """The detail of every create sent for ``key`` that was not refused, any run."""
        return self._creates(key).get(key, [])

    def all_creates_sent(self) -> dict[str, list[Any]]:
        """:meth:`creates_sent` of every action at once (one read for a whole run)."""
        return {key: sent for key, sent in self._creates().items() if sent}

    def created_keys(self) -> set[str]:
        """Actions a create was sent for and not refused: what they found is the load's."""
        return {key for key, sent in self._creates().items() if sent}

    def _creates(self, key: str | None = None) -> dict[str, list[Any]]:
        sql = "SELECT key, state, detail FROM events WHERE state IN (?, ?)"
        params: list[str] = [CREATE_SENT, CREATE_REFUSED]
        if key is not None:
            sql += " AND key = ?"
            params.append(key)
        sent: dict[str, list[Any]] = {}
        for row_key, state, detail in self._db.execute(sql + " ORDER BY id", params):
            pending = sent.setdefault(row_key, [])
            if state == CREATE_SENT:
                pending.append(json.loads(detail) if detail else None)
            elif pending:
                pending.pop()
        return sent

    def succeeded_at(self) -> dict[str, tuple[str, int]]:
        """When (and in which run) each action last succeeded, from the events."""
        rows = self._db.execute(
            "SELECT key, MAX(at), run_id FROM events WHERE state = ? GROUP BY key", (SUCCEEDED,)
        )
        return {key: (at, int(run_id or 0)) for key, at, run_id in rows}

    def parked_since(self) -> dict[str, str]:
        """When each action now parked was first parked, and parked ever since.

        A retry that polls and finds it still waiting parks it again; that does not
        restart the clock. Any other outcome (succeeded, failed, rolled back) does.
        """
        since: dict[str, str] = {}
        rows = self._db.execute(
            "SELECT e.key, e.state, e.at FROM events e JOIN actions a ON a.key = e.key "
            "WHERE a.state = ? ORDER BY e.id",
            (PARKED,),
        )
        for key, state, at in rows:
            if state == PARKED:
                since.setdefault(key, at)
            elif state not in _PARKING_GOES_ON:
                since.pop(key, None)
        return since

    # -- queries --------------------------------------------------------------

    def actions(
        self,
        states: Iterable[str] | None = None,
        customer: str | None = None,
        *,
        outcomes_only: bool = False,
        types: Iterable[str] | None = None,
    ) -> list[JournalAction]:
        """``outcomes_only``: the plan's fields (payload, depends_on, inverse) left empty,
        for readers of what happened (reports): parsing them is most of a large read."""
        sql = _SELECT_OUTCOMES if outcomes_only else "SELECT * FROM actions"
        clauses, params = [], []
        if states is not None:
            wanted = list(states)
            clauses.append(f"state IN ({', '.join('?' for _ in wanted)})")
            params.extend(wanted)
        if customer is not None:
            clauses.append("customer = ?")
            params.append(customer)
        if types is not None:
            kinds = list(types)
            clauses.append(f"type IN ({', '.join('?' for _ in kinds)})")
            params.extend(kinds)
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY customer, ordinal"
        rows = self._db.execute(sql, params)
        return [_action(row, payload=not outcomes_only) for row in rows]

    def attention(self, states: Iterable[str] = (FAILED, PARKED)) -> list[Attention]:
        """The actions in ``states``, in ``actions``' order, as compact :class:`Attention`
        rows; the few strings they repeat (customers, states, codes, messages) held once."""
        wanted = list(states)
        marks = ", ".join("?" for _ in wanted)
        sql = _SELECT_ATTENTION + f" WHERE state IN ({marks}) ORDER BY customer, ordinal"
        rows = self._db.execute(sql, wanted)
        shared: dict[str, str] = {}
        found = []
        for key, customer, state, code, message, tracking_id, result in rows:
            found.append(
                Attention(
                    key,
                    shared.setdefault(customer, customer),
                    shared.setdefault(state, state),
                    None if code is None else shared.setdefault(code, code),
                    None if message is None else shared.setdefault(message, message),
                    tracking_id,
                    json.loads(result) if result and state == PARKED else None,
                )
            )
        return found

    def iter_outcomes(self, customer: str | None = None) -> Iterator[JournalAction]:
        """Every action (or ``customer``'s), without its plan fields, as load.xlsx lists
        them: what is not finished first, then by customer and order. Read as it is taken:
        memory holds one action, not the journal."""
        marks = ", ".join("?" for _ in FINISHED)
        if customer is None:
            sql = _SELECT_OUTCOMES + f" ORDER BY state IN ({marks}), customer, ordinal"
            rows = self._db.execute(sql, FINISHED)
        else:
            sql = _SELECT_OUTCOMES + f" WHERE customer = ? ORDER BY state IN ({marks}), ordinal"
            rows = self._db.execute(sql, (customer, *FINISHED))
        for row in rows:
            yield _action(row, payload=False)

    def state_of(self, key: str) -> str | None:
        """One action's state (``None``: not in the journal)."""
        row = self._db.execute("SELECT state FROM actions WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def outcomes(self) -> dict[str, tuple[str, dict[str, Any] | None]]:
        """Every action's state and result, without parsing payloads (what a run starts from)."""
        return {
            key: (state, json.loads(result) if result else None)
            for key, state, result in self._db.execute("SELECT key, state, result FROM actions")
        }

    def get(self, key: str) -> JournalAction | None:
        row = self._db.execute("SELECT * FROM actions WHERE key = ?", (key,)).fetchone()
        return _action(row) if row is not None else None

    def tally(self, dated: str = "") -> list[Tally]:
        """(customer, batch, type, state, count, latest update) of every action, grouped.

        What ``status`` needs, read from the counts the journal keeps (counted from
        actions_tally in a journal written before them): a journal of a million actions
        answers at once instead of being parsed into objects. The latest update
        is read for the type ``dated`` only ('' for the others): a time per row
        would be most of a platform's tally, and only the number switches' is used.
        The strings rows repeat (customers, types, states) are held once.
        """
        counted = self._counted()
        groups = _COUNTED_GROUPS if counted else _COUNTING_GROUPS
        rows = self._db.execute(_TALLY.format(groups=groups), (dated,))
        shared: dict[str, str] = {}
        tally = [
            (
                shared.setdefault(c, c),
                int(b),
                shared.setdefault(t, t),
                shared.setdefault(s, s),
                int(n),
                at,
            )
            for c, b, t, s, n, at in rows
        ]
        if self._table_rows is None:
            return tally
        total = sum(row[4] for row in tally)
        # The index the latest updates are read from, walked whole: one that lost or
        # kept stale entries would mislead, and so would counts that missed a write.
        indexed = int(self._db.execute(_INDEX_ENTRIES).fetchone()[0]) if counted else total
        for what, found in (("index", indexed), ("counts", total)):
            if found != self._table_rows:
                raise sqlite3.DatabaseError(
                    f"the actions table holds {self._table_rows} actions, its {what} {found}"
                )
        return tally

    def events(self, key: str | None = None) -> list[dict[str, Any]]:
        if key is None:
            rows = self._db.execute("SELECT * FROM events ORDER BY id")
        else:
            rows = self._db.execute("SELECT * FROM events WHERE key = ? ORDER BY id", (key,))
        return [dict(row) for row in rows]

    def flush(self) -> None:
        """Commit a held write, if any."""
        if self._db.in_transaction:
            with self._transaction():
                pass

    def _transaction(self, *, held: bool = False) -> _Tx:
        return _Tx(self, held)


class _Tx:
    """One committed write; a failed one (disk full, file gone) is named, never half done.

    A held write stays open: the next one joins its transaction and commits both.
    """

    def __init__(self, journal: Journal, held: bool = False) -> None:
        self._journal = journal
        self._db = journal._db
        self._held = held

    def __enter__(self) -> None:
        self._journal.check_in_place()
        if self._db.in_transaction:
            return  # a held write's: committed with this one
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            raise self._journal._failure(err) from err

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        if exc_type is None and self._held:
            return
        if exc_type is None:
            try:
                self._db.execute("COMMIT")
                return
            except sqlite3.Error as err:
                exc = err
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            raise self._journal._failure(exc) from exc


# Each group's count and, for a ``dated`` group, its latest update: one seek in
# actions_tally, where a MAX over every row would cost a third of the count.
_TALLY = (
    "SELECT customer, batch, type, state, n, CASE WHEN type = ?1 THEN COALESCE(("
    "SELECT MAX(updated_at) FROM actions a WHERE a.customer = g.customer "
    "AND a.batch = g.batch AND a.type = g.type AND a.state = g.state), '') ELSE '' END "
    "FROM {groups} ORDER BY customer, batch, type, state"
)
# The groups as the journal keeps them, or counted from actions_tally (an older journal).
_COUNTED_GROUPS = "action_counts g WHERE n > 0"
_COUNTING_GROUPS = (
    "(SELECT customer, batch, type, state, COUNT(*) AS n FROM actions "
    "GROUP BY customer, batch, type, state) g"
)
# Every entry of actions_tally, stepped through without reading them: every customer, of
# TEXT affinity and NOT NULL, is text or a blob, both >= ''. A plain COUNT(*) would
# count the smallest index instead, whatever INDEXED BY says.
_INDEX_ENTRIES = "SELECT COUNT(*) FROM actions INDEXED BY actions_tally WHERE customer >= ''"
_SELECT_ATTENTION = (
    "SELECT key, customer, state, error_code, error_message, tracking_id, result FROM actions"
)
_SELECT_OUTCOMES = (
    "SELECT key, type, customer, batch, ordinal, state, attempts, result, adopted, "
    "tracking_id, error_kind, error_code, error_message, run_id, updated_at FROM actions"
)


def _plan_row(action: JournalAction, now: str) -> tuple[Any, ...]:
    """The columns a planned action is written with (``record_plan``, ``write_plan``)."""
    return (
        action.key,
        action.type,
        action.customer,
        action.batch,
        action.ordinal,
        _dumps(action.payload),
        _dumps(list(action.depends_on)),
        _dumps(action.inverse) if action.inverse is not None else None,
        now,
    )


def _action(row: sqlite3.Row, payload: bool = True) -> JournalAction:
    """The action of a row; without ``payload``, of a row of ``_SELECT_OUTCOMES`` (its
    payload, dependencies and inverse left empty: what happened to it, not what it does)."""
    return JournalAction(
        key=row["key"],
        type=row["type"],
        customer=row["customer"],
        batch=row["batch"],
        ordinal=row["ordinal"],
        payload=json.loads(row["payload"]) if payload else {},
        depends_on=tuple(json.loads(row["depends_on"])) if payload else (),
        inverse=json.loads(row["inverse"]) if payload and row["inverse"] else None,
        state=row["state"],
        attempts=row["attempts"],
        result=json.loads(row["result"]) if row["result"] else None,
        adopted=bool(row["adopted"]),
        tracking_id=row["tracking_id"],
        error_kind=row["error_kind"],
        error_code=row["error_code"],
        error_message=row["error_message"],
        run_id=row["run_id"],
        updated_at=row["updated_at"],
    )
