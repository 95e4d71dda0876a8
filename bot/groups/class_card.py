"""A class's card: the QR code of the link learners open to join it, and the class's name
and code under it (`hocso class add` writes it, the web page serves it)."""

from __future__ import annotations

from pathlib import Path

import qrcode
from PIL import Image, ImageDraw
from PIL.ImageFont import FreeTypeFont

from bot.certificate.image import ACCENT, INK, font

CARD_WIDTH = 900
QR_SIZE = 780  # pixels, near enough: whole pixels per module keep the code sharp
GREY = (90, 90, 90)


def draw_card(path: Path, link: str, code: str, name: str) -> Path:
    """A PNG to print or share: the link's QR code, and the class's name and code under it."""
    qr = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(link)
    qr.make(fit=True)
    qr.box_size = max(1, QR_SIZE // (qr.modules_count + 2 * qr.border))
    code_image = qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    face, lines = _wrap(name, "Bold", 52, CARD_WIDTH - 80)
    height = code_image.height + 40 + len(lines) * 64 + 170
    card = Image.new("RGB", (CARD_WIDTH, height), "white")
    card.paste(code_image, ((CARD_WIDTH - code_image.width) // 2, 20))
    draw = ImageDraw.Draw(card)
    y = code_image.height + 40
    for line in lines:
        draw.text((CARD_WIDTH // 2, y), line, font=face, fill=INK, anchor="mt")
        y += 64
    draw.text((CARD_WIDTH // 2, y + 6), f"Mã lớp: {code}", font=font(40, "SemiBold"),
              fill=ACCENT, anchor="mt")  # fmt: skip
    draw.text((CARD_WIDTH // 2, y + 64), "Quét mã để vào lớp trên Telegram", font=font(30),
              fill=INK, anchor="mt")  # fmt: skip
    draw.text((CARD_WIDTH // 2, y + 108), link, font=font(24), fill=GREY, anchor="mt")
    path.parent.mkdir(parents=True, exist_ok=True)
    card.save(path, "PNG", optimize=True)
    return path


def _wrap(text: str, weight: str, size: int, width: int) -> tuple[FreeTypeFont, list[str]]:
    """The font and one or two lines that fit `width`: smaller type before a second line."""
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    for lines, smallest in (([text], 36), (_halves(text), 20)):
        for points in range(size, smallest - 1, -4):
            face = font(points, weight)
            if all(measure.textlength(line, font=face) <= width for line in lines):
                return face, lines
    return font(20, weight), _halves(text)  # a name with no spaces to break at: as it is


def _halves(text: str) -> list[str]:
    words = text.split()
    if len(words) < 2:
        return [text]
    middle = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(text) / 2))
    return [" ".join(words[:middle]), " ".join(words[middle:])]
