"""Every route in ``app.url_map``, hostile addresses and methods, as each role (issue 10, beyond
the list): no 5xx, a Swedish page for every refusal, nothing stored.

The bodies of the forms are fuzzed in ``tests/test_post_fuzz.py``; this module fuzzes the rest
of a request. Each path part gets values it must not accept: ids beyond PostgreSQL's integer
(2**31) and 2**63, negative and non-ASCII digits, NUL and other control characters, invalid
UTF-8 percent-escapes, 10,000 characters. Each page gets the query parameters the views read
(and a few they do not) with such values. Each route gets HEAD, OPTIONS, a wrong method, a
JSON or multipart body where a form is expected, and a Content-Length beyond the limit. The
routes come from the map, so a new route is covered the day it is added; on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from survey.web.boundary import PAGES
from survey.web.extensions import db
from tests.fuzz_helpers import World, client_for, reset, snapshot, unclean_texts, url_of
from tests.servers import gunicorn

ROLES = ("anonymous", "respondent", "admin")
# Already percent-encoded, as they would stand in an address.
INTEGERS = ("2147483648", "9223372036854775808", "99999999999999999999", "-1", "%D9%A1%D9%A2", "%C2%B2")
TEXTS = ("%00", "a%00b", "%01%1F%7F", "x" * 10_000, "%FF%FE", "%C3", "..%2F..%2Fetc", "%E2%80%AE", "%F0%9F%98%80")
# Without control characters (a query with one is refused as a whole, see ``CONTROL_QUERY``).
QUERY_VALUES = (*INTEGERS, *(t for t in TEXTS if not t.startswith(("%00", "a%00", "%01"))), "", "%20")
CONTROL_QUERY = "q=a%00b&sortera=%01&svar=%00&%00=1"
# What the views read from the query string, and what such pages commonly take.
QUERY_NAMES = ("page", "q", "sort", "sortera", "ordning", "status", "typ", "lan", "fraga", "svar", "avsnitt",
               "version", "live", "utkast", "next", "nasta", "sparat", "epost", "foljdfragor", "id")
PLACEHOLDER = re.compile(r"<(?:([a-z]+)(?:\([^)]*\))?:)?([a-z_]+)>")
PAGE_404 = PAGES[404][1]
ENGLISH = re.compile(r"<html lang=en>|Bad Request|Not Found|Method Not Allowed|Request Entity Too Large")


def build(world: World, rule: Rule, hostile: dict[str, str]) -> str:
    """The rule's address with the ``hostile`` parts (already encoded) and valid others."""
    valid = url_of(world, rule)
    if not hostile:
        return valid
    values = world.published if rule.endpoint.split(".")[0] in ("themes", "reflect") else world.values

    def part(match: re.Match[str]) -> str:
        name = match.group(2)
        return hostile[name] if name in hostile else quote(str(values[name]), safe="/")
    return PLACEHOLDER.sub(part, rule.rule)


def path_variants(rule: Rule) -> Iterator[dict[str, str]]:
    for name, converter in rule._converters.items():  # werkzeug has no public name for it
        for value in INTEGERS if converter.regex.startswith("[0-9]") else TEXTS:
            yield {name: value}


def query_strings(index: int) -> list[str]:
    """Query strings for the ``index``-th (route, role): every name, each with another hostile
    value, shifted from route to route (so each name meets each value somewhere), and one
    with control characters."""
    def shifted(shift: int) -> str:
        return "&".join(f"{name}={QUERY_VALUES[(n + shift) % len(QUERY_VALUES)]}"
                        for n, name in enumerate(QUERY_NAMES))
    return [shifted(index), shifted(index + 5), shifted(index + 11), CONTROL_QUERY]


