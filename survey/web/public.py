"""Public pages every respondent can reach: the start page at ``/``, the accessibility
statement (the DOS law requires one), the privacy notice, contact details, the favicon.

The texts are templates in ``templates/public/`` (an agency edits them there) and the
contact details are settings (``AGENCY_*``), so nothing here needs code to change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, render_template
from werkzeug.wrappers import Response

bp = Blueprint("public", __name__)

DEFAULTS = {
    "AGENCY_NAME": "Socialstyrelsen",
    "AGENCY_EMAIL": "patientsakerhet@socialstyrelsen.se",
    "AGENCY_PHONE": "075-247 30 00",
    "AGENCY_ADDRESS": "Socialstyrelsen, 106 30 Stockholm",
    "AGENCY_DPO_EMAIL": "dataskyddsombud@socialstyrelsen.se",
    "ACCESSIBILITY_REVIEWED": "2026-12-02",
}


@bp.app_context_processor
def _agency() -> dict[str, Any]:
    return {"agency": {key.removeprefix("AGENCY_").lower(): current_app.config.get(key, value)
                       for key, value in DEFAULTS.items()}}


@bp.get("/")
def start() -> str:
    return render_template("public/start.html")


@bp.get("/tillganglighet")
def accessibility() -> str:
    return render_template("public/accessibility.html")


@bp.get("/personuppgifter")
def privacy() -> str:
    return render_template("public/privacy.html")


@bp.get("/kontakt")
def contact() -> str:
    return render_template("public/contact.html")


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page says; answer with the SVG icon."""
    path = Path(current_app.static_folder or "") / "favicon.svg"
    response = Response(path.read_bytes(), mimetype="image/svg+xml")
    response.cache_control.max_age = 86400
    return response
