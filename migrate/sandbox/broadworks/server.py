"""The emulator as a TCP server on 127.0.0.1, run in a thread of its own.

Faults a rehearsal needs: latency on every answer, a connection dropped
instead of an answer (after the Nth answer, or every Nth request), and a
"hold" that stops answering after N answers so a test can kill its client at
an exact point of progress. Every data request is logged (login is not, and
no password is ever logged) so a test can check what a client asked.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import ssl
import threading
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from migrate.sandbox.broadworks.protocol import (
    END,
    LOGIN_TYPES,
    Asked,
    Connection,
    Credentials,
    answer,
    error,
    login,
    parse,
    render,
)
from migrate.sandbox.broadworks.replay import Replay, load, local_type

MAX_DOCUMENT = 4 * 1024 * 1024  # a request document is small; a bigger one is garbage


@dataclass
class EmulatorConfig:
    latency_ms: float = 0.0
    drop_after: int | None = None  # drop the connection instead of the Nth+1 answer, once
    drop_every: int | None = None  # drop the connection instead of every Nth request
    hold_after: int | None = None  # stop answering after N answers (a kill point for tests)
    credentials: Credentials = field(default_factory=lambda: Credentials("admin", None))
    tls: ssl.SSLContext | None = None  # serve TLS, as BroadWorks does on 2209
    log_file: Path | None = None  # every data request as a JSON line (never a login)


class BroadWorksEmulator:
    """Answers OCI-P from a :class:`Replay`; ``start()`` returns the port it listens on."""

    def __init__(self, replay: Replay, config: EmulatorConfig | None = None) -> None:
        self.replay = replay
        self.config = config or EmulatorConfig()
        self.log: list[Asked] = []
        self.answered = 0
        self.logins = 0
        self._requests = 0
        self._dropped_once = False
        self._ids = itertools.count(1)
        self._changed = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._holding: asyncio.Event | None = None
        self.port = 0

    def start(self, port: int = 0) -> int:
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            self._holding = asyncio.Event()
            try:
                self._server = loop.run_until_complete(
                    asyncio.start_server(self._serve, "127.0.0.1", port, ssl=self.config.tls)
                )
            except OSError as err:
                failure.append(err)
                self._ready.set()
                return
            self.port = self._server.sockets[0].getsockname()[1]
            self._ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, name="broadworks-emulator", daemon=True)
        self._thread.start()
        self._ready.wait()
        if failure:
            raise failure[0]
        return self.port

    def close(self) -> None:
        loop, server = self._loop, self._server
        if loop is None or server is None:
            return

        async def stop() -> None:
            server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=5)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=5)

    def release(self) -> None:
        """Answer again after a hold."""
        self.config.hold_after = None
        if self._loop is not None and self._holding is not None:
            self._loop.call_soon_threadsafe(self._holding.set)

    def wait_answered(self, count: int, timeout: float) -> bool:
        """Block until ``count`` data requests were answered (or ``timeout`` seconds)."""
        with self._changed:
            return self._changed.wait_for(lambda: self.answered >= count, timeout)

    def reset_log(self) -> None:
        with self._changed:
            self.log = []

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        state = Connection()
        connection = next(self._ids)
        buffer = b""
        try:
            while True:
                chunk = await reader.read(65536)
                if not chunk:
                    return
                buffer += chunk
                while (end := buffer.find(END)) >= 0:
                    document, buffer = buffer[: end + len(END)], buffer[end + len(END) :]
                    reply = await self._reply(document, state, connection)
                    if reply is None:
                        return  # a dropped connection
                    writer.write(reply)
                    await writer.drain()
                if len(buffer) > MAX_DOCUMENT:
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()

    async def _reply(self, document: bytes, state: Connection, connection: int) -> bytes | None:
        try:
            session, commands = parse(document.lstrip())
        except etree.XMLSyntaxError as err:
            return render("", [error(f"Invalid XML: {err}", 4962)])
        answers: list[etree._Element] = []
        for command in commands[:15]:
            if local_type(command) in LOGIN_TYPES:
                answers.append(login(command, state, self.config.credentials))
                if state.logged_in:
                    self.logins += 1
                continue
            if not state.logged_in:
                answers.append(error("Not logged in: send a login request first", 4900))
                continue
            response, asked = answer(command, self.replay)
            asked.connection = connection
            if not await self._may_answer(asked):
                return None
            answers.append(response)
        if self.config.latency_ms:
            await asyncio.sleep(self.config.latency_ms / 1000)
        return render(session, answers)

    async def _may_answer(self, asked: Asked) -> bool:
        config = self.config
        self._requests += 1
        drop = config.drop_every is not None and self._requests % config.drop_every == 0
        if (
            config.drop_after is not None
            and not self._dropped_once
            and self.answered >= config.drop_after
        ):
            self._dropped_once = drop = True
        if drop:
            asked.outcome = "dropped"
            self._record(asked, counts=False)
            return False
        while config.hold_after is not None and self.answered >= config.hold_after:
            assert self._holding is not None
            await self._holding.wait()
        self._record(asked, counts=True)
        return True

    def _record(self, asked: Asked, counts: bool) -> None:
        with self._changed:
            self.log.append(asked)
            if self.config.log_file is not None:
                with self.config.log_file.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(dataclasses.asdict(asked), sort_keys=True) + "\n")
            if counts:
                self.answered += 1
            self._changed.notify_all()


def server_tls(certificate: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate, key)
    return context


def serve_export(export: Path, config: EmulatorConfig, port: int = 0) -> BroadWorksEmulator:
    emulator = BroadWorksEmulator(load(export), config)
    emulator.start(port)
    return emulator
