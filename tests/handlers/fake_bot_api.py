"""A Bot API server on loopback: the outside world the Telegram tests run against.

It answers the methods the bot uses with plausible JSON, records every request, hands out
queued updates through getUpdates (long polling), and can be told to fail the next calls
of a method (429 with retry_after, 403, 502, a migrated chat...).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from fake_api import FakeApi

TOKEN = "123456:" + "A" * 35
BOT = {"id": 4242, "is_bot": True, "first_name": "Học Số", "username": "hocso_test_bot"}
ADMIN_RIGHTS = {
    name: True
    for name in (
        "can_be_edited", "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
        "can_restrict_members", "can_promote_members", "can_change_info", "can_invite_users",
        "can_post_stories", "can_edit_stories", "can_delete_stories",
    )
}  # fmt: skip
JSON_PARAMS = {
    "reply_markup", "commands", "allowed_updates", "entities", "options", "scope",
    "correct_option_ids",
}  # fmt: skip


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)  # field -> uploaded file name
    status: int = 200
    at: float = field(default_factory=time.monotonic)  # when it arrived
    in_webhook_answer: bool = False  # carried in the HTTP response to a webhook post

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[dict[str, str]]:
        markup = self.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]


class FakeBotApi(FakeApi):
    route_method = "POST"
    base_path = "/bot"

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self.messages: dict[int, dict[str, Any]] = {}  # what the bot sent, by message_id
        self._faults: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self._late: dict[str, list[float]] = {}
        self._ids = itertools.count(100)
        self._files = itertools.count(1)
        self.admins: dict[int, list[int]] = {}  # group chat id -> its admins' user ids
        self.sent_polls: dict[str, dict[str, Any]] = {}  # poll id -> the poll, as sent

    # -- what tests use ------------------------------------------------------------------

    def fail(self, method: str, code: int, times: int = 1, **parameters: Any) -> None:
        """The next `times` calls of `method` get this error (parameters: retry_after...)."""
        self._faults.setdefault(method, []).extend([(code, parameters)] * times)

    def answer_late(self, method: str, seconds: float, times: int = 1) -> None:
        """The next `times` calls of `method` succeed at once but are answered late."""
        self._late.setdefault(method, []).extend([seconds] * times)

    async def post_webhook(self, url: str, update: dict[str, Any], secret: str | None) -> int:
        """Deliver an update to a webhook as Telegram does, and perform the method call its
        HTTP response may carry (as Telegram does, without telling the bot the result)."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, json=update, headers=headers) as response,
        ):
            if response.status == 200 and response.content_type == "application/json":
                params = dict(await response.json())
                method = params.pop("method")
                call = Call(method, params, in_webhook_answer=True)
                async with self._changed:
                    self.calls.append(call)
                    self._result(method, params, {})
                    self._changed.notify_all()
            return response.status

    # -- the server ----------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = {}
        files: dict[str, str] = {}
        # The Bot API takes a JSON body, a form, or multipart (uploads), as we do here.
        json_body = request.content_type == "application/json"
        form = dict(await request.json()) if json_body else await request.post()
        for key, value in form.items():
            if json_body:  # recorded as a form would give it: scalars as JSON text
                plain = key in JSON_PARAMS or isinstance(value, str)
                params[key] = value if plain else json.dumps(value)
                continue
            if isinstance(value, web.FileField):
                files[key] = value.filename
                params[key] = f"attach://{value.filename}"
            elif key in JSON_PARAMS:
                params[key] = json.loads(value)
            else:
                params[key] = value
        if method == "getUpdates":
            return await self._get_updates(params)
        call = Call(method, params, files)
        if await self._crashed(call):
            return web.Response(status=502)
        async with self._changed:
            self.calls.append(call)
            faults = self._faults.get(method)
            if faults:
                code, parameters = faults.pop(0)
                call.status = code
                self._changed.notify_all()
                return _error(code, parameters)
            result = self._result(method, params, files)
            self._changed.notify_all()
            late = self._late.get(method)
            delay = late.pop(0) if late else 0.0
        await asyncio.sleep(delay)  # delivered already; only the answer is slow
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        updates = await self._next_updates(float(params.get("timeout") or 0))
        return web.json_response({"ok": True, "result": updates})

    def _result(self, method: str, params: dict[str, Any], files: dict[str, str]) -> Any:
        if method == "getMe":
            return {**BOT, "can_join_groups": True, "can_read_all_group_messages": False}
        if method == "getChatAdministrators":
            chat_id = int(params["chat_id"])
            return [
                {"status": "creator" if i == 0 else "administrator", "user": user(uid),
                 "is_anonymous": False, **({} if i == 0 else ADMIN_RIGHTS)}
                for i, uid in enumerate(self.admins.get(chat_id, []))
            ]  # fmt: skip
        if method == "getChatMember":
            chat_id, uid = int(params["chat_id"]), int(params["user_id"])
            if uid in self.admins.get(chat_id, []):
                return {"status": "administrator", "user": user(uid), **ADMIN_RIGHTS}
            return {"status": "member", "user": user(uid)}
        if method == "stopPoll":
            message = self.messages[int(params["message_id"])]
            message["poll"]["is_closed"] = True
            return message["poll"]
        if method.startswith("send"):
            return self._message(params, method)
        if method.startswith("edit"):
            message = self.messages.get(int(params["message_id"]))
            if message is None:
                return True
            if "text" in params:
                message["text"] = params["text"]
            if "caption" in params:
                message["caption"] = params["caption"]
            message.pop("reply_markup", None)
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            return message
        return True  # answerCallbackQuery, setMyCommands, setWebhook, deleteWebhook...

    def _message(self, params: dict[str, Any], method: str) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": BOT,
        }
        if "text" in params:
            message["text"] = params["text"]
        if "caption" in params:
            message["caption"] = params["caption"]
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        n = next(self._files)
        file = {"file_id": f"file-{n}", "file_unique_id": f"u{n}"}
        if method == "sendPhoto":
            message["photo"] = [{**file, "width": 320, "height": 240}]
        elif method == "sendVoice":
            message["voice"] = {**file, "duration": 3}
        elif method == "sendAudio":
            message["audio"] = {**file, "duration": 3}
        elif method == "sendPoll":
            poll_id = f"poll-{n}"
            message["poll"] = {
                "id": poll_id,
                "question": params["question"],
                "options": [
                    {
                        "text": o if isinstance(o, str) else o["text"],
                        "voter_count": 0,
                        "persistent_id": f"o{i}",
                    }
                    for i, o in enumerate(params["options"])
                ],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": params.get("is_anonymous") in (True, "True", "true"),
                "type": params.get("type", "regular"),
                "allows_multiple_answers": False,
                "allows_revoting": params.get("allows_revoting") in (True, "True", "true"),
                "members_only": False,
                "correct_option_ids": params.get("correct_option_ids", []),
                "explanation": params.get("explanation"),
            }
            self.sent_polls[poll_id] = message["poll"]
        self.messages[message["message_id"]] = message
        return message


