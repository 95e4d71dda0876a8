"""Zalo in webhook mode: the secret is checked, and pictures go as signed, expiring links to
our own server, which the (fake) Zalo fetches; where that fails, the words still go."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from fake_zalo_api import TOKEN, FakeZaloApi, text_update
from zalo_phone import ZaloPhone

from bot.content.lessons import Curriculum, load_curriculum
from handlers.media import MediaLinks, media_key
from handlers.zalo.adapter import SECRET_HEADER
from handlers.zalo.settings import ZaloSettings

SECRET = "zalo-secret_for-tests_0123456789"
PICTURE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def picture_course(root: Path) -> Curriculum:
    """A one-lesson course: a card with a picture, then a question."""
    module = root / "m"
    module.mkdir(parents=True)
    (module / "module.yaml").write_text("id: m\norder: 1\ntitle: { vi: Ảnh }\n")
    (module / "bieu-tuong.png").write_bytes(PICTURE)
    (module / "l.yaml").write_text(
        "id: anh\nversion: 1\norder: 1\ntitle: { vi: Bài ảnh }\n"
        "objectives: [{ vi: Xem ảnh }]\nminutes: 1\nsources: [test]\nsteps:\n"
        "  - type: card\n    text: { vi: Đây là biểu tượng }\n    image: bieu-tuong.png\n"
        "    image_alt: { vi: Một biểu tượng }\n"
        "  - type: truefalse\n    id: q\n    prompt: { vi: Thấy rồi }\n    answer: true\n"
        "    explanation: { vi: Vậy đó }\n"
    )
    return load_curriculum(root)


class WebhookPhone(ZaloPhone):
    """A Zalo learner whose messages Zalo posts to our webhook."""

    def __init__(self, url: str, api: FakeZaloApi, user_id: str = "a1b2c3") -> None:
        super().__init__(None, user_id, api=api)
        self.url = url

    async def post(self, update: dict[str, Any], secret: str | None = SECRET) -> int:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.url, json=update, headers=headers) as response,
        ):
            return response.status

    async def deliver(self, update: dict[str, Any]) -> None:
        """Processed before the webhook answers: the bot's answer is out on return."""
        assert await self.post(update) == 200


@pytest.fixture
async def webhook(start_zalo, zapi: FakeZaloApi, engine, tmp_path: Path) -> WebhookPhone:
    """The Zalo bot in webhook mode, serving pictures of a one-lesson course."""
    engine.curriculum = picture_course(tmp_path / "lessons")
    port = free_port()
    url = f"http://127.0.0.1:{port}/zalo"
    settings = ZaloSettings(
        token=TOKEN, base_url=zapi.base_url, webhook_url=url, webhook_secret=SECRET
    )
    await start_zalo(settings, media_folders=[tmp_path / "lessons"], port=port)
    return WebhookPhone(url, zapi)


async def test_the_webhook_is_registered_with_its_secret(webhook: WebhookPhone, zapi) -> None:
    (call,) = zapi.of("setWebhook")
    assert call.params == {"url": webhook.url, "secret_token": SECRET}
    assert zapi.polls == 0  # no polling beside the webhook


async def test_a_missing_or_wrong_secret_is_refused_and_the_right_one_served(
    webhook: WebhookPhone, zapi: FakeZaloApi
) -> None:
    update = text_update(webhook.user_id, "/start")
    assert await webhook.post(update, secret=None) == 403
    assert await webhook.post(update, secret="wrong-secret-0123456789") == 403
    assert zapi.sent_to(webhook.user_id) == []  # nothing was processed
    assert await webhook.post(update) == 200
    assert "Chào bác Lan" in zapi.sent_to(webhook.user_id)[0].text
    sent = len(zapi.sent_to(webhook.user_id))
    assert await webhook.post(update) == 200  # delivered again: answered once
    assert len(zapi.sent_to(webhook.user_id)) == sent


async def test_a_lesson_picture_goes_as_a_signed_link_zalo_can_fetch(
    webhook: WebhookPhone, zapi: FakeZaloApi
) -> None:
    await webhook.write("/start")
    await webhook.choose("Đồng ý")  # the first lesson begins: its card has the picture
    (photo,) = zapi.of("sendPhoto")
    assert photo.fetched == PICTURE  # Zalo got the picture from our server
    url = photo.params["photo"]
    assert url.startswith(webhook.url.removesuffix("/zalo") + "/media/")
    assert "bieu-tuong.png" in url
    # The card's words and its numbered choice ride on the picture as its caption.
    assert photo.params["caption"].startswith("Đây là biểu tượng")
    assert "1. Tiếp tục" in photo.params["caption"]
    assert "Thấy rồi" in await webhook.choose("Tiếp tục")

    expires, signature, rest = url.split("/media/")[1].split("/", 2)
    base = url.split("/media/")[0] + "/media"
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    async with aiohttp.ClientSession() as session:
        for tampered in (
            f"{base}/{expires}/{flipped}/{rest}",  # a guessed signature
            f"{base}/{int(expires) + 1}/{signature}/{rest}",  # a longer life
            f"{base}/{expires}/{signature}/{rest.replace('bieu-tuong.png', 'l.yaml')}",
        ):
            async with session.get(tampered) as response:
                assert response.status == 404, tampered


