"""Draw the course's simple diagrams (no screenshots, no logos).

Run from the repository root with any Python that has Pillow installed:

    python lessons/tools/draw_images.py

It (re)writes the PNG files under lessons/*/images/. Each picture is a plain schematic
drawn from the facts in the lesson that uses it; keep them small (< 60 KB).
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
W, H = 800, 450
INK = (33, 37, 41)
GREEN = (25, 135, 84)
RED = (200, 35, 51)
BLUE = (13, 110, 253)
GREY = (233, 236, 239)
PALE_GREEN = (223, 244, 232)
PALE_RED = (252, 228, 230)
PALE_BLUE = (224, 236, 255)


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return ImageFont.truetype(str(folder / name), size)
    raise SystemExit(f"font {name} not found; install fonts-dejavu")


def canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", (W, H), "white")
    return img, ImageDraw.Draw(img)


def centered(d: ImageDraw.ImageDraw, box, text: str, size: int = 22, bold=False, fill=INK):
    """Write `text` (may hold newlines) centred in box (x0, y0, x1, y1)."""
    f = font(size, bold)
    x0, y0, x1, y1 = box
    bbox = d.multiline_textbbox((0, 0), text, font=f, align="center", spacing=6)
    tw, th = bbox[2] - bbox[0], bbox[3] - bbox[1]
    d.multiline_text(
        ((x0 + x1 - tw) / 2, (y0 + y1 - th) / 2 - bbox[1]),
        text,
        font=f,
        fill=fill,
        align="center",
        spacing=6,
    )


def panel(d, box, fill, outline, title=None, title_fill=INK):
    d.rounded_rectangle(box, radius=18, fill=fill, outline=outline, width=4)
    if title:
        x0, y0, x1, _ = box
        centered(d, (x0, y0 + 8, x1, y0 + 48), title, 24, bold=True, fill=title_fill)


def arrow(d, start, end, fill=INK, width=5):
    (x0, y0), (x1, y1) = start, end
    d.line([start, end], fill=fill, width=width)
    if abs(x1 - x0) >= abs(y1 - y0):
        s = 1 if x1 > x0 else -1
        d.polygon([(x1, y1), (x1 - 14 * s, y1 - 9), (x1 - 14 * s, y1 + 9)], fill=fill)
    else:
        s = 1 if y1 > y0 else -1
        d.polygon([(x1, y1), (x1 - 9, y1 - 14 * s), (x1 + 9, y1 - 14 * s)], fill=fill)


def tick(d, cx, cy, r=26):
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=GREEN)
    d.line([(cx - 12, cy), (cx - 3, cy + 10), (cx + 13, cy - 10)], fill="white", width=6)


def cross(d, cx, cy, r=26):
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=RED)
    d.line([(cx - 10, cy - 10), (cx + 10, cy + 10)], fill="white", width=6)
    d.line([(cx - 10, cy + 10), (cx + 10, cy - 10)], fill="white", width=6)


def save(img: Image.Image, rel: str) -> None:
    path = ROOT / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    img = img.convert("P", palette=Image.Palette.ADAPTIVE, colors=32)
    img.save(path, optimize=True)
    print(f"{rel}: {path.stat().st_size // 1024} KB")


# -- the pictures ----------------------------------------------------------------------------


def wifi_vs_data() -> None:
    img, d = canvas()
    panel(d, (20, 20, 390, 430), PALE_BLUE, BLUE, "Wi-Fi")
    panel(d, (410, 20, 780, 430), PALE_GREEN, GREEN, "Dữ liệu di động")
    # Wi-Fi fan: three arcs and a dot
    cx, cy = 205, 250
    for r in (40, 80, 120):
        d.arc((cx - r, cy - r, cx + r, cy + r), 225, 315, fill=BLUE, width=16)
    d.ellipse((cx - 12, cy - 12, cx + 12, cy + 12), fill=BLUE)
    centered(d, (20, 300, 390, 420), "Trong nhà, ở quán\nCần mật khẩu Wi-Fi", 24)
    # signal bars and 4G
    for i in range(4):
        x = 520 + i * 38
        d.rectangle((x, 250 - 30 * (i + 1), x + 26, 250), fill=GREEN)
    centered(d, (660, 150, 760, 250), "4G", 40, bold=True, fill=GREEN)
    centered(d, (410, 300, 780, 420), "Theo sim điện thoại\nRa đồng, ra chợ vẫn dùng", 24)
    save(img, "01-dien-thoai/images/wifi-du-lieu.png")


def five_steps() -> None:
    img, d = canvas()
    centered(d, (0, 10, W, 60), "Nộp hồ sơ trực tuyến: 5 bước", 30, bold=True)
    steps = [
        "Tìm\ndịch vụ",
        "Chọn nộp\ntrực tuyến",
        "Điền\ntờ khai",
        "Nộp\nhồ sơ",
        "Theo dõi\nhồ sơ",
    ]
    bw, gap, top = 128, 30, 150
    for i, label in enumerate(steps):
        x = 20 + i * (bw + gap)
        fill, line = (PALE_GREEN, GREEN) if i == 4 else (PALE_BLUE, BLUE)
        d.rounded_rectangle(
            (x, top, x + bw, top + 170), radius=16, fill=fill, outline=line, width=4
        )
        d.ellipse((x + bw / 2 - 24, top - 24, x + bw / 2 + 24, top + 24), fill=line)
        centered(
            d,
            (x + bw / 2 - 24, top - 24, x + bw / 2 + 24, top + 24),
            str(i + 1),
            26,
            True,
            "white",
        )
        centered(d, (x, top + 30, x + bw, top + 170), label, 22)
        if i < 4:
            arrow(d, (x + bw + 2, top + 85), (x + bw + gap - 2, top + 85))
    centered(d, (0, 350, W, 440), "Giữ lại mã hồ sơ để tra cứu", 24, bold=True, fill=GREEN)
    save(img, "03-dich-vu-cong/images/nam-buoc.png")


def fake_qr(d, x, y, size=150, seed=7):
    """A made-up QR-like pattern (not a scannable code), for illustration only."""
    rng = random.Random(seed)
    n = 21
    cell = size // n
    d.rectangle((x - 6, y - 6, x + n * cell + 6, y + n * cell + 6), fill="white", outline=INK)
    for r in range(n):
        for c in range(n):
            if rng.random() < 0.45:
                d.rectangle(
                    (x + c * cell, y + r * cell, x + (c + 1) * cell - 1, y + (r + 1) * cell - 1),
                    fill=INK,
                )
    for fx, fy in ((0, 0), (n - 7, 0), (0, n - 7)):
        x0, y0 = x + fx * cell, y + fy * cell
        d.rectangle((x0, y0, x0 + 7 * cell - 1, y0 + 7 * cell - 1), fill=INK)
        d.rectangle((x0 + cell, y0 + cell, x0 + 6 * cell - 1, y0 + 6 * cell - 1), fill="white")
        d.rectangle((x0 + 2 * cell, y0 + 2 * cell, x0 + 5 * cell - 1, y0 + 5 * cell - 1), fill=INK)


def qr_real_vs_fake() -> None:
    img, d = canvas()
    panel(d, (15, 15, 392, 370), PALE_GREEN, GREEN, "Mã QR thanh toán thật", GREEN)
    panel(d, (408, 15, 785, 370), PALE_RED, RED, "Dừng lại!", RED)
    fake_qr(d, 40, 80, 126, seed=3)
    fake_qr(d, 433, 80, 126, seed=5)
    arrow(d, (180, 140), (215, 140), GREEN)
    arrow(d, (573, 140), (608, 140), RED)
    # left: bank app confirmation
    d.rounded_rectangle((222, 70, 378, 240), radius=12, fill="white", outline=GREEN, width=3)
    centered(
        d,
        (222, 74, 378, 236),
        "Ứng dụng\nngân hàng\n\nNgười nhận:\nTÊN CHỦ QUÁN\nSố tài khoản",
        16,
    )
    # right: web page asking for secrets
    d.rounded_rectangle((615, 70, 771, 240), radius=12, fill="white", outline=RED, width=3)
    centered(
        d,
        (615, 74, 771, 236),
        "Trang web lạ\n\nMật khẩu: ____\nMã OTP: ____\nSố căn cước: ____",
        16,
    )
    tick(d, 60, 300)
    centered(
        d,
        (95, 255, 390, 345),
        "Mở ứng dụng ngân hàng.\nĐọc đúng tên, số tài khoản\nrồi mới xác nhận.",
        19,
    )
    cross(d, 453, 300)
    centered(
        d,
        (488, 255, 783, 345),
        "Mở trang web đòi mật khẩu,\nOTP, số căn cước\nlà mã giả. Không nhập gì.",
        19,
    )
    centered(
        d,
        (15, 385, 785, 440),
        "Hình minh họa, mã trong hình không quét được.",
        16,
        fill=(90, 90, 90),
    )
    save(img, "04-thanh-toan/images/qr-that-gia.png")


def padlock(d, cx, cy, color, label):
    d.arc((cx - 34, cy - 80, cx + 34, cy - 10), 180, 360, fill=color, width=12)
    d.line([(cx - 34, cy - 45), (cx - 34, cy - 10)], fill=color, width=12)
    d.line([(cx + 34, cy - 45), (cx + 34, cy - 10)], fill=color, width=12)
    d.rounded_rectangle((cx - 55, cy - 15, cx + 55, cy + 70), radius=10, fill=color)
    centered(d, (cx - 55, cy - 15, cx + 55, cy + 70), label, 30, bold=True, fill="white")


def two_locks() -> None:
    img, d = canvas()
    centered(d, (0, 8, W, 56), "Xác thực 2 lớp: hai ổ khóa", 30, bold=True)
    padlock(d, 140, 170, BLUE, "1")
    padlock(d, 400, 170, GREEN, "2")
    centered(d, (40, 250, 240, 320), "Mật khẩu\nbác tự nhớ", 22)
    centered(d, (290, 250, 510, 320), "Mã gửi về\nđiện thoại của bác", 22)
    arrow(d, (520, 175), (585, 175))
    panel(d, (595, 110, 785, 240), PALE_GREEN, GREEN)
    centered(d, (595, 110, 785, 240), "Mở được\ntài khoản", 24, bold=True, fill=GREEN)
    d.rounded_rectangle((40, 340, 760, 430), radius=14, fill=PALE_RED, outline=RED, width=3)
    cross(d, 85, 385)
    centered(
        d,
        (120, 340, 760, 430),
        "Kẻ gian chỉ biết mật khẩu vẫn không vào được.\nĐừng bao giờ đưa mã lớp 2 cho ai.",
        20,
    )
    save(img, "06-tai-khoan/images/hai-lop-khoa.png")


def zalo_path() -> None:
    img, d = canvas()
    centered(d, (0, 8, W, 56), "Zalo: bật Xác thực 2 lớp", 30, bold=True)
    boxes = ["Cá nhân", "Tài khoản\nvà bảo mật", "Xác thực\n2 lớp"]
    for i, label in enumerate(boxes):
        x = 30 + i * 265
        fill, line = (PALE_GREEN, GREEN) if i == 2 else (PALE_BLUE, BLUE)
        d.rounded_rectangle((x, 120, x + 210, 260), radius=16, fill=fill, outline=line, width=4)
        centered(d, (x, 120, x + 210, 260), label, 26, bold=True)
        if i < 2:
            arrow(d, (x + 215, 190), (x + 260, 190))
    centered(
        d,
        (0, 300, W, 440),
        "Sơ đồ các bước, không phải ảnh chụp màn hình.\n"
        "Tên mục có thể thay đổi khi Zalo cập nhật;\n"
        "không thấy thì nhờ con cháu hoặc Tổ công nghệ số.",
        20,
        fill=(70, 70, 70),
    )
    save(img, "06-tai-khoan/images/zalo-xac-thuc.png")


def call_back() -> None:
    img, d = canvas()
    centered(d, (0, 8, W, 56), "Người thân gọi video xin tiền gấp?", 28, bold=True)
    steps = [
        (PALE_RED, RED, "Cuộc gọi mờ,\nvài giây rồi tắt,\nxin chuyển tiền"),
        (PALE_BLUE, BLUE, "Chưa chuyển.\nTắt máy."),
        (PALE_GREEN, GREEN, "Gọi lại số quen\ncủa người thân\ntrong danh bạ"),
    ]
    for i, (fill, line, label) in enumerate(steps):
        x = 25 + i * 262
        d.rounded_rectangle((x, 100, x + 225, 300), radius=16, fill=fill, outline=line, width=4)
        centered(d, (x, 100, x + 225, 300), label, 22)
        if i < 2:
            arrow(d, (x + 228, 200), (x + 258, 200))
    centered(
        d,
        (0, 330, W, 430),
        "Khuôn mặt và giọng nói có thể bị làm giả (deepfake).\nGọi lại số quen là cách chắc nhất.",
        22,
    )
    save(img, "05-lua-dao/images/goi-lai-so-quen.png")


if __name__ == "__main__":
    wifi_vs_data()
    five_steps()
    qr_real_vs_fake()
    two_locks()
    zalo_path()
    call_back()
