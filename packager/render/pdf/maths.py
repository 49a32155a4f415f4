"""Formulas for the PDF: each <math> drawn as vector SVG by ziamath, tagged /Formula with its TeX as /Alt.

ziamath lays the MathML out in its own maths font (STIX Two Math) and draws
every glyph as a path: the page shows the formula, its text layer holds no
TeX. Each formula becomes ``<img class="math" alt="TeX">`` whose source is the
SVG as a data URL, sized in em (it follows the text size) and, inline, moved
down by its depth so that its baseline is the line's. WeasyPrint tags an image
``/Figure``; ``tag_formulas`` makes those of formulas ``/Formula``. Drawings
are kept by (MathML, display) for the life of the process.
"""

from __future__ import annotations

import base64
import logging
from functools import lru_cache

from lxml import etree

log = logging.getLogger("packager")

SVG_DATA = "data:image/svg+xml;base64,"
_SIZE = 16.0  # ziamath's pixels per em: the drawing is scaled to the text around it
_MARGIN = 1.0  # ziamath's margin around the drawing, in its pixels
_MATHML_NS = "http://www.w3.org/1998/Math/MathML"


def draw_formulas(root) -> None:
    """Replace every <math> under root (an lxml.html tree) by the <img> of its drawing."""
    for math in list(root.iter("math")):
        if math.getparent() is None:
            continue
        tex = math.get("alttext") or ""
        display = math.get("display") == "block"
        drawing = _drawing(_mathml(math), display)
        if drawing is None:
            shown = etree.Element("code", {"class": "math-error"})
            shown.text = tex
        else:
            src, width, height, depth = drawing
            style = f"width: {width:.3f}em; height: {height:.3f}em"
            if not display:
                style += f"; vertical-align: {-depth:.3f}em"
            shown = etree.Element(
                "img", {"src": src, "alt": tex, "class": "math display" if display else "math", "style": style}
            )
        if math.get("id"):
            shown.set("id", math.get("id"))
        shown.tail = math.tail
        math.getparent().replace(math, shown)


def _mathml(math) -> str:
    """The formula's MathML as ziamath reads it: no namespace, no attributes of the HTML around it."""
    copy = etree.fromstring(etree.tostring(math, method="xml", with_tail=False))
    for el in copy.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            el.tag = etree.QName(el).localname
    for name in ("xmlns", "alttext", "id"):
        copy.attrib.pop(name, None)
    etree.cleanup_namespaces(copy)
    return etree.tostring(copy, encoding="unicode")


@lru_cache(maxsize=8192)
def _drawing(mathml: str, display: bool) -> tuple[str, float, float, float] | None:
    """The SVG data URL, width, height and depth below the baseline (in em) of a formula, or None."""
    try:
        import ziamath

        ziamath.config.svg2 = False  # paths drawn where they stand: no <symbol>/<use> for WeasyPrint to resolve
        formula = ziamath.Math(mathml, size=_SIZE, margin=_MARGIN)
        svg = formula.svg()
        width, height = formula.getsize()
        depth = _MARGIN - formula.getyofst()
    except Exception as error:  # noqa: BLE001 - a drawing that fails leaves the TeX readable, never the build stopped
        log.warning("a formula could not be drawn for the PDF (%s); its TeX is shown instead", error)
        return None
    src = SVG_DATA + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return src, (width + 2 * _MARGIN) / _SIZE, (height + 2 * _MARGIN) / _SIZE, depth / _SIZE


def svg_response(url: str) -> bytes | None:
    """The SVG bytes of a drawing's data URL, or None when url is not one."""
    if not url.startswith(SVG_DATA):
        return None
    try:
        return base64.b64decode(url[len(SVG_DATA) :], validate=True)
    except ValueError:
        return None


def tag_formulas() -> None:
    """Make WeasyPrint tag a formula's image /Formula, not /Figure (its /Alt, the TeX, stays)."""
    from weasyprint.pdf import tags

    original = getattr(tags, "_build_box_tree", None)
    if original is None or getattr(original, "formulas", False):
        return  # not the WeasyPrint this was written for, or done already

    def build_box_tree(box, *args):
        for element in original(box, *args):
            source = getattr(getattr(box, "_box", box), "element", None)
            if element.get("S") == "/Figure" and source is not None and _is_formula_image(source):
                element["S"] = "/Formula"
            yield element

    build_box_tree.formulas = True
    tags._build_box_tree = build_box_tree


def _is_formula_image(element) -> bool:
    return element.tag == "img" and "math" in (element.get("class") or "").split()
