"""Where mail goes: the console, files, or an SMTP server.
"""

from __future__ import annotations

import smtplib
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol, TextIO

from survey.db import (
    utcnow,
)
from survey.errors import Refused


class MailError(Refused):
    """A mailing that cannot be done as asked; the message is for the user (Swedish)."""



# -- backends ---------------------------------------------------------------------------------
class Backend(Protocol):
    name: str

    def send(self, messages: list[EmailMessage]) -> list[str | None]:
        """Hand the messages on; one error text (or None) per message."""


@dataclass
class ConsoleBackend:
    stream: TextIO | None = None
    name: str = "console"

    def send(self, messages: list[EmailMessage]) -> list[str | None]:
        out = self.stream or sys.stdout
        for message in messages:
            out.write(f"{'-' * 72}\n{message.as_string()}\n")
        out.flush()
        return [None] * len(messages)


@dataclass
class FileBackend:
    folder: Path
    name: str = "file"

    def send(self, messages: list[EmailMessage]) -> list[str | None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        for number, message in enumerate(messages, 1):
            (self.folder / f"{stamp}-{number:04d}.eml").write_bytes(message.as_bytes())
        return [None] * len(messages)


@dataclass
class SmtpBackend:
    host: str
    port: int = 587
    username: str = ""
    password: str = ""
    security: str = "starttls"  # "starttls", "ssl" or "none"
    timeout: float = 30
    name: str = "smtp"

    def send(self, messages: list[EmailMessage]) -> list[str | None]:
        """One connection for the batch; a refused recipient fails only its own message."""
        try:
            with self._connect() as smtp:
                return [self._send_one(smtp, message) for message in messages]
        except (smtplib.SMTPException, OSError) as error:
            return [smtp_reply(error)] * len(messages)

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                smtp.starttls()
        if self.username:
            smtp.login(self.username, self.password)
        return smtp

    @staticmethod
    def _send_one(smtp: smtplib.SMTP, message: EmailMessage) -> str | None:
        try:
            smtp.send_message(message)
        except smtplib.SMTPException as error:
            return smtp_reply(error)
        return None


def smtp_reply(error: Exception) -> str:
    """The server's reply as staff can read it: «SMTP 550 5.1.1 <x@y.se>: User unknown»."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(smtp_reply(smtplib.SMTPResponseException(code, reply))
                         for code, reply in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        return f"SMTP {error.smtp_code} {' '.join(text.split())}"[:1000]
    return f"SMTP: {type(error).__name__}: {error}"[:1000]


def backend_from_config(config: Mapping[str, Any]) -> Backend:
    """SMTP when ``SMTP_HOST`` is set (unless ``MAIL_BACKEND`` says otherwise), else console."""
    choice = config.get("MAIL_BACKEND") or ("smtp" if config.get("SMTP_HOST") else "console")
    if choice == "smtp":
        return SmtpBackend(str(config["SMTP_HOST"]), int(config.get("SMTP_PORT") or 587),
                           str(config.get("SMTP_USERNAME") or ""), str(config.get("SMTP_PASSWORD") or ""),
                           str(config.get("SMTP_SECURITY") or "starttls"))
    if choice == "file":
        folder = config.get("MAIL_FILE_DIR") or Path(str(config.get("INSTANCE_PATH", "instance"))) / "mail"
        return FileBackend(Path(folder))
    if choice == "console":
        return ConsoleBackend()
    raise MailError(f"Okänd MAIL_BACKEND «{choice}» (smtp, file eller console).")
