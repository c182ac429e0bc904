"""Alerts reach a real webhook receiver and a real (tiny) SMTP server on loopback."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ops.alerts import AlertConfig, notify
from ops.health import Transition

AT = datetime(2025, 7, 1, tzinfo=UTC)


class Webhook:
    """An HTTP server on 127.0.0.1 that keeps every JSON body POSTed to it."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, object]] = []
        self.headers: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                n = int(self.headers.get("Content-Length", 0))
                outer.bodies.append(json.loads(self.rfile.read(n)))
                outer.headers.append(self.headers.get("Content-Type", ""))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    w = Webhook()
    yield w
    w.close()


class SmtpSink:
    """Just enough SMTP (RFC 5321 happy path) to receive messages on 127.0.0.1."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.rcpts: list[str] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn, conn.makefile("rb") as rf:
                conn.sendall(b"220 sink ESMTP\r\n")
                while line := rf.readline():
                    cmd = line.strip().upper()
                    if cmd.startswith((b"EHLO", b"HELO")):
                        conn.sendall(b"250 sink\r\n")
                    elif cmd.startswith(b"RCPT"):
                        self.rcpts.append(line.decode().split(":", 1)[1].strip(" <>\r\n"))
                        conn.sendall(b"250 ok\r\n")
                    elif cmd == b"DATA":
                        conn.sendall(b"354 go on\r\n")
                        data = b""
                        while (chunk := rf.readline()) != b".\r\n":
                            data += chunk
                        self.messages.append(message_from_bytes(data))
                        conn.sendall(b"250 queued\r\n")
                    elif cmd == b"QUIT":
                        conn.sendall(b"221 bye\r\n")
                        break
                    else:
                        conn.sendall(b"250 ok\r\n")

    def close(self) -> None:
        self.sock.close()


def test_state_change_and_recovery_reach_webhook_and_mail(webhook: Webhook) -> None:
    sink = SmtpSink()
    try:
        cfg = AlertConfig(
            webhook_url=webhook.url,
            smtp_host="127.0.0.1",
            smtp_port=sink.port,
            mail_to=("ops@example.test",),
            status_url="http://feeds.test",
        )
        down = Transition("unit-a", "ok", "down", "unit unit-a: http://x/: refused", AT)
        assert notify(cfg, down, unit_name="Sở A", failures=1) == {"webhook": True, "email": True}
        back = Transition("unit-a", "down", "ok", "", AT)
        notify(cfg, back, unit_name="Sở A")
    finally:
        sink.close()
    first, second = webhook.bodies
    assert first["event"] == "unit_state_changed" and first["state"] == "down"
    assert first["previous_state"] == "ok" and first["unit_name"] == "Sở A"
    assert first["status_url"] == "http://feeds.test/status/unit-a"
    assert second["event"] == "unit_recovered"
    assert webhook.headers[0].startswith("application/json")
    assert sink.rcpts == ["ops@example.test", "ops@example.test"]
    assert "unit-a is down" in sink.messages[0]["Subject"]
    assert "recovered" in sink.messages[1]["Subject"]
    assert "refused" in sink.messages[0].get_payload()


def test_dead_channels_do_not_raise() -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    cfg = AlertConfig(
        webhook_url=f"http://127.0.0.1:{port}/",
        smtp_host="127.0.0.1",
        smtp_port=port,
        mail_to=("x@example.test",),
        timeout=2,
    )
    sent = notify(cfg, Transition("u", "ok", "broken", "layout", AT))
    assert sent == {"webhook": False, "email": False}


def test_config_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VNFEEDS_ALERT_WEBHOOK", "http://127.0.0.1:1/h")
    monkeypatch.setenv("VNFEEDS_ALERT_TO", "a@x.test, b@x.test")
    monkeypatch.setenv("VNFEEDS_SMTP_HOST", "127.0.0.1")
    cfg = AlertConfig.from_env(smtp_port=2525)
    assert cfg.enabled and cfg.mail_to == ("a@x.test", "b@x.test") and cfg.smtp_port == 2525
    assert not AlertConfig().enabled
