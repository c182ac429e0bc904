"""Tell people when a unit changes state and when it recovers: webhook and e-mail.

Configuration (explicit arguments win over the environment):

- ``VNFEEDS_ALERT_WEBHOOK``: a URL that receives a JSON POST per alert;
- ``VNFEEDS_SMTP_HOST``, ``VNFEEDS_SMTP_PORT`` (25), ``VNFEEDS_SMTP_USER``,
  ``VNFEEDS_SMTP_PASSWORD``, ``VNFEEDS_SMTP_STARTTLS`` (``1`` to use STARTTLS),
  ``VNFEEDS_ALERT_FROM``, ``VNFEEDS_ALERT_TO`` (comma-separated): e-mail.

Sending never raises: a dead webhook or mail server is logged, the crawl goes on.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from domain.environment import env_int
from ops.health import Transition
from ops.logging import event

log = logging.getLogger("vnfeeds.ops.alerts")

USER_AGENT = "vnfeeds-alerts/1"


@dataclass(frozen=True)
class AlertConfig:
    """Where alerts go; an empty config sends nothing."""

    webhook_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_starttls: bool = False
    mail_from: str = "vnfeeds@localhost"
    mail_to: tuple[str, ...] = ()
    timeout: float = 10.0
    status_url: str | None = None  # base URL of the status page, for links in alerts

    @property
    def enabled(self) -> bool:
        """True when at least one channel is configured."""
        return bool(self.webhook_url or (self.smtp_host and self.mail_to))

    @classmethod
    def from_env(cls, **overrides: Any) -> AlertConfig:
        """Defaults, then ``VNFEEDS_*`` variables, then the non-None overrides."""
        env = os.environ
        values: dict[str, Any] = {
            "webhook_url": env.get("VNFEEDS_ALERT_WEBHOOK") or None,
            "smtp_host": env.get("VNFEEDS_SMTP_HOST") or None,
            "smtp_user": env.get("VNFEEDS_SMTP_USER") or None,
            "smtp_password": env.get("VNFEEDS_SMTP_PASSWORD") or None,
            "smtp_starttls": env.get("VNFEEDS_SMTP_STARTTLS", "") in ("1", "true", "yes"),
        }
        if env.get("VNFEEDS_SMTP_PORT"):
            values["smtp_port"] = env_int("VNFEEDS_SMTP_PORT", 25, least=1, env=env)
        if env.get("VNFEEDS_ALERT_FROM"):
            values["mail_from"] = env["VNFEEDS_ALERT_FROM"]
        if env.get("VNFEEDS_ALERT_TO"):
            values["mail_to"] = tuple(
                a.strip() for a in env["VNFEEDS_ALERT_TO"].split(",") if a.strip()
            )
        if env.get("VNFEEDS_STATUS_URL"):
            values["status_url"] = env["VNFEEDS_STATUS_URL"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        if isinstance(values.get("mail_to"), str):
            values["mail_to"] = tuple(a.strip() for a in values["mail_to"].split(",") if a.strip())
        return cls(**values)


def payload(
    t: Transition, *, unit_name: str = "", failures: int = 0, cfg: AlertConfig | None = None
) -> dict[str, Any]:
    """The JSON body of a webhook alert (documented in docs/ops.md)."""
    link = None
    if cfg and cfg.status_url:
        link = f"{cfg.status_url.rstrip('/')}/status/{t.unit_id}"
    return {
        "event": "unit_recovered" if t.recovered else "unit_state_changed",
        "unit": t.unit_id,
        "unit_name": unit_name,
        "state": t.new,
        "previous_state": t.old,
        "reason": t.reason,
        "failures": failures,
        "at": t.at.isoformat(),
        "status_url": link,
    }


def subject(body: dict[str, Any]) -> str:
    """A one-line e-mail subject for an alert."""
    if body["event"] == "unit_recovered":
        return f"[vnfeeds] {body['unit']} recovered (was {body['previous_state']})"
    return f"[vnfeeds] {body['unit']} is {body['state']} (was {body['previous_state']})"


def send_webhook(url: str, body: dict[str, Any], timeout: float = 10.0) -> int:
    """POST the JSON body; returns the HTTP status (raises on network errors)."""
    data = json.dumps(body, ensure_ascii=False).encode()
    req = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT},
    )
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return int(resp.status)


def send_mail(cfg: AlertConfig, body: dict[str, Any]) -> None:
    """Send the alert as a plain-text e-mail (raises on SMTP errors)."""
    msg = EmailMessage()
    msg["Subject"] = subject(body)
    msg["From"] = cfg.mail_from
    msg["To"] = ", ".join(cfg.mail_to)
    lines = [f"{k}: {v}" for k, v in body.items() if v not in (None, "")]
    msg.set_content("\n".join(lines) + "\n")
    assert cfg.smtp_host
    with smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=cfg.timeout) as smtp:
        if cfg.smtp_starttls:
            smtp.starttls()
        if cfg.smtp_user:
            smtp.login(cfg.smtp_user, cfg.smtp_password or "")
        smtp.send_message(msg)


def notify(
    cfg: AlertConfig, t: Transition, *, unit_name: str = "", failures: int = 0
) -> dict[str, bool]:
    """Send one alert on every configured channel; returns which succeeded."""
    body = payload(t, unit_name=unit_name, failures=failures, cfg=cfg)
    sent: dict[str, bool] = {}
    if cfg.webhook_url:
        try:
            status = send_webhook(cfg.webhook_url, body, cfg.timeout)
            sent["webhook"] = 200 <= status < 300
        except Exception as e:
            sent["webhook"] = False
            event(log, "alert_failed", t.unit_id, logging.WARNING, channel="webhook", error=repr(e))
    if cfg.smtp_host and cfg.mail_to:
        try:
            send_mail(cfg, body)
            sent["email"] = True
        except Exception as e:
            sent["email"] = False
            event(log, "alert_failed", t.unit_id, logging.WARNING, channel="email", error=repr(e))
    event(log, body["event"], t.unit_id, state=t.new, previous=t.old, reason=t.reason, sent=sent)
    return sent
