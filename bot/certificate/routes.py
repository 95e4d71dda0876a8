"""The certificate: offered once a learner has passed every core module.

The learner is asked which name to print (the name they type, the one their chat app shows,
or none), then gets a message and a PNG with a short verification code and its QR code.
The `certificate` outbox event carries the code, name and date to the reporting database,
where `hocso certificate verify CODE` checks it.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot import learner as st
from bot.certificate import texts  # noqa: F401  (registers the texts)
from bot.content.progress import certificate_earned, core_progress
from bot.events import Media, Reply
from bot.learner import Stage
from bot.payloads import Payload
from bot.router import Router, Screen
from bot.turn import Turn

if TYPE_CHECKING:  # the drawing code (Pillow, qrcode) is imported only to draw
    from bot.certificate.image import CertificateText

# No 0/O or 1/I: a code read aloud or typed from paper is hard to get wrong.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 50 bits: collisions stay unlikely even across millions of certificates
MAX_NAME = 60

router = Router("certificate")


class ShowCertificate(Payload, prefix="cert"):
    pass


class CertName(Payload, prefix="cn"):
    choice: str  # "n": the chat app's name, "-": no name, "ok": the typed one, "edit"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(typed: str) -> str:
    """The stored form of a code as someone typed it: `abcde-23456` -> `ABCDE23456`."""
    return re.sub(r"[^0-9A-Z]", "", typed.upper())


def show_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def clean_name(typed: str, lenient: bool = False) -> str:
    """The name to print, or "" if it is not usable: letters, spaces, a few marks, NFC.

    A name the learner typed is refused if it holds anything else; a chat app's display name
    (`lenient`) just loses its emoji and symbols."""
    text = unicodedata.normalize("NFC", typed)
    text = "".join(" " if c.isspace() else c for c in text)
    text = "".join(c for c in text if not unicodedata.category(c).startswith("C"))
    if lenient:
        text = "".join(c for c in text if _allowed(c))
    text = " ".join(text.split())
    if not text or len(text) > MAX_NAME or not any(c.isalpha() for c in text):
        return ""
    return text if all(_allowed(c) for c in text) else ""


def _allowed(c: str) -> bool:
    return c.isalpha() or c in " .'-" or unicodedata.category(c) == "Mn"


@router.after_lesson(rank=10)
def offer(turn: Turn, passed: bool) -> bool:
    """After a lesson: if this one completed every core module, ask for the name to print."""
    if not passed or turn.learner.certificate or not earned(turn):
        return False
    ask_name(turn)
    return True


@router.shows(Stage.CERT)
def ask_name(turn: Turn) -> None:
    st.detour(turn.learner, st.CERT)
    rows = []
    if shown := clean_name(turn.event.name, lenient=True):
        rows.append([turn.button("cert_use_name", CertName("n"), name=shown)])
    rows.append([turn.button("cert_no_name", CertName("-"))])
    turn.say(turn.t("cert_ask_name"), *rows)


@router.text(Stage.CERT)
def on_text(turn: Turn, text: str) -> None:
    """A typed name is printed only after the learner confirms it: a certificate is for good."""
    name = clean_name(text)
    if not name:
        turn.say(turn.t("cert_bad_name", max=MAX_NAME))
        return
    turn.learner.certificate_name = name
    turn.say(
        turn.t("cert_confirm_name", name=name),
        [turn.button("cert_name_ok", CertName("ok"))],
        [turn.button("cert_name_edit", CertName("edit"))],
    )


@router.button(CertName, stages={Stage.CERT})
def on_button(turn: Turn, tap: CertName) -> None:
    learner, choice = turn.learner, tap.choice
    if choice == "ok" and learner.certificate_name:
        return issue(turn, learner.certificate_name)
    if choice == "edit":
        learner.certificate_name = ""
        return ask_name(turn)
    if choice in ("n", "-"):
        return issue(turn, clean_name(turn.event.name, lenient=True) if choice == "n" else "")
    turn.notice("stale_button")


def issue(turn: Turn, name: str) -> None:
    learner = turn.learner
    learner.certificate = new_code()
    learner.certificate_name = name
    st.come_back(learner)
    day = datetime.fromtimestamp(turn.now, ZoneInfo(turn.config.timezone)).date()
    turn.emit("certificate", code=learner.certificate, name=name, date=day.isoformat())
    send(turn)
    turn.show(Screen.MENU)


def earned(turn: Turn) -> bool:
    return certificate_earned(turn.curriculum, turn.learner.done)


@router.erasing()
def erase_image(turn: Turn) -> None:
    """/forget: pictures are drawn per message and deleted once sent (`Media.temporary`), so
    no worker keeps one; this removes what this machine may still hold (the console keeps its
    pictures for the learner to open; versions before 0.2 kept one per certificate)."""
    if code := turn.learner.certificate:
        folder = turn.config.data_dir / "certificates"

        def erase() -> None:
            for path in [folder / f"{code}.png", *folder.glob(f"{code}-*.png")]:
                path.unlink(missing_ok=True)

        turn.after.append(erase)


def send(turn: Turn) -> None:
    """The certificate message with its picture, drawn for this message only: it holds the
    learner's name, so no copy is kept where an erasure could miss it."""
    from bot.certificate.image import render

    code = turn.learner.certificate
    path = image_path(turn.config.data_dir, f"{code}-{secrets.token_hex(4)}")
    text = certificate_text(turn)

    def draw() -> None:
        render(text, path)

    turn.after.append(draw)
    caption = turn.t("cert_caption", code=show_code(code))
    media = Media("image", str(path), caption, temporary=True)
    turn.add(Reply(turn.t("cert_issued", code=show_code(code)), media=media))


@router.command("certificate")
@router.button(ShowCertificate)
def show(turn: Turn, _: object = None) -> None:
    """/certificate: send it again, offer it, or say what is left to earn it."""
    if turn.learner.certificate:
        send(turn)
        return turn.show(Screen.MENU)
    if earned(turn):
        return ask_name(turn)
    finished, total = core_progress(turn.curriculum, turn.learner.done)
    lines = [turn.t("cert_not_yet", done=finished, total=total), ""]
    done = set(turn.learner.done)
    for module in (m for m in turn.curriculum.modules if m.info.core):
        title = module.info.title.get(turn.lang)
        left = sum(lesson.id not in done for lesson in module.lessons)
        key = "cert_topic_left" if left else "cert_topic_done"
        lines.append(turn.t(key, title=title, left=left))
    turn.say("\n".join(lines))
    turn.show(Screen.MENU)


def image_path(data_dir: Path, code: str) -> Path:
    return data_dir / "certificates" / f"{code}.png"


def certificate_text(turn: Turn) -> CertificateText:
    from bot.certificate.image import CertificateText

    config, learner = turn.config, turn.learner
    code = learner.certificate
    modules = tuple(m.info.title.get("vi") for m in turn.curriculum.modules if m.info.core)
    url = config.certificate.verify_url
    return CertificateText(
        code=show_code(code),
        name=learner.certificate_name,
        issued=datetime.fromtimestamp(turn.now, ZoneInfo(config.timezone)).date(),
        campaign=config.campaign.name,
        issuer=config.certificate.issuer,
        modules=modules,
        qr_data=url.replace("{code}", code) if url else code,
    )
