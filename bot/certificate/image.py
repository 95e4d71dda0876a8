"""Drawing a certificate: a PNG with the learner's name, the date, a code and its QR code.

The font is Noto Sans from the `fontpkg-noto-sans` wheel, so Vietnamese diacritics render on
any machine pip can install to, with no system font needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

SIZE = (1600, 1130)  # A4 landscape proportions
INK = (31, 41, 55)
ACCENT = (180, 30, 40)  # the red of the campaign's posters
GOLD = (201, 162, 39)


@dataclass(frozen=True)
class CertificateText:
    code: str  # shown as XXXXX-XXXXX
    name: str  # may be empty: the learner chose not to print one
    issued: date
    campaign: str
    issuer: str
    modules: tuple[str, ...]  # titles of the core modules completed
    qr_data: str


@cache
def _font_file() -> str:
    return str(files("fontpkg_noto_sans") / "files" / "NotoSans[wdth,wght].ttf")


def font(size: int, weight: str = "Regular") -> ImageFont.FreeTypeFont:
    face = ImageFont.truetype(_font_file(), size)
    face.set_variation_by_name(weight)  # a variable font: pick the weight by name
    return face


@dataclass(frozen=True)
class Placed:
    """A line of text drawn on the certificate and where (left, top, right, bottom), so a test
    can check the layout without reading the picture back."""

    text: str
    box: tuple[int, int, int, int]
    size: int


QR_BOX = (SIZE[0] - 140 - 260, 770, SIZE[0] - 140, 1030)
TOPICS_BOX = (140, 650, QR_BOX[0] - 20, 890)  # left of the QR code, above the date
TOPIC_SIZES = (32, 20)  # largest and smallest type for the topic list


def render(text: CertificateText, path: Path) -> list[Placed]:
    """Draw the certificate to `path` (a PNG); returns what was placed where."""
    image = Image.new("RGB", SIZE, (255, 253, 246))
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    placed: list[Placed] = []
    draw.rectangle((30, 30, width - 30, height - 30), outline=GOLD, width=10)
    draw.rectangle((55, 55, width - 55, height - 55), outline=ACCENT, width=3)

    Colour = tuple[int, int, int]

    def put(
        xy: tuple[int, int], line: str, face: ImageFont.FreeTypeFont, anchor: str, fill: Colour
    ) -> None:
        draw.text(xy, line, font=face, fill=fill, anchor=anchor)
        box = draw.textbbox(xy, line, font=face, anchor=anchor)
        placed.append(Placed(line, tuple(int(v) for v in box), int(face.size)))  # type: ignore[arg-type]

    def centered(
        y: int, line: str, size: int, weight: str = "Regular", fill: Colour = INK
    ) -> None:
        face = font(size, weight)
        while draw.textlength(line, font=face) > width - 240 and size > 20:
            size -= 4  # a long name shrinks to fit rather than running off the page
            face = font(size, weight)
        put((width // 2, y), line, face, "mm", fill)

    centered(150, text.campaign.upper(), 34, "SemiBold", ACCENT)
    centered(250, "GIẤY CHỨNG NHẬN", 92, "Bold", ACCENT)
    centered(330, "Hoàn thành chương trình kỹ năng số cơ bản", 38, "Medium")
    centered(375, "Certificate of completion: basic digital skills", 26, "Regular", (90, 90, 90))
    centered(460, "Chứng nhận", 34)
    centered(540, text.name or "Người học", 72, "Bold")
    centered(620, "đã hoàn thành các chủ đề:", 32)
    _topics(draw, text.modules, put)
    day = text.issued
    put((140, 905), f"Ngày {day.day} tháng {day.month} năm {day.year}", font(30), "la", INK)
    if text.issuer:
        put((140, 950), text.issuer[:70], font(30, "SemiBold"), "la", INK)
    put((140, 1010), f"Mã xác minh: {text.code}", font(34, "Bold"), "la", ACCENT)

    qr = qrcode.QRCode(border=2, box_size=10, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text.qr_data)
    qr.make(fit=True)
    code_image = qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    code_image = code_image.resize((260, 260), Image.Resampling.NEAREST)
    image.paste(code_image, QR_BOX[:2])
    put((width - 140 - 130, 1048), "Quét để kiểm tra", font(24), "mm", INK)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "PNG", optimize=True)
    return placed


def _topics(draw: ImageDraw.ImageDraw, titles: tuple[str, ...], put: Callable[..., None]) -> None:
    """Every topic, in one column or two, in the largest type that fits the box."""
    if not titles:
        return
    left, top, right, bottom = TOPICS_BOX
    lines = [f"• {title}" for title in titles]
    for columns in (1, 2):
        rows = -(-len(lines) // columns)
        column_width = (right - left) // columns
        for size in range(TOPIC_SIZES[0], TOPIC_SIZES[1] - 1, -2):
            face = font(size, "Medium")
            pitch = int(size * 1.45)
            fits = rows * pitch <= bottom - top and all(
                draw.textlength(line, font=face) <= column_width - 10 for line in lines
            )
            if fits or (columns == 2 and size == TOPIC_SIZES[1]):
                first = top + (bottom - top - rows * pitch) // 2 + pitch // 2
                for i, line in enumerate(lines):
                    column, row = divmod(i, rows)
                    x = left + column * column_width + column_width // 2
                    put(
                        (x, first + row * pitch),
                        _fit(draw, line, face, column_width),
                        face,
                        "mm",
                        INK,
                    )
                return


def _fit(draw: ImageDraw.ImageDraw, line: str, face: ImageFont.FreeTypeFont, room: int) -> str:
    """A title too long even in the smallest type loses its end, marked with "…"."""
    while draw.textlength(line, font=face) > room - 10 and len(line) > 4:
        line = line[:-2] + "…"
    return line
