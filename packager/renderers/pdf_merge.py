"""Join the parts of a book that were laid out separately into the PDF one render would have given.

What a single WeasyPrint render has and plain page concatenation loses, and how
it is put back here:

- **Page numbers.** A part does not know on which page it starts, so parts are
  laid out without page numbers, and the number is drawn here in the theme's
  font, size, colour and position, which ``page_number_style`` reads from a
  probe render (``pdf_worker.probe_footer``). It is marked as a pagination
  artifact, as PDF/UA asks of page numbers.
- **Links between parts.** WeasyPrint drops a link to an id that its document
  does not hold, so such links are written as ``packager-xref:<id>`` URLs
  (``xref_url``) and turned back here into links to the named destination,
  exactly as WeasyPrint writes internal links.
- **One structure tree.** The parts' ``/Document`` elements become one; their
  parent-tree keys (``/StructParents`` of pages, ``/StructParent`` of links)
  are shifted past the keys of the parts before them.
- **One outline** and **one name tree** for the whole book; the language,
  document info and XMP metadata (with the PDF/UA identification) of the
  front matter, which was rendered from the same HTML head as every part.

Memory: each worker writes its own part out as PDF syntax with placeholder
references (``portable``, read with pikepdf); ``merge`` only renumbers those
bytes and writes them, part after part, into object streams and an xref
stream. The building process never holds a parsed book, only its bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, unquote

from packager.renderers.pdf_worker import PROBE_PAGES, Bookmark

XREF_SCHEME = "packager-xref:"
FONT_KEY = "/PkgPageNumber"
_COLOUR_OPERATORS = {"g", "G", "rg", "RG", "k", "K"}


class MergeError(RuntimeError):
    """The parts cannot be joined into what a single render gives: render the book in one go instead."""


def xref_url(name: str) -> str:
    """The URL that stands, inside one part, for a link to an id held by another part."""
    return XREF_SCHEME + quote(name, safe="")


# --------------------------------------------------------------------------- page numbers


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
        ops = [b"Q q", f"{_num(a)} {_num(b)} {_num(c)} {_num(d)} {_num(e)} {_num(f)} cm".encode()]
        ops.append(b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC")
        ops.extend(self.fill)
        glyphs = b"".join(self.codes[digit] for digit in text).hex().encode()
        ops.append(b"BT")
        ops.append(f"1 0 0 -1 {_num(self.x(text))} {_num(self.y)} Tm".encode())
        ops.append(f"{FONT_KEY} {_num(self.size)} Tf".encode())
        ops.append(b"<" + glyphs + b"> Tj")
        ops.append(b"ET EMC Q")
        return b"\n".join(ops) + b"\n"


def _num(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


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


# --------------------------------------------------------------------------- outline


def bookmark_tree(bookmarks: list[Bookmark]) -> list:
    """Nest bookmarks by their CSS bookmark-level as WeasyPrint does: [(bookmark, children), ...]."""
    root: list = []
    skipped_levels: list[int] = []
    last_by_depth = [root]
    previous_level = 0
    for bookmark in bookmarks:
        level = bookmark.level
        if level > previous_level:
            skipped_levels.append(level - previous_level - 1)
        else:
            temp = level
            while temp < previous_level:
                temp += 1 + skipped_levels.pop()
            if temp > previous_level:
                skipped_levels.append(temp - previous_level - 1)
        previous_level = level
        depth = level - sum(skipped_levels)
        children: list = []
        last_by_depth[depth - 1].append((bookmark, children))
        del last_by_depth[depth:]
        last_by_depth.append(children)
    return root


def _write_outline(out, tree, page_refs: list[bytes]) -> int | None:
    """Write the outline as WeasyPrint's add_outlines does; return its root object's number."""
    if not tree:
        return None
    root = out.allocate()
    first, last, count = _write_outline_level(out, tree, page_refs, root)
    out.object(root, b"<</Count %d /First %d 0 R /Last %d 0 R>>" % (count, first, last))
    return root


def _write_outline_level(out, tree, page_refs: list[bytes], parent: int) -> tuple[int, int, int]:
    numbers = [out.allocate() for _ in tree]
    count = len(tree)
    for i, ((bookmark, children), number) in enumerate(zip(tree, numbers, strict=True)):
        child_count = 0
        fields = [
            b"/Title " + _string(bookmark.label),
            b"/Dest [%s /XYZ %s %s 0]"
            % (page_refs[bookmark.page], _num(bookmark.x).encode(), _num(bookmark.y).encode()),
            b"/Parent %d 0 R" % parent,
        ]
        if children:
            first, last, child_count = _write_outline_level(out, children, page_refs, number)
            fields.append(b"/First %d 0 R /Last %d 0 R" % (first, last))
        closed = bookmark.state == "closed"
        fields.append(b"/Count %d" % (-child_count if closed else child_count))
        if not closed:
            count += child_count
        if i > 0:
            fields.append(b"/Prev %d 0 R" % numbers[i - 1])
        if i + 1 < len(numbers):
            fields.append(b"/Next %d 0 R" % numbers[i + 1])
        out.object(number, b"<<" + b" ".join(fields) + b">>")
    return numbers[0], numbers[-1], count


def _write_font(out, numbers: PageNumberStyle) -> int:
    """Copy the probe's page-number font (with its descendant font, widths and file) into the book."""
    import pikepdf

    with pikepdf.open(io.BytesIO(numbers.probe_pdf)) as probe:
        writer = _Writer({})
        writer.ref(probe.pages[0].Resources.Font[numbers.font])
        objects = writer.drain()
    base = out.allocate(len(objects)) - 1

    def replace(match) -> bytes:
        if match.group(1):
            raise MergeError("the page-number font refers to its document")
        return b"%d 0 R" % (base + int(match.group(2)))

    for number, text in enumerate(objects, start=1):
        body = _MARKER.sub(replace, text)
        if number in writer.streams:
            out.stream(base + number, body, writer.streams[number])
        else:
            out.object(base + number, body)
    return base + 1


