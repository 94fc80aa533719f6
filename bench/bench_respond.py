"""Benchmark of the respondent form (not a test): ``python bench/bench_respond.py [N]``.

Serves the app with gunicorn (2 workers) on loopback and measures, interleaved in one run:

(a) GET of the largest section page, against the same app returning the same HTML bytes from
    memory (``/bench/static``), and
(b) a save of that section (a full form post changing 13 answers), against a minimal handler
    (``/bench/minimal-save``) that writes the same rows (13 answer updates, 13 history rows,
    the response's version) in one transaction with plain SQL.

Prints both ratios (baseline time / real time; the targets are ≥ 0.5). Uses a throwaway SQLite
database unless ``DATABASE_URL`` is set (then that database is used as is: give it an empty one).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SECTION = "kompetens"  # the largest section of regioner-2025 (25 answer ids)
FLIPPED = ["q03_psf", "q03_pol", "q03_lok", "q03_cent", "q04_psf", "q04_pol", "q04_lok", "q04_cent",
           "q03b_leg", "q03b_chef", "q04b_leg", "q04b_chef", "q04b_ickeleg"]
FIXED = {aid: "ja" for aid in ["q03_leg", "q03_chef", "q03_ickeleg", "q04_leg", "q04_chef",
                               "q04_ickeleg", "q03a_leg", "q03a_chef", "q03a_ickeleg", "q04a_leg",
                               "q04a_chef", "q04a_ickeleg"]}

BENCH_APP = '''
"""The real app plus the two baselines, for bench/bench_respond.py only."""
import os
from pathlib import Path

from flask import Response, request
from sqlalchemy import text

from survey.app import create_app
from survey.extensions import csrf, db

app = create_app()
PAGE = []  # read on first use: the bench writes the page after the workers start


@app.get("/bench/static")
def static_page():
    if not PAGE:
        PAGE.append(Path(os.environ["BENCH_PAGE"]).read_bytes())
    return Response(PAGE[0], mimetype="text/html")


@app.post("/bench/minimal-save")
def minimal_save():
    response_id, flip = int(request.form["response"]), request.form["value"]
    ids = os.environ["BENCH_IDS"].split(",")
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE answer SET value = :v, version = version + 1 "
                                "WHERE response_id = :r AND answer_id = :a"),
                           [{"v": '"%s"' % flip, "r": response_id, "a": aid} for aid in ids])
        connection.execute(text("INSERT INTO answer_history (response_id, answer_id, old_value, new_value, "
                                "changed_at, changed_by, source) VALUES (:r, :a, NULL, :v, "
                                "CURRENT_TIMESTAMP, 'bench', 'respondent')"),
                           [{"v": '"%s"' % flip, "r": response_id, "a": aid} for aid in ids])
        connection.execute(text("UPDATE response SET version = version + 1 WHERE id = :r"),
                           {"r": response_id})
    return "", 303, {"Location": "/bench/static"}


csrf.exempt(minimal_save)
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Client:
    """One keep-alive connection with a cookie jar of one cookie (the session)."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port)
        self.cookie = ""

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[int, bytes, float]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        data = None
        if body is not None:
            data = urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        elapsed = time.perf_counter() - start
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, payload, elapsed


def prepare(env: dict[str, str]) -> tuple[str, int, int]:
    """Migrate, load, open a round for two regions; return a token and both response ids."""
    script = textwrap.dedent("""
        import sys
        from datetime import date, timedelta
        from survey.app import create_app
        from survey.extensions import db
        from survey.links import derive_token
        from survey.migrate import upgrade
        from survey.models import Response
        from survey.rounds import active_link, create_round, latest_version, organisations_for
        from survey.setup import sync_questionnaires, sync_registry
        from pathlib import Path
        app = create_app()
        upgrade(app.config["SQLALCHEMY_DATABASE_URI"])
        with app.app_context():
            sync_registry(db.session)
            sync_questionnaires(db.session, Path("survey/questionnaires"))
            today = date.today()
            round_ = create_round(db.session, latest_version(db.session, "regioner-2025"),
                                  organisations_for(db.session, "01,03"), today - timedelta(days=1),
                                  today + timedelta(days=30), "Bench", secret=app.config["SECRET_KEY"])
            round_.state = "open"
            for member in round_.members:
                db.session.add(Response(round_id=round_.id, organisation_id=member.organisation_id,
                                        questionnaire_hash=round_.questionnaire_version.content_hash))
            db.session.commit()
            ids = [r.id for r in db.session.query(Response).order_by(Response.id)]
            member = sorted(round_.members, key=lambda m: m.organisation.code)[0]
            print(derive_token(app.config["SECRET_KEY"], active_link(member).nonce), *ids)
    """)
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.split()
    return out[-3], int(out[-2]), int(out[-1])


