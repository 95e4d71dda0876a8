"""The Zalo Official Account's settings, read from the environment (docs/zalo-oa.md).

The names are fixed by issue 22, so that deployments and checks outside this repository can
configure an OA:

| variable                | what it holds                                                   |
|-------------------------|-----------------------------------------------------------------|
| `ZALO_OA_APP_ID`        | the app id (developers.zalo.me)                                 |
| `ZALO_OA_APP_SECRET`    | the app secret, for OAuth only                                  |
| `ZALO_OA_SECRET_KEY`    | the OA secret key that signs webhooks (not the app secret)      |
| `ZALO_OA_ID`            | the OA id                                                       |
| `ZALO_OA_REFRESH_TOKEN` | the first refresh token, used only while Redis holds none       |
| `ZALO_OA_API_URL`       | default https://openapi.zalo.me                                 |
| `ZALO_OA_OAUTH_URL`     | default https://oauth.zaloapp.com                               |
| `ZALO_OA_BUSINESS_URL`  | default https://business.openapi.zalo.me                        |
| `ZALO_OA_PAID_WINDOW`   | also write 48 h to 7 days after a learner wrote (billed); off   |
| `ZALO_OA_REDIRECT_URI`  | for `hocso zalo-oa connect`: the OA callback URL of the console |

The OA is served when the app id, both secrets and the OA id are all set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

API_URL = "https://openapi.zalo.me"
OAUTH_URL = "https://oauth.zaloapp.com"
BUSINESS_URL = "https://business.openapi.zalo.me"
PATH = "/zalo-oa"  # the webhook's path on the process's one web server

ENV = {
    "ZALO_OA_APP_ID": "app_id",
    "ZALO_OA_APP_SECRET": "app_secret",
    "ZALO_OA_SECRET_KEY": "secret_key",
    "ZALO_OA_ID": "oa_id",
    "ZALO_OA_REFRESH_TOKEN": "refresh_token",
    "ZALO_OA_API_URL": "api_url",
    "ZALO_OA_OAUTH_URL": "oauth_url",
    "ZALO_OA_BUSINESS_URL": "business_url",
    "ZALO_OA_PAID_WINDOW": "paid_window",
    "ZALO_OA_REDIRECT_URI": "redirect_uri",
}
REQUIRED = ("ZALO_OA_APP_ID", "ZALO_OA_APP_SECRET", "ZALO_OA_SECRET_KEY", "ZALO_OA_ID")


class ZaloOASettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    app_id: Annotated[str, Field(pattern=r"^\d{1,32}$")]
    app_secret: Annotated[str, Field(min_length=8)]
    secret_key: Annotated[str, Field(min_length=8)]
    oa_id: Annotated[str, Field(pattern=r"^\d{1,32}$")]
    refresh_token: str = ""
    api_url: str = API_URL
    oauth_url: str = OAUTH_URL
    business_url: str = BUSINESS_URL
    # Consultation messages 48 h to 7 days after the learner last wrote are billed: off unless
    # the OA's owner chose to pay for them (reminders, issue 23).
    paid_window: bool = False
    redirect_uri: str = ""

    @field_validator("api_url", "oauth_url", "business_url", "redirect_uri")
    @classmethod
    def _web_address(cls, value: str) -> str:
        parts = urlsplit(value)
        if value and (parts.scheme not in ("http", "https") or not parts.netloc):
            raise ValueError("not a web address: use https://host")
        return value.rstrip("/")


class SettingsError(Exception):
    """The OA's environment is incomplete or wrong: one line per problem, naming the variable."""


def from_env(env: Mapping[str, str]) -> ZaloOASettings | None:
    """The OA's settings, or None when no ZALO_OA_ variable is set (no OA to serve)."""
    given = {name: env[name].strip() for name in ENV if env.get(name, "").strip()}
    if not given:
        return None
    missing = [name for name in REQUIRED if name not in given]
    if missing:
        raise SettingsError(
            f"{', '.join(missing)} missing: a Zalo OA needs {', '.join(REQUIRED)} "
            "(docs/zalo-oa.md)"
        )
    try:
        return ZaloOASettings.model_validate({ENV[name]: value for name, value in given.items()})
    except ValidationError as exc:
        by_field = {field: name for name, field in ENV.items()}
        raise SettingsError(
            "\n".join(
                f"{by_field.get(str(e['loc'][0]), e['loc'][0]) if e['loc'] else '?'}: "
                f"{e['msg'].removeprefix('Value error, ')}"
                for e in exc.errors()
            )
        ) from exc