# --------------------------------------------------------------------------- a part, ready to be numbered into the book
#
# The worker that laid a part out also writes its objects as PDF syntax in which every reference
# is a marker that the book's writer replaces, so the merge never has to hold a parsed book:
#   \0<n>\0    the part's object n (numbered 1, 2, ... in the order they were reached: pages first)
#   \0D\0      the book's /Document structure element (the parent of the part's top-level elements)
#   \0T\0      the book's page tree (the /Parent of every page)
#   \0k<v>\0   the part's parent-tree key v, shifted past the keys of the parts before it
#   \0L<i>\0   the part's i-th link to an id held by another part: /Dest and /Contents naming it
#   \0X\0      an object of the part that the book replaces (catalog, structure root): an error
# Strings are written in hex and names escape NUL, so a NUL byte can only be part of a marker.

_MARKER = re.compile(rb"\x00([DTkLX]?)(\d*)\x00")


@dataclass(frozen=True)
class PortablePart:
    """A laid-out part's objects, written out ready to take their numbers in the book."""

    objects: tuple[bytes, ...]  # object n is objects[n - 1]: a dictionary, an array or a value
    streams: dict[int, bytes]  # n -> the raw (still encoded) data of a stream; its dictionary lacks /Length
    pages: tuple[int, ...]  # the pages, in order (their dictionaries lack /Contents)
    contents: tuple[bytes, ...]  # each page's /Contents value
    fonts: tuple[int, ...]  # the font resources of the pages: where a page number's font is added
    xrefs: tuple[str, ...]  # the ids that the \0L<i>\0 links point at
    parent_tree: tuple[tuple[int, bytes], ...]
    next_key: int  # one more than the part's largest parent-tree key
    dests: tuple[tuple[str, bytes], ...]  # named destinations: id -> [page /XYZ x y 0]
    tops: tuple[bytes, ...] = ()  # the part's top-level structure elements
    role_map: tuple[tuple[str, bytes], ...] = ()
    lang: bytes | None = None  # the book's language, document info and XMP metadata: taken from the first part
    info: bytes | None = None
    metadata: int | None = None