class Probe:
    """Sends requests and collects what went wrong, so one run lists every failure."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.sent = 0

    def send(self, client: FlaskClient, method: str, url: str, **kwargs: Any) -> TestResponse | None:
        self.sent += 1
        label = f"{method} {url[:120]}"
        try:
            answer = client.open(url, method=method, **kwargs)
        except Exception as error:  # the app let an exception through: a 500 in production
            self.failures.append(f"{label}: {type(error).__name__}: {str(error)[:200]}")
            return None
        finally:
            db.session.rollback()  # the test's own session, shared with the app's
        if answer.status_code >= 500:
            self.failures.append(f"{label}: {answer.status_code}")
        elif answer.status_code >= 400 and method != "HEAD" and not self._swedish(answer):
            self.failures.append(f"{label}: {answer.status_code} not a Swedish page: {answer.text[:120]!r}")
        answer.close()  # a file sent from disk holds it open until then
        return answer

    @staticmethod
    def _swedish(answer: TestResponse) -> bool:
        if answer.mimetype == "application/json":
            return isinstance(answer.json, dict) and bool(answer.json.get("message") or answer.json.get("error"))
        text = answer.get_data(as_text=True)
        return 'lang="sv"' in text and not ENGLISH.search(text)


def hostile_requests(probe: Probe, world: World, rule: Rule, role: str, index: int) -> None:
    """Everything but one form post is refused or reads only: the database stays as it was."""
    before = snapshot()
    refused_only(probe, world, rule, role, index)
    if snapshot() != before:
        probe.failures.append(f"{role} {rule.rule}: hostile requests changed stored data")
    if "POST" in (rule.methods or ()):
        valid_form(probe, world, rule, role)


def refused_only(probe: Probe, world: World, rule: Rule, role: str, index: int) -> None:
    client, csrf = client_for(world, role)
    methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    for hostile in path_variants(rule):
        url = build(world, rule, hostile)
        for method in methods:
            probe.send(client, method, url, data={"csrf_token": csrf} if method == "POST" else None)
    url = build(world, rule, {})
    if "GET" in methods:
        for query in query_strings(index):
            probe.send(client, "GET", f"{url}?{query}")
    probe.send(client, "HEAD", url)
    probe.send(client, "OPTIONS", url)
    probe.send(client, "PUT", url, data={"csrf_token": csrf})
    probe.send(client, "DELETE", url)
    if "POST" not in methods:
        probe.send(client, "POST", url, data={"csrf_token": csrf})
        return
    probe.send(client, "POST", url, json={"csrf_token": csrf, "namn": "Ann"})
    probe.send(client, "POST", url, data=b"csrf_token=x", content_type="application/x-www-form-urlencoded",
               environ_overrides={"CONTENT_LENGTH": str(10**12)})


def valid_form(probe: Probe, world: World, rule: Rule, role: str) -> None:
    client, csrf = client_for(world, role)
    url = build(world, rule, {})
    before = snapshot()  # a form with a valid token may be carried out; refused, it changes nothing
    form = probe.send(client, "POST", url, data={"csrf_token": csrf, "namn": "Ann", "fil": (b"\x00" * 10, "a.csv")},
                      content_type="multipart/form-data")
    if form is not None and form.status_code >= 400 and snapshot() != before:
        probe.failures.append(f"{role} POST {url}: refused ({form.status_code}) but changed stored data")


@pytest.mark.parametrize("role", ROLES)
def test_no_address_or_method_gives_a_5xx_an_english_page_or_a_change(world: World, role: str) -> None:
    rules = sorted(world.app.url_map.iter_rules(), key=lambda r: r.rule)
    assert len(rules) > 80
    probe = Probe()
    for index, rule in enumerate(rules):
        reset(world)
        hostile_requests(probe, world, rule, role, index)
    assert probe.sent > 1000
    assert not probe.failures, f"{len(probe.failures)} of {probe.sent}:\n" + "\n".join(probe.failures[:60])
    assert not unclean_texts()


def _raw(port: int, request: bytes) -> tuple[int, str]:
    """``request`` as sent, byte for byte (no client library tidies it up): status and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body.decode("utf-8", "replace")


def _request(line: str, *headers: str, body: str = "") -> bytes:
    return "\r\n".join((line + " HTTP/1.1", "Host: localhost", "Connection: close", *headers, "", body)).encode()