async def test_a_refused_picture_still_leaves_the_words_and_the_choice(
    webhook: WebhookPhone, zapi: FakeZaloApi
) -> None:
    await webhook.write("/start")
    zapi.fail("sendPhoto", 400, "photo is not supported")
    answer = await webhook.choose("Đồng ý")  # the first lesson begins with the picture card
    assert zapi.of("sendPhoto") == []
    assert "Đây là biểu tượng" in answer and "1. Tiếp tục" in answer  # as a plain message
    assert "Thấy rồi" in await webhook.choose("Tiếp tục")  # and its choice works


async def test_without_a_webhook_pictures_go_as_their_words(
    start_zalo, engine, zapi: FakeZaloApi, tmp_path: Path
) -> None:
    engine.curriculum = picture_course(tmp_path / "lessons")
    phone = ZaloPhone(await start_zalo(media_folders=[tmp_path / "lessons"]))
    await phone.onboard()
    answer = await phone.choose("Học tiếp")
    assert "Đây là biểu tượng" in answer and "1. Tiếp tục" in answer
    assert zapi.of("sendPhoto") == []  # no public URL to give Zalo


def test_links_expire_and_name_only_files_in_their_folders(tmp_path: Path) -> None:
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "a.png").write_bytes(PICTURE)
    (tmp_path / "secret.txt").write_text("not for the internet")
    now = [1_000_000.0]
    links = MediaLinks(
        media_key(TOKEN), "https://h.example", [folder], ttl=60, clock=lambda: now[0]
    )
    url = links.url(folder / "a.png")
    assert url is not None and url.startswith("https://h.example/media/")
    tail = url.removeprefix("https://h.example/media/")
    assert links.file(tail) == (folder / "a.png").resolve()
    assert links.url(tmp_path / "secret.txt") is None  # outside every folder
    assert links.url(folder / "missing.png") is None
    assert links.url(folder / "a.png", max_bytes=100) is None  # too big for the platform
    other = MediaLinks(media_key("another token"), "https://h.example", [folder])
    assert other.file(tail) is None  # another key: not ours
    now[0] += 61
    assert links.file(tail) is None  # expired


async def test_a_certificate_arrives_as_a_picture(
    start_zalo, engine, zapi: FakeZaloApi, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    engine.config.data_dir = data
    port = free_port()
    url = f"http://127.0.0.1:{port}/zalo"
    settings = ZaloSettings(
        token=TOKEN, base_url=zapi.base_url, webhook_url=url, webhook_secret=SECRET
    )
    # The folders `hocso run` gives: the lessons, and the certificates in data_dir.
    folders = [engine.config.lessons_dir, data / "certificates"]
    await start_zalo(settings, media_folders=folders, port=port)
    phone = WebhookPhone(url, zapi)
    await phone.write("/start")
    steps = ("Đồng ý", "Tiếp tục", "Đúng rồi", "✔️ Đúng", "Bỏ qua", "Bỏ qua")  # lesson one
    for label in (*steps, "Bài tiếp theo", "Tiếp tục"):
        await phone.choose(label)
    assert "Bác muốn in tên nào lên giấy?" in await phone.write("không")
    await phone.choose("Dùng tên «Lan»")
    (photo,) = zapi.of("sendPhoto")
    assert photo.fetched.startswith(b"\x89PNG")  # Zalo fetched the certificate we drew
    assert "/media/" in photo.params["photo"] and "/1/" in photo.params["photo"]
    (picture,) = (data / "certificates").glob("*.png")  # kept only for Zalo to fetch it
    assert photo.fetched == picture.read_bytes()


async def test_deeply_nested_json_is_refused_in_one_line(
    webhook: WebhookPhone, zapi: FakeZaloApi, caplog
) -> None:
    """A body nested deeper than the JSON reader goes is not an update: 400 and one line in
    the log, no traceback, and the next learner is answered as usual."""
    nested = b"[" * 100_000 + b"]" * 100_000
    async with (
        aiohttp.ClientSession() as session,
        session.post(webhook.url, data=nested, headers={SECRET_HEADER: SECRET}) as response,
    ):
        assert response.status == 400
    assert not [r for r in caplog.records if r.exc_info], "no traceback"
    assert len([r for r in caplog.records if "not JSON" in r.getMessage()]) == 1
    await webhook.deliver(text_update(webhook.user_id, "/start"))
    assert "Chào bác Lan" in zapi.sent_to(webhook.user_id)[0].text
