"""The engine installs as a package: a wheel built from the repository, installed with its
dependencies into a fresh virtualenv outside it, sets up a database, loads the demo and serves
under gunicorn, with templates, static files, migrations, definitions, the registry and the
demo data all read from the installed package. Select it alone with ``-m wheel``.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import BACKENDS
from tests.pg import throwaway_database

pytestmark = pytest.mark.wheel
REPO = Path(__file__).resolve().parents[1]
# What the wheel is built from: the project's metadata and its two packages, nothing else of the
# repository (so a file that only the repository has cannot make the test pass).
SOURCES = ("pyproject.toml", "README.md", "survey", "exports")


def _run(args: list[str | Path], cwd: Path, env: dict[str, str] | None = None, timeout: int = 600) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert done.returncode == 0, f"{' '.join(map(str, args))} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh virtualenv (no system site-packages) with the wheel installed."""
    root = tmp_path_factory.mktemp("wheel")
    assert not root.is_relative_to(REPO)
    source = root / "source"
    source.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(REPO / name, source / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", root / "dist", source], cwd=root)
    (wheel,) = (root / "dist").glob("survey_engine-*.whl")
    _run([sys.executable, "-m", "venv", root / "venv"], cwd=root)
    _run([root / "venv" / "bin" / "python", "-m", "pip", "install", "-q", wheel], cwd=root)
    return root / "venv" / "bin"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(database_url: str, port: int) -> dict[str, str]:
    """The machine's environment without this checkout's Python or the engine's settings."""
    keep = {k: v for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "DATABASE_URL", "SECRET_KEY")
            and not k.startswith(("SURVEY_", "FLASK_"))}
    return keep | {"DATABASE_URL": database_url, "SECRET_KEY": "wheel-test-" + "s" * 40,
                   "SURVEY_BASE_URL": f"http://127.0.0.1:{port}",
                   # Plain HTTP on the loopback: the session cookie must travel without TLS.
                   "SURVEY_SESSION_COOKIE_SECURE": "false"}


@contextmanager
def _database(backend: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'survey.sqlite3'}"
        return
    with throwaway_database("survey_wheel") as url:
        yield url


@contextmanager
def _gunicorn(venv: Path, cwd: Path, env: dict[str, str], port: int) -> Iterator[str]:
    """gunicorn serving the installed app factory; stopped (and waited for) afterwards."""
    base, log = f"http://127.0.0.1:{port}", cwd / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen([str(venv / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}",
                                   "survey.web.app:create_app()"], cwd=cwd, env=env,
                                  stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while _get(f"{base}/healthz")[0] != 200:
            assert server.poll() is None, f"gunicorn exited:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"gunicorn did not answer /healthz within 60 s:\n{log.read_text()}"
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _get(url: str, opener: urllib.request.OpenerDirector | None = None) -> tuple[int, str]:
    try:
        with (opener or urllib.request.build_opener()).open(url, timeout=10) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return 0, ""


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_installed_wheel_sets_up_loads_the_demo_and_serves(venv: Path, tmp_path: Path, backend: str) -> None:
    port = _free_port()
    with _database(backend, tmp_path) as url:
        env = _env(url, port)
        where = _run([venv / "python", "-c", "import survey, exports; print(survey.__file__, exports.__file__)"],
                     cwd=tmp_path, env=env)
        assert all(Path(p).is_relative_to(venv.parent) for p in where.split()), where
        setup = _run([venv / "survey", "setup"], cwd=tmp_path, env=env)
        assert "(migrated to head)" in setup and "organisations: 311 added" in setup
        assert "questionnaire regioner-2025: stored new version" in setup
        demo = _run([venv / "survey", "demo"], cwd=tmp_path, env=env)
        assert "stängd och fryst" in demo  # the 2025 round, loaded from the packaged answers file
        name, link = re.findall(rf"^  (.+): (http://127\.0\.0\.1:{port}/svar/\S+)$", demo, re.MULTILINE)[0]
        with _gunicorn(venv, tmp_path, env, port) as base:
            assert _get(f"{base}/healthz")[0] == 200
            status, page = _get(f"{base}/admin/logga-in")
            assert status == 200 and "<form" in page and 'name="csrf_token"' in page
            assert _get(f"{base}/static/css/app.css")[0] == 200
            status, page = _get(link, urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())))
            assert status == 200 and name in page
