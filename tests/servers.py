"""Real processes for the tests that are about them: gunicorn with several workers, the job
worker (``survey worker``), an SMTP sink, a Redis check. Loopback only; every process is
stopped (by its own pid) when its ``with`` block ends.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def app_env(database_url: str, **settings: str) -> dict[str, str]:
    """The environment of an app process on ``database_url`` (``SURVEY_X`` sets ``X``)."""
    from tests.helpers import TEST_SECRET

    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": TEST_SECRET,
           "SURVEY_SESSION_COOKIE_SECURE": "false", "SURVEY_BASE_URL": "http://localhost"}
    env.update({f"SURVEY_{name}": value for name, value in settings.items()})
    return env


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def gunicorn(database_url: str, workers: int = 4, **settings: str) -> Iterator[str]:
    """gunicorn serving ``wsgi:app`` on a free loopback port; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--timeout", "60", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=app_env(database_url, **settings))
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/healthz", process)
        yield base
    finally:
        _stop(process)


def _wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped with exit code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} within {seconds} s")


@contextmanager
def job_worker(database_url: str, **settings: str) -> Iterator[subprocess.Popen[bytes]]:
    """``survey worker`` (the Huey consumer) as its own process."""
    survey = Path(sys.executable).with_name("survey")
    process = subprocess.Popen([str(survey), "worker", "--workers", "2"], cwd=ROOT,
                               env=app_env(database_url, **settings))
    try:
        yield process
    finally:
        _stop(process, signal.SIGINT)  # Huey's graceful stop


def wait_until(condition: Any, seconds: float = 30, what: str = "the worker") -> Any:
    """Poll ``condition()`` until it returns something true; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"{what} did not finish within {seconds} s")


# -- SMTP sink ------------------------------------------------------------------------------
@dataclass
class Sink:
    """What the SMTP sink received; addresses in ``refuse`` get a 550 at RCPT TO."""

    port: int
    refuse: set[str] = field(default_factory=set)
    messages: list[Message] = field(default_factory=list)


class _Handler:
    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: Any) -> str:
        if address in self.sink.refuse:
            return "550 5.1.1 <" + address + ">: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import email

        self.sink.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_sink(refuse: set[str] | None = None) -> Iterator[Sink]:
    """A real SMTP server (aiosmtpd) on a loopback port, in a thread of this process."""
    from aiosmtpd.controller import Controller

    sink = Sink(free_port(), refuse or set())
    controller = Controller(_Handler(sink), hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


# -- Redis ----------------------------------------------------------------------------------
def redis_or_skip() -> str:
    """``REDIS_URL`` if a Redis answers there; skip otherwise, but fail under CI."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        reason = f"Redis not reachable at {REDIS_URL}: {error}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return REDIS_URL
