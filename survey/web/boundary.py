"""The edge of the app: what an address may hold, and a Swedish page for every refusal.

Everything a view reads from the URL passes here first. ``<int:…>`` parts are ASCII digits no
larger than PostgreSQL's ``integer`` (Werkzeug's own converter takes any Unicode digit, «١»,
and any size, and an id of 2**63 reached PostgreSQL as «integer out of range»); a path or a
query string with a control character (NUL above all, which PostgreSQL refuses in text) is
refused before any view asks the database about it. Every ``HTTPException`` that no
blueprint answers itself (404 in the staff pages, an expired form in the respondent pages)
gets a page in Swedish, or JSON for the pages' own scripts, instead of Werkzeug's English.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map
from werkzeug.routing.converters import IntegerConverter

from survey.text import MAX_INT, has_unwanted

# (title, message) by status code; the default is the last entry's.
PAGES: dict[int, tuple[str, str]] = {
    400: ("Förfrågan kunde inte behandlas",
          "Det som skickades gick inte att läsa. Gå tillbaka, ladda om sidan och försök igen."),
    401: ("Inloggning krävs", "Logga in och försök igen."),
    403: ("Behörighet saknas", "Du har inte behörighet till den här sidan."),
    404: ("Sidan finns inte",
          "Sidan eller uppgiften du söker finns inte. Kontrollera att adressen är rätt skriven."),
    405: ("Sidan kan inte användas så",
          "Sidan tar inte emot den här sortens förfrågan. Gå tillbaka och använd länkarna och knapparna "
          "på sidan."),
    413: ("Det som skickades är för stort",
          "Det som skickades är större än vad tjänsten tar emot (högst 8 MB). Skicka en mindre fil eller "
          "kortare text."),
    414: ("Adressen är för lång", "Adressen är för lång för att kunna användas. Kontrollera länken."),
    429: ("För många försök", "Det har kommit för många försök på kort tid. Vänta en stund och försök igen."),
    0: ("Förfrågan kunde inte behandlas", "Förfrågan kunde inte behandlas. Gå tillbaka och försök igen."),
}
CSRF_PAGE = ("Formuläret hade gått ut",
             "Sidan hade varit öppen länge, eller sessionen hade tagit slut, så det som skickades "
             "togs inte emot. Gå tillbaka, ladda om sidan och skicka igen.")
BAD_ADDRESS = "Adressen innehåller tecken som inte kan finnas i en adress. Kontrollera länken."
# Headers of Werkzeug's own response worth keeping (405 names the allowed methods).
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class DatabaseId(IntegerConverter):
    """``<int:…>``: ASCII digits only, at most PostgreSQL's ``integer``; anything else is a 404."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = MAX_INT, signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def init_url_map(app: Flask) -> None:
    """Before any blueprint adds its rules: they are compiled with the converters of that moment."""
    app.url_map.converters["int"] = DatabaseId


def init_app(app: Flask) -> None:
    app.before_request(refuse_unusable_address)
    app.register_error_handler(HTTPException, refusal_page)


def refuse_unusable_address() -> None:
    """A control character in the path or in a query parameter's name or value: 400."""
    if has_unwanted(request.path) or any(has_unwanted(key) or has_unwanted(value)
                                         for key, value in request.args.items(multi=True)):
        abort(400, BAD_ADDRESS)


def refusal_page(error: HTTPException) -> ResponseReturnValue:
    """Werkzeug's refusal, in Swedish: an HTML page, or JSON when the caller asked for JSON."""
    code = error.code or 500
    title, message = CSRF_PAGE if isinstance(error, CSRFError) else PAGES.get(code, PAGES[0])
    if error.description == BAD_ADDRESS:
        message = BAD_ADDRESS
    if code >= 500:
        title, message = "Något gick fel", "Något gick fel hos oss. Försök igen om en stund."
    headers = {name: value for name, value in error.get_headers() if name in KEPT_HEADERS}
    body: Any
    if request.accept_mimetypes.best == "application/json":
        body = jsonify({"error": code, "message": message})
    else:
        body = render_template("error.html", title=title, message=message, code=code)
    return body, code, headers
