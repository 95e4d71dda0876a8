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
| `ZALO_OA_TEMPLATES`     | reminder templates (ZBS), JSON by kind: see templates.py        |
| `ZALO_OA_TEMPLATE_HOURS`| when templates may go, local time; default and widest 07:00-21:30|
| `ZALO_OA_PRICE_PAID`    | VND per consultation message 48 h-7 days (for the cost estimate)|
| `ZALO_OA_PRICE_TEMPLATE`| VND per template message delivered (for the cost estimate)      |
| `ZALO_OA_GROUP_PER_MINUTE` | messages a minute to one OA group, fleet-wide; default 20    |
| `ZALO_OA_GMF_ASSET`     | the GMF asset id a new class group is created with             |

The OA is served when the app id, both secrets and the OA id are all set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from handlers.zalo_oa.templates import DAYTIME, Templates, hours, parse_templates

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
    "ZALO_OA_TEMPLATES": "templates",
    "ZALO_OA_TEMPLATE_HOURS": "template_hours",
    "ZALO_OA_PRICE_PAID": "price_paid",
    "ZALO_OA_PRICE_TEMPLATE": "price_template",
    "ZALO_OA_GROUP_PER_MINUTE": "group_per_minute",
    "ZALO_OA_GMF_ASSET": "gmf_asset",
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
    # Reminders out of the window (issue 23, templates.py): which approved template for which
    # reminder, the hours they may go, and the prices the status command estimates cost at.
    templates: Templates = Field(default_factory=dict)
    template_hours: str = DAYTIME
    price_paid: Annotated[float, Field(ge=0)] = 0.0
    price_template: Annotated[float, Field(ge=0)] = 0.0
    # Group lessons (GMF): Zalo publishes no per-group limit (UNKNOWN); 20 a minute is a
    # lesson's pace (a step is one to three messages, and slow readers on small screens
    # scroll back at more), the same bound as Telegram's, so the engine's timings hold.
    group_per_minute: Annotated[int, Field(ge=1, le=120)] = 20
    gmf_asset: str = ""

    @field_validator("templates", mode="before")
    @classmethod
    def _templates(cls, value: object) -> object:
        return parse_templates(value) if isinstance(value, str) else value

    @field_validator("template_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        hours(value)  # ValueError says what is wrong
        return value

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