def test_gunicorn_refuses_hostile_addresses_and_bodies_in_swedish(app: Flask) -> None:
    """The same boundary behind a real server, four workers, where the client cannot tidy the request."""
    form = "Content-Type: application/x-www-form-urlencoded"
    swedish = {
        _request("GET /admin/rundor/9223372036854775808"): 404,
        _request("GET /admin/rundor/2147483648/framsteg"): 404,
        _request("GET /admin/rundor/1/org/%00"): 400,
        _request("GET /admin/logga-in?next=a%00b"): 400,
        _request("GET /svar/%FF%FE?q=%C3"): 404,
        _request("POST /admin/logga-in", form, "Content-Length: 1000000000000"): 413,
        _request("POST /admin/logga-in", "Content-Type: application/json", "Content-Length: 2", body="{}"): 400,
        _request("DELETE /admin/logga-in"): 405,
    }
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=4) as base:
        port = int(base.rsplit(":", 1)[1])
        for request, expected in swedish.items():
            status, body = _raw(port, request)
            assert status == expected and 'lang="sv"' in body and not ENGLISH.search(body), request[:60]
        # Refused by gunicorn before the app sees them (its limits, its words): a 4xx all the same.
        for request in (b"GET /svar/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n", _request("GET /svar/" + "x" * 10_000)):
            assert 400 <= _raw(port, request)[0] < 500
        assert _raw(port, _request("GET /healthz"))[0] == 200  # and the workers still serve


@pytest.mark.parametrize("number", ["2147483648", "9223372036854775808", "%D9%A1", "%C2%B2"])
def test_an_id_postgresql_cannot_hold_is_a_swedish_404(admin_client: FlaskClient, kommun_round: Any,
                                                       number: str) -> None:
    """PostgreSQL answered «integer out of range» for 2**31 and beyond; «١» was read as 1."""
    for path in (f"/admin/rundor/{number}", f"/admin/rundor/{number}/framsteg",
                 f"/admin/resultat/{number}/svar.xlsx"):
        answer = admin_client.get(path)
        assert answer.status_code == 404 and "Sidan finns inte" in answer.text, path


def test_control_characters_in_an_address_are_refused_before_the_database(admin_client: FlaskClient,
                                                                          kommun_round: Any) -> None:
    """NUL in ``<code>`` or in ``?svar=`` reached PostgreSQL («text fields cannot contain NUL»)."""
    base = f"/admin/rundor/{kommun_round.id}/org"
    for path in (f"{base}/%00", f"{base}/01%00/historik", f"{base}/0180/historik?svar=a%00b", f"{base}/0180?%01=1"):
        answer = admin_client.get(path)
        assert answer.status_code == 400 and "tecken som inte kan finnas i en adress" in answer.text, path


def test_query_numbers_are_parsed_safely(admin_client: FlaskClient, kommun_round: Any) -> None:
    """``?version=`` beyond PostgreSQL's integer was a 500; ``?fraga=²`` passed ``isdigit`` and failed ``int``."""
    for version in ("9223372036854775808", "%C2%B2", "-1"):
        assert admin_client.get(f"/admin/resultat/{kommun_round.id}?version={version}").status_code == 404
    assert admin_client.get(f"/admin/resultat/{kommun_round.id}?version=").status_code == 200
    assert admin_client.get(f"/admin/teman/{kommun_round.id}/?fraga=%C2%B2").status_code == 200


def test_refusals_say_what_happened_in_swedish(admin_client: FlaskClient, client: FlaskClient) -> None:
    wrong_method = client.delete("/admin/logga-in")
    assert wrong_method.status_code == 405 and "Sidan kan inte användas så" in wrong_method.text
    assert set(wrong_method.headers["Allow"].split(", ")) >= {"GET", "POST"}
    expired = admin_client.post("/admin/kontakter/0180", data={"csrf_token": "gammal"})
    assert expired.status_code == 400 and "Formuläret hade gått ut" in expired.text
    missing = client.get("/finns-inte", headers={"Accept": "application/json"})
    assert missing.status_code == 404 and missing.json == {"error": 404, "message": PAGE_404}
    large = client.post("/admin/logga-in", data=b"x", content_type="application/x-www-form-urlencoded",
                        environ_overrides={"CONTENT_LENGTH": str(10**12)})
    assert large.status_code == 413 and "högst 8 MB" in large.text
