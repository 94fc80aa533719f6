"""The section page around the form, rendered by Jinja once per section and app, then filled.

A section page differs between requests only in a few places: the link's token (in every
URL), the organisation's and the person's names, the CSRF token, the form itself and the
notices (its own and the flashed messages waiting in the visitor's session). The template is
rendered once with unique markers in those places and split there; a request then joins the
pieces with its own values. Nothing of the first visitor's request may end up in the shell:
it is rendered with no flashed messages, and each request adds its own. Pages with errors,
conflicts or the identity fields are rare and go through the template as usual.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any, cast

from flask import current_app, get_flashed_messages, render_template
from markupsafe import Markup, escape

SLOTS = ("token", "org", "person", "csrf", "body", "external", "messages")
_PREFIX = "m" + secrets.token_hex(8)
MARKS = {name: f"{_PREFIX}{name}x" for name in SLOTS}
_SPLIT = re.compile(f"({_PREFIX}(?:{'|'.join(SLOTS)})x)")


def _compile(render: Callable[..., str], context: dict[str, object]) -> list[str]:
    marked = {
        **context,
        # Only what is the same for every visitor of the section (and markers for the rest).
        "visit": SimpleNamespace(q=cast(Any, context["visit"]).q),
        "inv": SimpleNamespace(token=MARKS["token"], organisation_name=MARKS["org"]),
        "person": SimpleNamespace(name=MARKS["person"]),
        "csrf_token": lambda: MARKS["csrf"],
        "body": Markup(MARKS["body"]),
        "external": MARKS["external"],
        "messages": Markup(MARKS["messages"]),
        # base.html would consume (and bake in) this visitor's flashed messages.
        "get_flashed_messages": lambda **_: [],
    }
    return _SPLIT.split(render(**marked))


def messages_html(notice: str | None, alert: str | None) -> str:
    """The notices of this request: flashed messages first (as base.html shows them), then ours."""
    flashed = cast(list[tuple[str, str]], get_flashed_messages(with_categories=True))
    html = "".join(
        f'<div class="notice notice-{escape(category)}" role="{"alert" if category == "error" else "status"}">'
        f"{escape(message)}</div>" for category, message in flashed)
    if html:
        html = f'<div class="flash-messages">{html}</div>'
    if alert:
        html += f'<div class="notice notice-error" role="alert">{escape(alert)}</div>'
    if notice:
        html += f'<div class="notice notice-success" role="status">{escape(notice)}</div>'
    return html


def render_section_page(key: tuple[object, ...], context: dict[str, object],
                        values: Mapping[str, str]) -> str:
    """The page for ``context`` (static for ``key``) with ``values`` filled into the slots."""
    shells: dict[tuple[object, ...], list[str]] = current_app.extensions.setdefault("respond_shells", {})
    parts = shells.get(key)
    if parts is None:
        parts = shells[key] = _compile(
            lambda **ctx: render_template("respond/section.html", **ctx), context)
    by_mark = {MARKS[name]: value for name, value in values.items()}
    return "".join([by_mark.get(part, part) if part.startswith(_PREFIX) else part for part in parts])
