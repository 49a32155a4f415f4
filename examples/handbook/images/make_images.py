#!/usr/bin/env python3
"""Regenerate the diagrams and cover for the "Give It Away" example book.

Usage: python3 make_images.py   (writes PNGs next to this script)
Requires Pillow and the DejaVu fonts (fonts-dejavu-core on Debian/Ubuntu).
"""
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
W, H = 800, 450

INK = "#1b2a33"
TEAL = "#0f4c5c"
CORAL = "#e36414"
SAND = "#f6efe4"
GREY = "#8a9499"


def font(size, bold=False):
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size)


def save(img, name, colors=32):
    """Quantise to a small palette so each file stays well under budget."""
    out = img.convert("RGB").quantize(colors=colors, method=Image.Quantize.MEDIANCUT)
    out.save(HERE / name, optimize=True)
    print(f"{name}: {(HERE / name).stat().st_size // 1024} KB")


def centered(draw, xy, text, fnt, fill):
    draw.text(xy, text, font=fnt, fill=fill, anchor="mm")


def arrow(draw, start, end, fill, width=4, head=12):
    (x1, y1), (x2, y2) = start, end
    draw.line([start, end], fill=fill, width=width)
    if x2 != x1:  # horizontal arrow head
        d = 1 if x2 > x1 else -1
        draw.polygon([(x2, y2), (x2 - d * head, y2 - head // 1.5), (x2 - d * head, y2 + head // 1.5)], fill=fill)
    else:  # vertical arrow head
        d = 1 if y2 > y1 else -1
        draw.polygon([(x2, y2), (x2 - head // 1.5, y2 - d * head), (x2 + head // 1.5, y2 - d * head)], fill=fill)


def contrast(fg, bg):
    """WCAG 2 contrast ratio between two hex colours."""
    def lum(hex_colour):
        rgb = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    hi, lo = sorted((lum(fg), lum(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def flow():
    img = Image.new("RGB", (W, H), SAND)
    d = ImageDraw.Draw(img)
    centered(d, (W // 2, 45), "From draft to shared work", font(28, True), INK)
    steps = [("Write", "Markdown"), ("License", "CC BY 4.0"),
             ("Package", "EPUB · PDF · HTML"), ("Share", "no gates")]
    bw, bh, gap, top = 150, 110, 40, 130
    left = (W - (4 * bw + 3 * gap)) // 2
    for i, (title, note) in enumerate(steps):
        x = left + i * (bw + gap)
        d.rounded_rectangle([x, top, x + bw, top + bh], 18, fill=TEAL if i < 3 else CORAL)
        centered(d, (x + bw // 2, top + 42), title, font(24, True), "white")
        centered(d, (x + bw // 2, top + 78), note, font(14), "white")
        if i < 3:
            arrow(d, (x + bw + 4, top + bh // 2), (x + bw + gap - 4, top + bh // 2), INK)
    # feedback loop: from "Share" back to "Write"
    y = top + bh + 70
    x_share = left + 3 * (bw + gap) + bw // 2
    x_write = left + bw // 2
    d.line([(x_share, top + bh + 4), (x_share, y)], fill=GREY, width=4)
    d.line([(x_share, y), (x_write, y)], fill=GREY, width=4)
    arrow(d, (x_write, y), (x_write, top + bh + 6), GREY)
    centered(d, (W // 2, y + 30), "feedback: typos, translations, better examples",
             font(18), INK)
    save(img, "flow.png")


def formats():
    img = Image.new("RGB", (W, H), "white")
    d = ImageDraw.Draw(img)
    d.text((40, 30), "Downloads by format", font=font(28, True), fill=INK)
    d.text((40, 72), "Illustrative data for a hypothetical free handbook",
           font=font(16), fill=GREY)
    data = [("HTML", 52, TEAL), ("EPUB", 31, "#3a7d8c"), ("PDF", 17, CORAL)]
    x0, y0, bar_h, scale = 140, 140, 60, 10  # 10 px per percent
    for i, (label, pct, colour) in enumerate(data):
        y = y0 + i * (bar_h + 35)
        d.text((x0 - 20, y + bar_h // 2), label, font=font(22, True), fill=INK, anchor="rm")
        d.rectangle([x0, y, x0 + pct * scale, y + bar_h], fill=colour)
        d.text((x0 + pct * scale + 12, y + bar_h // 2), f"{pct}%", font=font(22),
               fill=INK, anchor="lm")
    d.line([(x0, y0 - 15), (x0, y0 + 3 * (bar_h + 35) - 20)], fill=INK, width=2)
    save(img, "formats.png")


def credits_card():
    img = Image.new("RGB", (W, H), "#e9eef0")
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([30, 30, W - 30, H - 30], 20, fill="white", outline="#c5d0d4", width=2)
    # a tiny "photo": harbour at dusk
    px, py, pw, ph = 60, 70, 260, 200
    d.rectangle([px, py, px + pw, py + ph], fill="#f4a259")
    d.ellipse([px + 150, py + 70, px + 210, py + 130], fill="#fbe3b0")
    d.rectangle([px, py + 120, px + pw, py + ph], fill="#1d3e53")
    for k in range(4):
        yy = py + 135 + k * 16
        d.line([(px + 20 + k * 10, yy), (px + pw - 40 - k * 12, yy)], fill="#5b8aa6", width=2)
    d.polygon([(px + 40, py + 120), (px + 110, py + 120), (px + 95, py + 135), (px + 55, py + 135)],
              fill=INK)
    d.line([(px + 75, py + 60), (px + 75, py + 120)], fill=INK, width=3)
    centered(d, (px + pw // 2, py + ph + 30), "the work", font(16), GREY)
    fields = [("T", "Title", "Harbour at Dusk"), ("A", "Author", "Julia Ramos"),
              ("S", "Source", "example.com/julia/harbour"), ("L", "License", "CC BY 4.0")]
    fx, fy = 360, 70
    for i, (letter, label, value) in enumerate(fields):
        y = fy + i * 70
        d.ellipse([fx, y, fx + 48, y + 48], fill=CORAL)
        centered(d, (fx + 24, y + 24), letter, font(24, True), "white")
        d.text((fx + 64, y + 2), label.upper(), font=font(13, True), fill=GREY)
        d.text((fx + 64, y + 20), value, font=font(20), fill=INK)
    d.text((60, H - 95), "Changes: cropped to 16:9.  Keep all four fields together.",
           font=font(17), fill=INK)
    save(img, "credits-card.png")


def contrast_swatches():
    img = Image.new("RGB", (W, H), "white")
    d = ImageDraw.Draw(img)
    d.text((40, 25), "Text contrast on white (WCAG AA needs 4.5:1)", font=font(24, True), fill=INK)
    for i, fg in enumerate(["#000000", "#595959", "#767676", "#999999"]):
        y = 85 + i * 88
        ratio = contrast(fg, "#FFFFFF")
        ok = ratio >= 4.5
        d.rectangle([40, y, W - 40, y + 72], outline="#d5dadc", width=2)
        d.text((60, y + 36), "Free to read, free to share", font=font(26), fill=fg, anchor="lm")
        d.text((500, y + 22), fg, font=font(15), fill=INK, anchor="lm")
        d.text((500, y + 50), f"{ratio:.2f} : 1", font=font(17, True), fill=INK, anchor="lm")
        d.rounded_rectangle([650, y + 18, 740, y + 54], 8, fill="#2e7d32" if ok else "#b3261e")
        centered(d, (695, y + 36), "PASS" if ok else "FAIL", font(17, True), "white")
    save(img, "contrast.png")


def cover():
    cw, ch = 1600, 2400
    img = Image.new("RGB", (cw, ch), TEAL)
    d = ImageDraw.Draw(img)
    # an open book whose pages drift upward and away
    cx, base = cw // 2, 1600
    d.polygon([(cx, base), (cx - 430, base - 90), (cx - 430, base - 390), (cx, base - 300)], fill=SAND)
    d.polygon([(cx, base), (cx + 430, base - 90), (cx + 430, base - 390), (cx, base - 300)], fill="#efe4d2")
    d.line([(cx, base), (cx, base - 300)], fill=TEAL, width=6)
    for k in range(5):
        off = 60 + k * 45
        d.line([(cx - 380, base - 330 + off - k * 2), (cx - 60, base - 262 + off)], fill="#c9bba5", width=5)
        d.line([(cx + 60, base - 262 + off), (cx + 380, base - 330 + off - k * 2)], fill="#c9bba5", width=5)
    pages = [(cx + 120, 1110, 70), (cx + 300, 1000, 58), (cx - 40, 980, 50),
             (cx + 470, 860, 44), (cx + 180, 820, 38), (cx - 220, 870, 34), (cx + 580, 740, 30)]
    for i, (x, y, s) in enumerate(pages):
        fill = CORAL if i % 3 == 0 else SAND
        d.polygon([(x, y - s), (x + s, y), (x, y + s), (x - s, y)], fill=fill)
    d.text((cx, 330), "Give It Away", font=font(150, True), fill="white", anchor="mm")
    d.line([(cx - 300, 450), (cx + 300, 450)], fill=CORAL, width=8)
    d.text((cx, 540), "A Field Guide to", font=font(64), fill=SAND, anchor="mm")
    d.text((cx, 630), "Sharing Knowledge Freely", font=font(64), fill=SAND, anchor="mm")
    d.text((cx, 1880), "Mara Okafor", font=font(72, True), fill="white", anchor="mm")
    d.text((cx, 1990), "Tomás Lindqvist", font=font(72, True), fill="white", anchor="mm")
    d.text((cx, 2250), "CC BY 4.0 · free to read, free to share", font=font(38), fill=SAND,
           anchor="mm")
    save(img, "cover.png", colors=24)


if __name__ == "__main__":
    flow()
    formats()
    credits_card()
    contrast_swatches()
    cover()
