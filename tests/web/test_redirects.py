"""After choosing a language or logging in, a visitor goes back to a page of this site, never
to another one (a link in a message cannot send an official to a fake login page)."""

from __future__ import annotations

import pytest
from web_helpers import PASSWORD, csrf_of

from web.site import local_path

# Browsers drop tabs and line breaks from a URL, so "/\t/evil.example" is "//evil.example".
AWAY = [
    "//evil.example/",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\\evil.example",
    "/\t\\evil.example",
    "\t//evil.example",
    "https://evil.example/",
    "/\x00/evil.example",
    "javascript:alert(1)",
    "",
]


@pytest.mark.parametrize("target", AWAY)
def test_a_path_elsewhere_becomes_the_overview(target):
    assert local_path(target) == "/overview"


def test_a_path_of_this_site_is_kept():
    assert local_path("/classes/LOP1?sort=name&desc=1") == "/classes/LOP1?sort=name&desc=1"
    assert local_path("/verify") == "/verify"


@pytest.mark.parametrize("target", ["/%09/evil.example", "/\t/evil.example", "/%0a/evil.example"])
async def test_choosing_a_language_stays_on_the_site(client, target):
    # aiohttp's client would tidy the raw target, so the query is sent as a browser sends it.
    quoted = target.replace("\t", "%09").replace("\n", "%0A")
    away = await client.get(f"/lang/en?next={quoted}", allow_redirects=False)
    assert away.status == 303 and away.headers["Location"] == "/overview"


async def test_logging_in_stays_on_the_site(client):
    page = await client.get("/login")
    data = {
        "username": "lan",
        "password": PASSWORD,
        "csrf": csrf_of(await page.text()),
        "next": "/\t/evil.example",
    }
    response = await client.post("/login", data=data, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/overview"