class _Writer:
    """Turn pikepdf objects into marker-referenced PDF syntax, numbering what they refer to."""

    def __init__(self, special: dict):
        import pikepdf

        self.pikepdf = pikepdf
        self.special = special  # objgen -> marker
        self.numbers: dict[tuple[int, int], int] = {}
        self.queue: list = []
        self.names: dict[str, bytes] = {}
        self.xrefs: list[str] = []
        self.pages: dict[tuple[int, int], bytes] = {}  # page objgen -> /Contents, left out of the page
        self.contents: dict[tuple[int, int], bytes] = {}

    def ref(self, obj) -> bytes:
        key = obj.objgen
        marker = self.special.get(key)
        if marker is not None:
            return marker
        number = self.numbers.get(key)
        if number is None:
            number = self.numbers[key] = len(self.numbers) + 1
            self.queue.append(obj)
        return b"\x00%d\x00" % number

    def name(self, key: str) -> bytes:
        unparsed = self.names.get(key)
        if unparsed is None:
            unparsed = self.names[key] = self.pikepdf.Name(key).unparse()
        return unparsed

    def value(self, obj, top: bool = False) -> bytes:
        pikepdf = self.pikepdf
        if isinstance(obj, bool):
            return b"true" if obj else b"false"
        if isinstance(obj, int):
            return b"%d" % obj
        if isinstance(obj, Decimal):
            return format(obj, "f").encode()
        if isinstance(obj, float):
            return _num(obj).encode()
        if obj is None:
            return b"null"
        if not top and obj.is_indirect:
            return self.ref(obj)
        if isinstance(obj, pikepdf.Name):
            return obj.unparse()
        if isinstance(obj, pikepdf.String):
            return b"<" + bytes(obj).hex().encode() + b">"
        if isinstance(obj, pikepdf.Array):
            return b"[" + b" ".join(self.value(item) for item in obj) + b"]"
        if isinstance(obj, pikepdf.Stream):
            return self.dictionary(obj, obj.stream_dict.items(), skip=("/Length",))
        if isinstance(obj, pikepdf.Dictionary):
            return self.dictionary(obj, obj.items())
        return obj.unparse()

    def dictionary(self, obj, items, skip=()) -> bytes:
        out = [b"<<"]
        if obj.is_indirect and obj.objgen in self.pages:
            skip = (*skip, "/Contents")
            self.contents[obj.objgen] = self.value(obj.Contents)
        action = obj.get("/A") if "/Subtype" in obj and obj.get("/Subtype") == "/Link" else None
        if action is not None and action.get("/S") == "/URI" and str(action.get("/URI")).startswith(XREF_SCHEME):
            skip = (*skip, "/A", "/Contents")
            out.append(b"\x00L%d\x00" % len(self.xrefs))
            self.xrefs.append(unquote(str(action.URI)[len(XREF_SCHEME) :]))
        for key, value in items:
            if key in skip:
                continue
            if key in ("/StructParents", "/StructParent"):
                out.append(self.name(key) + b" \x00k%d\x00" % int(value))
            else:
                out.append(self.name(key) + b" " + self.value(value))
        out.append(b">>")
        return b" ".join(out)

    def drain(self) -> list[bytes]:
        objects, streams = [], {}
        while len(objects) < len(self.queue):
            obj = self.queue[len(objects)]
            objects.append(self.value(obj, top=True))
            if isinstance(obj, self.pikepdf.Stream):
                data = obj.read_raw_bytes()
                if "/Filter" not in obj.stream_dict:  # the part was written uncompressed (pdf_worker.render_part)
                    data = zlib.compress(data, STREAM_LEVEL)
                    objects[-1] = objects[-1][: -len(b">>")] + b"/Filter /FlateDecode >>"
                streams[len(objects)] = data
        self.streams = streams
        return objects


#: zlib level for the streams a part leaves uncompressed. WeasyPrint would use 9, and compress its
#: small objects too, which portable() would at once undo. On a 37-page part level 6 took 12 ms
#: instead of 38 ms, for streams 2.6% larger.
STREAM_LEVEL = 6


