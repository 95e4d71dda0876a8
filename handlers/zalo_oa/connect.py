"""`hocso zalo-oa connect`: an OA admin's consent, step by step, and the token pair it gives.

Run it once when the OA is first set up, and again whenever the grant is lost (the log and
/health say so). It prints the consent address (OAuth v4 with PKCE: research/zalo-oa.md
§1.1), takes back the address the browser ended on (or just its code), exchanges the code
for a token pair, checks the pair speaks for ZALO_OA_ID, and stores it in Redis for every
worker, clearing a lost grant. The code lives 10 minutes and works once.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Callable
from typing import TextIO
from urllib.parse import parse_qs, urlsplit

from handlers.zalo_oa.api import OAClient, OAError, OAUnreachable
from handlers.zalo_oa.settings import ZaloOASettings
from handlers.zalo_oa.tokens import Tokens


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, code_challenge): 43 characters of base64url over 32 random bytes, and
    base64url(SHA-256(verifier)) without padding, as Zalo's own SDKs make them."""
    verifier = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


def code_from(answer: str, state: str) -> tuple[str, str]:
    """(code, problem) from what the operator pasted: the whole address, or the code alone."""
    answer = answer.strip()
    if not answer:
        return "", "nothing was pasted"
    if "://" not in answer and "code=" not in answer:
        return answer, ""
    query = parse_qs(urlsplit(answer).query if "://" in answer else answer)
    code = (query.get("code") or [""])[0]
    if not code:
        return "", "that address has no code= in it; paste the address the browser ended on"
    if (query.get("state") or [state])[0] != state:
        return "", "that address is from another consent (its state differs); start again"
    return code, ""


async def connect(
    settings: ZaloOASettings,
    client: OAClient,
    tokens: Tokens,
    ask: Callable[[str], str],
    out: TextIO,
) -> int:
    """Walk the operator through consent; 0 when the pair is stored, 2 otherwise."""
    if not settings.redirect_uri:
        out.write(
            "hocso: ZALO_OA_REDIRECT_URI is missing: set it to the Official Account Callback "
            "URL saved on developers.zalo.me (your app > Official Account > Thiết lập chung).\n"
        )
        return 2
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(12)
    url = client.consent_url(settings.redirect_uri, challenge, state)
    out.write(
        "Connect hocso to the Zalo Official Account, step by step:\n\n"
        "1. An admin of the OA opens this address in a browser, logged in to Zalo:\n\n"
        f"   {url}\n\n"
        "2. They choose the OA, tick every permission shown, and press «Cho phép» (Allow).\n"
        f"3. The browser goes on to {settings.redirect_uri}?code=... (the page itself may\n"
        "   show an error: that does not matter). Copy that whole address from the address\n"
        "   bar. The code in it works once, for 10 minutes.\n\n"
    )
    out.flush()
    code, problem = code_from(ask("4. Paste the address here (or just the code): "), state)
    if problem:
        out.write(f"\nhocso: {problem}\n")
        return 2
    try:
        pair = await client.exchange_code(code, verifier, time.time())
    except OAError as exc:
        out.write(
            f"hocso: Zalo refused the code ({exc}). It works once and for 10 minutes; check "
            "that ZALO_OA_APP_ID and ZALO_OA_APP_SECRET are this app's, then run this again.\n"
        )
        return 2
    except OAUnreachable as exc:
        out.write(f"hocso: cannot reach Zalo at {settings.oauth_url}: {exc}\n")
        return 2
    await tokens.store(pair)  # at once: this code is spent, and the pair is all we have
    hours = (pair.expires_at - time.time()) / 3600
    try:
        oa = await client.get_oa(pair.access)
    except (OAError, OAUnreachable) as exc:
        out.write(f"Stored the new tokens (valid {hours:.0f} h); could not check the OA: {exc}\n")
        return 0
    oa_id, name = str(oa.get("oa_id") or ""), str(oa.get("name") or "")
    if oa_id and oa_id != settings.oa_id:
        out.write(
            f"hocso: stored, but these tokens speak for OA {oa_id} ({name}), not ZALO_OA_ID "
            f"{settings.oa_id}: set ZALO_OA_ID={oa_id}, or consent with the right OA.\n"
        )
        return 2
    out.write(
        f"5. Done: hocso speaks for «{name or settings.oa_id}». The tokens are stored in "
        f"Redis (valid {hours:.0f} h, renewed by hocso itself); every worker uses them now.\n"
    )
    return 0
