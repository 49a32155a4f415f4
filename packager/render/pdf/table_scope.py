"""Header cells' ``/Scope`` in a part's structure tree, as the HTML's ``scope`` says (PDF/UA-1 7.5).

WeasyPrint tags header cells ``/TH`` with an ``/ID`` and names them in each data
cell's ``/Headers``: a ``scope="row"`` header by the data cells of its row, any
other by those of its column. It writes no ``/Scope``, which checkers such as
pdfua look for on the header cells themselves. This reads the scope back from
that association, on the part's pydyf objects before they are written: a header
that a data cell of its own row names heads that row, one named from another row
heads its column, one named from both heads both. A header no data cell names
(a table of header cells only) heads its column, as WeasyPrint takes it.
"""

from __future__ import annotations


def add_scopes(objects) -> int:
    """Give every ``/TH`` structure element an ``/A /Scope``; return how many were given one."""
    import pydyf

    cells = [
        obj
        for obj in objects
        if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/StructElem" and obj.get("S") in ("/TH", "/TD")
    ]
    headers = {
        cell["ID"].string: cell for cell in cells if cell["S"] == "/TH" and isinstance(cell.get("ID"), pydyf.String)
    }
    scopes: dict[int, set[str]] = {}
    for cell in cells:
        attributes = cell.get("A")
        if cell["S"] != "/TD" or not isinstance(attributes, pydyf.Dictionary):
            continue
        for name in attributes.get("Headers") or ():
            header = headers.get(name.string) if isinstance(name, pydyf.String) else None
            if header is not None:
                scopes.setdefault(id(header), set()).add("Row" if header.get("P") == cell.get("P") else "Column")
    given = 0
    for cell in cells:
        if cell["S"] != "/TH":
            continue
        found = scopes.get(id(cell), {"Column"})
        attributes = cell.get("A")
        if not isinstance(attributes, pydyf.Dictionary):
            attributes = cell["A"] = pydyf.Dictionary({"O": "/Table"})
        if "Scope" not in attributes:
            attributes["Scope"] = "/Both" if len(found) == 2 else f"/{found.pop()}"
            given += 1
    return given
