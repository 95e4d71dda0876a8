"""Certificates: earned by passing every core module, drawn as a PNG whose QR holds the code,
and checkable in the reporting database."""

from __future__ import annotations

import io
from argparse import Namespace
from pathlib import Path

import zxingcpp
from PIL import Image

from bot import learner as st
from bot.certificate.routes import clean_name, normalize_code, show_code
from bot.events import Event
from hocso import report_cli
from storage.sql.reporter import Reporter


def image_reply(replies):
    return next(r for r in replies if r.media and r.media.kind == "image")


async def test_passing_every_core_module_earns_a_verifiable_certificate(
    player, engine, config, tmp_path, redis, keys, database, capsys
):
    config.data_dir = tmp_path
    user = "tg:555"
    await player.onboard(user, area="thot-not", age="60")
    replies = await player.everything(user)
    assert "giấy chứng nhận" in replies[-1].text  # asked which name to print
    replies = await engine.handle(Event(user=user, kind="text", text="  Nguyễn Thị\tHường "))
    assert "In tên «Nguyễn Thị Hường»" in replies[0].text  # confirmed before it is printed
    ok = next(b for row in replies[0].buttons for b in row if "in tên này" in b.label)
    replies = await engine.handle(Event(user=user, kind="button", payload=ok.payload))

    reply = image_reply(replies)
    code = normalize_code(reply.text.split("Mã xác minh: ")[1].split()[0])
    assert len(code) == 10 and show_code(code) in reply.text
    with Image.open(reply.media.path) as image:
        image.load()
        assert image.format == "PNG" and image.size == (1600, 1130)
        decoded = zxingcpp.read_barcodes(image)
    assert [d.text for d in decoded] == [code]

    await Reporter(redis, keys, database).step()
    args = Namespace(command="certificate", action="verify", code=show_code(code).lower())
    assert await report_cli.verify(database, config, args.code) == 0
    shown = capsys.readouterr().out
    assert "VALID" in shown and "Nguyễn Thị Hường" in shown and "Phường Thốt Nốt" in shown
    assert await report_cli.verify(database, config, "ZZZZZ-ZZZZZ") == 1

    out = io.StringIO()
    await report_cli.export(database, config, out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "code,name,issued,ward,age_band,class"
    assert lines[1] == f"{show_code(code)},Nguyễn Thị Hường,2026-01-01,Phường Thốt Nốt,60,"


async def test_the_chat_name_or_no_name_can_be_chosen(player, engine, config, tmp_path):
    config.data_dir = tmp_path
    await player.onboard("tg:1")
    await player.everything("tg:1")
    tap = Event(user="tg:1", kind="button", payload="1:cn:n", name="Lan 🌸")
    reply = image_reply(await engine.handle(tap))
    assert reply.media.path.endswith(".png")
    fields, _ = await engine.store.load("tg:1")
    assert fields["cn"] == "Lan" and fields["st"] == st.MENU

    await player.onboard("tg:2")
    await player.everything("tg:2")
    reply = image_reply(await engine.handle(Event(user="tg:2", kind="button", payload="1:cn:-")))
    fields, _ = await engine.store.load("tg:2")
    assert "cn" not in fields and fields["ce"]

    # /certificate sends it again (drawn anew for that message); no second code.
    command = Event(user="tg:2", kind="command", command="certificate")
    again = image_reply(await engine.handle(command))
    assert again.text == reply.text and Path(again.media.path).exists()


async def test_no_certificate_before_the_core_modules_are_done(player, engine, config, tmp_path):
    config.data_dir = tmp_path
    await player.onboard("tg:3")
    replies = await engine.handle(Event(user="tg:3", kind="command", command="certificate"))
    assert "0/1" in replies[0].text
    assert "▫️ Điện thoại: còn 2 bài" in replies[0].text  # each core topic, and what is left
    await player.lesson("tg:3", "l1")
    replies = await engine.handle(Event(user="tg:3", kind="command", command="certificate"))
    assert "▫️ Điện thoại: còn 1 bài" in replies[0].text
    assert not list(tmp_path.glob("certificates/*"))


async def test_a_bad_name_is_asked_again_and_a_command_leaves(player, engine, config, tmp_path):
    config.data_dir = tmp_path
    await player.onboard("tg:4")
    await player.everything("tg:4")
    typed = Event(user="tg:4", kind="text", text="<script>alert(1)</script>")
    replies = await engine.handle(typed)
    assert "chưa in được" in replies[0].text
    await engine.handle(Event(user="tg:4", kind="command", command="menu"))
    fields, _ = await engine.store.load("tg:4")
    assert fields["st"] == st.MENU and "ce" not in fields


async def certified_chat(player, engine, make_chat, user: str):
    """A learner who has passed every lesson and is asked which name to print."""
    await player.onboard(user)
    await player.everything(user)
    return make_chat(engine, user=user)


async def test_a_typed_name_can_be_corrected_before_printing(
    player, engine, config, tmp_path, make_chat
):
    config.data_dir = tmp_path
    chat = await certified_chat(player, engine, make_chat, "tg:6")
    await chat.send("Cảm ơn nhiều")  # a thank-you, not a name
    await chat.tap("Gõ lại")
    await chat.send("Lê Thị Sáu")
    await chat.tap("in tên này")
    fields, _ = await engine.store.load("tg:6")
    assert fields["cn"] == "Lê Thị Sáu" and fields["ce"]


async def test_a_learner_who_left_the_name_question_finds_the_certificate_in_the_menu(
    player, engine, config, tmp_path, make_chat
):
    config.data_dir = tmp_path
    chat = await certified_chat(player, engine, make_chat, "tg:8")
    await chat.send("/start")
    await chat.tap("Giấy chứng nhận")
    assert "Bác muốn in tên nào" in chat.text


async def test_the_picture_is_drawn_for_its_message_and_forget_leaves_none(
    player, engine, config, tmp_path, make_chat
):
    """The picture holds the learner's name: it is drawn for each message and marked for the
    adapter to delete once sent, so no worker keeps a copy an erasure could miss."""
    config.data_dir = tmp_path
    chat = await certified_chat(player, engine, make_chat, "tg:9")
    await chat.send("Lê Văn Tám")
    replies = await chat.tap("in tên này")
    media = next(r.media for r in replies if r.media)
    assert media.temporary and Path(media.path).is_file()
    again = next(r.media for r in await chat.send("/certificate") if r.media)
    assert again.path != media.path  # drawn anew, not read from a kept copy
    await chat.send("/forget")
    await chat.tap("Xóa hết")
    assert not list(tmp_path.glob("certificates/*.png"))  # what the console kept goes too


async def test_a_failed_drawing_keeps_the_certificate_and_says_so(
    player, engine, config, tmp_path, make_chat, monkeypatch, store
):
    import bot.certificate.image

    def broken(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(bot.certificate.image, "render", broken)
    config.data_dir = tmp_path
    chat = await certified_chat(player, engine, make_chat, "tg:10")
    await chat.send("/certificate")  # the name question again, with its buttons
    replies = await chat.tap("Không in tên")
    assert all(r.media is None for r in replies)  # no picture that is not there
    assert "Mã xác nhận" in chat.text or "mã" in chat.text.lower()
    assert "hình chưa gửi được" in chat.text  # a short note, not "oops"
    fields, _ = await store.load(chat.user)
    assert fields.get("ce")  # the certificate is the learner's all the same


def test_names_are_cleaned_before_printing():
    assert clean_name("  Trần   Văn\u200b Bảy ") == "Trần Văn Bảy"
    assert clean_name("Nguyen Van A.") == "Nguyen Van A."
    assert clean_name("O'Neil-Lê") == "O'Neil-Lê"
    assert clean_name("Hoa" + "\u0300") == "Hoà"  # NFC: combining accent joins its letter
    for bad in ("", "12345", "=HYPERLINK(1)", "a" * 61, "Lan\x00", "https://x.vn"):
        assert clean_name(bad) in ("", "Lan"), bad
    assert clean_name("Lan\x00") == "Lan"  # a control character is dropped, not refused


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_the_certificate_prints_every_core_topic_fitted(tmp_path):
    from datetime import date
    from pathlib import Path

    from bot.certificate.image import QR_BOX, SIZE, CertificateText, render
    from bot.content.lessons import load_curriculum

    course = load_curriculum(Path(__file__).resolve().parents[3] / "lessons")
    core = tuple(m.info.title.get("vi") for m in course.modules if m.info.core)
    assert len(core) == 6  # the shipped course's core topics
    many = (*core, *(f"Chủ đề thêm số {i} với một cái tên khá là dài dòng" for i in range(7)))
    for topics in (core, many):
        text = CertificateText("ABCDE-23456", "Lê Thị Sáu", date(2026, 1, 1), "X", "", topics, "x")
        placed = render(text, tmp_path / "c.png")
        shown = [p for p in placed if p.text.startswith("• ")]
        assert [p.text.removeprefix("• ") for p in shown] == list(topics)  # all, in order
        assert min(p.size for p in shown) >= 20
        for p in placed:
            assert p.box[0] > 55 and p.box[2] < SIZE[0] - 55 and p.box[3] < SIZE[1] - 55
        for p in shown:
            assert not overlaps(p.box, QR_BOX), p
            assert not any(overlaps(p.box, q.box) for q in placed if q is not p), p
        with Image.open(tmp_path / "c.png") as image:
            assert image.size == SIZE
