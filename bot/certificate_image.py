"""Drawing a certificate: a PNG with the learner's name, the date, a code and its QR code.

The font is Noto Sans from the `fontpkg-noto-sans` wheel, so Vietnamese diacritics render on
any machine pip can install to, with no system font needed.
"""

from __future__ import annotations

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


def render(text: CertificateText, path: Path) -> Path:
    """Draw the certificate to `path` (a PNG) and return it."""
    image = Image.new("RGB", SIZE, (255, 253, 246))
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    draw.rectangle((30, 30, width - 30, height - 30), outline=GOLD, width=10)
    draw.rectangle((55, 55, width - 55, height - 55), outline=ACCENT, width=3)

    def centered(
        y: int, line: str, size: int, weight: str = "Regular", fill: tuple[int, int, int] = INK
    ) -> None:
        face = font(size, weight)
        while draw.textlength(line, font=face) > width - 240 and size > 20:
            size -= 4  # a long name shrinks to fit rather than running off the page
            face = font(size, weight)
        draw.text((width // 2, y), line, font=face, fill=fill, anchor="mm")

    centered(150, text.campaign.upper(), 34, "SemiBold", ACCENT)
    centered(250, "GIẤY CHỨNG NHẬN", 92, "Bold", ACCENT)
    centered(330, "Hoàn thành chương trình kỹ năng số cơ bản", 38, "Medium")
    centered(375, "Certificate of completion: basic digital skills", 26, "Regular", (90, 90, 90))
    centered(460, "Chứng nhận", 34)
    centered(540, text.name or "Người học", 72, "Bold")
    centered(620, "đã hoàn thành các chủ đề:", 32)
    for i, title in enumerate(text.modules[:4]):
        centered(675 + i * 46, f"• {title}", 32, "Medium")
    day = text.issued
    left = font(30)
    draw.text((140, 905), f"Ngày {day.day} tháng {day.month} năm {day.year}", font=left, fill=INK)
    if text.issuer:
        draw.text((140, 950), text.issuer[:70], font=font(30, "SemiBold"), fill=INK)
    draw.text((140, 1010), f"Mã xác minh: {text.code}", font=font(34, "Bold"), fill=ACCENT)

    qr = qrcode.QRCode(border=2, box_size=10, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text.qr_data)
    qr.make(fit=True)
    code_image = qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    code_image = code_image.resize((260, 260), Image.Resampling.NEAREST)
    image.paste(code_image, (width - 140 - 260, 770))
    draw.text((width - 140 - 130, 1048), "Quét để kiểm tra", font=font(24), fill=INK, anchor="mm")
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "PNG", optimize=True)
    return path
