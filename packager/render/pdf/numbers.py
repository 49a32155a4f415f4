"""Page numbers for a book laid out in parts: learnt from a probe render, drawn by the merge.

A part does not know on which page it starts, so parts are laid out without
page numbers; ``page_number_style`` reads from the probe's pages how the theme
draws the number (font, size, colour, position), and ``PageNumberStyle.content``
draws any number the same way, marked as a pagination artifact (PDF/UA).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from packager.render.pdf.parts import PROBE_PAGES, MergeError, pdf_number

FONT_KEY = "/PkgPageNumber"
_COLOUR_OPERATORS = {"g", "G", "rg", "RG", "k", "K"}


@dataclass(frozen=True)
class PageNumberStyle:
    """How the theme draws a page number, learnt from the probe render; able to draw any number."""

    probe_pdf: bytes  # holds the font (every digit), and the graphics state when there is one
    font: str  # the font's resource name in the probe
    size: float
    matrix: tuple[float, ...]  # the transformation in force where the number is drawn
    fill: tuple[bytes, ...]  # colour operators, unparsed
    y: float
    x0: float  # x = x0 - shift * width: shift is 0 left-aligned, 0.5 centred, 1 right-aligned
    shift: float
    codes: dict[str, bytes]  # digit -> glyph code
    advances: dict[str, float]  # digit -> advance, in the units of x

    def x(self, text: str) -> float:
        return self.x0 - self.shift * sum(self.advances[d] for d in text)

    def content(self, number: int) -> bytes:
        """The content stream that ends a page's own (opened by a q) and draws its number."""
        text = str(number)
        a, b, c, d, e, f = self.matrix
        ops = [
            b"Q q",
            f"{pdf_number(a)} {pdf_number(b)} {pdf_number(c)} {pdf_number(d)} {pdf_number(e)} {pdf_number(f)} cm".encode(),
        ]
        ops.append(b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC")
        ops.extend(self.fill)
        glyphs = b"".join(self.codes[digit] for digit in text).hex().encode()
        ops.append(b"BT")
        ops.append(f"1 0 0 -1 {pdf_number(self.x(text))} {pdf_number(self.y)} Tm".encode())
        ops.append(f"{FONT_KEY} {pdf_number(self.size)} Tf".encode())
        ops.append(b"<" + glyphs + b"> Tj")
        ops.append(b"ET EMC Q")
        return b"\n".join(ops) + b"\n"


def page_number_style(probe_pdf: bytes) -> PageNumberStyle:
    """Read from the probe's pages 1 to 10 how the page number is drawn; MergeError when it is not simple text."""
    import pikepdf

    with pikepdf.open(io.BytesIO(probe_pdf)) as pdf:
        if len(pdf.pages) != PROBE_PAGES:
            raise MergeError(f"the probe has {len(pdf.pages)} pages, not {PROBE_PAGES}")
        pages = [_text_blocks(page) for page in pdf.pages]
        first, second = ([block.key for block in blocks] for blocks in pages[:2])
        changed = [i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b]
        if len(first) != len(second) or len(changed) != 1:
            raise MergeError("cannot tell the page number from the rest of the page")
        blocks = [blocks[changed[0]] for blocks in pages if len(blocks) == len(first)]
        if len(blocks) != PROBE_PAGES or len({(b.font, b.size, b.y, b.matrix, b.fill, b.gstate) for b in blocks}) != 1:
            raise MergeError("the page number is not drawn the same way on every page")
        sample = blocks[0]
        if sample.gstate is not None:
            state = pdf.pages[0].Resources.ExtGState[sample.gstate]
            for key, value in state.items():
                if key != "/Type" and (key not in ("/CA", "/ca") or float(value) != 1):
                    raise MergeError("the page number is drawn with a graphics state that cannot be copied")
        font = pdf.pages[0].Resources.Font[sample.font]
        if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
            raise MergeError("the page number's font is not a CID font with Identity-H encoding")
        widths = _cid_widths(font.DescendantFonts[0])
        codes: dict[str, bytes] = {}
        for number, block in enumerate(blocks, start=1):
            text = str(number)
            glyphs = [block.glyphs[i : i + 2] for i in range(0, len(block.glyphs), 2)]
            if len(glyphs) != len(text):
                raise MergeError(f"page {number} shows {len(glyphs)} glyphs for its number")
            for digit, glyph in zip(text, glyphs, strict=True):
                if codes.setdefault(digit, glyph) != glyph:
                    raise MergeError(f"the digit {digit} is drawn with two glyphs")
        if sorted(codes) != list("0123456789"):
            raise MergeError("the probe does not show every digit")
        advances = {d: widths.get(int.from_bytes(g, "big"), 1000) / 1000 * sample.size for d, g in codes.items()}

        def width(n: int) -> float:
            return sum(advances[d] for d in str(n))

        x1, x10 = blocks[0].x, blocks[9].x
        shift = (x1 - x10) / (width(10) - width(1))
        x0 = x1 + shift * width(1)
        for number, block in enumerate(blocks, start=1):
            if abs(x0 - shift * width(number) - block.x) > 0.01:
                raise MergeError("the page number's position does not follow its width")
        for candidate in (0.0, 0.5, 1.0):
            if abs(shift - candidate) < 0.001:
                shift = candidate
        return PageNumberStyle(
            probe_pdf=probe_pdf,
            font=sample.font,
            size=sample.size,
            matrix=sample.matrix,
            fill=sample.fill,
            y=sample.y,
            x0=x0,
            shift=shift,
            codes=codes,
            advances=advances,
        )


@dataclass(frozen=True)
class _TextBlock:
    key: bytes  # the block and what precedes it, unparsed: equal blocks draw the same thing
    font: str
    size: float
    x: float
    y: float
    matrix: tuple[float, ...]
    fill: tuple[bytes, ...]
    gstate: str | None
    glyphs: bytes


def _multiply(m, n) -> tuple[float, ...]:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _text_blocks(page) -> list[_TextBlock]:
    """Every BT … ET of a page: its font, size, position, colour and the transformation it is drawn in."""
    import pikepdf

    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    ctm, stack = identity, []
    fill: list[bytes] = []
    gstate = None
    blocks = []
    current = None
    for instruction in pikepdf.parse_content_stream(page):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            continue
        operands, operator = instruction.operands, str(instruction.operator)
        if operator == "q":
            stack.append((ctm, list(fill), gstate))
        elif operator == "Q":
            ctm, fill, gstate = stack.pop() if stack else (identity, [], None)
        elif operator == "cm":
            ctm = _multiply(tuple(float(v) for v in operands), ctm)
        elif operator in _COLOUR_OPERATORS:
            fill.append(pikepdf.unparse_content_stream([instruction]))
        elif operator == "gs":
            gstate = str(operands[0])
        elif operator == "BT":
            current = {"ops": [], "font": None, "size": 0.0, "x": 0.0, "y": 0.0, "glyphs": b"", "simple": True}
        elif operator == "ET" and current is not None:
            if current["simple"] and current["font"] is not None:
                key = b"".join(current["ops"]) + b"".join(fill) + repr((ctm, gstate)).encode()
                blocks.append(
                    _TextBlock(
                        key,
                        current["font"],
                        current["size"],
                        current["x"],
                        current["y"],
                        ctm,
                        tuple(fill),
                        gstate,
                        current["glyphs"],
                    )
                )
            current = None
        elif current is not None:
            current["ops"].append(pikepdf.unparse_content_stream([instruction]))
            if operator == "Tf":
                current["font"], current["size"] = str(operands[0]), float(operands[1])
            elif operator == "Tm":
                a, b, c, d, e, f = (float(v) for v in operands)
                current["simple"] &= (a, b, c, d) == (1, 0, 0, -1)
                current["x"], current["y"] = e, f
            elif operator == "TJ":
                for item in operands[0]:
                    if isinstance(item, pikepdf.String):
                        current["glyphs"] += bytes(item)
                    elif float(item) != 0:
                        current["simple"] = False
            elif operator == "Tj":
                current["glyphs"] += bytes(operands[0])
            else:
                current["simple"] = False
    return blocks


def _cid_widths(cid_font) -> dict[int, float]:
    """The /W array of a CIDFont as {cid: width in 1/1000 em}."""
    import pikepdf

    widths: dict[int, float] = {}
    items = list(cid_font.get("/W", []))
    i = 0
    while i < len(items):
        first = int(items[i])
        if i + 1 < len(items) and isinstance(items[i + 1], pikepdf.Array):
            for offset, w in enumerate(items[i + 1]):
                widths[first + offset] = float(w)
            i += 2
        else:
            last, w = int(items[i + 1]), float(items[i + 2])
            for cid in range(first, last + 1):
                widths[cid] = w
            i += 3
    return widths
