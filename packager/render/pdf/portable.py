"""Write out a laid-out part's objects, in the worker that made it, ready to take their numbers in the book.

The merge then only renumbers bytes and never holds a parsed book.
"""

from __future__ import annotations

import io
import re
import zlib
from decimal import Decimal
from urllib.parse import unquote

from packager.render.pdf.parts import XREF_SCHEME, MergeError, PortablePart, pdf_number

# The worker that laid a part out also writes its objects as PDF syntax in which every reference
# is a marker that the book's writer replaces, so the merge never has to hold a parsed book:
#   \0<n>\0    the part's object n (numbered 1, 2, ... in the order they were reached: pages first)
#   \0D\0      the book's /Document structure element (the parent of the part's top-level elements)
#   \0T\0      the book's page tree (the /Parent of every page)
#   \0k<v>\0   the part's parent-tree key v, shifted past the keys of the parts before it
#   \0L<i>\0   the part's i-th link to an id held by another part: /Dest and /Contents naming it
#   \0X\0      an object of the part that the book replaces (catalog, structure root): an error
# Strings are written in hex and names escape NUL, so a NUL byte can only be part of a marker.

MARKER = re.compile(rb"\x00([DTkLX]?)(\d*)\x00")


class Writer:
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
            return pdf_number(obj).encode()
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
                if "/Filter" not in obj.stream_dict:  # the part was written uncompressed (worker.render_part)
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
        writer = Writer(special)
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