def _error(code: int, parameters: dict[str, Any]) -> web.Response:
    descriptions = {
        403: "Forbidden: bot was blocked by the user",
        429: f"Too Many Requests: retry after {parameters.get('retry_after')}",
        400: "Bad Request: group chat was upgraded to a supergroup chat",
        502: "Bad Gateway",
    }
    body: dict[str, Any] = {"ok": False, "error_code": code}
    body["description"] = descriptions.get(code, "Error")
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


# -- updates as Telegram sends them ------------------------------------------------------

_update_ids = itertools.count(1)


def user(user_id: int, first_name: str = "Lan") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "vi"}


def message_update(
    user_id: int,
    text: str | None = None,
    first_name: str = "Lan",
    chat_id: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    chat_id = chat_id or user_id
    chat = {"id": chat_id, "type": "private" if chat_id > 0 else "group", "title": "Nhà mình"}
    message: dict[str, Any] = {
        "message_id": next(_update_ids) + 10_000,
        "date": int(time.time()),
        "chat": chat,
        "from": user(user_id, first_name),
        **extra,
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            length = len(text.split(" ", 1)[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return {"update_id": next(_update_ids), "message": message}


def tap_update(
    user_id: int, message: dict[str, Any], data: str, first_name: str = "Lan"
) -> dict[str, Any]:
    query_id = next(_update_ids)
    query = {
        "id": str(query_id),
        "from": user(user_id, first_name),
        "chat_instance": "ci",
        "message": message,
        "data": data,
    }
    return {"update_id": query_id, "callback_query": query}


def blocked_update(user_id: int) -> dict[str, Any]:
    member = {"user": BOT}
    return {
        "update_id": next(_update_ids),
        "my_chat_member": {
            "chat": {"id": user_id, "type": "private", "first_name": "Lan"},
            "from": user(user_id),
            "date": int(time.time()),
            "old_chat_member": {**member, "status": "member"},
            "new_chat_member": {**member, "status": "kicked", "until_date": 0},
        },
    }


def poll_answer_update(user_id: int, poll_id: str, *options: int, first_name: str = "Lan"):
    """A member's vote in a (non-anonymous) poll: it names the poll and the member only."""
    return {
        "update_id": next(_update_ids),
        "poll_answer": {
            "poll_id": poll_id,
            "user": user(user_id, first_name),
            "option_ids": list(options),
            "option_persistent_ids": [f"o{i}" for i in options],
        },
    }


def bot_removed_update(chat_id: int, by: int) -> dict[str, Any]:
    """An admin took the bot out of a group."""
    member = {"user": BOT}
    return {
        "update_id": next(_update_ids),
        "my_chat_member": {
            "chat": {"id": chat_id, "type": "supergroup", "title": "Nhà mình"},
            "from": user(by),
            "date": int(time.time()),
            "old_chat_member": {**member, "status": "member"},
            "new_chat_member": {**member, "status": "left"},
        },
    }
