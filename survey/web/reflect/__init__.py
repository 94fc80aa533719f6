"""Reflection pages for organisations, through their link: /reflektion/<token>/…"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reflect", __name__, url_prefix="/reflektion")
