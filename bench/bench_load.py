"""A deadline rush (not a test): ``python bench/bench_load.py [--clients 100] [--rounds 8]``.

Serves the real app with gunicorn (4 workers) on loopback, on SQLite and on PostgreSQL, and lets
``--clients`` respondents of one municipal round work at once: identity, then per round a
section page, an autosave and a full save of that section, then the review and the submit.
Every real request is followed, from the same client, by a request to a bare Flask handler in
the same app (``/bench/bare``) that runs as many database statements (reads and writes) in one
transaction as the real request did (the app counts them and says so in ``X-Statements``), so
both see the same load. Prints p50/p95/p99 per kind, the errors (5xx, refused connections,
unexpected statuses), and the ratio bare p95 / real p95 (target ≥ 0.5, with 0 errors).
PostgreSQL is the local server (``BENCH_PG_URL``, default postgres@127.0.0.1:5432); a throwaway
database is made and dropped. Bounded: clients × (4 + 3 × rounds) requests, each with a timeout.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-" + "x" * 40
PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
TIMEOUT = 60

BENCH_APP = '''
"""The real app, a statement counter and the bare handler, for bench/bench_load.py only."""
from flask import g, request
from sqlalchemy import event, text

from survey.web.app import create_app
from survey.web.extensions import csrf, db

app = create_app()


def _count(conn, cursor, statement, parameters, context, executemany):
    counts = g.get("statements")
    if counts is not None:
        counts[0 if statement.lstrip()[:6].upper() in ("SELECT", "BEGIN", "SAVEPO", "RELEAS") else 1] += 1


with app.app_context():
    event.listen(db.engine, "before_cursor_execute", _count)


@app.before_request
def _start():
    g.statements = [0, 0]


@app.after_request
def _tell(response):
    reads, writes = g.get("statements", [0, 0])
    response.headers["X-Statements"] = f"{reads},{writes}"
    return response


@app.post("/bench/bare")
def bare():
    reads, writes, client = int(request.form["r"]), int(request.form["w"]), int(request.form["c"])
    with db.engine.begin() as connection:
        for n in range(reads):
            connection.execute(text("SELECT id FROM organisation WHERE id = :i"), {"i": n % 50 + 1})
        for _ in range(writes):
            connection.execute(text("UPDATE bench_counter SET n = n + 1 WHERE id = :c"), {"c": client})
    return "ok"


csrf.exempt(bare)
'''


# -- setup --------------------------------------------------------------------------------
def prepare(url: str, clients: int) -> dict[str, Any]:
    """Migrate, load, open a municipal round with a complete draft per client; the tokens,
    the sections' answer ids and the values to post."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from survey.config import QUESTIONNAIRE_DIR
    from survey.db import Response
    from survey.db.migrate import upgrade
    from survey.formatting import today as today_in_sweden
    from survey.responses.answers import save_answers
    from survey.rounds.lifecycle import active_link, create_round, latest_version, organisations_for, questionnaire_of
    from survey.rounds.links import derive_token
    from survey.setup import sync_questionnaires, sync_registry

    upgrade(url)
    engine = sa.create_engine(url)
    with Session(engine) as session:
        sync_registry(session)
        sync_questionnaires(session, QUESTIONNAIRE_DIR)
        today = today_in_sweden()
        round_ = create_round(session, latest_version(session, "kommuner-2025"), organisations_for(session, "kommun"),
                              today.replace(day=1), today.replace(year=today.year + 1), "Bench", secret=SECRET)
        round_.state = "open"
        q = questionnaire_of(round_)
        from survey.questionnaire.values import clean_value

        raw = complete(q)
        values = {aid: clean_value(q, q.field(aid), value) for aid, value in raw.items()}
        members = sorted(round_.members, key=lambda m: m.organisation.code)[:clients]
        for member in members:
            response = Response(round_id=round_.id, organisation_id=member.organisation_id,
                                questionnaire_hash=round_.questionnaire_version.content_hash)
            session.add(response)
            session.flush()
            save_answers(session, response, values, None, "bench", "respondent")
        session.execute(sa.text("CREATE TABLE bench_counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"))
        session.execute(sa.text("INSERT INTO bench_counter (id, n) VALUES (:i, 0)"),
                        [{"i": n} for n in range(clients)])
        session.commit()
        tokens = [derive_token(SECRET, active_link(m).nonce) for m in members]
        sections = {s.id: [f.id for f in q.fields if f.section_id == s.id] for s in q.sections}
    engine.dispose()
    texts = [f.id for f in q.fields if f.type.value == "text"]
    return {"tokens": tokens, "sections": sections, "values": raw, "texts": set(texts)}


