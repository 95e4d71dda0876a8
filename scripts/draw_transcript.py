"""Draw a group lesson's transcript (tests/handlers/test_telegram_groups.py writes one) as a
chat screenshot, for docs/groups.md.

Usage: .venv/bin/python scripts/draw_transcript.py TRANSCRIPT.txt.json OUT.png [FIRST] [LAST]

Each block of the transcript (a message, an edit or a poll: the test writes them as a JSON
list beside the text) becomes a bubble, its "[button]" lines buttons under it. Emoji are left
out: the bundled Noto Sans has none.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

from PIL import Image, ImageDraw

from bot.certificate.image import font

WIDTH, MARGIN, PAD, GAP = 720, 24, 16, 14
BACKGROUND, BUBBLE, BUTTON, INK, EDIT = (
    (214, 226, 236), (255, 255, 255), (232, 240, 248), (31, 41, 55), (110, 120, 130)
)  # fmt: skip


def plain(text: str) -> str:
    """Without emoji and pictographs (no glyphs for them), spaces tidied."""
    kept = "".join(
        c for c in text if unicodedata.category(c) != "So" and ord(c) < 0x1F000 and c != "\ufe0f"
    )
    return " ".join(kept.split())


def wrap(draw: ImageDraw.ImageDraw, text: str, face, width: int) -> list[str]:  # noqa: ANN001
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if draw.textlength(trial, font=face) <= width:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def draw(blocks: list[str], out: Path) -> None:
    face, small = font(22), font(19, "SemiBold")
    scratch = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    inner = WIDTH - 2 * MARGIN - 2 * PAD
    laid = []
    for block in blocks:
        text = [x for x in block.split("\n") if not x.startswith("   [")]
        rows = [
            [plain(b) for b in x.strip()[1:-1].split("] [")]
            for x in block.split("\n")
            if x.startswith("   [")
        ]
        edited = text and text[0].startswith("✏️")
        body = "\n".join(plain(x.removeprefix("✏️ (edited)")) for x in text)
        lines = wrap(scratch, body, face, inner)
        laid.append((lines, rows, edited))
    height = MARGIN + sum(
        2 * PAD + 30 * len(lines) + (22 if edited else 0) + 44 * len(rows) + GAP
        for lines, rows, edited in laid
    )
    image = Image.new("RGB", (WIDTH, height + MARGIN), BACKGROUND)
    pen = ImageDraw.Draw(image)
    y = MARGIN
    for lines, rows, edited in laid:
        top = y
        box = 2 * PAD + 30 * len(lines) + (22 if edited else 0)
        pen.rounded_rectangle((MARGIN, top, WIDTH - MARGIN, top + box), 14, fill=BUBBLE)
        y = top + PAD
        for line in lines:
            pen.text((MARGIN + PAD, y), line, font=face, fill=INK)
            y += 30
        if edited:
            pen.text((WIDTH - MARGIN - PAD, y), "đã sửa", font=font(16), fill=EDIT, anchor="ra")
            y += 22
        y = top + box + 4
        for row in rows:
            width = (WIDTH - 2 * MARGIN - 6 * (len(row) - 1)) / len(row)
            for i, label in enumerate(row):
                left = MARGIN + i * (width + 6)
                pen.rounded_rectangle((left, y, left + width, y + 38), 10, fill=BUTTON)
                pen.text((left + width / 2, y + 19), label, font=small, fill=INK, anchor="mm")
            y += 44
        y += GAP
    out.parent.mkdir(parents=True, exist_ok=True)
    image.quantize(colors=64).save(out, "PNG", optimize=True)  # a few colours: a small file


def main(argv: list[str]) -> int:
    source, out = Path(argv[0]), Path(argv[1])
    blocks = json.loads(source.read_text(encoding="utf-8"))
    first = int(argv[2]) if len(argv) > 2 else 0
    last = int(argv[3]) if len(argv) > 3 else len(blocks)
    draw(blocks[first:last], out)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