def portable(pdf_bytes: bytes, document_info: bool = True) -> PortablePart:
    """Write out a part's objects (see the markers above) for the book's writer.

    document_info: keep the part's document info and XMP metadata (the merge uses the first part's only).
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        root = pdf.Root
        structure = root.get("/StructTreeRoot")
        if structure is None or "/AcroForm" in root:
            raise MergeError("a part is not tagged, or has form fields")
        documents = list(structure.K) if isinstance(structure.K, pikepdf.Array) else [structure.K]
        if len(documents) != 1:
            raise MergeError("a part's structure tree has more than one root element")
        special = {root.objgen: b"\x00X\x00", structure.objgen: b"\x00X\x00", root.Pages.objgen: b"\x00T\x00"}
        special[documents[0].objgen] = b"\x00D\x00"
        writer = _Writer(special)
        number = lambda marker: int(marker[1:-1])  # noqa: E731
        pages = []
        for page in pdf.pages:
            if page.obj.get("/Parent") is None or page.obj.Parent.objgen != root.Pages.objgen:
                raise MergeError("a part's page tree is not flat")
            writer.pages[page.obj.objgen] = b""
            pages.append(number(writer.ref(page.obj)))
        fonts = set()
        for page in pdf.pages:
            font = page.obj.get("/Resources", {}).get("/Font")
            if font is None or not font.is_indirect:
                raise MergeError("a part's pages have no font resources of their own")
            fonts.add(number(writer.ref(font)))
        tops = [writer.value(kid) for kid in documents[0].K]
        parent_tree = [(key, writer.value(value)) for key, value in _number_tree(structure.ParentTree)]
        names = root.get("/Names")
        dests = (
            [(name, writer.value(dest)) for name, dest in _name_tree(names.Dests)]
            if names and "/Dests" in names
            else []
        )
        role_map = [(str(k), writer.value(v)) for k, v in (structure.get("/RoleMap") or {}).items()]
        metadata = writer.ref(root.Metadata) if document_info and "/Metadata" in root else None
        info = writer.value(pdf.trailer.Info, top=True) if document_info and "/Info" in pdf.trailer else None
        lang = writer.value(root.Lang) if "/Lang" in root else None
        objects = writer.drain()
        if any(b"\x00X\x00" in text for text in objects):
            raise MergeError("a part refers to its own catalog or structure root")
        return PortablePart(
            objects=tuple(objects),
            streams=writer.streams,
            pages=tuple(pages),
            contents=tuple(writer.contents[page.obj.objgen] for page in pdf.pages),
            fonts=tuple(sorted(fonts)),
            xrefs=tuple(writer.xrefs),
            parent_tree=tuple(parent_tree),
            next_key=max([int(structure.get("/ParentTreeNextKey", 0)), *(key + 1 for key, _ in parent_tree)]),
            dests=tuple(dests),
            tops=tuple(tops),
            role_map=tuple(role_map),
            lang=lang,
            info=info,
            metadata=number(metadata) if metadata else None,
        )


def _number_tree(node) -> list[tuple[int, object]]:
    """The (key, value) pairs of a number tree, in order."""
    nums = list(node.get("/Nums", []))
    pairs = [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2)]
    for kid in node.get("/Kids", []):
        pairs.extend(_number_tree(kid))
    return pairs


def _name_tree(node) -> list[tuple[str, object]]:
    """The (name, value) pairs of a name tree, in order."""
    names = list(node.get("/Names", []))
    pairs = [(str(names[i]), names[i + 1]) for i in range(0, len(names), 2)]
    for kid in node.get("/Kids", []):
        pairs.extend(_name_tree(kid))
    return pairs


# --------------------------------------------------------------------------- writing the book


class _PdfFile:
    """A PDF 1.7 file written front to back: objects packed into object streams, an xref stream."""

    OBJECTS_PER_STREAM = 200

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.md5(usedforsecurity=False)
        self.offset = 0
        self.next = 1
        self.entries: dict[int, tuple[int, int, int]] = {}
        self.pending: list[tuple[int, bytes]] = []
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def allocate(self, count: int = 1) -> int:
        first, self.next = self.next, self.next + count
        return first

    def _write(self, data: bytes) -> None:
        self.handle.write(data)
        self.digest.update(data)
        self.offset += len(data)

    def object(self, number: int, body: bytes) -> None:
        self.pending.append((number, body))
        if len(self.pending) >= self.OBJECTS_PER_STREAM:
            self.flush()

    def stream(self, number: int, dictionary: bytes, data: bytes) -> None:
        self.entries[number] = (1, self.offset, 0)
        head = dictionary[:-2].rstrip() + b" /Length %d>>" % len(data)
        self._write(b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\n" % (number, head, data))

    def flush(self) -> None:
        if not self.pending:
            return
        header, position = [], 0
        for number, body in self.pending:
            header.append(b"%d %d" % (number, position))
            position += len(body) + 1
        head = b" ".join(header) + b"\n"
        data = zlib.compress(head + b"\n".join(body for _, body in self.pending) + b"\n", 6)
        number = self.allocate()
        for index, (member, _) in enumerate(self.pending):
            self.entries[member] = (2, number, index)
        count, self.pending = len(self.pending), []
        self.stream(number, b"<</Type /ObjStm /N %d /First %d /Filter /FlateDecode>>" % (count, len(head)), data)

    def close(self, root: int, info: int | None, identifier: bytes) -> None:
        self.flush()
        number = self.allocate()
        self.entries[number] = (1, self.offset, 0)
        rows = []
        for n in range(self.next):
            kind, field2, field3 = self.entries.get(n, (0, 0, 65535 if n == 0 else 0))
            rows.append(bytes([kind]) + field2.to_bytes(4, "big") + field3.to_bytes(2, "big"))
        data = zlib.compress(b"".join(rows), 6)
        file_id = b"<%s><%s>" % (identifier.hex().encode(), self.digest.hexdigest().encode())
        trailer = b"<</Type /XRef /Size %d /W [1 4 2] /Root %d 0 R%s /ID [%s] /Filter /FlateDecode /Length %d>>" % (
            self.next,
            root,
            b" /Info %d 0 R" % info if info else b"",
            file_id,
            len(data),
        )
        start = self.offset
        self._write(b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\n" % (number, trailer, data))
        self._write(b"startxref\n%d\n%%%%EOF\n" % start)


def _string(text: str) -> bytes:
    import pikepdf

    return pikepdf.String(text).unparse()


def _name(text: str) -> bytes:
    import pikepdf

    return pikepdf.Name(text).unparse()


def merge(
    parts: list[PortablePart],
    numbered: list[bool],
    numbers: PageNumberStyle | None,
    bookmarks: list[Bookmark],
    identifier: bytes,
    target: Path,
) -> int:
    """Write the parts, in order, as one PDF to target; return its page count.

    ``numbered[i]`` says whether part i gets page numbers drawn (its own were left
    out); ``bookmarks`` carry page indexes in the merged book. The parts are written
    one after the other, and nothing of a part is parsed again: memory stays small.
    """
    front = parts[0]
    dests_owner: dict[str, int] = {}
    for index, part in enumerate(parts):
        for name, _ in part.dests:
            dests_owner.setdefault(name, index)

    with open(target, "wb") as handle:
        out = _PdfFile(handle)
        catalog, page_tree, structure, document, opening = (out.allocate() for _ in range(5))
        stamp_font = _write_font(out, numbers) if numbers is not None and any(numbered) else None
        if stamp_font is not None:
            out.stream(opening, b"<<>>", b"q\n")
        page_refs: list[bytes] = []
        tops: list[bytes] = []
        nums: list[bytes] = []
        dests: dict[str, bytes] = {}
        role_map: dict[str, bytes] = {}
        key_base = 0
        metadata = None
        for index, part in enumerate(parts):
            base = out.allocate(len(part.objects)) - 1
            links = [
                (
                    b"/Dest %s /Contents %s" % (_string(n), _string(n))
                    if n in dests_owner
                    else b"/Contents " + _string(n)
                )
                for n in part.xrefs
            ]

            def renumber(text: bytes, base=base, key_base=key_base, links=links) -> bytes:
                def replace(match) -> bytes:
                    kind, value = match.group(1), match.group(2)
                    if not kind:
                        return b"%d 0 R" % (base + int(value))
                    if kind == b"D":
                        return b"%d 0 R" % document
                    if kind == b"T":
                        return b"%d 0 R" % page_tree
                    if kind == b"k":
                        return b"%d" % (key_base + int(value))
                    if kind == b"L":
                        return links[int(value)]
                    raise MergeError("a part refers to an object that the book replaces")

                return _MARKER.sub(replace, text)

            stamped = numbered[index] and stamp_font is not None
            fonts = set(part.fonts) if stamped else set()
            contents = dict(zip(part.pages, part.contents, strict=True))
            for number, text in enumerate(part.objects, start=1):
                body = renumber(text)
                if number in contents:
                    page_contents = renumber(contents[number])
                    if stamped:
                        stamp = out.allocate()
                        inner = page_contents[1:-1] if page_contents.startswith(b"[") else page_contents
                        page_contents = b"[%d 0 R %s %d 0 R]" % (opening, inner, stamp)
                        out.stream(
                            stamp,
                            b"<</Filter /FlateDecode>>",
                            zlib.compress(numbers.content(len(page_refs) + 1), 6),
                        )
                    body = body[:-2] + b" /Contents " + page_contents + b">>"
                    page_refs.append(b"%d 0 R" % (base + number))
                elif number in fonts:
                    body = body[:-2] + b" %s %d 0 R>>" % (FONT_KEY.encode(), stamp_font)
                if number in part.streams:
                    out.stream(base + number, body, part.streams[number])
                else:
                    out.object(base + number, body)
            tops.extend(renumber(top) for top in part.tops)
            if index == 0 and part.metadata is not None:
                metadata = base + part.metadata
            nums.extend(b"%d %s" % (key + key_base, renumber(value)) for key, value in part.parent_tree)
            for name, dest in part.dests:
                if dests_owner[name] == index and name not in dests:
                    dests[name] = renumber(dest)
            for role, standard in part.role_map:
                role_map.setdefault(role, renumber(standard))
            key_base += part.next_key

        out.object(document, b"<</Type /StructElem /S /Document /K [%s] /P %d 0 R>>" % (b" ".join(tops), structure))
        parent_tree = out.allocate()
        out.object(parent_tree, b"<</Nums [%s]>>" % b" ".join(nums))
        roles = b" ".join(b"%s %s" % (_name(r), v) for r, v in sorted(role_map.items()))
        out.object(
            structure,
            b"<</Type /StructTreeRoot /K [%d 0 R] /ParentTree %d 0 R /ParentTreeNextKey %d%s>>"
            % (document, parent_tree, key_base, b" /RoleMap <<%s>>" % roles if roles else b""),
        )
        out.object(page_tree, b"<</Type /Pages /Kids [%s] /Count %d>>" % (b" ".join(page_refs), len(page_refs)))
        outline = _write_outline(out, bookmark_tree(bookmarks), page_refs)
        entries = []
        for name in sorted(dests):
            entries.append(_string(name) + b" " + dests[name])
        names = out.allocate()
        out.object(names, b"<</Names [%s]>>" % b" ".join(entries))
        extras = [b"/Names <</Dests %d 0 R>>" % names]
        if outline:
            extras.append(b"/Outlines %d 0 R" % outline)
        if front.lang is not None:
            extras.append(b"/Lang " + front.lang)
        if metadata is not None:
            extras.append(b"/Metadata %d 0 R" % metadata)
        out.object(
            catalog,
            b"<</Type /Catalog /Pages %d 0 R /StructTreeRoot %d 0 R /MarkInfo <</Marked true>> "
            b"/ViewerPreferences <</DisplayDocTitle true>> %s>>" % (page_tree, structure, b" ".join(extras)),
        )
        info = None
        if front.info is not None:
            info = out.allocate()
            out.object(info, front.info)
        out.close(catalog, info, identifier)
    return len(page_refs)