def complete(q: Any) -> dict[str, Any]:
    """Values for every required field that applies (the demo's minimal response)."""
    from survey.demo.filling import minimal_answers

    return minimal_answers(q, day="2025-01-01")


# -- the rush -----------------------------------------------------------------------------
class Client:
    """One respondent's browser: a cookie, a new connection per request (gunicorn's sync
    workers close it anyway), and every timing with the bare request that follows it."""

    def __init__(self, port: int, number: int, times: dict[str, list[float]], errors: list[str]) -> None:
        self.port, self.number, self.cookie = port, number, ""
        self.times, self.errors = times, errors

    def request(self, kind: str, method: str, path: str, form: dict[str, Any] | None = None,
                expect: tuple[int, ...] = (200,)) -> bytes:
        try:
            status, body, elapsed, statements = self._send(method, path, form)
        except OSError as error:
            self.errors.append(f"{kind}: {type(error).__name__}: {error}")
            return b""
        if status not in expect:
            self.errors.append(f"{kind}: {status} {path}")
        self.times[kind].append(elapsed)
        reads, writes = statements.split(",") if statements else ("0", "0")
        try:
            bare_status, _, bare_elapsed, _ = self._send("POST", "/bench/bare", {"r": reads, "w": writes,
                                                                                 "c": str(self.number)})
        except OSError as error:
            self.errors.append(f"bare: {type(error).__name__}: {error}")
            return body
        if bare_status != 200:
            self.errors.append(f"bare: {bare_status}")
        self.times["bare " + kind].append(bare_elapsed)
        self.times["statements " + kind].append(int(reads) + int(writes))
        return body

    def _send(self, method: str, path: str, form: dict[str, Any] | None) -> tuple[int, bytes, float, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        data = None
        if form is not None:
            data = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        elapsed = time.perf_counter() - start
        cookie = response.getheader("Set-Cookie")
        if cookie and path != "/bench/bare":
            self.cookie = cookie.split(";", 1)[0]
        return response.status, body, elapsed, response.getheader("X-Statements") or ""


CSRF = re.compile(rb'name="csrf_token" value="([^"]+)"')
VERSION = re.compile(rb'name="v__([A-Za-z0-9_]+)" value="(\d+)"')


def respondent(client: Client, token: str, plan: dict[str, Any], rounds: int) -> None:
    """Identity, then ``rounds`` × (section page, autosave, full save), then review and submit."""
    base = f"/svar/{token}"
    page = client.request("identity page", "GET", f"{base}/vem")
    csrf = _csrf(page)
    client.request("identity save", "POST", f"{base}/vem", {"csrf_token": csrf, "namn": f"Person {client.number}",
                                                            "epost": f"p{client.number}@example.se"}, (303,))
    sections = list(plan["sections"])
    for n in range(rounds):
        section = sections[(client.number + n) % len(sections)]
        url = f"{base}/avsnitt/{section}"
        page = client.request("page load", "GET", url)
        versions = {aid.decode(): int(v) for aid, v in VERSION.findall(page)}
        ids = plan["sections"][section]
        values = {aid: plan["values"][aid] for aid in ids if aid in plan["values"]}
        text = next((aid for aid in ids if aid in plan["texts"]), None)
        if text is not None:
            body = client.request("autosave", "POST", url + "/autospara", {
                "csrf_token": csrf, text: f"Utkast {n}", f"v__{text}": str(versions.get(text, 0))})
            with contextlib.suppress(ValueError):
                versions.update(json.loads(body or b"{}").get("versions", {}))
            values[text] = f"Text {n}"
        form = {"csrf_token": csrf, "action": "save", **{f"v__{a}": str(v) for a, v in versions.items()}, **values}
        client.request("full save", "POST", url, form, (303,))
    page = client.request("review", "GET", f"{base}/granska")
    version = re.search(rb'name="version" value="(\d+)"', page)
    client.request("submit", "POST", f"{base}/skicka-in",
                   {"csrf_token": csrf, "version": version.group(1).decode() if version else ""}, (303,))


def _csrf(page: bytes) -> str:
    found = CSRF.search(page)
    return found.group(1).decode() if found else ""


def rush(port: int, plan: dict[str, Any], rounds: int, warm: int) -> tuple[dict[str, list[float]], list[str], float]:
    """First ``warm`` respondents through every section, two at a time (each worker loads its
    templates and the definition once: not what is measured), then all the others at once."""
    warmup: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    for start in range(0, warm, 2):
        pair = [threading.Thread(target=respondent, args=(Client(port, n, warmup, errors), plan["tokens"][n],
                                                            plan, len(plan["sections"])))
                for n in range(start, min(start + 2, warm))]
        for thread in pair:
            thread.start()
        for thread in pair:
            thread.join()
    times: dict[str, list[float]] = defaultdict(list)
    threads = [threading.Thread(target=respondent, args=(Client(port, n, times, errors), token, plan, rounds))
               for n, token in enumerate(plan["tokens"]) if n >= warm]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * (4 + 3 * rounds) * 2)
    return times, errors, time.perf_counter() - started


