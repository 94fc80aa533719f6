"""The browser harness itself works: a page served from the test app, checked by axe."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import LiveServer

pytestmark = pytest.mark.browser


def test_health_page_and_security_headers(live_server: LiveServer, page: Any) -> None:
    response = page.goto(f"{live_server.url}/healthz")
    assert response.status == 200
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
