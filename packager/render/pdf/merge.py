"""Join the parts of a book that were laid out separately into the PDF one render would have given.

What a single WeasyPrint render has and plain page concatenation loses, and how
it is put back here:

- **Page numbers.** A part does not know on which page it starts, so parts are
  laid out without page numbers, and the number is drawn here in the theme's
  font, size, colour and position, which ``page_number_style`` reads from a
  probe render (``worker.probe_footer``, read by ``numbers.page_number_style``). It is marked as a pagination
  artifact, as PDF/UA asks of page numbers.
- **Links between parts.** WeasyPrint drops a link to an id that its document
  does not hold, so such links are written as ``packager-xref:<id>`` URLs
  (``parts.xref_url``) and turned back here into links to the named destination,
  exactly as WeasyPrint writes internal links.
- **One structure tree.** The parts' ``/Document`` elements become one; their
  parent-tree keys (``/StructParents`` of pages, ``/StructParent`` of links)
  are shifted past the keys of the parts before them.
- **One outline** and **one name tree** for the whole book; the language,
  document info and XMP metadata (with the PDF/UA identification) of the
  front matter, which was rendered from the same HTML head as every part.

Memory: each worker writes its own part out as PDF syntax with placeholder
references (``portable.portable``, read with pikepdf); ``merge`` only renumbers those
bytes and writes them, part after part, into object streams and an xref
stream. The building process never holds a parsed book, only its bytes.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from pathlib import Path

from packager.render.pdf.numbers import FONT_KEY, PageNumberStyle
from packager.render.pdf.parts import Bookmark, MergeError, PortablePart, pdf_number
from packager.render.pdf.portable import MARKER, Writer


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
            % (page_refs[bookmark.page], pdf_number(bookmark.x).encode(), pdf_number(bookmark.y).encode()),
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
        writer = Writer({})
        writer.ref(probe.pages[0].Resources.Font[numbers.font])
        objects = writer.drain()
    base = out.allocate(len(objects)) - 1

    def replace(match) -> bytes:
        if match.group(1):
            raise MergeError("the page-number font refers to its document")
        return b"%d 0 R" % (base + int(match.group(2)))

    for number, text in enumerate(objects, start=1):
        body = MARKER.sub(replace, text)
        if number in writer.streams:
            out.stream(base + number, body, writer.streams[number])
        else:
            out.object(base + number, body)
    return base + 1


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

                return MARKER.sub(replace, text)

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
