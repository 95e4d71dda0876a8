"""What every response of the web page tells browsers and caches."""

from __future__ import annotations

from web_helpers import log_in

DATA = ["/overview", "/classes/LOP1", "/csv/certified.csv", "/csv/wards.csv", "/verify/AAAAA22222"]


async def test_pages_and_csvs_with_data_are_never_cached(client):
    await log_in(client, "lan")
    for path in [*DATA, "/login", "/nowhere"]:
        response = await client.get(path)
        assert response.headers.get("Cache-Control") == "no-store", path


async def test_no_server_version_and_no_framing(client):
    for path in ["/login", "/overview", "/static/app.css", "/nowhere"]:
        response = await client.get(path, allow_redirects=False)
        assert "aiohttp" not in response.headers.get("Server", ""), path
        assert "Python" not in response.headers.get("Server", ""), path
        assert response.headers.get("X-Frame-Options") == "DENY", path
