"""Every file the app hands out is named in words («Svar Region Kalmar län 2025.xlsx»,
«Sammanställning Patientsäkerhetsarbetet regioner 2025.pptx»), sent with RFC 6266's
UTF-8 ``filename*`` beside an ASCII fallback."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import Response

from survey.formatting import file_name

__all__ = ["PPTX", "XLSX", "attachment", "download", "file_name"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def attachment(name: str) -> str:
    """RFC 6266 Content-Disposition: an ASCII fallback ``filename`` and the real name as a
    UTF-8 ``filename*`` (RFC 5987), which every current browser uses."""
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().replace('"', "")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download(payload: bytes | str, mimetype: str, name: str) -> Response:
    return Response(payload, mimetype=mimetype, headers={"Content-Disposition": attachment(name)})
