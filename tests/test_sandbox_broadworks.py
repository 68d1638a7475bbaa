"""The BroadWorks emulator: OCI-P framing, login, replay by command and keys, independence."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

import migrate
from migrate.errors import PreconditionError
from migrate.extract.oci import Login, Scope, connection, pull
from migrate.sandbox.broadworks import server_tls, signed_password
from tests.oci_helpers import PASSWORD, ROOT, USER, emulator
from tests.test_sandbox_independence import imports_of

XSI = "http://www.w3.org/2001/XMLSchema-instance"


def exchange(sock: socket.socket, *commands: str) -> etree._Element:
    body = "".join(commands)
    sock.sendall(
        f'<?xml version="1.0" encoding="UTF-8"?><BroadsoftDocument protocol="OCI" xmlns="C" '
        f'xmlns:xsi="{XSI}"><sessionId xmlns="">t1</sessionId>{body}</BroadsoftDocument>\n'.encode()
    )
    data = b""
    while b"</BroadsoftDocument>" not in data:
        chunk = sock.recv(65536)
        assert chunk, "closed"
        data += chunk
    return etree.fromstring(data.strip())


def cmd(kind: str, **fields: str) -> str:
    inner = "".join(f"<{k}>{v}</{k}>" for k, v in fields.items())
    return f'<command xsi:type="{kind}" xmlns="">{inner}</command>'


def types(root: etree._Element) -> list[str]:
    return [c.get(f"{{{XSI}}}type", "") for c in root if c.tag == "command"]


def test_signed_login_then_replay_by_keys_with_errors_for_the_rest() -> None:
    with (
        emulator("metro-sp-group-mode") as emu,
        socket.create_connection(("127.0.0.1", emu.port), timeout=5) as sock,
    ):
        before = exchange(sock, cmd("UserGetRequest22V5", userId="6175550401@metro-voip.net"))
        assert types(before) == ["c:ErrorResponse"] and "Not logged in" in etree.tostring(
            before
        ).decode("latin-1")
        nonce = exchange(sock, cmd("AuthenticationRequest", userId=USER))
        value = nonce.find("command/nonce")
        assert value is not None and value.text
        login = exchange(
            sock,
            cmd(
                "LoginRequest14sp4",
                userId=USER,
                signedPassword=signed_password(value.text, PASSWORD),
            ),
        )
        assert types(login) == ["LoginResponse14sp4"]
        # Several commands in one document, answered in order; any known version
        # of a request finds what the export saved for its keys.
        root = exchange(
            sock,
            cmd("UserGetRequest22V5", userId="6175550401@metro-voip.net"),
            cmd("UserGetRequest22V5", userId="nobody@metro-voip.net"),
            cmd("UserGetRequest99", userId="6175550401@metro-voip.net"),
            cmd("GroupGetRequest22V5", serviceProviderId="metro-voip", groupId="joes-pizza"),
        )
    assert [c.tag for c in root] == ["sessionId"] + ["command"] * 4, "no namespace, as servers"
    assert types(root) == [
        "UserGetResponse22",
        "c:ErrorResponse",
        "c:ErrorResponse",
        "GroupGetResponse22V5",
    ]
    assert "UserGetRequest99 is not supported" in etree.tostring(root).decode("latin-1")
    assert [a.outcome for a in emu.log] == ["answered", "error", "error", "answered"]


def test_a_wrong_signed_password_is_refused() -> None:
    with (
        emulator("metro-sp-group-mode") as emu,
        socket.create_connection(("127.0.0.1", emu.port), timeout=5) as sock,
    ):
        nonce = exchange(sock, cmd("AuthenticationRequest", userId=USER)).find("command/nonce")
        assert nonce is not None and nonce.text
        refused = exchange(
            sock,
            cmd("LoginRequest14sp4", userId=USER, signedPassword=signed_password(nonce.text, "x")),
        )
        assert types(refused) == ["c:ErrorResponse"]
        assert emu.logins == 0


def test_latency_is_added_to_every_answer(tmp_path: Path) -> None:
    with emulator("metro-sp-group-mode", latency_ms=20) as emu:
        result = pull(
            connection(f"127.0.0.1:{emu.port}", Login(USER, PASSWORD), concurrency=1, max_rps=0),
            Scope("metro-voip", ("bright-smile",)),
            tmp_path / "export",
        )
    assert result.stats.asked >= 20
    assert result.seconds >= result.stats.asked * 0.02


def test_serve_command_answers_until_sigterm(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "migrate",
            "sandbox",
            "broadworks",
            "serve",
            str(ROOT / "samples" / "metro-sp-group-mode"),
            "--port",
            "0",
            "--log",
            str(tmp_path / "asked.jsonl"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "MIGRATE_OCI_USER": USER, "MIGRATE_OCI_PASSWORD": PASSWORD},
    )
    try:
        assert proc.stdout is not None
        address = proc.stdout.readline().strip()
        assert address.startswith("127.0.0.1:")
        result = pull(
            connection(address, Login(USER, PASSWORD), max_rps=0),
            Scope("metro-voip"),
            tmp_path / "export",
        )
        assert result.stats.users == 9
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert PASSWORD not in err
    logged = [json.loads(line) for line in (tmp_path / "asked.jsonl").read_text().splitlines()]
    assert len(logged) == result.stats.asked
    user_gets = [entry for entry in logged if entry["type"].startswith("UserGetRequest")]
    assert len(user_gets) == 9 and {e["outcome"] for e in user_gets} == {"answered"}
    assert PASSWORD not in (tmp_path / "asked.jsonl").read_text()


def test_the_emulator_shares_no_code_with_the_client_it_tests() -> None:
    root = Path(migrate.__file__).parent
    emulator_imports = imports_of(root / "sandbox" / "broadworks")
    assert len(emulator_imports) >= 4
    banned = ("migrate.extract", "migrate.webex", "migrate.load", "migrate.plan")
    banned += ("migrate.mapping", "migrate.stages", "migrate.cli")
    for path, names in emulator_imports.items():
        assert not any(n.startswith(banned) for n in names), path
        assert "click" not in names, path
    for path, names in imports_of(root / "extract" / "oci").items():
        assert not any(n.startswith("migrate.sandbox") for n in names), path


def test_plain_login_over_tls(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    with emulator("metro-sp-group-mode", tls=server_tls(cert, key)) as emu:
        target = connection(
            f"127.0.0.1:{emu.port}", Login(USER, PASSWORD, "plain"), tls=True, ca_file=cert
        )
        result = pull(target, Scope("metro-voip", ("bright-smile",)), tmp_path / "export")
        assert result.stats.users == 4 and emu.logins >= 1
        untrusted = connection(
            f"127.0.0.1:{emu.port}", Login(USER, PASSWORD, "plain"), tls=True, retries=0
        )
        with pytest.raises(PreconditionError, match="CERTIFICATE_VERIFY_FAILED"):
            pull(untrusted, Scope("metro-voip"), tmp_path / "untrusted")