def seed_minimal_rows(env: dict[str, str], response_id: int) -> None:
    script = textwrap.dedent(f"""
        from survey.app import create_app
        from survey.extensions import db
        from survey.models import Answer
        app = create_app()
        with app.app_context():
            for aid in {FLIPPED!r}:
                db.session.add(Answer(response_id={response_id}, answer_id=aid, value="ja", version=1))
            db.session.commit()
    """)
    subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True)


def main(rounds: int = 300) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-respond-"))
    env = {**os.environ, "SECRET_KEY": "bench-" + "x" * 40, "SURVEY_ENV": "development",
           "PYTHONPATH": f"{work}:{ROOT}", "BENCH_PAGE": str(work / "page.html"),
           "BENCH_IDS": ",".join(FLIPPED)}
    env.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    token, response_id, minimal_id = prepare(env)
    seed_minimal_rows(env, minimal_id)
    (work / "bench_app.py").write_text(BENCH_APP)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--bind",
                               f"127.0.0.1:{port}", "--log-level", "warning", "bench_app:app"],
                              env=env, cwd=work)
    try:
        run(port, token, minimal_id, rounds, work)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


def wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def run(port: int, token: str, minimal_id: int, rounds: int, work: Path) -> None:
    wait_for(port)
    client = Client(port)
    base = f"/svar/{token}"
    _, page, _ = client.request("GET", f"{base}/vem")
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
    status, _, _ = client.request("POST", f"{base}/vem", {"csrf_token": csrf, "namn": "Bench Mark",
                                                          "epost": "bench@example.se"})
    assert status == 303, status
    section_url = f"{base}/avsnitt/{SECTION}"
    _, page, _ = client.request("GET", section_url)
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
    versions = {aid: int(v) for aid, v in re.findall(rb'name="v__([a-z0-9_]+)" value="(\d+)"', page)
                for aid, v in [(aid.decode(), v)]}
    # First save: the fixed «ja» answers (so every follow-up applies), then flip 13 answers.
    save = {"csrf_token": csrf, "action": "save", **{f"v__{a}": str(v) for a, v in versions.items()},
            **FIXED, **{aid: "ja" for aid in FLIPPED}}
    assert client.request("POST", section_url, save)[0] == 303
    versions = {aid: (1 if aid in FIXED or aid in FLIPPED else 0) for aid in versions}
    _, page, _ = client.request("GET", section_url)
    (work / "page.html").write_bytes(page)
    get_times, static_times, save_times, minimal_times = [], [], [], []
    for i in range(rounds):
        value = "nej" if i % 2 == 0 else "ja"
        status, body, elapsed = client.request("GET", section_url)
        assert status == 200
        get_times.append(elapsed)
        status, static_body, elapsed = client.request("GET", "/bench/static")
        assert status == 200 and len(static_body) > 0
        static_times.append(elapsed)
        form = {"csrf_token": csrf, "action": "save", **{f"v__{a}": str(v) for a, v in versions.items()},
                **FIXED, **{aid: value for aid in FLIPPED}}
        status, body, elapsed = client.request("POST", section_url, form)
        assert status == 303, (status, body[:300])
        save_times.append(elapsed)
        for aid in FLIPPED:
            versions[aid] += 1
        status, _, elapsed = client.request("POST", "/bench/minimal-save",
                                            {"response": str(minimal_id), "value": value})
        assert status == 303
        minimal_times.append(elapsed)
    report(len(body), get_times, static_times, save_times, minimal_times)


def report(_size: int, get_times: list[float], static_times: list[float], save_times: list[float],
           minimal_times: list[float]) -> None:
    def ms(values: list[float]) -> str:
        return f"median {statistics.median(values) * 1000:.2f} ms"

    get_ratio = statistics.median(static_times) / statistics.median(get_times)
    save_ratio = statistics.median(minimal_times) / statistics.median(save_times)
    print(f"(a) GET {SECTION}: {ms(get_times)}; same bytes from memory: {ms(static_times)}")
    print(f"(b) save {len(FLIPPED)} answers: {ms(save_times)}; minimal handler, same rows: {ms(minimal_times)}")
    print(f"ratio (a) GET  = {get_ratio:.2f}  (target ≥ 0.5)")
    print(f"ratio (b) save = {save_ratio:.2f}  (target ≥ 0.5)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