# -- servers and databases ----------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def run_backend(backend: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    import sqlalchemy as sa

    if backend == "sqlite":
        url, drop = f"sqlite:///{work / 'bench.sqlite3'}", None
    else:
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        name = f"bench_load_{secrets.token_hex(4)}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url, drop = sa.make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False), (admin, name)
    try:
        warm = 2 * args.workers
        plan = prepare(url, args.clients + warm)
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "SURVEY_ENV": "development",
               "SURVEY_SESSION_COOKIE_SECURE": "false", "PYTHONPATH": f"{work}:{ROOT}",
               # The submit's receipt (with its answers file) goes to .eml files, not to this terminal.
               "SURVEY_MAIL_BACKEND": "file", "SURVEY_MAIL_FILE_DIR": str(work / "mail")}
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--bind",
                                   f"127.0.0.1:{port}", "--backlog", "2048", "--log-level", "warning",
                                   "bench_load_app:app"], env=env, cwd=work)
        try:
            wait_for(port, server)
            times, errors, seconds = rush(port, plan, args.rounds, warm)
        finally:
            server.terminate()
            server.wait(timeout=30)
        return {"times": times, "errors": errors, "seconds": seconds}
    finally:
        if drop is not None:
            with drop[0].connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{drop[1]}" WITH (FORCE)')
            drop[0].dispose()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def report(backend: str, result: dict[str, Any]) -> None:
    times, errors = result["times"], result["errors"]
    kinds = [k for k in times if not k.startswith(("bare ", "statements "))]
    real = [t for k in kinds for t in times[k]]
    bare = [t for k in kinds for t in times["bare " + k]]
    print(f"\n{backend}: {len(real)} requests (+ {len(bare)} bare) in {result['seconds']:.1f} s, "
          f"{len(errors)} errors")
    print(f"  {'kind':<16}{'n':>6}{'stmts':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'bare p95':>10}")
    for kind in kinds + ["all"]:
        values = real if kind == "all" else times[kind]
        bares = bare if kind == "all" else times["bare " + kind]
        statements = ([s for k in kinds for s in times["statements " + k]] if kind == "all"
                      else times["statements " + kind])
        print(f"  {kind:<16}{len(values):>6}{statistics.mean(statements) if statements else 0:>7.1f}"
              + "".join(f"{percentile(values, p) * 1000:>9.0f}" for p in (50, 95, 99))
              + f"{percentile(bares, 95) * 1000:>10.0f}")
    ratio = percentile(bare, 95) / percentile(real, 95)
    print(f"  ratio bare p95 / real p95 = {ratio:.2f} (target ≥ 0.5); errors {len(errors)} (target 0)")
    for error in sorted(set(errors))[:10]:
        print(f"    {errors.count(error)} × {error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    (work / "bench_load_app.py").write_text(BENCH_APP)
    try:
        for backend in args.backends.split(","):
            report(backend, run_backend(backend.strip(), args, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
